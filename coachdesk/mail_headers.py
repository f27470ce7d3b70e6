"""Message headers every mail program reads alike: addresses and the attachment's name.

The ``email`` package encodes these by itself, but two of its choices fail in the field:

* An attachment's non-ASCII name goes only into an RFC 2231 ``filename*`` parameter, which
  older Outlook versions do not read (the PDF arrives as ``ATT00001.bin``). Mail programs
  write the name in both forms: Outlook, Gmail and Thunderbird put RFC 2047 encoded-words
  inside the quoted ``name=`` (Content-Type) and ``filename=`` (Content-Disposition), and
  RFC 2231 readers take ``filename*``. :func:`attach_pdf` writes all three.
* Its folder, refolding an address list with encoded display names, turns the
  parentheses of ``김민준 (Kim Min-jun)`` into a comment that readers drop, cuts encoded
  words inside a letter run, and, given ``Address`` objects, can encode the comma between
  two addresses into an encoded-word, so two recipients become one (all checked with
  Python 3.11 and this module's tests).

So these headers are written here already folded (``Message.set_raw``), one address or
one encoded-word per line, every line within 78 characters and 7-bit, and the policy
keeps them as they are (it refolds only lines longer than that). The message parsed back
(``email.policy.default``) gives the same names, addresses and file name.
"""

from __future__ import annotations

import base64
import email.header
import email.utils
import re
from collections.abc import Iterable
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from urllib.parse import quote

from .errors import ValidationError

MAX_LINE = 78  # RFC 5322's recommended line length, the SMTP policy's folding width
_EW_PREFIX, _EW_SUFFIX = "=?utf-8?b?", "?="
_FOLD = "\n "
# An encoded-word on its own folded line, room left for what may share the line: the
# header's name on the first line ("Reply-To: ") or ' filename="' and '";' around it.
_WORD = MAX_LINE - len(' filename="";')


def encoded_words(text: str, width: int = 75) -> list[str]:
    """``text`` as RFC 2047 encoded-words (UTF-8, base64), each at most ``width``
    characters (RFC 2047's limit, 75, by default; at least 16).

    A character is never cut between two words (a reader decodes each word alone); a
    reader joins adjacent words, ignoring the white space between them. Empty text: []."""
    # base64 takes 3 bytes to 4 characters
    budget = max(width - len(_EW_PREFIX) - len(_EW_SUFFIX), 4) // 4 * 3
    chunks: list[str] = []
    chunk = ""
    for ch in text:
        if chunk and len((chunk + ch).encode("utf-8")) > budget:
            # cut after a space when there is one: Python's address parser (unlike RFC 2047
            # and mail programs) shows a space between two words, and one more space there
            # is harmless where one inside a word is not
            cut = chunk.rfind(" ") + 1
            if not 0 < cut < len(chunk):
                cut = len(chunk)
            chunks.append(chunk[:cut])
            chunk = chunk[cut:]
        chunk += ch
    if chunk:
        chunks.append(chunk)
    return [_EW_PREFIX + base64.b64encode(c.encode("utf-8")).decode("ascii") + _EW_SUFFIX
            for c in chunks]


def _one_line(text: str) -> str:
    return " ".join(str(text or "").split())


def _decoded(name: str) -> str:
    """A display name with any RFC 2047 words decoded (a From address saved by an earlier
    version reads ``=?utf-8?q?Zo=C3=AB?=``): the text the coach typed."""
    if "=?" not in name:
        return name
    try:
        return str(email.header.make_header(email.header.decode_header(name)))
    except (HeaderParseError, UnicodeError, LookupError, ValueError):
        return name


def display_address(name: str, addr: str) -> str:
    """``Zoë Jäger <zoe@example.org>``, ``"Jäger, Zoë" <zoe@example.org>``: an address as
    the coach reads and types it (quoted where a comma or quote needs it; never encoded)."""
    if not name:
        return addr
    try:
        return str(Address(display_name=name, addr_spec=addr))
    except (HeaderParseError, ValueError, IndexError):
        return f"{_quoted(name)} <{addr}>"


