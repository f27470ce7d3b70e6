"""E-mailing a report: .eml drafts, the SMTP outbox against a real local server, the keyring."""

from __future__ import annotations

import email
import email.policy
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from coachdesk import mail
from coachdesk.errors import CoachDeskError, ValidationError

HOSTILE = 'Zoë <b>&"\' 🌱 تقرير التقدم 进度报告'
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"  # every byte value, ~10 KB


@pytest.fixture
def pdf(tmp_path) -> Path:
    path = tmp_path / "Progress report – Zoë.pdf"
    path.write_bytes(PDF)
    return path


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def the_pdf(msg) -> tuple[str, bytes]:
    parts = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(parts) == 1
    return parts[0].get_filename(), parts[0].get_content()


# -- drafts ---------------------------------------------------------------------------------


def test_draft_parses_back_with_names_subject_and_identical_attachment(tmp_path, pdf):
    body = f"Dear Ana,\n\nPlease find the report attached.\n{HOSTILE}\n\nBest,\nSam"
    path = mail.write_draft(tmp_path / "drafts", "Ana Łukasiewicz-Ölund <ana@example.org>",
                            f"Progress report: {HOSTILE}", body, pdf,
                            sender="Sam Coach <sam@example.net>")
    assert path.suffix == ".eml" and path.parent == tmp_path / "drafts"
    raw = path.read_bytes()
    assert raw.isascii(), "headers and body are transfer-encoded, so any mail program reads them"
    msg = parse(raw)
    assert msg["X-Unsent"] == "1"
    assert msg["To"].addresses[0].addr_spec == "ana@example.org"
    assert msg["To"].addresses[0].display_name == "Ana Łukasiewicz-Ölund"
    assert msg["From"].addresses[0].addr_spec == "sam@example.net"
    assert msg["Subject"] == f"Progress report: {HOSTILE}"
    assert msg["Date"] and msg["Message-ID"]
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n") == body
    name, data = the_pdf(msg)
    assert name == "Progress report – Zoë.pdf"
    assert data == PDF


def test_a_second_draft_does_not_overwrite_the_first(tmp_path, pdf):
    first = mail.write_draft(tmp_path, "a@example.org", "One", "x", pdf)
    second = mail.write_draft(tmp_path, "a@example.org", "Two", "y", pdf)
    assert first != second
    assert parse(first.read_bytes())["Subject"] == "One"
    assert parse(second.read_bytes())["Subject"] == "Two"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_line_break_in_the_subject_cannot_add_a_header(pdf):
    msg = parse(mail.make_eml("a@example.org", "Report\r\nBcc: spy@evil.example", "hi", pdf))
    assert msg["Bcc"] is None
    assert msg["Subject"] == "Report Bcc: spy@evil.example"


@pytest.mark.parametrize("to", ["", "not an address", "ana@", "ana@localhost",
                                "a@example.org\nBcc: spy@evil.example"])
def test_a_bad_recipient_is_refused_on_the_to_field(to, pdf):
    with pytest.raises(ValidationError) as err:
        mail.make_eml(to, "Report", "hi", pdf)
    assert err.value.field == "to"
    assert str(err.value)


def test_a_missing_report_file_says_so(tmp_path):
    with pytest.raises(ValidationError) as err:
        mail.make_eml("a@example.org", "Report", "hi", tmp_path / "gone.pdf")
    assert err.value.field == "attachment"


# -- a real SMTP server on 127.0.0.1 -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """An aiosmtpd handler that keeps what it received and refuses chosen recipients."""

    def __init__(self, refuse: tuple[str, ...] = ()):
        self.refuse = refuse
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def refuse_everyone(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=False, handled=False)


@pytest.fixture
def smtp_server():
    started = []

    def start(handler, **kwargs):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
        controller.start()
        started.append(controller)
        return controller

    yield start
    for controller in started:
        controller.stop()


def settings_for(port: int, **kw) -> mail.SmtpSettings:
    base = dict(server="127.0.0.1", port=port, security="none", user="",
                sender="Sam Coach <sam@example.net>")
    base.update(kw)
    return mail.SmtpSettings(**base)


