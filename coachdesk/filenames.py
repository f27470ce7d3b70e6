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
#: the most bytes one file name may have on most disks (ext4, APFS, NTFS in UTF-16 units)
NAME_MAX_BYTES = 255
#: a whole proposed file name stays under this many bytes (UTF-8), leaving room under
#: ``NAME_MAX_BYTES`` for what is added later: " (2)" or "-2" for a name already taken,
#: a hidden temporary name (``temp_name``: "." + name + ".1a2b3c4d.partial")
MAX_NAME_BYTES = 200
#: one part of a name (a client's name) is cut to this many characters
MAX_PART_CHARS = 60

_FORBIDDEN = {"/": "-", "\\": "-", "|": "-", ":": "-", '"': "'", "<": "", ">": "", "*": "",
              "?": ""}
_INVISIBLE = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")  # controls, bidi overrides
_SURROGATE = re.compile("[\ud800-\udfff]")  # cannot be written in a file name
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text))
    text = _SURROGATE.sub("_", _INVISIBLE.sub(" ", text))
    text = "".join(_FORBIDDEN.get(ch, ch) for ch in text)
    return " ".join(text.split()).strip(" .")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip(" .") + "…"


# Marks that only make sense after another character: a cut must not end a name on one.
_JOINERS = {"\u200d", "\u200c", "\ufe0e", "\ufe0f"}


def fit_bytes(stem: str, limit: int) -> str:
    """``stem`` if its UTF-8 form has at most ``limit`` bytes, else its longest start
    that does, with "…" (3 bytes) added: cut between characters, never inside one, and
    without a trailing space, dot or joiner. Quick for a name of any length."""
    raw = stem.encode("utf-8", "surrogatepass")
    if len(raw) <= limit:
        return stem
    room = max(0, limit - len("…".encode()))
    cut = raw[:room].decode("utf-8", "ignore")  # a character cut in half is left out
    while cut and (cut[-1] in " ." or cut[-1] in _JOINERS or unicodedata.combining(cut[-1])):
        cut = cut[:-1]
    return cut + "…" if room else ""


def temp_name(name: str, suffix: str = ".partial", tag: str = "") -> str:
    """A hidden name to write ``name`` under before it is moved into place:
    "." + ``name`` + ``tag`` + ``suffix``, its ``name`` cut (:func:`fit_bytes`) so the
    whole stays within ``NAME_MAX_BYTES`` bytes, however long ``name`` is."""
    extra = len(f".{tag}{suffix}".encode())
    return f".{fit_bytes(name, NAME_MAX_BYTES - extra)}{tag}{suffix}"


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
    stem = fit_bytes(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8")))
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
    return fit_bytes(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))) + suffix