def parse_addresses(value: str | Iterable[str], field: str = "to") -> list[tuple[str, str]]:
    """The (display name, address) pairs in ``value``: one string (several addresses
    separated by commas; a name with a comma is quoted, ``"Jäger, Zoë" <zoe@example.org>``)
    or several. An internationalised domain becomes its ASCII (IDNA) form.

    Raises ``ValidationError`` on ``field``: a line break, something that is not an
    address, a non-ASCII part before the @ (not every mail server takes it), no address."""
    items = [value] if isinstance(value, str) else list(value)
    found: list[tuple[str, str]] = []
    for item in items:
        if "\n" in item or "\r" in item:
            raise ValidationError("An e-mail address cannot contain a line break.", field)
        for name, addr in email.utils.getaddresses([item]):
            if not addr:
                continue
            local, at, domain = addr.rpartition("@")
            if not at or not local or "." not in domain or " " in addr:
                raise ValidationError(f"This is not an e-mail address: {addr}", field)
            if not local.isascii():
                raise ValidationError(
                    "An e-mail address with accents or other scripts before the @ is not "
                    "accepted by every mail server; please give its plain-letter form.", field)
            try:
                domain = domain if domain.isascii() else domain.encode("idna").decode("ascii")
            except UnicodeError:
                raise ValidationError(f"This is not an e-mail address: {addr}", field) from None
            found.append((_one_line(_decoded(name)), f"{local}@{domain}"))
    if not found:
        raise ValidationError("Please give the recipient's e-mail address.", field)
    return found


def _address(name: str, addr: str) -> str:
    """One address, folded: the name as typed (quoted when it must be) if it is short
    plain ASCII, else as encoded-words, one a line."""
    if not name:
        return addr
    plain = email.utils.formataddr((name, addr))
    if name.isascii() and "=?" not in name and len(plain) <= MAX_LINE - len("Reply-To: ,"):
        return plain
    words = encoded_words(name, _WORD)
    if len(words[-1]) + len(addr) + len(" <>,") > _WORD:
        return _FOLD.join(words + [f"<{addr}>"])
    return _FOLD.join(words) + f" <{addr}>"


def address_value(pairs: Iterable[tuple[str, str]]) -> str:
    """An address header's value from (name, address) pairs, pre-folded, 7-bit."""
    return ("," + _FOLD).join(_address(name, addr) for name, addr in pairs)


def set_addresses(msg: EmailMessage, header: str, pairs: Iterable[tuple[str, str]]) -> None:
    """Replace ``header`` (To, From, Cc …) of ``msg`` with these addresses, as folded here."""
    del msg[header]
    msg.set_raw(header, address_value(pairs))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fallback_param(param: str, filename: str) -> str:
    """``name="…"`` or ``filename="…"``: plain if it fits on a line, else RFC 2047 words
    inside the quotes, one a line (what Outlook, Gmail and Thunderbird write and read)."""
    plain = f"{param}={_quoted(filename)}"
    if filename.isascii() and "=?" not in filename and len(plain) < MAX_LINE - 2 \
            and not re.search(r"[\x00-\x1f\x7f]", filename):
        return plain
    return f'{param}="' + _FOLD.join(encoded_words(filename, _WORD)) + '"'


def _rfc2231_param(param: str, filename: str) -> str:
    """``filename*=utf-8''…`` (RFC 2231), cut into ``filename*0*``, ``filename*1*`` … lines
    when long; a percent escape is never cut."""
    encoded = quote(filename, safe="")  # letters, digits and -._~ stay; the rest is %XX
    width = MAX_LINE - len(f" {param}*99*=utf-8'';")
    if len(encoded) <= width:
        return f"{param}*=utf-8''{encoded}"
    pieces = re.findall(r"%[0-9A-F]{2}|.", encoded)
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if len(current) + len(piece) > width:
            lines.append(current)
            current = ""
        current += piece
    lines.append(current)
    return (";" + _FOLD).join(
        f"{param}*{i}*=" + ("utf-8''" if i == 0 else "") + text for i, text in enumerate(lines))


def attach_pdf(msg: EmailMessage, data: bytes, filename: str) -> None:
    """Attach ``data`` as ``application/pdf`` named ``filename``, the name in every form:
    ``Content-Type: application/pdf; name="…"``, ``Content-Disposition: attachment;
    filename="…"`` (plain, or RFC 2047 words for other scripts and long names) and, when
    the name is not short plain ASCII, ``filename*=utf-8''…`` (RFC 2231)."""
    msg.add_attachment(data, maintype="application", subtype="pdf")
    part = msg.get_payload()[-1]
    fallback = _fallback_param("filename", filename)
    disposition = "attachment;" + _FOLD + fallback
    if fallback != f"filename={_quoted(filename)}":
        disposition += ";" + _FOLD + _rfc2231_param("filename", filename)
    del part["Content-Type"]
    del part["Content-Disposition"]
    part.set_raw("Content-Type", "application/pdf;" + _FOLD + _fallback_param("name", filename))
    part.set_raw("Content-Disposition", disposition)
