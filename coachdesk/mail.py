"""E-mailing a report: ``.eml`` drafts and an SMTP outbox kept as files.

Two ways to send, both without Qt:

* **Draft**: :func:`write_draft` writes an RFC 5322 ``.eml`` file with the PDF
  attached and the header ``X-Unsent: 1``. The UI then asks the system to open
  that file (``QDesktopServices.openUrl``); Outlook, Apple Mail and Thunderbird
  open such a file as a new message ready to edit and send. If nothing opens
  it, the UI reveals the file and tells the coach to drag it into their mail
  program. This module does not open anything itself.
* **Direct SMTP**: :func:`queue` puts a message in the outbox folder (one
  ``.eml`` file per message, written atomically), and :func:`send_outbox`
  sends whatever is there. Sent messages move to ``sent/``; failed ones stay
  in the outbox with a plain-words reason. Because the outbox is just files,
  it survives a crash or a restart by construction.

The SMTP settings (server, port, security, user, from address) are plain data
in the ``setting`` table; the password lives only in the system keyring under
the service name ``"CoachDesk SMTP"`` and is never written to the database.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import ipaddress
import logging
import os
import smtplib
import socket
import ssl
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from .errors import CoachDeskError, ValidationError
from .filenames import MAX_NAME_BYTES, fit_bytes, temp_name
from .mail_headers import attach_pdf, display_address, parse_addresses, set_addresses

KEYRING_SERVICE = "CoachDesk SMTP"
SETTINGS_KEY = "smtp"
SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_TIMEOUT_S = 20.0

# A login over a connection without encryption would send the password, and then the report,
# readable by anyone on the way: refused, except to a relay on this very computer.
PLAIN_LOGIN_REFUSED = (
    "With a password, CoachDesk only sends over an encrypted connection (SSL/TLS or STARTTLS), "
    "so that nobody on the way can read the password or the report. Choose SSL/TLS or "
    "STARTTLS; security “None” with a user name is only for a mail relay on this computer "
    "(localhost).")

# RFC 5322 wants CRLF line ends and 78-character folding: the SMTP policy does both.
log = logging.getLogger(__name__)

POLICY = email.policy.SMTP


# -- building messages ----------------------------------------------------------------------


def _one_line(text: str) -> str:
    """Header text on one line: a pasted line break must not start a new header."""
    return " ".join(str(text or "").split())


def _recipients(to: str | Iterable[str]) -> list[str]:
    """The addresses in ``to`` as the coach reads them (``Zoë Jäger <zoe@example.org>``, not
    encoded); ``ValidationError`` on "to" if one is not an address (``parse_addresses``)."""
    return [display_address(name, addr) for name, addr in parse_addresses(to)]


def make_eml(to: str | Iterable[str], subject: str, body: str, attachment: Path | None,
             sender: str | None = None, *, draft: bool = True,
             cc: str | Iterable[str] | None = None) -> bytes:
    """An RFC 5322 message (UTF-8) with ``attachment`` as ``application/pdf``.

    ``to`` (and ``cc``) is one address or several (``"Zoë Ärger <zoe@example.org>"``,
    ``'"Jäger, Zoë" <zoe@example.org>'``): names in any script are RFC 2047-encoded and
    folded by ``mail_headers``, the subject by the ``email`` package; the PDF's name is
    given in every form (``mail_headers.attach_pdf``). ``ValidationError`` (field "to",
    "cc" or "attachment") for a bad address or an unreadable file. ``draft`` adds ``X-Unsent: 1`` so mail programs open the file as a new
    message to send; messages for the SMTP outbox are built with
    ``draft=False``.
    """
    recipients = parse_addresses(to)
    msg = EmailMessage(policy=POLICY)
    if sender:  # names in any script: encoded and folded by mail_headers, as mail programs do
        set_addresses(msg, "From", parse_addresses(sender)[:1])
    set_addresses(msg, "To", recipients)
    if cc:
        set_addresses(msg, "Cc", parse_addresses(cc, "cc"))
    msg["Subject"] = _one_line(subject)
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid(domain="coachdesk.invalid")
    if draft:
        msg["X-Unsent"] = "1"
    # quoted-printable keeps the file 7-bit: any mail program and any SMTP server reads it
    body = body or ""
    msg.set_content(body, charset="utf-8", cte=None if body.isascii() else "quoted-printable")
    if attachment is not None:
        attachment = Path(attachment)
        try:
            data = attachment.read_bytes()
        except OSError as exc:
            raise ValidationError(f"The report file could not be read ({exc.strerror or exc}).",
                                  "attachment") from exc
        attach_pdf(msg, data, attachment.name)  # name=, filename= and filename*=
    return msg.as_bytes(policy=POLICY)


def _write_atomically(path: Path, data: bytes) -> Path:
    """Write to a temporary file beside ``path`` then rename: never half a message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(temp_name(path.name, ".tmp", tag=f".{uuid.uuid4().hex[:8]}"))
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _safe_stem(text: str, fallback: str = "message") -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_ ." else "_" for ch in text).strip(" ._")
    # at most 80 characters, and bytes to spare for "-NN.eml" and a temporary name
    return fit_bytes(keep[:80], MAX_NAME_BYTES - len("-999.eml")) or fallback


