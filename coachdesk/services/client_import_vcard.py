"""Client import from an address book: a vCard file's cards as rows of client fields.

Parsed with ``vobject`` (Apache-2.0, maintained again by the
py-vobject project since 2024, release 0.9.9). It unescapes values, decodes
quoted-printable with its CHARSET (vCard 2.1, with soft line breaks when
``allowQP`` is on), unfolds lines and splits N and ORG into their parts, as
Apple Contacts, Google Contacts and Outlook write them. It has no vCard 4
*behaviour* of its own but reads 4.0 cards with its 3.0 rules, which covers
the properties we use (FN, N, EMAIL, TEL, ORG, TITLE, NOTE; a 4.0 ``tel:``
URI is stripped here). Its own errors give line numbers inside a confusing
nesting when an END is missing, so the file is first cut into cards here:
every message names the card, and each card is handed to vobject alone.

Each card becomes one row of cells in the order of ``client_import_columns.FIELDS``;
``client_import.read_source`` wraps them in a ``Source`` (kind "vcard", fixed mapping).
"""

from __future__ import annotations

import logging
import re

from ..errors import ValidationError
from .client_import_columns import FIELD_LABELS, FIELDS

log = logging.getLogger(__name__)

#: the column names a vCard's rows are shown under (its mapping is fixed)
VCARD_HEADERS = [FIELD_LABELS[f] for f in FIELDS]
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _cards(text: str, name: str) -> list[tuple[int, int, str]]:
    """Cut the text into (card number, first line, card text); refuse a card without END
    or text outside any card, naming the card."""
    cards: list[tuple[int, int, str]] = []
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        word = line.rstrip().upper()
        if word == "BEGIN:VCARD":
            if current is not None:
                raise ValidationError(
                    f"Card {len(cards) + 1} in {name} (from line {start}) has no END:VCARD line. "
                    "Export the contacts again from your address book.")
            current, start = [line], number
        elif current is not None:
            current.append(line)
            if word == "END:VCARD":
                cards.append((len(cards) + 1, start, "\r\n".join(current) + "\r\n"))
                current = None
        elif line.strip():
            where = f"after card {len(cards)}" if cards else "before the first card"
            raise ValidationError(f"{name} is not a vCard file as expected: line {number} "
                                  f"({where}) is not part of any contact card.")
    if current is not None:
        raise ValidationError(f"Card {len(cards) + 1} in {name} (from line {start}) has no "
                              "END:VCARD line: the file may be cut short. Export the contacts "
                              "again from your address book.")
    if not cards:
        raise ValidationError(f"{name} holds no contact cards (a vCard file starts with "
                              "BEGIN:VCARD).")
    return cards


class _Undecodable(Exception):
    """A value whose bytes are not text in the charset the card names."""


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(_text(x) for x in value if _text(x))
    if isinstance(value, (bytes, bytearray)):  # never str(b'...'): the coach would see a repr
        raise _Undecodable
    return str(value or "").strip()


_QP_CHARSET = re.compile(r"(;CHARSET=)(\"?)[^;:\"]*\2", re.IGNORECASE)


def _normalise(card_text: str) -> str:
    """Property and parameter names upper-cased (vCard says they are case-insensitive;
    vobject only knows ``ENCODING=QUOTED-PRINTABLE`` and ``CHARSET`` in capitals).
    Only the part before the first colon outside quotes changes; folded lines and a
    quoted-printable value's continuation lines (after a line ending in '=') are values."""
    out: list[str] = []
    qp_continues = False
    for line in card_text.split("\r\n"):
        if qp_continues or line[:1] in (" ", "\t"):
            out.append(line)
            qp_continues = qp_continues and line.endswith("=")
            continue
        head, quoted = [], False
        for i, ch in enumerate(line):
            if ch == '"':
                quoted = not quoted
            elif ch == ":" and not quoted:
                name = "".join(head)
                upper = name.upper()
                value = line[i:]
                if upper.rsplit(".", 1)[-1].split(";")[0] == "TEL":
                    # vobject keeps only the part before an unescaped comma; in a number a
                    # comma is a dialling pause ("+1 555 010 0199,,4321"), so it is escaped
                    value = re.sub(r"(?<!\\),", r"\\,", value)
                out.append(upper + value)
                qp_continues = "QUOTED-PRINTABLE" in upper and line.endswith("=")
                break
            head.append(ch if quoted else ch.upper())
        else:
            out.append(line)
    return "\r\n".join(out)


