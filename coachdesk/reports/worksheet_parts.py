"""The pieces a printed GROW worksheet is made of: ruled writing lines, the commitment
scale, a stage's heading with its questions, the options and actions tables (blank, to
write in, or filled in) and the title block. ``worksheet`` assembles them into pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from . import styles as st
from .pdfkit import CELL_PADDING, cell_pieces, cell_rows, joined_rows
from .pdfkit import bold as _bold
from .pdfkit import short as _short
from .pdfkit import short_date as _short_date
from .pdfkit import table_style as _table_style
from .scripts import Paragraph  # right-to-left text wraps in the right order
from .styles import markup
from .worksheet_model import ActionRow, OptionRow
from .worksheet_settings import STAGE_HINTS, STAGE_TITLES

LINE_GAP = 8.5 * mm  # handwriting needs room


class RuledLines(Flowable):
    """``n`` evenly spaced writing lines across the frame; splits across pages."""

    def __init__(self, n: int, gap: float = LINE_GAP):
        super().__init__()
        self.n, self.gap = max(1, int(n)), gap

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        return availWidth, self.n * self.gap

    def split(self, availWidth, availHeight):
        fit = int(availHeight // self.gap)
        if fit < 1 or fit >= self.n:
            return []
        return [RuledLines(fit, self.gap), RuledLines(self.n - fit, self.gap)]

    def draw(self):
        c = self.canv
        c.saveState()
        c.setStrokeColor(st.RULE)
        c.setLineWidth(0.5)
        for i in range(self.n):
            y = self.n * self.gap - (i + 1) * self.gap + 1
            c.line(0, y, self.width, y)
        c.restoreState()


class CommitmentScale(Flowable):
    """Ten numbered boxes, 1 (not at all) to 10 (fully); ``value`` is filled in."""

    BOX = 8.5 * mm
    GAP = 2.6 * mm

    def __init__(self, value: int | None = None, blank: bool = False):
        super().__init__()
        self.value = value if isinstance(value, int) and 1 <= value <= 10 else None
        self.blank = blank

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        return availWidth, self.BOX + 17

    def draw(self):
        c = self.canv
        c.saveState()
        x0 = 0
        y = 11
        for i in range(1, 11):
            x = x0 + (i - 1) * (self.BOX + self.GAP)
            chosen = self.value == i
            c.setLineWidth(1.2 if chosen else 0.8)
            c.setStrokeColor(st.ACCENT if chosen else st.RULE)
            c.setFillColor(st.ACCENT if chosen else st.WHITE)
            c.roundRect(x, y, self.BOX, self.BOX, 1.5, stroke=1, fill=1)
            c.setFillColor(st.WHITE if chosen else (st.MUTED if self.blank else st.RULE))
            c.setFont(st.FONT_BOLD if chosen else st.FONT, 10 if chosen else 9)
            c.drawCentredString(x + self.BOX / 2, y + self.BOX / 2 - 3.3, str(i))
        right = 9 * (self.BOX + self.GAP) + self.BOX
        c.setFont(st.FONT, 7)
        c.setFillColor(st.MUTED)
        c.drawString(0, 1, "not at all")
        c.drawRightString(right, 1, "fully")
        text_x = right + 6 * mm
        if not self.blank:
            c.setFont(st.FONT_BOLD, 11)
            c.setFillColor(st.ACCENT if self.value else st.MUTED)
            label = f"{self.value} out of 10" if self.value else "not recorded"
            c.drawString(text_x, y + self.BOX / 2 - 4, label)
        c.restoreState()


def stage_heading(stage: str, prompts: Sequence[str]) -> list[Flowable]:
    """The stage's letter in a coloured square, its name and hint, then its questions."""
    s = st.styles()
    title = STAGE_TITLES[stage]
    head = Table(
        [[Paragraph(title[0], s["stage_letter"]),
          [Paragraph(title, s["stage"]), Paragraph(STAGE_HINTS[stage], s["stage_hint"])]]],
        colWidths=[10 * mm, None], rowHeights=[10 * mm], hAlign="LEFT")
    head.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, 0), st.ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (0, 0), 0), ("RIGHTPADDING", (0, 0), (0, 0), 0),
        ("LEFTPADDING", (1, 0), (1, 0), 3 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LINEBELOW", (1, 0), (1, 0), 0.6, st.ACCENT_LIGHT),
    ]))
    out: list[Flowable] = [head, Spacer(1, 2.5 * mm)]
    for q in prompts:
        out.append(Paragraph(markup(q), s["prompt"], bulletText="–"))
    if prompts:
        out.append(Spacer(1, 1.5 * mm))
    return out


