"""Sponsor progress reports: one engagement over a period, as a PDF.

Confidentiality by construction: ``progress_model.report_data`` is the ONE function that
reads the database for a report and selects only shareable fields into a frozen
``ReportData`` (its module says what is never read). :func:`build_report_pdf` here lays out
that object and receives nothing else; ``progress_charts`` draws the indicator charts.

The read model's names are re-exported, so ``progress.report_data``, ``progress.SECTIONS``
and the rest work as before.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from ..hours import hours_short
from . import pdfkit as kit
from . import styles as st
from .progress_charts import CHART_H, SERIES_COLOUR, IndicatorChart
from .progress_charts import number_text as _num
from .progress_model import (
    CANCELLED,
    COACH_CREDENTIALS_KEY,
    COACH_LOGO_KEY,
    COACH_NAME_KEY,
    ORDER,
    SECTION_TITLES,
    SECTIONS,
    STAKEHOLDERS,
    ActionLine,
    GoalLine,
    IndicatorChoice,
    IndicatorLine,
    ReportData,
    SessionSummary,
    StakeholderLine,
    goal_sentence,
    indicator_choices,
    report_data,
    t_score_sentence,
)
from .scripts import Paragraph  # right-to-left text wraps in the right order
from .styles import markup

__all__ = [  # the dialog, the CLI and the tests use these through this module
    "SECTIONS", "STAKEHOLDERS", "ORDER", "SECTION_TITLES", "COACH_NAME_KEY",
    "COACH_CREDENTIALS_KEY", "COACH_LOGO_KEY", "CANCELLED", "GoalLine", "IndicatorLine",
    "ActionLine", "SessionSummary", "StakeholderLine", "ReportData", "goal_sentence",
    "t_score_sentence", "report_data", "SUBJECT", "CHART_H", "SERIES_COLOUR",
    "IndicatorChart", "RELATION_LABELS", "TREND_LABELS", "build_report_pdf",
    "IndicatorChoice", "indicator_choices", "trend_words",
]

SUBJECT = "Coaching progress report"


def _hours(x: float) -> str:
    return hours_short(x)  # as the app shows it: "8.25 h", never "8.2 h"


def _period(d: ReportData) -> str:
    return f"{kit.short_date(d.period_from)} – {kit.short_date(d.period_to)}"


def _heading(text: str, body: list[Flowable] | None = None) -> list[Flowable]:
    """A section's heading, kept on one page with the first flowable of its ``body`` (a
    heading never ends a page alone), then the rest of the body."""
    s = _styles()
    body = body or []
    return [CondPageBreak(40 * mm),
            KeepTogether([Paragraph(markup(text), s["h1"]), Spacer(1, 2 * mm)] + body[:1])
            ] + body[1:]


_extra: dict | None = None


def _styles() -> dict:
    global _extra
    if _extra is None:
        from reportlab.lib.styles import ParagraphStyle
        s = dict(st.styles())
        s["h1"] = ParagraphStyle("h1", parent=s["stage"], fontSize=14, leading=18,
                                 spaceBefore=6, spaceAfter=2)
        s["h2"] = ParagraphStyle("h2", parent=s["body"], fontName=st.FONT_BOLD, fontSize=10,
                                 leading=13)
        s["cover_title"] = ParagraphStyle("cover_title", parent=s["title"], fontSize=26,
                                          leading=32)
        s["cover_name"] = ParagraphStyle("cover_name", parent=s["body"], fontName=st.FONT_BOLD,
                                         fontSize=18, leading=23)
        s["cover_meta"] = ParagraphStyle("cover_meta", parent=s["body"], fontSize=11,
                                         leading=16)
        s["confidential"] = ParagraphStyle("confidential", parent=s["body"],
                                           fontName=st.FONT_BOLD, fontSize=10, leading=14,
                                           textColor=st.PRIVATE)
        s["big"] = ParagraphStyle("big", parent=s["body"], fontName=st.FONT_BOLD, fontSize=16,
                                  leading=19, textColor=st.ACCENT)
        s["date"] = ParagraphStyle("date", parent=s["body"], fontName=st.FONT_BOLD, fontSize=9,
                                   leading=12, textColor=st.ACCENT, spaceBefore=4)
        _extra = s
    return _extra


def _cover(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    image = (kit.logo(d.logo_image, max_width=40 * mm, max_height=24 * mm) if d.logo_image
             else None) or kit.logo(d.logo_path, max_width=40 * mm, max_height=24 * mm)
    top = [image, Spacer(1, max(30 * mm - image.drawHeight, 6 * mm))] if image else [
        Spacer(1, 30 * mm)]
    out: list[Flowable] = top + [Paragraph("Coaching progress report", s["cover_title"]),
                           Spacer(1, 10 * mm),
                           Paragraph(markup(kit.short(d.client_name)), s["cover_name"])]
    if d.organization:
        out.append(Paragraph(markup(kit.short(d.organization)), s["cover_meta"]))
    out.append(Spacer(1, 12 * mm))
    meta = [("Period", _period(d))]
    if d.sponsor_name:
        meta.append(("Sponsor", kit.short(d.sponsor_name)))
    if d.coach_signature:
        meta.append(("Coach", kit.short(d.coach_signature)))
    if d.made_on:
        meta.append(("Prepared on", kit.format_date(d.made_on)))
    rows = [[Paragraph(markup(k), s["meta_label"]), Paragraph(markup(v), s["cover_meta"])]
            for k, v in meta]
    t = Table(rows, colWidths=[32 * mm, width - 32 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (0, -1), 4),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                           ("LINEABOVE", (0, 0), (-1, 0), 0.8, st.ACCENT)]))
    out += [t, Spacer(1, 18 * mm)]
    who = kit.short(d.sponsor_name) if d.sponsor_name else "the sponsor"
    out.append(Paragraph(markup(f"Confidential — prepared for {who}"), s["confidential"]))
    out.append(Paragraph("This report shares progress agreed to be shared. The coach's "
                         "working notes are not part of it.", s["small"]))
    return out


def _key_figures(items: list[tuple[str, str]], width: float) -> Table:
    s = _styles()
    cells = [[Paragraph(markup(v), s["big"]) for _, v in items],
             [Paragraph(markup(k), s["small"]) for k, _ in items]]
    t = Table(cells, colWidths=[width / len(items)] * len(items), hAlign="LEFT")
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), st.FAINT),
                           ("LINEBEFORE", (1, 0), (-1, -1), 2, st.WHITE),
                           ("TOPPADDING", (0, 0), (-1, 0), 7),
                           ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
                           ("LEFTPADDING", (0, 0), (-1, -1), 7)]))
    return t


def _glance(d: ReportData, width: float) -> list[Flowable]:
    figures = [("sessions held", str(d.sessions_held)),
               ("hours in this period", _hours(d.hours_in_period)),
               ("planned", str(d.sessions_planned)),
               ("cancelled", str(d.sessions_cancelled))]
    out: list[Flowable] = [_key_figures(figures, width), Spacer(1, 3 * mm)]
    kind = d.kind.replace("_", " ").capitalize()
    dates = kit.short_date(d.engagement_start) + (
        f" – {kit.short_date(d.engagement_end)}" if d.engagement_end else " – ongoing")
    agreed = []
    if d.sessions_agreed:
        agreed.append(f"{d.sessions_used} of {d.sessions_agreed} sessions used")
    if d.hours_agreed:
        agreed.append(f"{_hours(d.hours_delivered)} delivered of {_hours(d.hours_agreed)} "
                      "agreed")
    else:
        agreed.append(f"{_hours(d.hours_delivered)} delivered")
    rows = [("Engagement", f"{kind}, {dates}"), ("Since the start", "; ".join(agreed))]
    if not d.sessions_held:
        rows.append(("This period", "No sessions yet in this period."))
    out.append(_pairs(rows, width))
    return out


def _pairs(rows: list[tuple[str, str]], width: float) -> Table:
    s = _styles()
    t = Table([[Paragraph(markup(k), s["meta_label"]), Paragraph(markup(v), s["body"])]
               for k, v in rows], colWidths=[34 * mm, width - 34 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (0, -1), 3),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return t


def _empty(text: str) -> Paragraph:
    return Paragraph(markup(text), _styles()["empty"])


def _goals(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    if not d.goals:
        return [_empty("No goals have been agreed yet.")]
    out: list[Flowable] = []
    if d.t_score_now is not None:
        figures = [("attainment now (GAS T-score)", f"{d.t_score_now:.0f}")]
        if d.t_score_then is not None:
            figures.append(("at the start of this period", f"{d.t_score_then:.0f}"))
        if d.t_score_baseline is not None:
            figures.append(("at the start of the engagement", f"{d.t_score_baseline:.0f}"))
        out += [_key_figures(figures, width), Spacer(1, 2 * mm),
                Paragraph(markup(d.t_score_sentence), s["body"]), Spacer(1, 3 * mm)]
    col = [None, 19 * mm, 19 * mm, 19 * mm]
    col[0] = width - sum(c for c in col[1:])
    data = [[Paragraph(h, s["th"]) for h in ("Goal", "At start", "Period start", "Now")]]
    style = kit.table_style()
    inner = col[0] - kit.CELL_PADDING
    for g in d.goals:
        first = len(data)
        text = kit.cell_pieces(g.title, s["h2"], inner) + [Paragraph(markup(g.sentence),
                                                                      s["td_muted"])]
        if g.now_description.strip():
            text += kit.cell_pieces("Now: " + kit.cell_text(g.now_description), s["td_muted"],
                                    inner)
        for i, (cell,) in enumerate(kit.cell_rows([text], [inner])):
            levels = [Paragraph(f"{x:+d}" if x else "0", s["td_center"])
                      for x in (g.baseline_level, g.level_then, g.level_now)]
            data.append([cell] + (levels if i == 0 else ["", "", ""]))
        style += kit.joined_rows(first, len(data) - 1)
    t = Table(data, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle(style))
    out.append(t)
    out.append(Paragraph("Levels run from −2 (much less than expected) through 0 (the expected "
                         "outcome) to +2 (much more than expected).", s["small"]))
    return out


def trend_words(ln: IndicatorLine) -> str:
    """"first reading" (one reading: nothing to compare yet), "no change since 3 Feb 2025",
    or "+3 since 1 Apr 2025 (better)"."""
    if ln.first_reading:
        return "first reading"
    since = kit.short_date(ln.points[0][0])
    change = ln.change
    if abs(change) < 1e-9:
        return f"no change since {since}"
    better = (change > 0) == ln.higher_is_better
    return (f"{'+' if change > 0 else '−'}{_num(abs(round(change, 1)))} since {since}"
            + (" (better)" if better else " (worse)"))


def _indicators(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    if not d.indicators:  # report_data leaves the section out; never a filler line
        return []
    out: list[Flowable] = []
    gap = 6 * mm
    half = (width - gap) / 2
    cells = []
    for ln in d.indicators:
        sub = Paragraph(markup(f"Latest {_num(round(ln.latest, 1))} on a scale of "
                               f"{ln.scale_min} to {ln.scale_max} · {trend_words(ln)}"),
                        s["small"])
        head = Paragraph(markup(kit.short(ln.name, 80)), s["h2"])
        cells.append([head, sub, Spacer(1, 1 * mm),
                      IndicatorChart(ln, d.period_from, d.period_to, half)])
    # One table a row of two charts: the section's heading keeps with the first row (a
    # single table of every row would move whole to the next page, the heading left behind)
    for i in range(0, len(cells), 2):
        row = cells[i:i + 2] + ([""] if len(cells[i:i + 2]) < 2 else [])
        t = Table([row], colWidths=[half + gap, half], hAlign="LEFT")
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (0, -1), gap),
                               ("RIGHTPADDING", (1, 0), (1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 5 * mm)]))
        out.append(t)
    return out


RELATION_LABELS = {"manager": "Manager", "peer": "Peer", "direct_report": "Direct report",
                   "sponsor": "Sponsor", "other": "Other"}
TREND_LABELS = {"improving": "Improving", "steady": "Steady", "worsening": "Worsening"}


def _stakeholders(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    if not d.stakeholders:  # report_data leaves the section out; never a filler line
        return []
    col = [None, 36 * mm, 25 * mm, 20 * mm, 26 * mm, 21 * mm]
    col[0] = width - sum(col[1:])
    data = [[Paragraph(h, s["th"]) for h in ("Name", "Role", "Relation", "Influence",
                                             "Relationship", "Trend")]]
    for p in d.stakeholders:
        data.append([Paragraph(markup(kit.short(p.name, 120)), s["td"]),
                     Paragraph(markup(kit.short(p.role, 120)), s["td_muted"]),
                     Paragraph(markup(RELATION_LABELS.get(p.relation, p.relation)), s["td"]),
                     Paragraph(f"{p.influence} / 5", s["td_center"]),
                     Paragraph(f"{p.relationship_quality} / 5", s["td_center"]),
                     Paragraph(markup(TREND_LABELS.get(p.trend, p.trend)), s["td"])])
    t = Table(data, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle(kit.table_style()))
    return [t, Paragraph("Influence on the client's goals and quality of the working "
                         "relationship, each from 1 (low) to 5 (high), as the coach sees them.",
                         s["small"])]


def _actions(d: ReportData, width: float) -> list[Flowable]:
    s = _styles()
    if not d.actions:
        return [_empty("No action items in this period.")]
    out: list[Flowable] = [Paragraph(markup(
        f"{d.actions_done} completed, {d.actions_open} open"
        + (f", {len(d.actions) - d.actions_done - d.actions_open} dropped"
           if len(d.actions) - d.actions_done - d.actions_open else "") + "."), s["body"]),
        Spacer(1, 2 * mm)]
    col = [None, 18 * mm, 27 * mm, 20 * mm]
    col[0] = width - sum(col[1:])
    data = [[Paragraph(h, s["th"]) for h in ("Action", "Who", "By when", "Status")]]
    order = {"open": 0, "done": 1, "dropped": 2}
    style = kit.table_style()
    for a in sorted(d.actions, key=lambda a: order.get(a.status, 3)):
        first = len(data)
        rows = kit.cell_rows([kit.cell_pieces(a.text, s["td"], col[0] - kit.CELL_PADDING)],
                             [col[0] - kit.CELL_PADDING])
        for i, (text,) in enumerate(rows):
            if i == 0:
                data.append([text,
                             Paragraph(markup(a.owner.capitalize()), s["td"]),
                             Paragraph(markup(kit.short_date(a.due_date)) or "—", s["td"]),
                             Paragraph(markup(a.status.capitalize()),
                                       s["done"] if a.status == "done" else s["td_muted"])])
            else:
                data.append([text, "", "", ""])
        style += kit.joined_rows(first, len(data) - 1)
    t = Table(data, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle(style))
    out.append(t)
    return out


def _sessions(d: ReportData) -> list[Flowable]:
    s = _styles()
    if not d.sessions:  # report_data leaves the section out; never a filler line
        return []
    out: list[Flowable] = []
    for x in d.sessions:
        paras = kit.text_flowables(x.summary, s["body"])
        label = kit.format_date(x.day) + (f" · {kit.duration(x.duration_minutes)}"
                                          if x.duration_minutes else "")
        out.append(KeepTogether([Paragraph(markup(label), s["date"])] + paras[:1]))
        out.extend(paras[1:])
    return out


def _summary(d: ReportData) -> list[Flowable]:
    """The coach's summary and next steps: a part the coach left empty is left out."""
    s = _styles()
    out: list[Flowable] = []
    for label, text in (("Summary", d.coach_summary), ("Next steps", d.next_steps)):
        if text.strip():
            out += [Paragraph(label, s["label"])] + kit.text_flowables(text, s["body"])
    return out