def write_draft(folder: Path, to: str | Iterable[str], subject: str, body: str,
                attachment: Path | None, sender: str | None = None) -> Path:
    """Write a draft ``.eml`` (``X-Unsent: 1``) into ``folder`` and return its path.

    The file is named after the attachment (or the subject); an existing file
    is never overwritten. The caller opens it with the system's mail program.
    """
    data = make_eml(to, subject, body, attachment, sender, draft=True)
    folder = Path(folder)
    stem = _safe_stem(Path(attachment).stem if attachment else subject)
    path = folder / f"{stem}.eml"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.eml"
        n += 1
    return _write_atomically(path, data)


# -- where the files live -------------------------------------------------------------------


def mail_dir(db_path: Path) -> Path:
    """Drafts, outbox and sent messages of one practice: ``mail/<practice file name>/``
    beside it. Each practice file owns its folder (a sync client's conflicted copy beside
    the original is another practice), so erasing a client in one never touches the
    other's messages. Earlier versions kept them in ``mail/`` itself: see
    :func:`legacy_messages`."""
    path = Path(db_path)
    return path.parent / "mail" / path.name


def legacy_messages(db_path: Path) -> list[tuple[Path, Path]]:
    """Messages an earlier version kept in the ``mail`` folder shared by every practice
    beside ``db_path``, each with where it belongs in this practice's own folder:
    ``[(mail/x.eml, mail/<name>/x.eml), (mail/outbox/y.eml, mail/<name>/outbox/y.eml), …]``.
    Hidden temporary files are not messages."""
    shared = Path(db_path).parent / "mail"
    own = mail_dir(db_path)
    found = []
    for sub in ("", "outbox", "sent"):
        folder = shared / sub if sub else shared
        if folder == own or not folder.is_dir():
            continue
        try:
            found += [(p, own / sub / p.name if sub else own / p.name)
                      for p in sorted(folder.glob("*.eml"))
                      if not p.name.startswith(".") and p.is_file()]
        except OSError:
            continue
    return found


def attached_pdf_digests(path: Path) -> set[str]:
    """The SHA-256 (hex) of every PDF attached to the message in ``path``.

    Raises OSError when the file cannot be read; a message that cannot be parsed has none.
    """
    data = Path(path).read_bytes()
    try:
        msg = email.message_from_bytes(data, policy=POLICY)
        return {hashlib.sha256(part.get_payload(decode=True) or b"").hexdigest()
                for part in msg.walk() if part.get_content_type() == "application/pdf"}
    except (ValueError, TypeError, LookupError):
        return set()


def outbox_dir(db_path: Path) -> Path:
    return mail_dir(db_path) / "outbox"


def sent_dir_for(outbox: Path) -> Path:
    return Path(outbox).parent / "sent"


# -- the outbox -----------------------------------------------------------------------------


def _without_unsent(message_bytes: bytes) -> EmailMessage:
    msg = email.message_from_bytes(message_bytes, policy=POLICY)
    del msg["X-Unsent"]
    return msg


