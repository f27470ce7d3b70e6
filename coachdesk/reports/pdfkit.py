"""The generic reportlab kit every printed document shares: user text as flowables, table
styles, page decorations ("page x of y"), the document template and an atomic write.

Fonts, colours and paragraph styles live in :mod:`.styles`; this module is about
layout. Every piece of user text goes through :func:`.styles.markup` (escaped) before it
reaches a ``Paragraph``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, SimpleDocTemplate, Spacer

from .. import __version__, dates
from ..filenames import temp_name
from . import styles as st
from .scripts import (
    Paragraph,  # right-to-left text wraps in the right order
    draw_string,
    text_width,
)
from .styles import markup

__all__ = [
    "format_date", "short_date", "duration", "TEXT_CHUNK", "CELL_CHUNK", "CELL_MAX_HEIGHT",
    "CELL_PADDING", "text_flowables", "cell_pieces", "split_to_height", "cell_rows", "blocks",
    "chunks", "short", "cell_text", "cell", "table_style", "joined_rows", "bold", "fit",
    "Decorations", "canvas_maker", "new_doc", "write_pdf", "content_width", "logo",
]


# -- formatting -----------------------------------------------------------------------------


def format_date(d: date | str | None) -> str:
    if d is None or d == "":
        return ""
    if isinstance(d, str):
        try:
            d = date.fromisoformat(d.strip())
        except ValueError:
            return d
    return dates.long(d)  # the practice's date setting (coachdesk.dates)


def short_date(d: date | None) -> str:
    return dates.short(d)


def duration(minutes: int | None) -> str:
    if not minutes:
        return ""
    h, m = divmod(int(minutes), 60)
    if h and m:
        return f"{h} h {m:02d} min"
    return f"{h} h" if h else f"{m} min"


TEXT_CHUNK = 2000  # characters per Paragraph: long text is split so pages break quickly
CELL_CHUNK = 700  # characters per table row before measuring (keeps the measuring quick)
#: points: a table row holding coach text is never taller than this, whatever the text's
#: shape (56 short lines, one 5,000-character word), so every row fits on a page
CELL_MAX_HEIGHT = 160.0
#: points: the left plus right padding :func:`table_style` gives a cell
CELL_PADDING = 10.0


def text_flowables(text: str, style, empty: str | None = "Not recorded") -> list[Flowable]:
    """Coach text of any shape and size as paragraphs that can break across pages.

    ``text`` is cleaned (:func:`.styles.clean_text`: Word's pasted line and page breaks
    become line and paragraph breaks, other control characters go) and escaped, so
    markup characters print as typed; each line is a ``Paragraph``, a blank line adds a
    paragraph's space, and a very long line is cut into pieces of at most ``TEXT_CHUNK``
    characters. Empty text gives one ``empty`` line in the "empty" style, or nothing
    when ``empty`` is ``None``.
    """
    s = st.styles()
    clean = st.clean_text(text)
    if not clean.strip():
        return [Paragraph(markup(empty), s["empty"])] if empty else []
    out: list[Flowable] = []
    parts = [b for b in blocks(clean) if b.strip()]
    for i, block in enumerate(parts):
        if i:
            out.append(Spacer(1, style.leading * 0.45))
        for chunk in chunks(block, TEXT_CHUNK):
            # one Paragraph per line the coach typed: reportlab's split of a paragraph at
            # a <br/> starts the next page with an empty line
            out += [Paragraph(markup(line), style) for line in chunk.split("\n")]
    return out


def cell_pieces(text: object, style, width: float,
                max_height: float = CELL_MAX_HEIGHT) -> list[Paragraph]:
    """Coach text for one table column as paragraphs, each at most ``max_height``
    points tall when wrapped to ``width`` points (the column's width less its padding).

    Put each piece in its own table row (:func:`cell_rows`): a row is then never taller
    than a page, however many lines or however long a word the text holds, and the
    table breaks between pieces. Empty text gives ``[]``.
    """
    out: list[Paragraph] = []
    for chunk in chunks(cell_text(text), CELL_CHUNK):
        lines = chunk.split("\n")
        while lines:
            n = _lines_that_fit(lines, style, width, max_height)
            out += split_to_height([Paragraph(markup("\n".join(lines[:n])), style)], width,
                                   max_height)  # one line too tall: reportlab cuts it
            lines = lines[n:]
    return out


def _lines_that_fit(lines: list[str], style, width: float, max_height: float) -> int:
    """How many of ``lines`` (at least one) make a paragraph at most ``max_height`` tall.

    Cutting at the coach's own line breaks here, rather than with ``Paragraph.split``,
    keeps a piece from starting with an empty line (what reportlab's split leaves after
    a ``<br/>``)."""
    def height(n: int) -> float:
        return Paragraph(markup("\n".join(lines[:n])), style).wrap(width, max_height)[1]

    if height(len(lines)) <= max_height:
        return len(lines)
    lo, hi = 1, len(lines) - 1  # the answer is in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if height(mid) <= max_height:
            lo = mid
        else:
            hi = mid - 1
    return lo


def split_to_height(flowables: Sequence[Flowable], width: float,
                    max_height: float = CELL_MAX_HEIGHT) -> list[Flowable]:
    """``flowables`` with every one taller than ``max_height`` points at ``width`` points
    split (reportlab's own line breaking) into pieces that are not."""
    out: list[Flowable] = []
    for f in flowables:
        while True:
            _, h = f.wrap(width, max_height)
            if h <= max_height:
                out.append(f)
                break
            parts = f.split(width, max_height)
            if len(parts) < 2:  # cannot be cut (e.g. an image): leave it whole
                out.append(f)
                break
            out.append(parts[0])
            f = parts[1]
    return out


def cell_rows(columns: Sequence[Sequence[Flowable]], width: Sequence[float],
              max_height: float = CELL_MAX_HEIGHT) -> list[list[list[Flowable] | str]]:
    """Table rows for one record whose columns hold flowables (e.g. :func:`cell_pieces`).

    ``columns[i]`` is stacked into cells of at most ``max_height`` points at ``width[i]``
    points; row ``r`` holds each column's ``r``-th cell, ``""`` where a column has run
    out. At least one row is returned, so a record with no text still has its row.
    """
    stacks = [_stack(list(c), w, max_height) for c, w in zip(columns, width, strict=True)]
    n = max([len(x) for x in stacks] + [1])
    return [[x[r] if r < len(x) else "" for x in stacks] for r in range(n)]


def _stack(flowables: list[Flowable], width: float, max_height: float) -> list[list[Flowable]]:
    cells: list[list[Flowable]] = []
    used = max_height + 1
    for f in flowables:
        _, h = f.wrap(width, max_height)
        h += f.getSpaceBefore() + f.getSpaceAfter()
        if used + h > max_height:
            cells.append([])
            used = 0.0
        cells[-1].append(f)
        used += h
    return cells


def blocks(text: str) -> list[str]:
    """Split at blank lines (paragraph breaks), keeping single newlines inside a block."""
    out, current = [], []
    for line in text.strip("\n").split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            out.append("\n".join(current))
            current = []
    if current:
        out.append("\n".join(current))
    return out


def chunks(text: str, size: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``size`` characters, at a line or sentence end
    or a space when there is one."""
    out = []
    while len(text) > size:
        window = text[: size]
        cut = window.rfind("\n", size // 2)
        if cut < 0:  # else after the last sentence in the second half, else at a space
            cut = max(window.rfind(". ", size // 2), window.rfind("? ", size // 2),
                      window.rfind("! ", size // 2))
            cut = cut + 1 if cut >= 0 else window.rfind(" ", size // 2)
        if cut <= 0:
            cut = size
        out.append(text[:cut])
        text = text[cut:].lstrip("\n ")
    if text:
        out.append(text)
    return out


def short(text: object, limit: int = 200) -> str:
    """One line of at most ``limit`` characters (names and titles: never a page of text)."""
    one = " ".join(st.clean_text(text).split())
    return one if len(one) <= limit else one[:limit - 1].rstrip() + "…"


def cell_text(text: object) -> str:
    """Text for a table cell: trimmed, with runs of blank lines kept to one."""
    return re.sub(r"\n[ \t]*(?:\n[ \t]*)+\n", "\n\n", st.clean_text(text).strip())


def cell(text: str, style) -> Paragraph:
    return Paragraph(markup(text), style)


def table_style(header_rows: int = 1) -> list[tuple]:
    return [
        ("FONT", (0, 0), (-1, -1), st.FONT, 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), st.ACCENT_LIGHT),
        ("LINEBELOW", (0, 0), (-1, header_rows - 1), 0.8, st.ACCENT),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.4, st.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]


def joined_rows(first: int, last: int) -> list[tuple]:
    """Table style commands that show rows ``first`` to ``last`` (one record cut into
    several rows by :func:`cell_rows`) as one: no rule or padding between them."""
    if last <= first:
        return []
    return [("LINEBELOW", (0, first), (-1, last - 1), 0, st.WHITE),
            ("BOTTOMPADDING", (0, first), (-1, last - 1), 0),
            ("TOPPADDING", (0, first + 1), (-1, last), 0)]


def bold(style):
    return ParagraphStyle(style.name + "bold", parent=style, fontName=st.FONT_BOLD)



# -- images ---------------------------------------------------------------------------------


def logo(path: str | Path | bytes | None, max_width: float = 40 * mm,
         max_height: float = 22 * mm) -> Flowable | None:
    """The image at ``path`` (or given as its bytes) scaled (aspect kept) to fit
    ``max_width`` x ``max_height``, left-aligned; ``None`` when there is none or the file is
    missing or unreadable, so a deleted or damaged logo never stops a document being made."""
    if not path:
        return None
    try:
        if isinstance(path, bytes):
            data = path
        else:
            src = Path(path).expanduser()
            if not src.is_file():
                return None
            data = src.read_bytes()  # read now: the file may vanish before the build
        reader = ImageReader(io.BytesIO(data))
        w, h = reader.getSize()
        reader.getRGBData()  # decode it all now: a damaged image fails here, not mid-build
        if w <= 0 or h <= 0:
            return None
        scale = min(max_width / w, max_height / h)
        img = Image(io.BytesIO(data), width=w * scale, height=h * scale)
        img.hAlign = "LEFT"
        return img
    except Exception:  # noqa: BLE001 - any unreadable image: leave it out
        return None


# -- page decorations -----------------------------------------------------------------------


def fit(text: str, font: str, size: float, width: float) -> str:
    """One line of ``text`` (logical order) that fits ``width`` points printed with
    :func:`.scripts.draw_string`, with an ellipsis when cut."""
    text = " ".join(st.clean_text(text).split())
    if text_width(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid] + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


@dataclass
class Decorations:
    """The running header (client, sponsor, period…) and footer ("page x of y") of a
    document; names in any script print as in the text (:mod:`.scripts`)."""

    left_header: str
    right_header: str
    left_footer: str

    def draw(self, c: Canvas, page: int, total: int) -> None:
        w, h = c._pagesize
        x0, x1 = st.MARGIN_X + st.FRAME_PAD, w - st.MARGIN_X - st.FRAME_PAD
        c.saveState()
        c.setFillColor(st.MUTED)
        c.setStrokeColor(st.RULE)
        c.setLineWidth(0.4)
        top = h - 12 * mm
        right = fit(self.right_header, st.FONT, 8, (x1 - x0) * 0.4)
        right_w = draw_string(c, x1, top, right, st.FONT, 8, anchor="end")
        left_w = (x1 - x0) - right_w - 8 * mm
        draw_string(c, x0, top, fit(self.left_header, st.FONT_BOLD, 8, left_w), st.FONT_BOLD, 8)
        c.line(x0, top - 2.5 * mm, x1, top - 2.5 * mm)
        bottom = 10 * mm
        c.line(x0, bottom + 4 * mm, x1, bottom + 4 * mm)
        c.setFont(st.FONT, 7.5)
        number = f"Page {page} of {total}"
        room = (x1 - x0) - stringWidth(number, st.FONT, 7.5) - 8 * mm
        draw_string(c, x0, bottom, fit(self.left_footer, st.FONT, 7.5, room), st.FONT, 7.5)
        c.drawRightString(x1, bottom, number)
        c.restoreState()


def canvas_maker(decorations: Decorations):
    """A canvas that holds its pages back until the end, to print "page x of y" on each."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []

        def showPage(self):
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                decorations.draw(self, self._pageNumber, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


# -- building -------------------------------------------------------------------------------


def content_width(paper: str) -> float:
    """The width a flowable gets in the frame of :func:`new_doc` on ``paper``."""
    return st.page_size(paper)[0] - 2 * (st.MARGIN_X + st.FRAME_PAD)


def new_doc(path: Path, paper: str, title: str, *, subject: str = "",
            keywords: Sequence[str] = (), author: str = "CoachDesk") -> SimpleDocTemplate:
    """The document template with the shared margins and the PDF's metadata."""
    return SimpleDocTemplate(
        str(path), pagesize=st.page_size(paper), leftMargin=st.MARGIN_X,
        rightMargin=st.MARGIN_X, topMargin=st.MARGIN_TOP, bottomMargin=st.MARGIN_BOTTOM,
        title=title, author=author, subject=subject, creator=f"CoachDesk {__version__}",
        keywords=list(keywords), lang="en")


def write_pdf(out_path, build: Callable[[Path], None]) -> Path:
    """Build into a temporary file beside ``out_path`` and move it into place when complete."""
    out = Path(out_path).expanduser()
    if out.is_dir():
        raise st.ReportError(f"{out} is a folder; please give a file name for the PDF.")
    if not out.parent.is_dir():
        raise st.ReportError(f"The folder {out.parent} does not exist.")
    tmp = out.with_name(temp_name(out.name))  # within 255 bytes, however long the name
    try:
        build(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        raise st.ReportError(f"Could not write {out}: {exc.strerror or exc}.") from exc
    finally:
        if tmp.exists():
            try:
                tmp.unlink()
            except OSError:  # pragma: no cover - best effort
                pass
    return out

