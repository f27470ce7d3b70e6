"""The text encodings the client import offers, with plain names for the coach.

``encoding_items(detected)`` gives ``[(label, codec), ...]`` for the Encoding box of the
import preview: the detected codec first (labelled "— detected"), then the common ones.
Codec names are Python's (``"cp1251"``, ``"utf-8"``); none of this raises.
"""

from __future__ import annotations

import codecs

#: (plain name, Python codec) in the order the coach sees them
COMMON = (
    ("Unicode (UTF-8)", "utf-8"),
    ("Western (Windows-1252)", "cp1252"),
    ("Central European (Windows-1250)", "cp1250"),
    ("Cyrillic (Windows-1251)", "cp1251"),
    ("Greek (Windows-1253)", "cp1253"),
    ("Turkish (Windows-1254)", "cp1254"),
    ("Japanese (Shift-JIS)", "shift_jis"),
    ("Chinese (GB18030)", "gb18030"),
    ("Korean (EUC-KR)", "euc_kr"),
    ("Mac Roman", "mac_roman"),
)
_EXTRA = {"utf-8-sig": "Unicode (UTF-8)", "utf-16": "Unicode (UTF-16)",
          "latin-1": "Western (ISO-8859-1)", "iso8859-1": "Western (ISO-8859-1)"}


def canonical(codec: str) -> str:
    """Python's own name for ``codec`` ("utf_8" → "utf-8"); the name itself if unknown."""
    try:
        return codecs.lookup(codec).name
    except LookupError:
        return codec


def plain_name(codec: str) -> str:
    """The coach's name for a codec, e.g. "cp1251" → "Cyrillic (Windows-1251)"."""
    key = canonical(codec)
    for label, name in COMMON:
        if canonical(name) == key:
            return label
    return _EXTRA.get(key, codec)


def encoding_items(detected: str | None) -> list[tuple[str, str]]:
    """The Encoding box's entries: the detected codec first, then each common one once."""
    items = []
    if detected:
        items.append((f"{plain_name(detected)} — detected", detected))
    seen = {canonical(detected)} if detected else set()
    if detected and canonical(detected) == "utf-8-sig":
        seen.add("utf-8")
    items += [(label, name) for label, name in COMMON if canonical(name) not in seen]
    return items
