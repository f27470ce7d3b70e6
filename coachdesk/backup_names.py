"""Backup file names and the time they carry. No Qt, no database.

A backup's name says when it was made, in UTC, so that the order of backups
never depends on the computer's time zone or on summer time::

    <stem>-<YYYYmmdd-HHMMSS-ffffff>Z-<kind>.db      (since this version: UTC)
    <stem>-<YYYYmmdd-HHMMSS-ffffff>-<kind>.db       (older versions: local time)

Older names (no ``Z``) are still read: their time is taken as the local time of
the zone the computer is in *now* (Python's rule for a naive time; in the hour a
summer-time night repeats, the first of the two readings). Every backup is then
ordered by its UTC instant, old and new names alike.

A practice whose name is long gets a shortened stem in its backups' names (the
start of the name, ``~`` and 8 hex digits of a hash of the whole stem), so every
name, with room for a temporary suffix, stays under the 255-byte limit most file
systems have, and two long names that start alike still get different stems.

``utcnow`` is the one clock of the backup code; tests freeze it.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .faults import crash_point  # noqa: F401 - its old home; callers may still import it here

#: Most file systems refuse a file name longer than this many bytes.
NAME_MAX = 255
#: Bytes kept free after the stem: "-YYYYmmdd-HHMMSS-ffffffZ-" (25), a kind (≤ 20), ".db",
#: and a temporary suffix ".<pid>.partial-journal" (≤ 28).
_RESERVED = 80
STEM_MAX = NAME_MAX - _RESERVED
#: How far ahead of the clock a backup may be dated before it counts as "in the future"
#: (two computers a few minutes apart sharing a synced folder).
FUTURE_SLACK = timedelta(minutes=5)
#: A gap this long between a backup and its neighbours means its date cannot be trusted
#: to place it (a clock set to 2001 or to 2062); such backups are kept, never rotated.
WILD_GAP = timedelta(days=366)

FUTURE_NOTE = "dated in the future — the clock was wrong when it was made"

_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<ts>\d{8}-\d{6}(?:-\d{6})?)(?P<utc>Z?)-(?P<kind>[a-z][a-z-]*)\.db$")
PARTIAL = ".partial"


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (the one clock tests freeze)."""
    return datetime.now(UTC)


def to_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is read as this computer's local time."""
    return moment.astimezone(UTC)


def to_local(instant: datetime) -> datetime:
    """A naive local datetime for showing ``instant`` in the computer's current zone."""
    return instant.astimezone().replace(tzinfo=None)


def _cut_bytes(text: str, limit: int) -> str:
    raw = os.fsencode(text)[:limit]
    while raw and raw[-1] & 0xC0 == 0x80:  # never end inside a UTF-8 character
        raw = raw[:-1]
    if raw and raw[-1] >= 0xC0:
        raw = raw[:-1]
    return os.fsdecode(raw)


def name_stem(stem: str) -> str:
    """The stem a practice's backups carry: the stem itself, or, when it is longer than
    ``STEM_MAX`` bytes, its start, '~' and 8 hex digits of a hash of the whole stem."""
    if len(os.fsencode(stem)) <= STEM_MAX:
        return stem
    digest = hashlib.sha256(os.fsencode(stem)).hexdigest()[:8]
    return f"{_cut_bytes(stem, STEM_MAX - 9)}~{digest}"


def backup_name(stem: str, instant: datetime, kind: str) -> str:
    """'<stem>-<UTC time>Z-<kind>.db' for a practice stem (shortened if long)."""
    return f"{name_stem(stem)}-{to_utc(instant):%Y%m%d-%H%M%S-%f}Z-{kind}.db"


def parse_instant(path: Path | str, stem: str | None = None) -> tuple[datetime, str] | None:
    """(aware UTC instant, kind) from a backup's name, or None if it is not a backup
    (of the practice whose stem is ``stem``, when given)."""
    m = _NAME.match(Path(path).name)
    if not m or (stem is not None and m.group("stem") != name_stem(stem)):
        return None
    ts = m.group("ts")
    try:
        when = datetime.strptime(ts, "%Y%m%d-%H%M%S-%f" if len(ts) > 15 else "%Y%m%d-%H%M%S")
        instant = when.replace(tzinfo=UTC) if m.group("utc") else to_utc(when)
    except (ValueError, OverflowError, OSError):
        return None
    return instant, m.group("kind")


def parse_name(path: Path | str, stem: str | None = None) -> tuple[datetime, str] | None:
    """(when, kind) from a backup's name, ``when`` being the local time (naive, in the
    computer's current zone) it was made; None if it is not a backup (of ``stem``)."""
    parsed = parse_instant(path, stem)
    if parsed is None:
        return None
    try:
        return to_local(parsed[0]), parsed[1]
    except (ValueError, OverflowError, OSError):
        return parsed[0].replace(tzinfo=None), parsed[1]


def temp_name(dest: Path, pid: int | None = None) -> Path:
    """A temporary name beside ``dest`` ('<name>.<pid>.partial'), under ``NAME_MAX`` bytes.

    The process id lets a later start tell a copy being written from one left by a
    process that died (see ``backups.clean_debris``)."""
    suffix = f".{pid or os.getpid()}{PARTIAL}"
    name = dest.name
    if len(os.fsencode(name + suffix)) + len("-journal") > NAME_MAX:
        digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:8]
        name = f"{_cut_bytes(name, NAME_MAX - len(suffix) - 8 - 10)}~{digest}"
    return dest.with_name(name + suffix)


def partial_owner(path: Path) -> tuple[str, int | None] | None:
    """('<name it was to get>', pid or None) for a temporary copy's name, else None.

    Reads '<name>.<pid>.partial' and older versions' '<name>.partial', each also with
    SQLite's '-journal' after it."""
    name = Path(path).name
    name = name.removesuffix("-journal")
    if not name.endswith(PARTIAL):
        return None
    name = name[: -len(PARTIAL)]
    head, _, tail = name.rpartition(".")
    if head and tail.isdigit():
        return head, int(tail)
    return name, None
