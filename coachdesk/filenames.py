"""What a file CoachDesk proposes is called: one style everywhere.

"What — whose — when" joined with " — " ("GROW worksheet — José Álvarez — 2026-08-28.pdf",
"Progress report — José Álvarez — 2026-08-01 to 2026-11-29.pdf", "CoachDesk export —
2026-12-03.json"), made safe for Windows, macOS and Linux and of a sane length. Every
name the app proposes to the coach comes from :func:`file_name`, the screens' through
``ui.files`` and the engine's (a client's own data) directly. Names CoachDesk keeps
for itself (the report log's stored copies) are not proposals and keep their own form.

Qt-free, so the engine and the CLI name files the same way the screens do.
"""

from __future__ import annotations

import re
import unicodedata

SEPARATOR = " — "
#: a whole file name stays under this many bytes (255 is the limit on most disks)
MAX_NAME_BYTES = 200
#: one part of a name (a client's name) is cut to this many characters
MAX_PART_CHARS = 60

_FORBIDDEN = {"/": "-", "\\": "-", "|": "-", ":": "-", '"': "'", "<": "", ">": "", "*": "",
              "?": ""}
_INVISIBLE = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")  # controls, bidi overrides
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text))
    text = _INVISIBLE.sub(" ", text)
    text = "".join(_FORBIDDEN.get(ch, ch) for ch in text)
    return " ".join(text.split()).strip(" .")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip(" .") + "…"


def _fit_bytes(stem: str, limit: int) -> str:
    if len(stem.encode("utf-8")) <= limit:
        return stem
    while stem and len((stem + "…").encode("utf-8")) > limit:
        stem = stem[:-1]
    return stem.rstrip(" .") + "…"


def file_name(*parts, suffix: str = "", fallback: str = "CoachDesk file") -> str:
    """A file name from its parts joined with " — ", safe on Windows, macOS and Linux.

    Characters the systems refuse are replaced, invisible ones dropped, each part is
    cut to ``MAX_PART_CHARS`` and the whole name kept under ``MAX_NAME_BYTES``.
    ``suffix`` is the extension with its dot (".pdf").
    """
    cleaned = [_cut(_clean(p), MAX_PART_CHARS) for p in parts if p is not None]
    stem = SEPARATOR.join(p for p in cleaned if p) or fallback
    if stem.split(".")[0].strip().casefold() in _RESERVED:
        stem = f"{stem} (CoachDesk)"  # "CON.pdf" cannot be made on Windows
    stem = _fit_bytes(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8")))
    return stem + suffix


def safe_name(name: str, fallback: str = "CoachDesk file") -> str:
    """A whole file name (its extension kept) made safe the same way, without cutting
    its parts: for names built elsewhere, e.g. a report's."""
    stem, dot, ext = str(name).rpartition(".")
    if dot and 1 <= len(ext) <= 5 and ext.isalnum():
        suffix = "." + ext
    else:
        stem, suffix = str(name), ""
    stem = _clean(stem) or fallback
    if stem.split(".")[0].strip().casefold() in _RESERVED:
        stem = f"{stem} (CoachDesk)"
    return _fit_bytes(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))) + suffix
