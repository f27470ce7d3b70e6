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

The pieces live next door: the stages, questions and paper size in
``worksheet_settings``, the read model in ``worksheet_model``, the drawn parts (ruled
lines, commitment scale, tables) in ``worksheet_parts``. Their names are re-exported
here, so ``worksheet.get_prompts``, ``worksheet.worksheet_data`` and the rest work as
before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .. import dates
from . import styles as st
from .pdfkit import CELL_CHUNK, TEXT_CHUNK, format_date, new_doc, text_flowables
from .pdfkit import Decorations as _Decorations
from .pdfkit import canvas_maker as _canvas_maker
from .pdfkit import duration as _duration
from .pdfkit import short as _short
from .pdfkit import write_pdf as _write
from .scripts import Paragraph  # right-to-left text wraps in the right order
from .worksheet_model import ActionRow, OptionRow, WorksheetData, worksheet_data
from .worksheet_parts import LINE_GAP, CommitmentScale, RuledLines
from .worksheet_parts import actions_table as _actions_table
from .worksheet_parts import field_label as _label
from .worksheet_parts import options_table as _options_table
from .worksheet_parts import stage_heading as _stage_heading
from .worksheet_parts import title_block as _title_block
from .worksheet_settings import (
    DEFAULT_PROMPTS,
    MAX_PROMPT_LENGTH,
    MAX_PROMPTS_PER_STAGE,
    PAPER_KEY,
    PROMPTS_KEY,
    STAGE_HINTS,
    STAGE_TITLES,
    STAGES,
    get_paper_size,
    get_prompts,
    set_paper_size,
    set_prompts,
    validate_prompts,
)
from .worksheet_settings import resolve_prompts as _resolve_prompts

__all__ = [  # the dialogs, the CLI and the tests use these through this module
    "STAGES", "STAGE_TITLES", "STAGE_HINTS", "DEFAULT_PROMPTS", "PROMPTS_KEY", "PAPER_KEY",
    "MAX_PROMPTS_PER_STAGE", "MAX_PROMPT_LENGTH", "validate_prompts", "get_prompts",
    "set_prompts", "get_paper_size", "set_paper_size", "OptionRow", "ActionRow",
    "WorksheetData", "worksheet_data", "LINE_GAP", "RuledLines", "CommitmentScale",
    "CELL_CHUNK", "TEXT_CHUNK", "format_date", "new_doc", "text_flowables", "SUBJECT",
    "build_blank_worksheet", "build_filled_worksheet",
]

SUBJECT = "GROW coaching worksheet: Goal, Reality, Options, Will"


def _doc(path: Path, paper: str, title: str) -> SimpleDocTemplate:
    return new_doc(path, paper, title, subject=SUBJECT,
                   keywords=["GROW", "coaching", "worksheet"])


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
    time_text = dates.clock(data.start_time)
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