def _parse(card_text: str):
    """vobject's card, and whether a quoted-printable value had to be read as Latin-1
    because its bytes are not text in the charset the card names."""
    import vobject

    text = _normalise(card_text)
    try:
        card = vobject.readOne(text, allowQP=True)
        return card, _card_cells(card), False
    except (UnicodeDecodeError, LookupError, _Undecodable):
        # Latin-1 reads any byte: the letters may look wrong, and the row says so.
        text = _QP_CHARSET.sub(r"\1ISO-8859-1", text)
        if "QUOTED-PRINTABLE" in text and ";CHARSET=" not in text.upper():
            text = text.replace("QUOTED-PRINTABLE", "QUOTED-PRINTABLE;CHARSET=ISO-8859-1")
        card = vobject.readOne(text, allowQP=True)
        return card, _card_cells(card), True


def _types(line) -> set[str]:
    found = {p.upper() for p in getattr(line, "singletonparams", [])}
    for key in ("TYPE", "PREF"):
        for item in line.params.get(key, []):
            found.update(part.strip().strip('"').upper() for part in str(item).split(","))
        if key == "PREF" and key in line.params:
            found.add("PREF")
    return found


def _pick(lines, preferred: tuple[str, ...]):
    for wanted in preferred:
        for line in lines:
            if wanted in _types(line) and _text(line.value):
                return line
    return next((line for line in lines if _text(line.value)), None)


def _card_cells(card) -> list[str]:
    contents = card.contents
    full = _text(contents["fn"][0].value) if contents.get("fn") else ""
    given = family = ""
    if contents.get("n"):
        n = contents["n"][0].value
        given, family = _text(getattr(n, "given", "")), _text(getattr(n, "family", ""))
        if isinstance(n, str):  # an N vobject could not split
            family = n.replace(";", " ").strip()
    email = _pick(contents.get("email", []), ("PREF", "WORK", "INTERNET"))
    phone = _pick(contents.get("tel", []), ("CELL", "MOBILE", "PREF", "WORK"))
    org = contents.get("org", [None])[0]
    org_name = ""
    if org is not None:
        org_name = _text(org.value[0] if isinstance(org.value, list) and org.value else org.value)
    tel = _text(phone.value) if phone else ""
    if tel.lower().startswith("tel:"):  # vCard 4 may give the number as a URI
        tel = tel[4:]
    if not full and _CJK.search(given + family) and given and family:
        full = family + given  # 陈 + 静: Chinese, Japanese and Korean names put the family first
    cells = {
        "name": full, "first_name": given, "last_name": family,
        "email": _text(email.value).removeprefix("mailto:") if email else "",
        "phone": tel,
        "job_title": _text(contents["title"][0].value) if contents.get("title") else "",
        "organization": org_name,
        "background": _text(contents["note"][0].value) if contents.get("note") else "",
    }
    return [cells[f].replace("\x00", "") for f in FIELDS]


#: the row problem of a card whose quoted-printable value is not text in its charset
UNDECODABLE = ("Some letters on this card could not be read in the character set the file "
               "names, so they may look wrong; check the name and details after importing.")


def read_vcard(text: str, name: str) -> tuple[list[list[str]], list[int], set[int]]:
    """The cards of a vCard file as (rows of cells in ``FIELDS`` order, card numbers,
    indexes of the rows with an undecodable value, see ``UNDECODABLE``); a
    ``ValidationError`` naming the card if one cannot be read. ``name`` is the file's
    name as the messages show it."""
    rows, numbers, undecodable = [], [], set()
    for number, start, card_text in _cards(text, name):
        try:
            _card, cells, guessed = _parse(card_text)
        except Exception as exc:  # vobject raises ParseError, LookupError, UnicodeError …
            # the card's words stay out of the log: its number and the kind of fault
            log.info("card %s could not be read (%s)", number, type(exc).__name__)
            raise ValidationError(
                f"Card {number} in {name} (from line {start}) could not be read: it is damaged "
                "or not in vCard form. Export the contacts again from your address book.") from None
        if guessed:
            undecodable.add(len(rows))
        rows.append(cells)
        numbers.append(number)
    return rows, numbers, undecodable
