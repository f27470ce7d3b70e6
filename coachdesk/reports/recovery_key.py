"""The recovery key sheet: one page to print (or save as a PDF) once, when a practice is
encrypted. No Qt here.

The sheet holds the recovery key (``encryption.recovery_key_text``: 11 groups of 5
letters and digits) in large monospaced type, the practice file's name, the date, and
what the key is for (the practice and the backups made from now on: a practice encrypted
again after a decryption has a new key, and its older backups keep the older one), what
the practice's key file is, where to keep the key, and what is lost without it. It holds nothing
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

#: reportlab's built-in monospaced face: the key is ASCII (A–Z and 2–7, groups apart)
KEY_FONT = "Courier-Bold"
KEY_SIZE = 22

TITLE = "Your CoachDesk recovery key"

#: what losing both means, said the same way everywhere (finding 12b: "without your
#: passphrase AND this key" read as if both were needed to open the practice)
BOTH_LOST = ("If you lose both your passphrase and this recovery key, nobody can open your "
             "practice — not you, not CoachDesk, not anyone.")

#: the sheet's explanation, paragraph by paragraph (also what the window says)
EXPLANATION = (
    "This key opens your encrypted practice and every backup of it made from now on, even "
    "if you forget your passphrase or the practice's key file is lost.",
    "Keep it on paper, somewhere safe and away from your laptop: a locked drawer at home, "
    "or with your important documents. Do not keep it in a file on the same computer or "
    "on the same USB stick as your backups.",
    "Anyone who has this key and a copy of your practice file can read it, so treat it as "
    "you would a house key.",
    BOTH_LOST,
    "To use it: when CoachDesk asks for your passphrase, choose the recovery key instead "
    "and type it as printed (capital letters or not, with or without the spaces between "
    "the groups).",
)


#: said when the practice had been encrypted before, with another key (``older_backups``)
OLDER_BACKUPS = ("Backups made before today keep the key they were made with: keep your "
                 "earlier recovery key too.")


def key_file_text(practice_name: str, short: bool = False) -> str:
    """What the practice's key file is, for ``practice_name`` (e.g. "coachdesk.db");
    ``short``: one sentence (the window's dialog, which has less room than the page)."""
    if short:
        return (f"Its key file, {practice_name}.key, holds this key locked with your "
                f"passphrase: copy it with {practice_name} when you copy the practice by hand.")
    return (f"The key file is {practice_name}.key, which CoachDesk keeps beside "
            f"{practice_name}: it holds this key, locked with your passphrase. When you copy "
            "the practice by hand, copy both files; without the key file only this recovery "
            "key opens the copy.")


def explanation(practice_name: str, older_backups: bool = False) -> list[str]:
    """The sheet's paragraphs for ``practice_name``: ``EXPLANATION`` with what the key
    file is after the first, and ``OLDER_BACKUPS`` after it when ``older_backups``."""
    paragraphs = [EXPLANATION[0], key_file_text(practice_name)]
    if older_backups:
        paragraphs.append(OLDER_BACKUPS)
    return paragraphs + list(EXPLANATION[1:])


def key_lines(recovery_key: str, per_line: int = 4) -> list[str]:
    """The key's groups, ``per_line`` to a line, e.g. ``["OBRVV  3XTZM  D4YON  EPWV7", …]``."""
    groups = [g for g in recovery_key.replace(" ", "-").split("-") if g]
    return ["  ".join(groups[i:i + per_line]) for i in range(0, len(groups), per_line)]


def _story(recovery_key: str, practice_name: str, day: date, older_backups: bool) -> list:
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
    for text in explanation(practice_name, older_backups):
        story += [Paragraph(markup(text), s["body"]), Spacer(1, 3 * mm)]
    return story


def _build(target, recovery_key: str, practice_name: str, day: date, paper: str,
           older_backups: bool = False) -> None:
    doc = pdfkit.new_doc(Path("recovery-key.pdf"), paper, TITLE,
                         subject="Recovery key of an encrypted CoachDesk practice")
    doc.filename = target  # a path, or a BytesIO (new_doc takes only paths)
    decorations = pdfkit.Decorations("CoachDesk recovery key", "Keep safe, on paper",
                                     practice_name)
    doc.build(_story(recovery_key, practice_name, day, older_backups),
              canvasmaker=pdfkit.canvas_maker(decorations))


def recovery_pdf_bytes(recovery_key: str, practice_name: str, day: date | None = None,
                       paper: str = "A4", *, older_backups: bool = False) -> bytes:
    """The sheet as PDF bytes, built in memory (for printing: nothing touches the disk).

    ``practice_name``: the practice file's name (not its folder); ``day``: today when
    None; ``paper``: "A4" or "Letter"; ``older_backups``: the practice was encrypted
    before with another key (``OLDER_BACKUPS`` is said)."""
    out = io.BytesIO()
    _build(out, recovery_key, practice_name, day or date.today(), paper, older_backups)
    return out.getvalue()


def write_recovery_pdf(out_path: Path | str, recovery_key: str, practice_name: str,
                       day: date | None = None, paper: str = "A4", *,
                       older_backups: bool = False) -> Path:
    """Write the sheet to ``out_path`` (atomically: a temporary file beside it, renamed);
    returns the path. Raises ``ReportError`` (plain sentence) when it cannot be written."""
    return pdfkit.write_pdf(out_path, lambda tmp: _build(
        str(tmp), recovery_key, practice_name, day or date.today(), paper, older_backups))