def queue(outbox: Path, message_bytes: bytes) -> Path:
    """Put a message in the outbox as ``<timestamp>-<id>.eml`` and return its path.

    A draft's ``X-Unsent`` header is removed: a message sent by SMTP is not a draft.
    """
    msg = _without_unsent(message_bytes)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = Path(outbox) / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
    return _write_atomically(path, msg.as_bytes(policy=POLICY))


def list_outbox(outbox: Path) -> list[Path]:
    """The queued messages, oldest first (temporary files are not messages)."""
    folder = Path(outbox)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.eml") if not p.name.startswith("."))


# -- SMTP settings and password -------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    server: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    sender: str = ""  # the From address

    @property
    def configured(self) -> bool:
        return bool(self.server and self.sender)


def is_local_relay(server: str) -> bool:
    """True when ``server`` is this computer: ``localhost``, an address in 127.0.0.0/8, or ::1.

    Only the name or address as typed counts; no name is looked up, so a name that merely
    resolves to this computer (or claims to) is not a local relay.
    """
    name = str(server or "").strip().strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def plain_login_refused(settings: SmtpSettings) -> bool:
    """True for a login (a user name) with security "none" to a server not on this computer."""
    return bool(_one_line(settings.user)) and str(settings.security or "").strip().lower() \
        == "none" and not is_local_relay(_one_line(settings.server))


def validate_smtp_settings(settings: SmtpSettings) -> SmtpSettings:
    """The settings cleaned up, or a ``ValidationError`` naming the field to fix.

    A user name (so a password) with security "none" is refused on the ``security`` field
    with :data:`PLAIN_LOGIN_REFUSED`, unless the server is a local relay (:func:`is_local_relay`).
    """
    server = _one_line(settings.server)
    if not server:
        raise ValidationError("Please give the mail server's name (for example smtp.example.org).",
                              "server")
    if " " in server or "/" in server:
        raise ValidationError("A server name has no spaces or slashes (for example smtp.example.org).",
                              "server")
    security = str(settings.security or "").strip().lower()
    if security not in SECURITIES:
        raise ValidationError("Security must be STARTTLS, SSL or none.", "security")
    try:
        port = int(settings.port)
    except (TypeError, ValueError):
        raise ValidationError("The port is a number such as 587.", "port") from None
    if not 1 <= port <= 65535:
        raise ValidationError("The port is a number between 1 and 65535 (usually 587 or 465).",
                              "port")
    user = _one_line(settings.user)
    try:
        sender = _recipients(settings.sender)[0] if _one_line(settings.sender) else ""
    except ValidationError as exc:
        raise ValidationError(str(exc), "sender") from None
    if not sender:
        raise ValidationError("Please give the address your e-mails come from.", "sender")
    if user and security == "none" and not is_local_relay(server):
        raise ValidationError(PLAIN_LOGIN_REFUSED, "security")
    return SmtpSettings(server=server, port=port, security=security, user=user, sender=sender)


def get_smtp_settings(db) -> SmtpSettings:
    """The saved SMTP settings, or empty defaults when none are saved."""
    from .services.settings import get_json

    raw = get_json(db, SETTINGS_KEY)
    if not isinstance(raw, dict):
        return SmtpSettings()
    known = {k: raw[k] for k in ("server", "port", "security", "user", "sender") if k in raw}
    try:
        return SmtpSettings(**known)
    except TypeError:
        return SmtpSettings()


def set_smtp_settings(db, settings: SmtpSettings) -> SmtpSettings:
    """Validate and save the SMTP settings (no password: see :func:`set_smtp_password`)."""
    from .services.settings import put_json

    clean = validate_smtp_settings(settings)
    put_json(db, SETTINGS_KEY, asdict(clean))
    return clean


_KEYRING_SENTENCES = {
    "keep": "The system's keyring, where CoachDesk keeps the mail password, cannot be used on "
            "this computer, so the password was not kept.",
    "read": "The mail password could not be read from the system's keyring (it cannot be "
            "used on this computer just now).",
    "remove": "The old mail password could not be removed from the system's keyring (it "
              "cannot be used on this computer just now).",
}