def test_smtp_round_trip_delivers_recipient_subject_and_identical_pdf(tmp_path, pdf, smtp_server):
    handler = Recorder()
    server = smtp_server(handler)
    outbox = tmp_path / "mail" / "outbox"
    draft = mail.make_eml("Ana Ölund <ana@example.org>", f"Report {HOSTILE}", "Attached.", pdf,
                          sender="Sam Coach <sam@example.net>")
    queued = mail.queue(outbox, draft)
    assert b"X-Unsent" not in queued.read_bytes()

    result = mail.send_outbox(outbox, settings_for(server.port), None, timeout=5)

    assert result.ok and len(result.sent) == 1, result.summary()
    assert result.summary() == "1 sent."
    assert mail.list_outbox(outbox) == []
    assert result.sent[0].path == tmp_path / "mail" / "sent" / queued.name
    assert result.sent[0].path.is_file()
    assert len(handler.received) == 1
    mail_from, rcpt_tos, content = handler.received[0]
    assert mail_from == "sam@example.net"
    assert rcpt_tos == ["ana@example.org"]
    msg = parse(content)
    assert msg["Subject"] == f"Report {HOSTILE}"
    assert msg["X-Unsent"] is None, "a message sent by SMTP is not a draft"
    assert the_pdf(msg)[1] == PDF


def test_nothing_listening_keeps_the_message_and_says_why(tmp_path, pdf):
    port = free_port()  # closed again at once: nothing listens there
    outbox = tmp_path / "outbox"
    queued = mail.queue(outbox, mail.make_eml("ana@example.org", "Report", "x", pdf, draft=False))

    result = mail.send_outbox(outbox, settings_for(port), None, timeout=5)

    assert not result.ok and len(result.failed) == 1
    assert result.failed[0].reason == (
        f"The mail server did not answer (connection refused at 127.0.0.1:{port}).")
    assert result.failed[0].recipients == ["ana@example.org"]
    assert mail.list_outbox(outbox) == [queued]
    assert parse(queued.read_bytes())["Subject"] == "Report"
    assert not (tmp_path / "sent").exists()


def test_a_refused_recipient_keeps_that_message_and_the_others_go(tmp_path, pdf, smtp_server):
    handler = Recorder(refuse=("nobody@example.org",))
    server = smtp_server(handler)
    outbox = tmp_path / "outbox"
    bad = mail.queue(outbox, mail.make_eml("nobody@example.org", "To nobody", "x", pdf))
    good = mail.queue(outbox, mail.make_eml("ana@example.org", "To Ana", "x", pdf))

    result = mail.send_outbox(outbox, settings_for(server.port), None, timeout=5)

    assert [r.subject for r in result.sent] == ["To Ana"]
    assert [r.subject for r in result.failed] == ["To nobody"]
    reason = result.failed[0].reason
    assert reason.startswith("The recipient address was refused: nobody@example.org")
    assert "550" in reason and "No such mailbox here" in reason
    assert mail.list_outbox(outbox) == [bad]
    assert (tmp_path / "sent" / good.name).is_file()
    assert [rcpts for _f, rcpts, _c in handler.received] == [["ana@example.org"]]


def test_a_refused_password_is_said_in_plain_words(tmp_path, pdf, smtp_server):
    server = smtp_server(Recorder(), authenticator=refuse_everyone, auth_require_tls=False)
    outbox = tmp_path / "outbox"
    queued = mail.queue(outbox, mail.make_eml("ana@example.org", "Report", "x", pdf))

    result = mail.send_outbox(outbox, settings_for(server.port, user="sam"), "wrong", timeout=5)

    assert [r.reason for r in result.results] == ["The server refused the user name or password."]
    assert mail.list_outbox(outbox) == [queued]


def test_incomplete_settings_keep_everything_queued(tmp_path, pdf):
    outbox = tmp_path / "outbox"
    mail.queue(outbox, mail.make_eml("ana@example.org", "Report", "x", pdf))
    result = mail.send_outbox(outbox, mail.SmtpSettings(), None, timeout=5)
    assert len(result.failed) == 1
    assert result.failed[0].reason.startswith("The mail settings are incomplete: ")
    assert len(mail.list_outbox(outbox)) == 1


