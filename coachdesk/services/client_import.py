"""Client import from a spreadsheet (CSV) or an address book (vCard).

Three steps, each usable without a screen (the dialog, the tests and a CLI
drive the same functions):

1. ``read_source(path)`` reads the file into a ``Source``: column names and
   rows of text cells. It refuses, with one plain sentence and before anything
   is written, a file that is empty, too big (checked on its size, never read
   whole), binary (a picture or a workbook renamed .csv) or a broken vCard.
2. ``guess_mapping(headers)`` says which column feeds which client field, from
   the column names (English, French, German, Spanish, Outlook and Google
   Contacts exports); the caller may change it. A vCard's fields are fixed.
3. ``preview(db, source, mapping)`` lists each row with the client it would
   create and its problems (no name, a bad e-mail, already in CoachDesk, the
   same as an earlier row); ``import_rows`` then adds the chosen rows in ONE
   transaction: a failure anywhere leaves the practice exactly as it was.

The values go through ``clients._clean``/``organizations._clean``, the rules
the forms use, so an imported client is held to the same checks as a typed
one. The search index follows through the database triggers.

vCard files are read by ``client_import_vcard`` (why ``vobject``, how cards are
framed); the fields and column names by ``client_import_columns``.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CoachDeskError, ValidationError
from ..models import Client, Organization
from ..storage import Database
from . import clients as client_service
from . import organizations as org_service
from . import validation as v
from .client_import_columns import FIELD_LABELS, FIELDS, SYNONYMS, guess_mapping, phone_columns
from .client_import_vcard import UNDECODABLE, VCARD_HEADERS, read_vcard

__all__ = [  # the dialog and the tests use these through this module
    "BLOCKING", "FIELDS", "FIELD_LABELS", "MAX_BYTES", "MAX_ROWS", "SNIFF_CHARS", "SYNONYMS",
    "VCARD_HEADERS",
    "ImportResult", "PreviewRow", "Problem", "Source", "decode", "default_mapping",
    "guess_mapping", "import_rows", "preview", "read_source", "row_values", "rows_to_import",
]

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024  # a practice's contacts are a few hundred kB; 20 MB is plenty
MAX_ROWS = 20_000
SNIFF_CHARS = 64 * 1024

#: problems that make a row impossible to import (the others are for the coach to judge)
BLOCKING = {"missing_name", "bad_email", "bad_value"}


@dataclass
class Source:
    """What a file held: column names and rows of text cells, before any mapping."""

    kind: str  # "csv" or "vcard"
    headers: list[str]
    rows: list[list[str]]
    numbers: list[int]  # the spreadsheet row (header is row 1) or card number of each row
    extra: list[int]  # how many non-empty cells a row had beyond the column names
    encoding: str = "utf-8"  # the codec the text was read with (detected, or the caller's)
    delimiter: str | None = None
    undecodable: set[int] = field(default_factory=set)  # row indexes with unreadable letters

    @property
    def fixed_mapping(self) -> bool:
        return self.kind == "vcard"

    def label(self, index: int) -> str:
        return f"{'Card' if self.kind == 'vcard' else 'Row'} {self.numbers[index]}"


@dataclass
class Problem:
    code: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.code in BLOCKING


@dataclass
class PreviewRow:
    number: int
    label: str  # "Row 5" or "Card 3"
    values: dict[str, str]  # name, email, phone, job_title, organization, background
    problems: list[Problem] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        return not any(p.blocking for p in self.problems)

    @property
    def problem_text(self) -> str:
        return " ".join(p.message for p in self.problems)


@dataclass
class ImportResult:
    imported: int
    skipped: int
    organizations_created: int

    def sentence(self) -> str:
        text = f"{_count(self.imported, 'client')} imported"
        if self.skipped:
            text += f", {_count(self.skipped, 'row')} skipped"
        if self.organizations_created:
            text += f"; {_count(self.organizations_created, 'new organisation')}"
        return text + "."


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- reading the file --------------------------------------------------------------

_MAGIC = (
    (b"\x89PNG", "a picture (PNG)"), (b"\xff\xd8\xff", "a picture (JPEG)"),
    (b"GIF8", "a picture (GIF)"), (b"%PDF", "a PDF document"),
    (b"SQLite format 3", "a database file"),
)
_WORKBOOK = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx/.ods (zip), old .xls (OLE2)


def _read_bytes(path: Path) -> bytes:
    name = path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ValidationError(f"“{name}” is not a file.")
        if size > MAX_BYTES:  # decided on the size alone: a 50 MB file is never read
            raise ValidationError(
                f"“{name}” is {size / 1024 / 1024:.0f} MB; CoachDesk imports files up to "
                f"{MAX_BYTES // 1024 // 1024} MB. Is it the right file? If so, split it into "
                "smaller ones.")
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ValidationError(f"“{name}” could not be found; it may have been moved.") from None
    except PermissionError:
        raise ValidationError(f"CoachDesk is not allowed to read “{name}”.") from None
    except OSError as exc:
        raise ValidationError(f"“{name}” could not be read ({exc.strerror or exc}).") from None
    if len(data) > MAX_BYTES:
        raise ValidationError(f"“{name}” is larger than {MAX_BYTES // 1024 // 1024} MB; "
                              "CoachDesk imports files up to that size.")
    if not data.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        raise ValidationError(f"“{name}” is empty: there is nobody in it to import.")
    return data


def decode(data: bytes, name: str = "The file") -> tuple[str, str]:
    """Bytes to text, and the encoding used. How the guess is made:

    1. A byte-order mark decides: UTF-8 (Excel's "CSV UTF-8"), or UTF-16
       (Excel's "Unicode text", tab-separated).
    2. Known file signatures (PNG, JPEG, PDF, a workbook, a database) and NUL
       bytes mean a binary file, refused.
    3. Text that decodes as strict UTF-8 is UTF-8: Windows-1252 accents (é is
       the single byte E9) almost never form valid UTF-8 sequences by chance.
    4. Otherwise charset-normalizer picks the 8-bit code page whose letters
       read as real text (Cyrillic cp1251, Greek, Central European, Shift-JIS,
       GB18030, Mac Roman …); if it finds none, Windows-1252, what Excel and
       Outlook on Windows save in Western Europe (€ is byte 80), and Latin-1.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, text = "utf-8-sig", None
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, text = "utf-16", None
    else:
        encoding = text = None
    if encoding is None:
        head = data[:4096]
        if head.startswith(_WORKBOOK):
            raise ValidationError(
                f"{name} is a spreadsheet workbook, not a CSV file. In your spreadsheet program "
                "choose Save As › CSV (UTF-8), then import that file.")
        for magic, what in _MAGIC:
            if head.startswith(magic):
                raise ValidationError(f"{name} is {what}, not a spreadsheet (CSV) or vCard file.")
        if b"\x00" in data[:SNIFF_CHARS]:
            raise ValidationError(f"{name} is not a text file, so it cannot be a spreadsheet "
                                  "(CSV) or vCard file.")
    try:
        if encoding:
            text = data.decode(encoding)
        else:
            try:
                text, encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, encoding = _eight_bit(data)
    except UnicodeDecodeError:
        raise ValidationError(f"{name} says it is Unicode text but is damaged.") from None
    controls = sum(1 for ch in text[:SNIFF_CHARS] if ord(ch) < 32 and ch not in "\t\r\n\f")
    if "\x00" in text or controls > max(8, len(text[:SNIFF_CHARS]) // 50):
        raise ValidationError(f"{name} is not a text file, so it cannot be a spreadsheet "
                              "(CSV) or vCard file.")
    return text, encoding


#: the legacy code pages spreadsheet and address-book programs save in, Western first
CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
              "cp1258", "cp874", "mac_roman", "koi8_r", "shift_jis", "euc_jp", "gb18030", "big5",
              "euc_kr")


def _eight_bit(data: bytes) -> tuple[str, str]:
    """Text in an 8-bit or legacy code page: charset-normalizer's best guess among
    ``CODE_PAGES`` (its codec name, e.g. "cp1251"). Windows-1252 wins a tie (the same
    text, or a guess no more coherent): a short Western file has too few letters to tell
    it from Central European. Nothing fits: Windows-1252, else Latin-1 (reads any byte)."""
    from charset_normalizer import from_bytes

    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    matches = list(from_bytes(data[:SNIFF_CHARS * 4], cp_isolation=list(CODE_PAGES)))
    if matches:
        best = matches[0]
        tie = any(m.encoding == "cp1252" and m.chaos <= best.chaos
                  and m.coherence >= best.coherence for m in matches)
        if western is not None and (tie or western[:SNIFF_CHARS] == str(best)[:SNIFF_CHARS]):
            return western, "cp1252"
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass  # the guess was made on the first 256 kB; the rest disagrees
    if western is not None:
        return western, "cp1252"
    return data.decode("latin-1"), "latin-1"


def _decode_as(data: bytes, encoding: str, name: str) -> tuple[str, str]:
    """The coach's choice of encoding; a ``ValidationError`` if it is unknown or does not fit."""
    import codecs

    try:
        codec = codecs.lookup(encoding).name
    except (LookupError, TypeError, ValueError):
        raise ValidationError("CoachDesk does not know that text encoding; choose another one "
                              "from the list.", "encoding") from None
    if codec in ("utf-8", "utf-16") and data.startswith(b"\xef\xbb\xbf"):
        codec = "utf-8-sig"
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        raise ValidationError(f"{name} cannot be read as {encoding}: some of its bytes are not "
                              "text in that encoding. Choose another one.", "encoding") from None


def read_source(path: Path | str, encoding: str | None = None) -> Source:
    """Read a CSV or vCard file; a ``ValidationError`` with one plain sentence if it cannot be.

    ``encoding`` (a codec name such as "cp1251") re-reads the file with the coach's choice
    instead of the detected one; ``Source.encoding`` tells which was used."""
    path = Path(path)
    data = _read_bytes(path)
    if encoding:
        decode(data, f"“{path.name}”")  # the same refusals of binary files
        text, encoding = _decode_as(data, encoding, f"“{path.name}”")
    else:
        text, encoding = decode(data, f"“{path.name}”")
    looks_vcard = text.lstrip("\ufeff \t\r\n")[:11].upper() == "BEGIN:VCARD"
    if path.suffix.lower() in (".vcf", ".vcard") or looks_vcard:
        source = _read_vcard(text, f"“{path.name}”")
    else:
        source = _read_csv(text, f"“{path.name}”")
    source.encoding = encoding
    if len(source.rows) > MAX_ROWS:
        raise ValidationError(f"“{path.name}” holds more than {MAX_ROWS:,} rows; CoachDesk "
                              f"imports up to {MAX_ROWS:,} clients at a time. Split the file.")
    return source


# -- CSV ---------------------------------------------------------------------------

_DELIMITERS = ",;\t"


def _delimiter(text: str) -> str:
    """csv.Sniffer on the first 64 kB, checked against the first line: a sniffed
    delimiter that leaves the column names in one piece while another would split
    them is wrong. Fallback: the candidate found most often in the first line, else ','."""
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[:sample.rindex("\n")]  # never cut a row in half
    first = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and (counts.get(sniffed, 0) or not counts[best]):
        return sniffed
    return best if counts[best] else ","


_SEP_LINE = re.compile(r"\A\ufeff?[\"']?sep=(.)[\"']?[ \t]*(?:\r\n|\n|\r)", re.IGNORECASE)


def _read_csv(text: str, name: str) -> Source:
    text = text.lstrip("\ufeff")
    sep = _SEP_LINE.match(text)  # Excel's "sep=;" first line names the delimiter
    if sep:
        delimiter, text = sep.group(1), text[sep.end():]
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows, numbers, extra = [], [], []
    record = 0
    try:
        for cells in reader:
            cells = [c.replace("\x00", "").strip() for c in cells]
            if not any(cells):
                continue  # blank lines are not rows a coach counts
            record += 1
            if headers is None:
                headers = [c or f"Column {i + 1}" for i, c in enumerate(cells)]
                continue
            width = len(headers)
            over = [c for c in cells[width:] if c]
            rows.append((cells + [""] * width)[:width])
            numbers.append(record)
            extra.append(len(over))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise ValidationError(f"{name} could not be read as a spreadsheet near row {record + 1} "
                              f"({exc}). Open it in your spreadsheet program and save it as CSV "
                              "again.") from None
    if headers is None:
        raise ValidationError(f"{name} is empty: there is nobody in it to import.")
    if not rows:
        raise ValidationError(f"{name} has column names but no rows of clients under them.")
    return Source("csv", headers, rows, numbers, extra, delimiter=delimiter)


# -- vCard (read by client_import_vcard) -------------------------------------------


def _read_vcard(text: str, name: str) -> Source:
    rows, numbers, undecodable = read_vcard(text, name)
    return Source("vcard", list(VCARD_HEADERS), rows, numbers, [0] * len(rows),
                  undecodable=undecodable)


# -- mapping (guessed by client_import_columns) ------------------------------------


def default_mapping(source: Source) -> dict[str, int | None]:
    if source.fixed_mapping:
        return {f: i for i, f in enumerate(FIELDS)}
    return guess_mapping(source.headers)


# -- preview -----------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s*(?::::|;|,)\s*")  # Google joins several values with " ::: "
_PHONE_SEPARATORS = re.compile(r"\s*(?::::|;)\s*")  # a comma in a number is a dialling pause


def _first(value: str, separators: re.Pattern = _SEPARATORS) -> str:
    return next((part for part in separators.split(value) if part), "")


def row_values(cells: list[str], mapping: dict[str, int | None]) -> dict[str, str]:
    """What one row would create: the client's fields, plus its organisation's name."""
    def get(field_name: str) -> str:
        index = mapping.get(field_name)
        if index is None or not 0 <= index < len(cells):
            return ""
        return cells[index].replace("\r\n", "\n").replace("\r", "\n").strip()

    name = get("name") or " ".join(p for p in (get("first_name"), get("last_name")) if p)
    email = _first(get("email"))
    return {
        "name": " ".join(name.split()),
        "email": email[7:] if email.lower().startswith("mailto:") else email,
        "phone": _first(get("phone"), _PHONE_SEPARATORS),
        "job_title": get("job_title"),
        "organization": " ".join(get("organization").split()),
        "background": get("background"),
    }


def _name_key(name: str) -> str:
    return " ".join(v.fold(name).split())


def _field_problem(s, key: str, value: str) -> Problem | None:
    """The forms' own rules (clients._clean), one field at a time so every fault shows."""
    try:
        client_service._clean(s, {key: value})
    except ValidationError as exc:
        code = {"name": "missing_name", "email": "bad_email"}.get(key, "bad_value")
        return Problem(code, str(exc))
    return None


def preview(db: Database, source: Source,
            mapping: dict[str, int | None] | None = None) -> list[PreviewRow]:
    """Each row with the client it would create and its problems, in file order."""
    mapping = default_mapping(source) if mapping is None else mapping
    with db.session() as s:
        conn = s.connection()
        existing = conn.exec_driver_sql("SELECT name, email FROM client").fetchall()
        by_email = {e.strip().casefold(): n for n, e in existing if e and e.strip()}
        by_name = {_name_key(n): n for n, _e in existing if n}
        seen_email: dict[str, str] = {}
        seen_name: dict[str, str] = {}
        out: list[PreviewRow] = []
        phones = [] if source.fixed_mapping else phone_columns(source.headers)
        if mapping.get("phone") not in phones:
            phones = []  # the coach chose a column of their own: only that one
        for index, cells in enumerate(source.rows):
            values = row_values(cells, mapping)
            if not values["phone"]:  # Outlook: only "Business Phone" (or "Home Phone") filled
                values["phone"] = next((p for p in (
                    row_values(cells, {"phone": i})["phone"] for i in phones) if p), "")
            label = source.label(index)
            problems = [p for p in (_field_problem(s, "name", values["name"]),
                                    _field_problem(s, "email", values["email"])) if p]
            email_key = values["email"].casefold()
            name_key = _name_key(values["name"])
            if email_key and email_key in by_email:
                problems.append(Problem("duplicate_existing", f"Already in CoachDesk: "
                                        f"{by_email[email_key]} has this e-mail address."))
            elif name_key and name_key in by_name:
                problems.append(Problem("duplicate_existing",
                                        f"Already in CoachDesk: a client named {by_name[name_key]}."))
            if email_key and email_key in seen_email:
                problems.append(Problem("duplicate_in_file",
                                        f"Same e-mail address as {seen_email[email_key]} above."))
            elif name_key and name_key in seen_name:
                problems.append(Problem("duplicate_in_file",
                                        f"Same name as {seen_name[name_key]} above."))
            if index in source.undecodable:
                problems.append(Problem("undecodable", UNDECODABLE))
            if source.extra[index]:
                problems.append(Problem(
                    "extra_cells", f"This row has {_count(source.extra[index], 'more cell')} than "
                    "there are column names; check that its values sit in the right columns."))
            if email_key:
                seen_email.setdefault(email_key, label.lower())
            if name_key:
                seen_name.setdefault(name_key, label.lower())
            out.append(PreviewRow(source.numbers[index], label, values, problems))
    return out


def rows_to_import(rows: list[PreviewRow], skip_problems: bool = True) -> set[int]:
    """The numbers ticked by default: rows without problems (or every importable one)."""
    return {r.number for r in rows if (not r.problems if skip_problems else r.importable)}


# -- import ------------------------------------------------------------------------


def import_rows(db: Database, rows: list[PreviewRow], chosen: set[int] | None = None, *,
                progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Add the chosen rows (default: those without problems) in ONE transaction.

    Rows that cannot be imported (no name, bad e-mail) are skipped even if chosen.
    Organisations are matched by name, ignoring case and accents, or created.
    ``progress(done, total)`` is called as rows go in; if anything fails, nothing
    is kept and a ``CoachDeskError`` says so.
    """
    chosen = rows_to_import(rows) if chosen is None else set(chosen)
    todo = [r for r in rows if r.number in chosen and r.importable]
    created_orgs = 0
    current = ""
    try:
        with db.session() as s:
            orgs: dict[str, int] = {}
            for org_id, name, _archived in s.connection().exec_driver_sql(
                    "SELECT id, name, archived FROM organization ORDER BY archived, id"):
                orgs.setdefault(_name_key(name), org_id)  # a live one wins over an archived one
            for done, row in enumerate(todo, start=1):
                current = row.label
                values = dict(row.values)
                org_name = values.pop("organization")
                # The forms' rules for every field; the organisation id is not handed to them
                # (their check would reload it from the database for each row): it is one
                # this transaction just found or made.
                clean = client_service._clean(s, values)
                if org_name:
                    key = _name_key(org_name)
                    if key not in orgs:
                        org = Organization(**org_service._clean({"name": org_name}))
                        s.add(org)
                        s.flush()
                        orgs[key] = org.id
                        created_orgs += 1
                    clean["organization_id"] = orgs[key]
                s.add(Client(**clean))
                if done % 500 == 0:
                    s.flush()
                if progress:
                    progress(done, len(todo))
            current = ""
            s.flush()
    except ValidationError as exc:
        where = f"{current}: " if current else ""
        raise ValidationError(f"{where}{exc} Nothing was imported.", exc.field) from None
    except CoachDeskError:
        raise
    except Exception as exc:
        log.exception("client import failed at %s", current or "the end")
        raise CoachDeskError(f"The import stopped{' at ' + current if current else ''} "
                             f"({exc}). Nothing was imported; your practice is as it was.") from None
    return ImportResult(len(todo), len(rows) - len(todo), created_orgs)