def _keyring_error(exc: Exception, action: str) -> CoachDeskError:
    """A plain sentence for a keyring that failed at ``action`` ("keep", "read" or
    "remove"); the keyring's own text (backend names, package advice) is not shown; the log keeps its kind."""
    log.warning("the system keyring failed (%s)", type(exc).__name__)
    return CoachDeskError(_KEYRING_SENTENCES[action])


def set_smtp_password(user: str, password: str) -> None:
    """Keep the password in the system keyring (service ``"CoachDesk SMTP"``)."""
    import keyring
    from keyring.errors import KeyringError

    if not user:
        raise ValidationError("Please give the user name before the password.", "user")
    try:
        keyring.set_password(KEYRING_SERVICE, user, password)
    except KeyringError as exc:
        raise _keyring_error(exc, "keep") from exc


def get_smtp_password(user: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    if not user:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except KeyringError as exc:
        raise _keyring_error(exc, "read") from exc


def delete_smtp_password(user: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, user)
    except PasswordDeleteError:
        pass
    except KeyringError as exc:
        raise _keyring_error(exc, "remove") from exc


# -- sending --------------------------------------------------------------------------------


@dataclass
class MessageResult:
    path: Path  # where the file is now: in sent/ when sent, in the outbox when not
    sent: bool
    reason: str = ""
    subject: str = ""
    recipients: list[str] = field(default_factory=list)


@dataclass
class SendResult:
    results: list[MessageResult] = field(default_factory=list)

    @property
    def sent(self) -> list[MessageResult]:
        return [r for r in self.results if r.sent]

    @property
    def failed(self) -> list[MessageResult]:
        return [r for r in self.results if not r.sent]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        if not self.results:
            return "The outbox is empty."
        text = f"{len(self.sent)} sent"
        if self.failed:
            text += f", {len(self.failed)} kept in the outbox: {self.failed[0].reason}"
        return text + ("" if text.endswith(".") else ".")


def _server_said(exc: smtplib.SMTPResponseException | None, code=None, text=None) -> str:
    if exc is not None:
        code, text = exc.smtp_code, exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f" (the server said: {code} {_one_line(text or '')})" if code else ""


def _connection_reason(exc: BaseException, settings: SmtpSettings) -> str:
    where = f"{settings.server}:{settings.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "The server refused the user name or password."
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if settings.security == "starttls":
            return ("The mail server does not offer STARTTLS; try SSL, or ask your provider "
                    "for the right settings.")
        return ("The mail server does not accept a login here; check the security setting "
                "or leave the user name empty.")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"The mail server's certificate could not be trusted ({where}): "
                f"{exc.verify_message or exc}.")
    if isinstance(exc, ssl.SSLError):
        return (f"The secure connection to the mail server failed ({where}); check the port "
                "and the STARTTLS/SSL setting.")
    if isinstance(exc, ConnectionRefusedError):
        return f"The mail server did not answer (connection refused at {where})."
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"The mail server did not answer in time ({where}). Are you online?"
    if isinstance(exc, socket.gaierror):
        return (f"The mail server {settings.server} could not be found. Check its name, "
                "or whether you are online.")
    if isinstance(exc, smtplib.SMTPConnectError):
        return f"The mail server refused the connection{_server_said(exc)}."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        # smtplib turns a read timeout into "Connection unexpectedly closed: timed out"
        if isinstance(exc.__context__, (socket.timeout, TimeoutError)):
            return f"The mail server did not answer in time ({where}). Are you online?"
        return f"The mail server closed the connection ({where})."
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"The mail server refused{_server_said(exc)}."
    if isinstance(exc, smtplib.SMTPException):
        return f"Sending failed ({where}): {exc}."
    if isinstance(exc, OSError):
        return f"The mail server could not be reached ({where}): {exc.strerror or exc}."
    return f"Sending failed ({where}): {exc}."


def _message_reason(exc: BaseException, settings: SmtpSettings) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{addr}{_server_said(None, code, text)}"
                 for addr, (code, text) in exc.recipients.items()]
        return "The recipient address was refused: " + "; ".join(parts) + "."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"The sender address {exc.sender} was refused{_server_said(exc)}."
    if isinstance(exc, smtplib.SMTPDataError):
        return f"The mail server refused the message{_server_said(exc)}."
    return _connection_reason(exc, settings)