def test_an_empty_outbox_sends_nothing_and_connects_nowhere(tmp_path):
    result = mail.send_outbox(tmp_path / "outbox", settings_for(free_port()), None, timeout=5)
    assert result.results == [] and result.summary() == "The outbox is empty."


def test_the_outbox_survives_a_restart(tmp_path, pdf, smtp_server):
    db_path = tmp_path / "practice" / "coachdesk.db"
    # first "process": queue while offline, then the app quits
    outbox = mail.outbox_dir(db_path)
    queued = mail.queue(outbox, mail.make_eml("ana@example.org", "Queued offline", "x", pdf))
    # a crash while writing leaves at most a hidden temporary file, never a half message
    (outbox / f".{queued.name}.dead.tmp").write_bytes(b"From: half")
    del outbox

    # second "process": only the database path is known
    outbox = mail.outbox_dir(Path(str(db_path)))
    assert mail.list_outbox(outbox) == [queued]
    handler = Recorder()
    server = smtp_server(handler)
    result = mail.send_outbox(outbox, settings_for(server.port), None, timeout=5)
    assert result.ok and [r.subject for r in result.sent] == ["Queued offline"]
    assert the_pdf(parse(handler.received[0][2]))[1] == PDF
    assert mail.list_outbox(outbox) == []


# -- settings and the password ------------------------------------------------------------




def test_settings_are_saved_and_the_password_goes_only_to_the_keyring(db, memory_keyring):
    secret = "pässwörd-CANARY-7f3a9e"
    saved = mail.set_smtp_settings(db, mail.SmtpSettings(
        server=" smtp.example.org ", port="587", security="STARTTLS", user="sam@example.net",
        sender="Sam Çoach <sam@example.net>"))
    mail.set_smtp_password(saved.user, secret)

    assert mail.get_smtp_settings(db) == mail.SmtpSettings(
        server="smtp.example.org", port=587, security="starttls", user="sam@example.net",
        sender=saved.sender)
    assert memory_keyring.store == {("CoachDesk SMTP", "sam@example.net"): secret}
    assert mail.get_smtp_password("sam@example.net") == secret

    db.close()
    files = [p for p in db.path.parent.iterdir() if p.name.startswith(db.path.name)]
    assert db.path in files
    everything = b"".join(p.read_bytes() for p in files)
    assert b"smtp.example.org" in everything, "the scan does see what the settings saved"
    for encoding in ("utf-8", "utf-16-le", "latin-1"):
        assert secret.encode(encoding) not in everything

    mail.delete_smtp_password("sam@example.net")
    assert mail.get_smtp_password("sam@example.net") is None
    mail.delete_smtp_password("sam@example.net")  # twice is fine


def test_no_settings_saved_gives_empty_defaults(db):
    settings = mail.get_smtp_settings(db)
    assert settings == mail.SmtpSettings() and not settings.configured


@pytest.mark.parametrize("change, field", [
    (dict(server=""), "server"),
    (dict(server="smtp example.org"), "server"),
    (dict(port="abc"), "port"),
    (dict(port=70000), "port"),
    (dict(security="tls1.0"), "security"),
    (dict(sender=""), "sender"),
    (dict(sender="sam at example"), "sender"),
])
def test_bad_settings_name_the_field(db, change, field):
    good = dict(server="smtp.example.org", port=465, security="ssl", user="sam",
                sender="sam@example.net")
    good.update(change)
    with pytest.raises(ValidationError) as err:
        mail.set_smtp_settings(db, mail.SmtpSettings(**good))
    assert err.value.field == field
    assert mail.get_smtp_settings(db) == mail.SmtpSettings(), "nothing half-saved"


def test_a_missing_keyring_is_a_clear_message(memory_keyring, monkeypatch):
    from keyring.errors import NoKeyringError

    def broken(*_args):
        raise NoKeyringError("No recommended backend was available.")

    monkeypatch.setattr(memory_keyring, "set_password", broken)
    monkeypatch.setattr(memory_keyring, "get_password", broken)
    with pytest.raises(CoachDeskError) as err:
        mail.set_smtp_password("sam", "secret")
    assert "keyring" in str(err.value) and "was not kept" in str(err.value)
    assert "backend" not in str(err.value)  # the keyring's own advice is not the coach's
    with pytest.raises(CoachDeskError) as err:
        mail.get_smtp_password("sam")  # sending: nothing was typed, nothing "not saved"
    assert "could not be read" in str(err.value) and "not kept" not in str(err.value)
    assert "backend" not in str(err.value)