class _ReportDecorations(kit.Decorations):
    """Header and footer on every page but the cover (which says it all in large type)."""

    def draw(self, c, page: int, total: int) -> None:
        if page > 1:
            super().draw(c, page, total)


def build_report_pdf(out_path, data: ReportData, paper: str = "A4") -> Path:
    """Write the sponsor report for ``data`` (from :func:`report_data`) to ``out_path``."""
    paper = st.normalize_paper(paper)
    width = kit.content_width(paper)
    story: list[Flowable] = _cover(data, width) + [PageBreak()]
    makers = {
        "glance": lambda: _glance(data, width),
        "goals": lambda: _goals(data, width),
        "indicators": lambda: _indicators(data, width),
        STAKEHOLDERS: lambda: _stakeholders(data, width),
        "actions": lambda: _actions(data, width),
        "sessions": lambda: _sessions(data),
        "summary": lambda: _summary(data),
    }
    for key in data.sections:
        story += _heading(SECTION_TITLES[key], makers[key]()) + [Spacer(1, 6 * mm)]
    client = kit.short(data.client_name, 60)
    deco = _ReportDecorations(f"Coaching progress report — {client}", _period(data),
                           "Confidential — prepared for " + (kit.short(data.sponsor_name, 60)
                                                              or "the sponsor"))
    # Metadata: only what the cover shows (no notes of any kind).
    title = f"Coaching progress report — {client} — {_period(data)}"

    def build(tmp: Path) -> None:
        kit.new_doc(tmp, paper, title, subject=SUBJECT,
                    author=kit.short(data.coach_name, 80) or "CoachDesk",
                    keywords=["coaching", "progress report"]).build(
            story, canvasmaker=kit.canvas_maker(deco))

    return kit.write_pdf(out_path, build)
