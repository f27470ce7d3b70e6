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
import unicodedata

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


def _param(line, key: str) -> str:
    values = line.params.get(key, [])
    return str(values[0]).strip().strip('"').lower() if values else ""


def _pref(line) -> int:
    """vCard 4's PREF=1..100 (1 is most preferred); 3.0's TYPE=PREF counts as 1; none: 101."""
    value = _param(line, "PREF")
    if value.isdigit():
        return int(value)
    return 1 if "PREF" in _types(line) else 101


def _n_parts(line) -> dict[str, str]:
    """family, given, additional, prefix, suffix of an N line (lists joined by spaces)."""
    n = line.value
    if isinstance(n, str):  # an N vobject could not split
        return {"family": n.replace(";", " ").strip(), "given": "", "additional": "",
                "prefix": "", "suffix": ""}
    return {key: _text(getattr(n, key, "")) for key in
            ("family", "given", "additional", "prefix", "suffix")}


def _n_name(parts: dict[str, str]) -> str:
    """A name from N's parts: family first for Chinese, Japanese and Korean (陈 + 静),
    given names first for the rest, with prefix and suffix."""
    given = " ".join(p for p in (parts["given"], parts["additional"]) if p)
    if _CJK.search(given + parts["family"]) and given and parts["family"]:
        return parts["family"] + given.replace(" ", "")
    return " ".join(p for p in (parts["prefix"], given, parts["family"], parts["suffix"]) if p)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _names(contents) -> tuple[str, str, str, list[str]]:
    """(name, first name, last name, the other names the card gives).

    The name is the most preferred FN (PREF), else the first; first and last name come
    from the N in the same language (LANGUAGE or ALTID, RFC 6350), else the first N. Every
    other FN, every other N and every NICKNAME whose name is not already given is kept,
    as is the N's full name when the FN leaves out one of its given names: a coach sees
    them all ("Also known as" in the notes)."""
    fns = sorted((line for line in contents.get("fn", []) if _text(line.value)), key=_pref)
    ns = [line for line in contents.get("n", []) if any(_n_parts(line).values())]
    full_line = fns[0] if fns else None
    n_line = ns[0] if ns else None
    if full_line is not None:
        for key in ("LANGUAGE", "ALTID"):  # an ALTID groups every language of one name
            wanted = _param(full_line, key)
            match = next((n for n in ns if wanted and _param(n, key) == wanted), None)
            if match is not None:
                n_line = match
                break
    parts = _n_parts(n_line) if n_line is not None else dict.fromkeys(
        ("family", "given", "additional", "prefix", "suffix"), "")
    full = _text(full_line.value) if full_line is not None else _n_name(parts)
    first = " ".join(p for p in (parts["given"], parts["additional"]) if p)
    others = [_text(line.value) for line in fns[1:]]
    others += [_n_name(_n_parts(line)) for line in ns if line is not n_line]
    if full_line is not None and not _words(first) <= _words(full):
        others.append(_n_name(parts))  # a given or middle name the FN does not show
    others += [_text(line.value) for line in contents.get("nickname", [])]
    seen, also = {frozenset(_words(full))}, []
    for other in others:  # "Jing Chen" from an N adds nothing to the FN "Chen Jing"
        key = frozenset(_words(other))
        if key and key not in seen:
            seen.add(key)
            also.append(other)
    return full, first, parts["family"], also


#: how the other names of a card start its notes
ALSO_KNOWN_AS = "Also known as: "


def _latin(name: str) -> bool:
    """True when every letter of ``name`` is a Latin one (Zoë, Łukasz)."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in name if ch.isalpha())


def _with_other_script(full: str, also: list[str]) -> tuple[str, list[str]]:
    """"陈静 (Chen Jing)" when the card also gives the name in another script, as the
    demo's "Chen Jing (陈静)": both show in the clients list and both find the client
    when typed in its search box; the rest stays in ``also``."""
    other = next((a for a in also if _latin(a) != _latin(full)), None)
    if not full or other is None:
        return full, also
    return f"{full} ({other})", [a for a in also if a is not other]


def _card_cells(card) -> list[str]:
    contents = card.contents
    full, given, family, also = _names(contents)
    email = _pick(contents.get("email", []), ("PREF", "WORK", "INTERNET"))
    phone = _pick(contents.get("tel", []), ("CELL", "MOBILE", "PREF", "WORK"))
    org = contents.get("org", [None])[0]
    org_name = ""
    if org is not None:
        org_name = _text(org.value[0] if isinstance(org.value, list) and org.value else org.value)
    tel = _text(phone.value) if phone else ""
    if tel.lower().startswith("tel:"):  # vCard 4 may give the number as a URI
        tel = tel[4:]
    full, also = _with_other_script(full, also)
    if not full and org_name:
        full = org_name  # a company's own card: shown under its name, the coach decides
    note = _text(contents["note"][0].value) if contents.get("note") else ""
    if also:
        note = ALSO_KNOWN_AS + "; ".join(also) + ("\n\n" + note if note else "")
    cells = {
        "name": full, "first_name": given, "last_name": family,
        "email": _text(email.value).removeprefix("mailto:") if email else "",
        "phone": tel,
        "job_title": _text(contents["title"][0].value) if contents.get("title") else "",
        "organization": org_name,
        "background": note,
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