def test_starttls_asked_of_a_server_without_it_is_explained(tmp_path, pdf, smtp_server):
    server = smtp_server(Recorder())
    outbox = tmp_path / "outbox"
    mail.queue(outbox, mail.make_eml("ana@example.org", "Report", "x", pdf))
    result = mail.send_outbox(outbox, settings_for(server.port, security="starttls"), None,
                              timeout=5)
    assert result.failed[0].reason.startswith("The mail server does not offer STARTTLS")
    assert len(mail.list_outbox(outbox)) == 1


def test_a_server_that_never_answers_times_out_with_a_reason(tmp_path, pdf):
    with socket.socket() as silent:  # accepts the connection, never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        outbox = tmp_path / "outbox"
        mail.queue(outbox, mail.make_eml("ana@example.org", "Report", "x", pdf))
        result = mail.send_outbox(outbox, settings_for(port), None, timeout=0.5)
    assert result.failed[0].reason == (
        f"The mail server did not answer in time (127.0.0.1:{port}). Are you online?")
    assert len(mail.list_outbox(outbox)) == 1


def test_a_long_body_stays_intact(pdf):
    body = ("Résumé of the work — " * 50_000)[:1_000_000]
    msg = parse(mail.make_eml("ana@example.org", "Long", body, pdf))
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n") == body


# -- a login never crosses the network unencrypted (issue 12, item 16) ----------------------------

REMOTE = "smtp.example.test"  # a name that is not this computer's; the tests point it at aiosmtpd
SECRET = "pw-CANARY-16-9d2c"


class Counting(Recorder):
    """A Recorder that also counts greetings (connections that got as far as EHLO)."""

    def __init__(self):
        super().__init__()
        self.greetings: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings.append(hostname)
        session.host_name = hostname
        return responses


def recording_authenticator(logins: list):
    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)
    return authenticate