def _connect(settings: SmtpSettings, password: str | None, timeout: float,
             context: ssl.SSLContext | None) -> smtplib.SMTP:
    if plain_login_refused(settings):  # checked before any connection, whoever the caller is
        raise ValidationError(PLAIN_LOGIN_REFUSED, "security")
    if settings.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.server, settings.port, timeout=timeout,
                                              context=context or ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=timeout)
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            # smtplib raises SMTPNotSupportedError when the server does not offer STARTTLS:
            # never a quiet fall back to plain text (the login below would then be readable)
            smtp.starttls(context=context or ssl.create_default_context())
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_outbox(outbox: Path, settings: SmtpSettings, password: str | None, *,
                timeout: float = DEFAULT_TIMEOUT_S, context: ssl.SSLContext | None = None,
                sent_dir: Path | None = None) -> SendResult:
    """Send every queued message over one SMTP connection.

    Sent messages move to ``sent/`` (beside the outbox unless ``sent_dir`` is
    given); failed ones stay in the outbox, each with a reason in plain words.
    Never raises for network or server trouble: that is what the reasons are for.
    Only one sender at a time should work on an outbox (the UI disables the button).
    """
    paths = list_outbox(outbox)
    result = SendResult()
    if not paths:
        return result
    sent_dir = Path(sent_dir) if sent_dir is not None else sent_dir_for(outbox)
    try:
        settings = validate_smtp_settings(settings)
    except ValidationError as exc:
        reason = (str(exc) if exc.field == "security"
                  else f"The mail settings are incomplete: {exc}")
        result.results = [MessageResult(p, False, reason) for p in paths]
        return result

    messages: list[tuple[Path, EmailMessage | None, str]] = []
    for path in paths:
        try:
            msg = _without_unsent(path.read_bytes())
            messages.append((path, msg, ""))
        except OSError as exc:
            messages.append((path, None, f"The queued file could not be read ({exc.strerror or exc})."))

    smtp = None
    connect_failure = ""
    try:
        smtp = _connect(settings, password, timeout, context)
    except (OSError, smtplib.SMTPException) as exc:  # ssl and socket errors are OSErrors
        connect_failure = _connection_reason(exc, settings)

    try:
        for path, msg, read_failure in messages:
            subject = str(msg["Subject"] or "") if msg is not None else ""
            to = [a for _n, a in email.utils.getaddresses(msg.get_all("To", []))] if msg else []
            if read_failure or connect_failure:
                result.results.append(MessageResult(path, False, read_failure or connect_failure,
                                                    subject, to))
                continue
            if msg["From"] is None:
                set_addresses(msg, "From", parse_addresses(settings.sender, "sender")[:1])
            envelope_from = parse_addresses(settings.sender, "sender")[0][1]  # IDNA domain
            try:
                refused = smtp.send_message(msg, from_addr=envelope_from)
            except (OSError, smtplib.SMTPException) as exc:
                reason = _message_reason(exc, settings)
                result.results.append(MessageResult(path, False, reason, subject, to))
                lost = (isinstance(exc, smtplib.SMTPServerDisconnected)
                        or not isinstance(exc, smtplib.SMTPException))  # SMTPException is an OSError
                if lost:
                    connect_failure = reason  # the connection is gone: keep the rest queued
                else:
                    try:
                        smtp.rset()
                    except (OSError, smtplib.SMTPException):
                        connect_failure = reason
                continue
            reason = ""
            if refused:  # some recipients took it, some did not
                reason = "Sent, but these recipients were refused: " + ", ".join(refused) + "."
            dest = sent_dir / path.name
            try:
                sent_dir.mkdir(parents=True, exist_ok=True)
                os.replace(path, dest)
            except OSError as exc:
                dest = path
                reason = (f"Sent, but it could not be moved out of the outbox "
                          f"({exc.strerror or exc}); remove it before sending again.")
            result.results.append(MessageResult(dest, True, reason, subject, to))
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    return result
