"""Printed GROW worksheets (Whitmore: Goal, Reality, Options, Will).

Two documents share one layout:

* :func:`build_blank_worksheet` — the coach prints it before a session and
  writes on it: each stage's questions with ruled space, an empty options
  table, a commitment scale and an empty action table, on two pages;
* :func:`build_filled_worksheet` — the same structure filled in from a
  session (:func:`worksheet_data`). The coach's private notes appear only
  when asked for explicitly (``include_private=True``), in a section marked
  "coach only".

The questions printed under each stage are the coach's own (a ``Setting``,
see :func:`get_prompts`), or :data:`DEFAULT_PROMPTS`: questions the coach
asks, not advice.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, time
from itertools import zip_longest
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import (CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph,
                                SimpleDocTemplate, Spacer, Table, TableStyle)
from sqlmodel import select

from ..errors import NotFoundError, ValidationError
from ..models import (ActionItem, Client, CoachingSession, GrowOption, GrowWorksheet,
                      Organization)
from ..services.settings import get_setting, put_setting
from ..storage import Database
from . import styles as st
from .pdfkit import CELL_CHUNK, TEXT_CHUNK, format_date, new_doc, text_flowables  # noqa: F401
from .pdfkit import Decorations as _Decorations
from .pdfkit import bold as _bold
from .pdfkit import canvas_maker as _canvas_maker
from .pdfkit import cell as _cell
from .pdfkit import cell_text as _cell_text
from .pdfkit import chunks as _chunks
from .pdfkit import duration as _duration
from .pdfkit import short as _short
from .pdfkit import short_date as _short_date
from .pdfkit import table_style as _table_style
from .pdfkit import write_pdf as _write
from .styles import markup

log = logging.getLogger(__name__)

# -- stages and their questions -------------------------------------------------------------

STAGES = ("goal", "reality", "options", "will")
STAGE_TITLES = {"goal": "Goal", "reality": "Reality", "options": "Options", "will": "Will"}
STAGE_HINTS = {
    "goal": "Where do you want to get to?",
    "reality": "Where are you now?",
    "options": "What could you do?",
    "will": "What will you do?",
}

DEFAULT_PROMPTS: dict[str, list[str]] = {
    "goal": [
        "What do you want to achieve by the end of this session?",
        "What would success look like in six months?",
        "How will you know you have got there?",
    ],
    "reality": [
        "What is happening now?",
        "What have you tried so far?",
        "What is getting in the way?",
        "What is within your control?",
    ],
    "options": [
        "What else could you do?",
        "If there were no constraints, what would you do?",
        "What would someone you admire do in your place?",
        "Which option appeals to you most, and why?",
    ],
    "will": [
        "What will you do, and when?",
        "What might get in the way, and who could support you?",
        "How committed are you, on a scale of 1 to 10?",
    ],
}

PROMPTS_KEY = "grow_prompts"
PAPER_KEY = "paper_size"
MAX_PROMPTS_PER_STAGE = 12
MAX_PROMPT_LENGTH = 300


def _copy_prompts(prompts: dict[str, list[str]]) -> dict[str, list[str]]:
    return {stage: list(prompts[stage]) for stage in STAGES}


def validate_prompts(prompts) -> dict[str, list[str]]:
    """Check a prompts mapping and return it normalised (stage keys lower case, text stripped).

    All four stages must be there; each is a list (it may be empty) of non-empty strings.
    """
    if not isinstance(prompts, dict):
        raise ValidationError("The GROW questions must be given for each stage: Goal, Reality, "
                              "Options and Will.", "prompts")
    normalised: dict[str, list[str]] = {}
    for key, value in prompts.items():
        stage = str(key).strip().lower()
        if stage not in STAGES:
            raise ValidationError(f"“{str(key)[:40]}” is not a GROW stage (Goal, Reality, "
                                  "Options, Will).", "prompts")
        if stage in normalised:
            raise ValidationError(f"The {STAGE_TITLES[stage]} questions are given twice.",
                                  "prompts")
        title = STAGE_TITLES[stage]
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise ValidationError(f"The {title} questions must be a list of questions.", "prompts")
        if len(value) > MAX_PROMPTS_PER_STAGE:
            raise ValidationError(f"Please keep to {MAX_PROMPTS_PER_STAGE} questions or fewer "
                                  f"for {title}.", "prompts")
        questions = []
        for i, q in enumerate(value, 1):
            if not isinstance(q, str) or not q.strip():
                raise ValidationError(f"{title} question {i} is empty.", "prompts")
            q = " ".join(q.split())
            if len(q) > MAX_PROMPT_LENGTH:
                raise ValidationError(f"{title} question {i} is too long (at most "
                                      f"{MAX_PROMPT_LENGTH} characters).", "prompts")
            questions.append(q)
        normalised[stage] = questions
    missing = [STAGE_TITLES[s] for s in STAGES if s not in normalised]
    if missing:
        raise ValidationError(f"Questions are missing for: {', '.join(missing)}.", "prompts")
    return {stage: normalised[stage] for stage in STAGES}


def get_prompts(db: Database) -> dict[str, list[str]]:
    """The coach's GROW questions, or the defaults when none (or nothing usable) is saved."""
    raw = get_setting(db, PROMPTS_KEY)
    if raw:
        try:
            return validate_prompts(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            log.warning("ignoring saved GROW questions (%s); using the defaults", exc)
    return _copy_prompts(DEFAULT_PROMPTS)


def set_prompts(db: Database, prompts) -> dict[str, list[str]]:
    """Save the coach's GROW questions (validated); ``None`` goes back to the defaults."""
    if prompts is None:
        put_setting(db, PROMPTS_KEY, None)
        return _copy_prompts(DEFAULT_PROMPTS)
    clean = validate_prompts(prompts)
    put_setting(db, PROMPTS_KEY, json.dumps(clean, ensure_ascii=False))
    return clean


def get_paper_size(db: Database) -> str:
    """``"A4"`` (the default) or ``"Letter"``."""
    raw = get_setting(db, PAPER_KEY)
    if raw:
        try:
            return st.normalize_paper(raw)
        except ValidationError:
            log.warning("ignoring saved paper size %r; using A4", raw)
    return "A4"


def set_paper_size(db: Database, paper: str) -> str:
    paper = st.normalize_paper(paper)
    put_setting(db, PAPER_KEY, paper)
    return paper


# -- the read model -------------------------------------------------------------------------


class OptionRow(NamedTuple):
    text: str
    notes: str
    chosen: bool


class ActionRow(NamedTuple):
    text: str
    owner: str  # "client" or "coach"
    due_date: date | None
    status: str  # "open", "done" or "dropped"


@dataclass
class WorksheetData:
    """Everything a filled worksheet prints, read from the database in one go."""

    client_name: str
    session_date: date
    organization: str | None = None
    start_time: time | None = None
    duration_minutes: int | None = None
    goal_session: str = ""
    goal_long_term: str = ""
    reality_facts: str = ""
    reality_tried: str = ""
    reality_obstacles: str = ""
    options: list[OptionRow] = field(default_factory=list)
    will_what: str = ""
    will_when: str = ""
    commitment: int | None = None
    actions: list[ActionRow] = field(default_factory=list)
    # The coach's own notes: None unless asked for with include_private=True.
    private_notes: str | None = None
    session_id: int | None = None


def _value(x) -> str:
    return str(getattr(x, "value", x) or "")


def worksheet_data(db: Database, session_id: int, include_private: bool = False) -> WorksheetData:
    """Read one session's GROW worksheet, options and actions.

    A session with no worksheet yet gives empty GROW fields. The private notes are
    read only when ``include_private`` is true.
    """
    try:
        sid = int(session_id)
    except (TypeError, ValueError):
        raise NotFoundError(f"There is no session {session_id!r}.") from None
    with db.session() as s:
        session = s.get(CoachingSession, sid)
        if session is None:
            raise NotFoundError(f"There is no session with id {sid}.")
        client = s.get(Client, session.client_id)
        org = s.get(Organization, client.organization_id) if client and client.organization_id \
            else None
        ws = s.exec(select(GrowWorksheet).where(GrowWorksheet.session_id == sid)).first()
        options = []
        if ws is not None:
            options = [OptionRow(o.text, o.notes, bool(o.chosen)) for o in s.exec(
                select(GrowOption).where(GrowOption.worksheet_id == ws.id)
                .order_by(GrowOption.position, GrowOption.id))]
        actions = [ActionRow(a.text, _value(a.owner), a.due_date, _value(a.status))
                   for a in s.exec(select(ActionItem).where(ActionItem.session_id == sid)
                                   .order_by(ActionItem.id))]
        data = WorksheetData(
            client_name=client.name if client else "",
            organization=org.name if org else None,
            session_date=session.session_date,
            start_time=session.start_time,
            duration_minutes=session.duration_minutes,
            options=options,
            actions=actions,
            private_notes=session.private_notes if include_private else None,
            session_id=sid,
        )
        if ws is not None:
            for name in ("goal_session", "goal_long_term", "reality_facts", "reality_tried",
                         "reality_obstacles", "will_what", "will_when"):
                setattr(data, name, getattr(ws, name) or "")
            data.commitment = ws.commitment
        return data


# -- formatting -----------------------------------------------------------------------------



# -- flowables ------------------------------------------------------------------------------

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


def _stage_heading(stage: str, prompts: Sequence[str]) -> list[Flowable]:
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


def _options_table(rows: Sequence[OptionRow] | int, width: float) -> Table:
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
    for n, opt in enumerate(rows, 1):
        first = len(data)
        text_style = _bold(s["td"]) if opt.chosen else s["td"]
        pieces = list(zip_longest(_chunks(_cell_text(opt.text), CELL_CHUNK),
                                  _chunks(_cell_text(opt.notes), CELL_CHUNK), fillvalue=""))
        for i, (text, notes) in enumerate(pieces or [("", "")]):
            data.append([
                Paragraph(str(n), s["td_muted"]) if i == 0 else "",
                _cell(text, text_style) if text else "",
                _cell(notes, s["td_muted"]) if notes else "",
                Paragraph("✓ Chosen", s["chosen"]) if (opt.chosen and i == 0) else "",
            ])
        last = len(data) - 1
        if last > first:  # one option cut over several rows: no lines inside it
            style.append(("LINEBELOW", (0, first), (-1, last - 1), 0, st.WHITE))
            style.append(("BOTTOMPADDING", (0, first), (-1, last - 1), 0))
            style.append(("TOPPADDING", (0, first + 1), (-1, last), 0))
        if opt.chosen:
            style += [("BACKGROUND", (0, first), (-1, last), st.CHOSEN_LIGHT),
                      ("LINEBEFORE", (0, first), (0, last), 2.5, st.CHOSEN)]
    t = Table(data, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle(style))
    return t


def _actions_table(rows: Sequence[ActionRow] | int, width: float) -> Table:
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
    for a in rows:
        pieces = _chunks(_cell_text(a.text), CELL_CHUNK) or [""]
        first = len(data)
        for i, piece in enumerate(pieces):
            if i == 0:
                done = a.status == "done"
                data.append([_cell(piece, s["td"]),
                             Paragraph(markup(a.owner.capitalize()), s["td"]),
                             Paragraph(markup(_short_date(a.due_date)) or "—", s["td"]),
                             Paragraph(markup(a.status.capitalize()),
                                       s["done"] if done else s["td_muted"])])
            else:
                data.append([_cell(piece, s["td"]), "", "", ""])
        last = len(data) - 1
        if last > first:
            style.append(("LINEBELOW", (0, first), (-1, last - 1), 0, st.WHITE))
            style.append(("BOTTOMPADDING", (0, first), (-1, last - 1), 0))
            style.append(("TOPPADDING", (0, first + 1), (-1, last), 0))
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


def _label(text: str) -> Paragraph:
    return Paragraph(markup(text), st.styles()["label"])


# -- building -------------------------------------------------------------------------------

SUBJECT = "GROW coaching worksheet: Goal, Reality, Options, Will"


def _doc(path: Path, paper: str, title: str) -> SimpleDocTemplate:
    return new_doc(path, paper, title, subject=SUBJECT,
                   keywords=["GROW", "coaching", "worksheet"])


def _resolve_prompts(prompts) -> dict[str, list[str]]:
    return _copy_prompts(DEFAULT_PROMPTS) if prompts is None else validate_prompts(prompts)


def _title_block(meta: list[tuple[str, object]], width: float) -> list[Flowable]:
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


def _height(flowables: list[Flowable], width: float, avail: float) -> float:
    total = 0.0
    for f in flowables:
        _, h = f.wrap(width, avail)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _fill_page(fixed: list, flex: list[tuple[int, float, Callable[[int], Flowable]]],
               width: float, height: float) -> list[int]:
    """How many units (lines, rows) each flexible block gets so that the page is just filled.

    ``fixed`` is the page's other flowables; each flex entry is (minimum units, unit
    height, a function making the block with n units). The space left over is shared in
    proportion to the minimums, then what remains goes round one unit at a time.
    """
    counts = [m for m, _, _ in flex]
    used = _height(fixed, width, height) + _height([make(m) for m, _, make in flex], width,
                                                   height)
    spare = height - used - 4 * mm  # a little slack for rounding
    if spare <= 0:
        return counts
    total = sum(counts)
    for i, (m, unit, _) in enumerate(flex):
        add = int((spare * m / total) // unit)
        counts[i] += add
    spare -= sum((counts[i] - m) * unit for i, (m, unit, _) in enumerate(flex))
    progress = True
    while progress:
        progress = False
        for i, (_, unit, _) in enumerate(flex):
            if unit <= spare:
                counts[i] += 1
                spare -= unit
                progress = True
    return counts


def build_blank_worksheet(out_path, *, client_name: str | None = None,
                          session_date: date | str | None = None, prompts=None,
                          paper: str = "A4") -> Path:
    """A worksheet to print and write on: two pages (more only with many custom questions)."""
    paper = st.normalize_paper(paper)
    prompts = _resolve_prompts(prompts)
    s = st.styles()
    pw, ph = st.page_size(paper)
    width = pw - 2 * (st.MARGIN_X + st.FRAME_PAD)
    frame_h = ph - st.MARGIN_TOP - st.MARGIN_BOTTOM - 2 * st.FRAME_PAD
    client = _short(client_name) if client_name else ""
    when = format_date(session_date)

    title = _title_block([("Client", client or None), ("Date", when or None)], width)
    gap = Spacer(1, 6 * mm)

    # Page 1: Goal and Reality, their writing space sharing what the page has left.
    goal_head = _stage_heading("goal", prompts["goal"])
    reality_head = _stage_heading("reality", prompts["reality"])
    n_goal, n_reality = _fill_page(
        title + goal_head + [gap] + reality_head,
        [(6, LINE_GAP, RuledLines), (8, LINE_GAP, RuledLines)], width, frame_h)
    page1 = (title + goal_head + [RuledLines(n_goal), gap] + reality_head
             + [RuledLines(n_reality)])

    # Page 2: Options (a table to fill in), Will, commitment and actions.
    opt_head = _stage_heading("options", prompts["options"])
    will_head = _stage_heading("will", prompts["will"])
    commit = [_label("How committed are you? Tick one box."), CommitmentScale(blank=True),
              Spacer(1, 2 * mm)]
    actions_label = [_label("Actions agreed")]
    row = 10 * mm
    n_opts, n_will, n_actions = _fill_page(
        opt_head + [gap] + will_head + commit + actions_label,
        [(4, row, lambda n: _options_table(n, width)), (4, LINE_GAP, RuledLines),
         (3, row, lambda n: _actions_table(n, width))], width, frame_h)
    page2 = (opt_head + [_options_table(n_opts, width), gap] + will_head
             + [RuledLines(n_will), Spacer(1, 1 * mm)] + commit + actions_label
             + [_actions_table(n_actions, width)])

    story = page1 + [PageBreak()] + page2
    header = "GROW worksheet" + (f" — {client}" if client else "")
    deco = _Decorations(header, when, "Confidential once completed")
    doc_title = "GROW worksheet" + (f" — {client}" if client else "") + (
        f" — {when}" if when else "")

    def build(tmp: Path) -> None:
        _doc(tmp, paper, doc_title).build(story, canvasmaker=_canvas_maker(deco))

    return _write(out_path, build)


def build_filled_worksheet(out_path, data: WorksheetData, *, prompts=None,
                           paper: str = "A4") -> Path:
    """A session's worksheet as recorded; private notes only if ``data`` carries them."""
    paper = st.normalize_paper(paper)
    prompts = _resolve_prompts(prompts)
    s = st.styles()
    pw, _ = st.page_size(paper)
    width = pw - 2 * (st.MARGIN_X + st.FRAME_PAD)
    body = s["body"]
    client = _short(data.client_name) or "Unnamed client"
    when = format_date(data.session_date)
    time_text = data.start_time.strftime("%H:%M") if data.start_time else ""
    meta = [("Client", client)]
    if data.organization:
        meta.append(("Organization", data.organization))
    meta.append(("Date", when))
    if time_text or data.duration_minutes:
        meta.append(("Time", " · ".join(x for x in (time_text, _duration(data.duration_minutes))
                                        if x)))
    story: list[Flowable] = _title_block(meta, width)

    def stage(name: str, fields: list[tuple[str, str]]) -> None:
        story.append(CondPageBreak(45 * mm))
        story.extend(_stage_heading(name, prompts[name]))
        for label, text in fields:
            paras = text_flowables(text, body)
            story.append(KeepTogether([_label(label)] + paras[:1]))  # no label left alone
            story.extend(paras[1:])
        story.append(Spacer(1, 6 * mm))

    stage("goal", [("For this session", data.goal_session),
                   ("Longer term", data.goal_long_term)])
    stage("reality", [("What is happening now", data.reality_facts),
                      ("What has been tried", data.reality_tried),
                      ("What is getting in the way", data.reality_obstacles)])

    story.append(CondPageBreak(45 * mm))
    story.extend(_stage_heading("options", prompts["options"]))
    if data.options:
        chosen = [o for o in data.options if o.chosen]
        story.append(_options_table(data.options, width))
        if not chosen:
            story.append(Paragraph("No option was chosen.", s["small"]))
    else:
        story.extend(text_flowables("", body, empty="No options were recorded."))
    story.append(Spacer(1, 6 * mm))

    stage("will", [("What will you do", data.will_what), ("By when", data.will_when)])
    story.pop()  # the stage's trailing space: the commitment follows directly
    story.append(KeepTogether([_label("Commitment (1 to 10)"),
                               CommitmentScale(data.commitment)]))
    story.append(KeepTogether([_label("Actions agreed"), Spacer(1, 1 * mm)]))
    story.append(_actions_table(list(data.actions), width))

    if data.private_notes is not None:
        story += [Spacer(1, 8 * mm), CondPageBreak(50 * mm)]
        box = Table([[Paragraph("Private notes (coach only)", s["private_title"])],
                     [Paragraph("The coach's own working notes. Not for the client or the "
                                "sponsor.", s["private_hint"])]],
                    colWidths=[width])
        box.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), st.PRIVATE_LIGHT),
            ("LINEBEFORE", (0, 0), (0, -1), 3, st.PRIVATE),
            ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
            ("TOPPADDING", (0, 0), (-1, 0), 5), ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
            ("TOPPADDING", (0, 1), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
        ]))
        story += [box, Spacer(1, 3 * mm)]
        story += text_flowables(data.private_notes, body, empty="No private notes.")

    deco = _Decorations(f"GROW worksheet — {client}", when,
                        "Confidential — coach's working document")
    doc_title = f"GROW worksheet — {client} — {when}"

    def build(tmp: Path) -> None:
        _doc(tmp, paper, doc_title).build(story, canvasmaker=_canvas_maker(deco))

    return _write(out_path, build)