@pytest.fixture
def remote_name(monkeypatch):
    """``REMOTE`` resolves to 127.0.0.1, so a connection to it would reach the test server."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return real("127.0.0.1" if host == REMOTE else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return REMOTE


def test_a_login_without_encryption_is_refused_and_nothing_is_sent(tmp_path, pdf, smtp_server,
                                                                   remote_name):
    logins: list = []
    handler = Counting()
    server = smtp_server(handler, authenticator=recording_authenticator(logins),
                         auth_require_tls=False)  # this server would take a plain-text login
    outbox = tmp_path / "outbox"
    queued = mail.queue(outbox, mail.make_eml("ana@example.org", "Report", "x", pdf))

    plain_login = settings_for(server.port, server=remote_name, user="sam")
    result = mail.send_outbox(outbox, plain_login, SECRET, timeout=5)

    assert [r.reason for r in result.results] == [mail.PLAIN_LOGIN_REFUSED]
    assert handler.greetings == [] and logins == [] and handler.received == []
    assert mail.list_outbox(outbox) == [queued], "the message waits for better settings"
    with pytest.raises(ValidationError) as err:  # whoever calls the connection itself
        mail._connect(plain_login, SECRET, 5, None)
    assert err.value.field == "security" and handler.greetings == []

    # the same name without a login does reach the server: the refusal above is the guard's
    result = mail.send_outbox(outbox, settings_for(server.port, server=remote_name), None,
                              timeout=5)
    assert result.ok and len(handler.received) == 1 and logins == []


@pytest.mark.parametrize("server", ["smtp.example.org", "192.168.1.10", "10.0.0.1",
                                    "localhost.example.org", "127.0.0.1.example.org", "::2"])
def test_settings_refuse_a_login_without_encryption_beside_security(db, server):
    with pytest.raises(ValidationError) as err:
        mail.set_smtp_settings(db, mail.SmtpSettings(server=server, port=25, security="None",
                                                     user="sam", sender="sam@example.net"))
    assert err.value.field == "security"
    assert str(err.value) == mail.PLAIN_LOGIN_REFUSED
    assert "encrypted connection (SSL/TLS or STARTTLS)" in str(err.value)
    assert mail.get_smtp_settings(db) == mail.SmtpSettings(), "nothing saved"
    # with encryption, or without a login, the same server is fine
    for ok in (dict(security="starttls", user="sam"), dict(security="ssl", user="sam"),
               dict(security="none", user="")):
        mail.validate_smtp_settings(mail.SmtpSettings(server=server, port=25,
                                                      sender="sam@example.net", **ok))


@pytest.mark.parametrize("server", ["localhost", "LOCALHOST.", "127.0.0.1", "127.0.1.1", "::1",
                                    "[::1]"])
def test_a_relay_on_this_computer_may_take_a_login_without_encryption(db, server):
    saved = mail.set_smtp_settings(db, mail.SmtpSettings(server=server, port=25, security="none",
                                                         user="sam", sender="sam@example.net"))
    assert saved.security == "none" and saved.user == "sam"
    assert mail.get_smtp_settings(db) == saved


def test_a_local_relay_gets_the_login_and_the_message(tmp_path, pdf, smtp_server):
    logins: list = []
    handler = Counting()
    server = smtp_server(handler, authenticator=recording_authenticator(logins),
                         auth_require_tls=False)
    outbox = tmp_path / "outbox"
    mail.queue(outbox, mail.make_eml("ana@example.org", "Report", "x", pdf))
    result = mail.send_outbox(outbox, settings_for(server.port, server="localhost", user="sam"),
                              SECRET, timeout=5)
    assert result.ok, result.summary()
    assert logins == [("sam", SECRET)] and len(handler.received) == 1


def test_starttls_the_server_does_not_offer_is_refused_before_any_login(tmp_path, pdf,
                                                                         smtp_server, remote_name):
    logins: list = []
    handler = Counting()
    # no TLS here, yet the server offers AUTH in plain text: a silent fall back would log in
    server = smtp_server(handler, authenticator=recording_authenticator(logins),
                         auth_require_tls=False)
    outbox = tmp_path / "outbox"
    queued = mail.queue(outbox, mail.make_eml("ana@example.org", "Report", "x", pdf))
    result = mail.send_outbox(outbox, settings_for(server.port, server=remote_name,
                                                   security="starttls", user="sam"),
                              SECRET, timeout=5)
    assert result.failed[0].reason.startswith("The mail server does not offer STARTTLS")
    assert handler.greetings, "the server was reached and asked"
    assert logins == [] and handler.received == []
    assert mail.list_outbox(outbox) == [queued]


def test_smtp_delivers_names_in_every_script_and_the_pdf_name(tmp_path, smtp_server):
    """The SMTP path: From set from the settings at sending time, names and the PDF's name
    arrive as written (mail_headers), the envelope in ASCII."""
    handler = Recorder()
    server = smtp_server(handler)
    outbox = tmp_path / "outbox"
    pdf = tmp_path / "进度报告 — 陈静.pdf"
    pdf.write_bytes(PDF)
    to = ["陈静 <chen@example.org>", "محمد عبد الله <m@example.org>",
          '"Jäger, Zoë" <zoe@example.org>']
    mail.queue(outbox, mail.make_eml(to, "Bericht für 陈静", "Anbei.", pdf, draft=False))
    settings = settings_for(server.port, sender='"Schärer, Dümmy" <coach@bücher.example>')
    result = mail.send_outbox(outbox, settings, None, timeout=5)
    assert result.ok, result.summary()
    mail_from, rcpt_tos, content = handler.received[0]
    assert mail_from == "coach@xn--bcher-kva.example"
    assert rcpt_tos == ["chen@example.org", "m@example.org", "zoe@example.org"]
    msg = parse(content)
    assert [(a.display_name, a.addr_spec) for a in msg["From"].addresses] == \
        [("Schärer, Dümmy", "coach@xn--bcher-kva.example")]
    assert [a.display_name for a in msg["To"].addresses] == ["陈静", "محمد عبد الله", "Jäger, Zoë"]
    assert msg["Subject"] == "Bericht für 陈静"
    assert the_pdf(msg) == ("进度报告 — 陈静.pdf", PDF)
    assert content.split(b"\r\n\r\n", 1)[0].isascii()
