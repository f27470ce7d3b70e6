"""The recovery key sheet: one page to print (or save as a PDF) once, when a practice is
encrypted. No Qt here.

The sheet holds the recovery key (``encryption.recovery_key_text``: 11 groups of 5
letters and digits) in large monospaced type, the practice file's name, the date, and
what the key is for, where to keep it, and what is lost without it. It holds nothing
else from the practice: no client, no note. The app never keeps the sheet: it is written
only where the coach chooses (``write_recovery_pdf``) or into memory for printing
(``recovery_pdf_bytes``).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from . import pdfkit
from . import styles as st
from .scripts import Paragraph
from .styles import markup

#: reportlab's built-in monospaced face: the key is ASCII (A–Z and 2–7 and dashes)
KEY_FONT = "Courier-Bold"
KEY_SIZE = 22

TITLE = "Your CoachDesk recovery key"

#: what losing both means, said the same way everywhere (finding 12b: "without your
#: passphrase AND this key" read as if both were needed to open the practice)
BOTH_LOST = ("If you lose both your passphrase and this recovery key, nobody can open your "
             "practice — not you, not CoachDesk, not anyone.")

#: the sheet's explanation, paragraph by paragraph (also what the window says)
EXPLANATION = (
    "This key opens your encrypted practice and every backup of it, even if you forget "
    "your passphrase or the practice's key file is lost.",
    "Keep it on paper, somewhere safe and away from your laptop: a locked drawer at home, "
    "or with your important documents. Do not keep it in a file on the same computer or "
    "on the same USB stick as your backups.",
    "Anyone who has this key and a copy of your practice file can read it, so treat it as "
    "you would a house key.",
    BOTH_LOST,
    "To use it: when CoachDesk asks for your passphrase, choose the recovery key instead "
    "and type it as printed (capital letters or not, with or without the dashes).",
)


def key_lines(recovery_key: str, per_line: int = 4) -> list[str]:
    """The key's groups, ``per_line`` to a line, e.g. ``["OBRVV  3XTZM  D4YON  EPWV7", …]``."""
    groups = [g for g in recovery_key.replace(" ", "-").split("-") if g]
    return ["  ".join(groups[i:i + per_line]) for i in range(0, len(groups), per_line)]


def _story(recovery_key: str, practice_name: str, day: date) -> list:
    s = st.styles()
    story: list = [Paragraph(markup(TITLE), s["title"]), Spacer(1, 3 * mm),
                   Paragraph(markup(f"Practice file: {practice_name}"), s["meta"]),
                   Paragraph(markup(f"Made on {pdfkit.format_date(day)}"), s["subtitle"]),
                   Spacer(1, 8 * mm)]
    rows = [[line] for line in key_lines(recovery_key)]
    table = Table(rows, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), KEY_FONT, KEY_SIZE, KEY_SIZE + 12),
        ("TEXTCOLOR", (0, 0), (-1, -1), st.INK),
        ("BACKGROUND", (0, 0), (-1, -1), st.ACCENT_LIGHT),
        ("BOX", (0, 0), (-1, -1), 0.8, st.ACCENT),
        ("LEFTPADDING", (0, 0), (-1, -1), 14),
        ("RIGHTPADDING", (0, 0), (-1, -1), 14),
        ("TOPPADDING", (0, 0), (0, 0), 10),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
    ]))
    story += [KeepTogether([table]), Spacer(1, 8 * mm)]
    for text in EXPLANATION:
        story += [Paragraph(markup(text), s["body"]), Spacer(1, 3 * mm)]
    return story


def _build(target, recovery_key: str, practice_name: str, day: date, paper: str) -> None:
    doc = pdfkit.new_doc(Path("recovery-key.pdf"), paper, TITLE,
                         subject="Recovery key of an encrypted CoachDesk practice")
    doc.filename = target  # a path, or a BytesIO (new_doc takes only paths)
    decorations = pdfkit.Decorations("CoachDesk recovery key", "Keep safe, on paper",
                                     practice_name)
    doc.build(_story(recovery_key, practice_name, day),
              canvasmaker=pdfkit.canvas_maker(decorations))


def recovery_pdf_bytes(recovery_key: str, practice_name: str, day: date | None = None,
                       paper: str = "A4") -> bytes:
    """The sheet as PDF bytes, built in memory (for printing: nothing touches the disk).

    ``practice_name``: the practice file's name (not its folder); ``day``: today when
    None; ``paper``: "A4" or "Letter"."""
    out = io.BytesIO()
    _build(out, recovery_key, practice_name, day or date.today(), paper)
    return out.getvalue()


def write_recovery_pdf(out_path: Path | str, recovery_key: str, practice_name: str,
                       day: date | None = None, paper: str = "A4") -> Path:
    """Write the sheet to ``out_path`` (atomically: a temporary file beside it, renamed);
    returns the path. Raises ``ReportError`` (plain sentence) when it cannot be written."""
    return pdfkit.write_pdf(out_path, lambda tmp: _build(
        str(tmp), recovery_key, practice_name, day or date.today(), paper))
