"""The readable summary of a subject access request: "Personal data held about <name>".

Built from the dict :func:`coachdesk.services.privacy.subject_access` returns (the same
data as the JSON file beside it). Unlike a sponsor report it *does* print the coach's
private notes, because they are the client's personal data; each is labelled "Coach's
private note" in its own colour so nobody mistakes it for something that was shared.

Record numbers, links between records and time stamps are left out of the PDF (the
JSON file has every field); every other field prints, including those of a table added
later (with its column name made readable), so the summary never hides anything.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from .. import dates
from . import pdfkit as kit
from . import styles as st
from .scripts import Paragraph  # right-to-left text wraps in the right order
from .styles import markup

SUBJECT = "Subject access: personal data held by a coaching practice"

#: nicer labels than the column names (anything else: "job_title" -> "Job title")
LABELS = {
    "email": "E-mail",
    "start_date": "Start date",
    "end_date": "End date",
    "session_date": "Date",
    "start_time": "Time",
    "duration_minutes": "Length (minutes)",
    "shared_summary": "Shareable summary",
    "private_notes": "Coach's private notes",
    "private_comment": "Coach's private comment",
    "fee_cents": "Fee",
    "pro_bono": "Pro bono",
    "is_group": "Group session",
    "goal_session": "Goal for the session",
    "goal_long_term": "Long-term goal",
    "reality_facts": "Reality: the facts",
    "reality_tried": "Reality: what was tried",
    "reality_obstacles": "Reality: obstacles",
    "will_what": "Will: what",
    "will_when": "Will: when",
    "level_m2": "Level −2", "level_m1": "Level −1", "level_0": "Level 0 (expected)",
    "level_p1": "Level +1", "level_p2": "Level +2",
    "mvs_blue": "MVS blue", "mvs_red": "MVS red", "mvs_green": "MVS green",
    "sha256": "Fingerprint (SHA-256)",
    "pdf_file": "Stored copy",
    "status_changed_on": "Status changed on",
    "reading_date": "Date",
    "rating_date": "Date",
    "period_from": "Period from",
    "period_to": "Period to",
    "sent_at": "Sent at",
    "coach_summary": "Coach's summary",
    "next_steps": "Next steps",
    "when_it_shows": "When it shows",
    "what_it_costs": "What it costs",
    "relationship_quality": "Relationship quality (1-5)",
    "influence": "Influence (1-5)",
    "deleted_at": "Deleted on",
    "indicator_ids": "Indicators chosen",
}
#: (table's section key, column) that hold the coach's private notes
PRIVATE = {("sessions", "private_notes"), ("indicator_readings", "private_comment"),
           ("stakeholders", "notes"), ("deleted_sessions", "private_notes")}
#: text columns that may be long: printed as paragraphs under their label
LONG = {"background", "objectives", "private_notes", "shared_summary", "private_comment",
        "notes", "description", "coach_summary", "next_steps", "comment", "text"}
HIDDEN = {"id", "created_at", "updated_at", "position"}
ENUMS = {"status", "kind", "format", "source", "relation", "trend", "owner", "method"}


def _styles() -> dict[str, ParagraphStyle]:
    s = dict(st.styles())
    s["h1"] = ParagraphStyle("sa_h1", parent=s["stage"], spaceBefore=4, spaceAfter=3)
    s["record"] = ParagraphStyle("sa_record", parent=s["body"], fontName=st.FONT_BOLD,
                                 fontSize=10, leading=13.5, spaceBefore=6, spaceAfter=2)
    s["private_label"] = ParagraphStyle("sa_private", parent=s["label"], textColor=st.PRIVATE)
    s["private_body"] = ParagraphStyle("sa_private_body", parent=s["body"],
                                       textColor=st.PRIVATE, leftIndent=6,
                                       borderPadding=(2, 4, 2, 4))
    return s


def _label(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").strip().capitalize()


def _value(key: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key == "fee_cents" and isinstance(value, int):
        return f"{value / 100:,.2f}"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return kit.format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and len(value) > 19 and value[10] == "T":
        try:
            when = datetime.fromisoformat(value)
            return f"{kit.short_date(when.date())} {dates.clock(when)} UTC"
        except ValueError:
            return value
    if key == "start_time" and isinstance(value, str):
        return value[:5]
    if key in ENUMS and isinstance(value, str):
        return value.replace("_", " ")  # "in_person" -> "in person"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _record_title(section: str, row: dict, i: int, ctx: dict) -> str:
    d = kit.format_date
    if section == "engagements":
        end = f" to {d(row.get('end_date'))}" if row.get("end_date") else ""
        return f"{_value('kind', row.get('kind', '')).capitalize()} engagement from " \
               f"{d(row.get('start_date'))}{end}"
    if section == "sessions":
        return f"Session on {d(row.get('session_date'))}"
    if section == "grow_worksheets":
        return f"GROW worksheet of the session on {d(ctx['sessions'].get(row.get('session_id')))}"
    if section == "grow_options":
        return f"Option {i}: {kit.short(row.get('text'), 90)}"
    if section == "actions":
        return f"Action: {kit.short(row.get('text'), 90)}"
    if section == "indicator_readings":
        return f"{kit.short(row.get('indicator'), 60) or 'Indicator'} on {d(row.get('reading_date'))}"
    if section == "goals":
        return f"Goal: {kit.short(row.get('title'), 90)}"
    if section == "goal_ratings":
        goal = ctx["goals"].get(row.get("goal_id"), "")
        return f"Rating of “{kit.short(goal, 60)}” on {d(row.get('rating_date'))}"
    if section == "stakeholders":
        return kit.short(row.get("name"), 90) or f"Stakeholder {i}"
    if section == "blocking_patterns":
        return f"Pattern: {kit.short(row.get('pattern'), 90)}"
    if section == "report_log":
        return f"Report for {d(row.get('period_from'))} to {d(row.get('period_to'))}"
    if section == "motivation":
        return "The client's motivational value system"
    if section == "report_drafts":
        return "Draft of the next progress report"
    if section == "deleted_sessions":
        return f"Session of {d(row.get('session_date'))}, deleted on " \
               f"{_value('deleted_at', row.get('deleted_at'))}"
    return f"Record {i}"


def _record(section: str, row: dict, title: str, width: float, s,
            note: str = "") -> list[Flowable]:
    short_rows, long_parts = [], []
    for key, value in row.items():
        if key in HIDDEN or key.endswith("_id"):
            continue
        text = _value(key, value)
        private = (section, key) in PRIVATE
        if key in LONG or private or len(text) > 160 or "\n" in text:
            if not text.strip() and not private:
                continue
            label_style = s["private_label"] if private else s["label"]
            label = _label(key) + (" (private: the coach's own working notes)" if private else "")
            long_parts.append(Paragraph(markup(label), label_style))
            long_parts += kit.text_flowables(text, s["private_body"] if private else s["body"],
                                             empty="None written")
        elif text:
            short_rows.append([Paragraph(markup(_label(key)), s["td_muted"]),
                               kit.cell(kit.cell_text(text), s["td"])])
    out: list[Flowable] = [Paragraph(markup(title), s["record"])]
    if note:
        out.append(Paragraph(markup(note), s["small"]))
    if short_rows:
        table = Table(short_rows, colWidths=[45 * mm, width - 45 * mm], hAlign="LEFT")
        table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.25, st.FAINT)])
        out.append(table)
    head = KeepTogether(out + long_parts[:2])
    return [head, *long_parts[2:], Spacer(1, 2 * mm)]


def _deleted_session(row: dict, i: int, width: float, s) -> list[Flowable]:
    """A session the coach deleted that still waits in the list: the session with its
    private notes labelled, then its worksheet, options and actions."""
    title = _record_title("deleted_sessions", row, i, {})
    contents = row.get("contents")
    if not isinstance(contents, dict):  # a copy that could not be read: printed as it is
        return _record("deleted_sessions", row, title, width, s)
    sessions = contents.get("sessions") or [{}]
    out = _record("deleted_sessions", sessions[0], title, width, s,
                  note="Deleted by the coach; kept in the Deleted sessions list until it is "
                       "restored or deleted for good.")
    ctx = {"sessions": {r.get("id"): r.get("session_date") for r in sessions}, "goals": {}}
    order = ["grow_worksheets", "grow_options", "actions"]  # as on the session's page
    for key in order + sorted(set(contents) - set(order) - {"sessions"}):
        rows = contents.get(key)
        if not isinstance(rows, list):
            continue
        for n, part in enumerate(rows, 1):
            if isinstance(part, dict):
                out += _record(key, part, _record_title(key, part, n, ctx), width, s)
    return out


def build_subject_access_pdf(out_path, data: dict, paper: str = "A4") -> Path:
    """Write the readable summary of ``data`` (from ``privacy.subject_access``)."""
    paper = st.normalize_paper(paper)
    s = _styles()
    width = kit.content_width(paper)
    client = data["client"]
    name = kit.short(client.get("name"), 80)
    made = _value("exported_at", data.get("exported_at", "")) or kit.format_date(date.today())
    story: list[Flowable] = [
        Paragraph(markup(f"Personal data held about {kit.short(client.get('name'), 200)}"),
                  s["title"]),  # the whole name prints under "Your record"
        Spacer(1, 2 * mm),
        Paragraph(markup(f"Prepared on {made}"), s["subtitle"]),
        Spacer(1, 3 * mm),
        Paragraph(markup(
            "This is everything the coaching practice holds about you in CoachDesk, section by "
            "section. It includes the coach's private working notes, marked “private” in "
            "brown: they were never shared with your sponsor, and they are shown here because "
            "they are your personal data. The JSON file that comes with this summary holds "
            "the same records with every field, for use in other software."), s["body"]),
        Spacer(1, 4 * mm),
    ]
    org = data.get("organization") or {}
    profile = dict(client)
    profile["organization"] = org.get("name", "")
    story += [Paragraph("Your record", s["h1"])]
    story += _record("client", profile, "Contact and profile", width, s)

    sponsors = data.get("sponsors") or []
    story += [CondPageBreak(30 * mm), Paragraph("Who commissioned the coaching", s["h1"])]
    if not sponsors:
        story.append(Paragraph("No sponsor is recorded.", s["empty"]))
    for sp in sponsors:
        story += _record("sponsors", sp, kit.short(sp.get("name"), 90) or "Sponsor", width, s)

    records = data.get("records", {})
    ctx = {
        "sessions": {r["id"]: r.get("session_date") for r in records.get("sessions", [])},
        "goals": {r["id"]: r.get("title", "") for r in records.get("goals", [])},
    }
    for key, title in data.get("sections", {}).items():
        rows = records.get(key, [])
        story += [CondPageBreak(35 * mm),
                  Paragraph(markup(f"{title} ({len(rows)})"), s["h1"])]
        if not rows:
            story.append(Paragraph("None.", s["empty"]))
        for i, row in enumerate(rows, 1):
            if key == "deleted_sessions":
                story += _deleted_session(row, i, width, s)
                continue
            story += _record(key, row, _record_title(key, row, i, ctx), width, s)

    files = data.get("stored_files") or []
    if files:
        story += [CondPageBreak(30 * mm), Paragraph("Files kept", s["h1"]),
                  Paragraph(markup("Copies of the progress reports sent to your sponsor are "
                                   "kept as PDF files in the practice's data folder:"),
                            s["body"])]
        story += [Paragraph(markup(f"• {Path(f).name}"), s["small"]) for f in files]

    deco = kit.Decorations(f"Personal data held about {name}", made,
                           f"Confidential — prepared for {name}")
    title = f"Personal data held about {name}"

    def build(tmp: Path) -> None:
        kit.new_doc(tmp, paper, title, subject=SUBJECT,
                    keywords=["subject access", "personal data"]).build(
            story, canvasmaker=kit.canvas_maker(deco))

    return kit.write_pdf(out_path, build)