def options_table(rows: Sequence[OptionRow] | int, width: float) -> Table:
    """The options as a table; ``rows`` an int gives that many empty rows to write in."""
    s = st.styles()
    col = [9 * mm, None, None, 20 * mm]
    rest = width - col[0] - col[3]
    col[1], col[2] = rest * 0.45, rest * 0.55
    data = [[Paragraph("#", s["th"]), Paragraph("Option", s["th"]),
             Paragraph("What it would take · for and against", s["th"]),
             Paragraph("Chosen", s["th"])]]
    style = _table_style()
    if isinstance(rows, int):
        for i in range(rows):
            data.append([Paragraph(str(i + 1), s["td_muted"]), "", "", _TickBox()])
        t = Table(data, colWidths=col, rowHeights=[None] + [10 * mm] * rows, repeatRows=1)
        style += [("ALIGN", (3, 1), (3, -1), "CENTER"), ("VALIGN", (3, 1), (3, -1), "MIDDLE")]
        t.setStyle(TableStyle(style))
        return t
    widths = [col[1] - CELL_PADDING, col[2] - CELL_PADDING]
    for n, opt in enumerate(rows, 1):
        first = len(data)
        text_style = _bold(s["td"]) if opt.chosen else s["td"]
        pieces = cell_rows([cell_pieces(opt.text, text_style, widths[0]),
                            cell_pieces(opt.notes, s["td_muted"], widths[1])], widths)
        for i, (text, notes) in enumerate(pieces):
            data.append([
                Paragraph(str(n), s["td_muted"]) if i == 0 else "",
                text,
                notes,
                Paragraph("✓ Chosen", s["chosen"]) if (opt.chosen and i == 0) else "",
            ])
        last = len(data) - 1
        style += joined_rows(first, last)  # one option cut over several rows: no lines inside
        if opt.chosen:
            style += [("BACKGROUND", (0, first), (-1, last), st.CHOSEN_LIGHT),
                      ("LINEBEFORE", (0, first), (0, last), 2.5, st.CHOSEN)]
    t = Table(data, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle(style))
    return t


def actions_table(rows: Sequence[ActionRow] | int, width: float) -> Table:
    s = st.styles()
    blank = isinstance(rows, int)
    if blank:
        col = [None, 28 * mm, 32 * mm]
        col[0] = width - 60 * mm
        heads = ["Action", "Who", "By when"]
    else:
        col = [None, 20 * mm, 26 * mm, 20 * mm]
        col[0] = width - 66 * mm
        heads = ["Action", "Who", "By when", "Status"]
    data = [[Paragraph(h, s["th"]) for h in heads]]
    style = _table_style()
    if blank:
        data += [["", "", ""] for _ in range(rows)]
        t = Table(data, colWidths=col, rowHeights=[None] + [10 * mm] * rows, repeatRows=1)
        style += [("LINEBEFORE", (1, 1), (-1, -1), 0.4, st.RULE)]
        t.setStyle(TableStyle(style))
        return t
    if not rows:
        data.append([Paragraph("No actions were recorded for this session.", s["empty"]), "",
                     "", ""])
        style.append(("SPAN", (0, 1), (-1, 1)))
    inner = col[0] - CELL_PADDING
    for a in rows:
        first = len(data)
        for i, (text,) in enumerate(cell_rows([cell_pieces(a.text, s["td"], inner)], [inner])):
            if i == 0:
                done = a.status == "done"
                data.append([text,
                             Paragraph(markup(a.owner.capitalize()), s["td"]),
                             Paragraph(markup(_short_date(a.due_date)) or "—", s["td"]),
                             Paragraph(markup(a.status.capitalize()),
                                       s["done"] if done else s["td_muted"])])
            else:
                data.append([text, "", "", ""])
        style += joined_rows(first, len(data) - 1)
    t = Table(data, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle(style))
    return t


class _TickBox(Flowable):
    def wrap(self, availWidth, availHeight):
        return 4.5 * mm, 4.5 * mm

    def draw(self):
        self.canv.setStrokeColor(st.MUTED)
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, 4.5 * mm, 4.5 * mm)


def field_label(text: str) -> Paragraph:
    """A small bold caption above a field or a block ("Actions agreed")."""
    return Paragraph(markup(text), st.styles()["label"])


def title_block(meta: list[tuple[str, object]], width: float) -> list[Flowable]:
    """Title, the GROW line, then label/value pairs, two to a row (None: a line to write on)."""
    s = st.styles()
    out: list[Flowable] = [
        Paragraph("GROW worksheet", s["title"]),
        Paragraph("Goal · Reality · Options · Will", s["subtitle"]),
        Spacer(1, 6 * mm),
    ]
    if not meta:
        return out + [Spacer(1, 4 * mm)]
    label_w, gutter = 24 * mm, 8 * mm
    value_w = (width - 2 * label_w - gutter) / 2
    rows, style = [], [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (0, -1), 4), ("TOPPADDING", (2, 0), (2, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (1, 0), (1, -1), 2), ("TOPPADDING", (3, 0), (3, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (1, 0), (1, -1), gutter),
    ]
    pairs = list(meta) + [("", "")] * (len(meta) % 2)
    for r in range(0, len(pairs), 2):
        row = []
        for c, (label, value) in enumerate(pairs[r:r + 2]):
            row.append(Paragraph(markup(label), s["meta_label"]))
            row.append(Paragraph(markup(_short(value)), s["meta"]) if value else "")
            if value is None:  # a line to write on, in the value's cell, label beside it
                x, y = 2 * c + 1, r // 2
                style += [("LINEBELOW", (x, y), (x, y), 0.6, st.RULE),
                          ("VALIGN", (x - 1, y), (x, y), "BOTTOM")]
        rows.append(row)
    t = Table(rows, colWidths=[label_w, value_w + gutter, label_w, value_w], hAlign="LEFT",
              rowHeights=[None if any(v for _, v in pairs[i:i + 2]) else 9 * mm
                          for i in range(0, len(pairs), 2)])
    t.setStyle(TableStyle(style))
    return out + [t, Spacer(1, 7 * mm)]
