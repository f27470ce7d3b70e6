"""Tooltips that hold a cell's full text when the cell shows it shortened ("We worked on…").

Qt shows a plain-text tooltip on one line, however long: a 600-character note would
run off the screen. ``full_text_tip`` breaks it into lines a tooltip can show, and
keeps it to a length one can read in a tooltip (the page itself has the rest).
"""

from __future__ import annotations

import textwrap

TIP_CHARS = 1000
TIP_WIDTH = 80  # characters a line


def full_text_tip(text: str | None, limit: int = TIP_CHARS) -> str | None:
    """``text`` as a tooltip: lines wrapped, at most ``limit`` characters; None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return "\n".join(textwrap.fill(line, TIP_WIDTH) if line.strip() else ""
                     for line in text.splitlines())
