"""The three-way coaching agreement (coach, client, sponsor) as a PDF, in the reports' look.

:func:`build_agreement_pdf` lays out an :class:`.agreement_model.AgreementData` (made by
``agreement_data``, the one function that reads the database for it, and which reads no
note of any kind) and receives nothing else: the title, the three parties, the numbered
clauses (the coach's templates, filled), what the sponsor will receive as the client's
consent says (or a plain sentence that no consent is recorded yet), and a signature block
with name, signature and date lines for each party.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from . import pdfkit as kit
from . import styles as st
from .agreement_model import AgreementData, agreement_data
from .progress_model import SECTION_TITLES
from .scripts import Paragraph  # right-to-left text wraps in the right order
from .styles import markup

__all__ = ["TITLE", "SUBJECT", "build_agreement_pdf", "agreement_data", "AgreementData",
           "shared_sentences", "NO_CONSENT", "title_for"]

TITLE = "Coaching agreement"
SUBJECT = "Three-way {kind} agreement between coach, client and sponsor"


def title_for(kind: str) -> str:
    """"Coaching agreement" or "Mentoring agreement" for an engagement's ``kind``."""
    return "Mentoring agreement" if kind == "mentoring" else TITLE
NO_CONSENT = ("No consent has been recorded yet. Until the client agrees what may be shared, "
              "the sponsor receives no progress report and no indicator.")

_extra: dict | None = None


def _styles() -> dict:
    global _extra
    if _extra is None:
        s = dict(st.styles())
        s["h1"] = ParagraphStyle("agreement_h1", parent=s["stage"], fontSize=12, leading=15,
                                 spaceBefore=8, spaceAfter=3)
        s["party"] = ParagraphStyle("agreement_party", parent=s["body"], fontName=st.FONT_BOLD,
                                    fontSize=10.5, leading=14)
        s["box_title"] = ParagraphStyle("agreement_box_title", parent=s["body"],
                                        fontName=st.FONT_BOLD, textColor=st.ACCENT)
        _extra = s
    return _extra


def shared_sentences(d: AgreementData) -> list[str]:
    """What the sponsor will receive, in plain sentences (the PDF's box and the panel)."""
    if not d.consent_recorded:
        return [NO_CONSENT]
    day = kit.format_date(d.consent_date)
    out = [f"The client agreed on {day} that the sponsor may receive:"]
    # The indicators' section follows the indicators named on the next line: listed once,
    # as the consent panel does.
    sections = [t for t in d.shared_sections if t != SECTION_TITLES["indicators"]]
    out.append("Report sections: " + (", ".join(sections) if sections else "none."))
    out.append("Indicators: " + (", ".join(d.shared_indicators) if d.shared_indicators
                                 else "none."))
    if d.consent_how:
        out.append(f"How the client agreed: {d.consent_how}")
    out.append("Nothing else from the sessions is shared. A change of mind is recorded as a new "
               "consent and applies to every report made after it.")
    return out


def _head(d: AgreementData, width: float) -> list[Flowable]:
    s = _styles()
    image = (kit.logo(d.logo_image, max_width=40 * mm, max_height=20 * mm) if d.logo_image
             else None) or kit.logo(d.logo_path, max_width=40 * mm, max_height=20 * mm)
    out: list[Flowable] = [image, Spacer(1, 6 * mm)] if image else []
    kind = "a mentoring engagement" if d.kind == "mentoring" else "a coaching engagement"
    out += [Paragraph(title_for(d.kind), s["title"]), Spacer(1, 1.5 * mm),
            Paragraph(markup(f"Three-way agreement for {kind} · prepared on "
                             f"{kit.format_date(d.made_on)}"), s["subtitle"]),
            Spacer(1, 6 * mm)]
    nobody = "Not recorded"
    parties = [
        ("Coach", d.coach_name or nobody, d.coach_credentials),
        ("Client", d.client_name or nobody, ", ".join(x for x in (d.client_role, d.organization)
                                                      if x)),
        ("Sponsor", d.sponsor_name or nobody,
         ", ".join(x for x in (d.sponsor_role, d.organization) if x)),
    ]
    col = width / 3
    cells = [[Paragraph(markup(label), s["meta_label"]) for label, _, _ in parties],
             [Paragraph(markup(name), s["party"]) for _, name, _ in parties],
             [Paragraph(markup(more), s["small"]) for _, _, more in parties]]
    t = Table(cells, colWidths=[col] * 3, hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LINEABOVE", (0, 0), (-1, 0), 0.8, st.ACCENT),
                           ("BACKGROUND", (0, 0), (-1, -1), st.FAINT),
                           ("LINEBEFORE", (1, 0), (-1, -1), 2, st.WHITE),
                           ("LEFTPADDING", (0, 0), (-1, -1), 6),
                           ("TOPPADDING", (0, 0), (-1, 0), 5),
                           ("BOTTOMPADDING", (0, -1), (-1, -1), 6)]))
    return out + [t, Spacer(1, 4 * mm)]


def _shared_box(d: AgreementData, width: float) -> Flowable:
    s = _styles()
    lines = shared_sentences(d)
    rows = [[Paragraph("What the sponsor will receive", s["box_title"])]]
    rows += [[Paragraph(markup(line), s["body"])] for line in lines]
    t = Table(rows, colWidths=[width], hAlign="LEFT")
    colour = st.ACCENT_LIGHT if d.consent_recorded else st.PRIVATE_LIGHT
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colour),
                           ("LINEBEFORE", (0, 0), (0, -1), 2.5,
                            st.ACCENT if d.consent_recorded else st.PRIVATE),
                           ("LEFTPADDING", (0, 0), (-1, -1), 8),
                           ("TOPPADDING", (0, 0), (-1, -1), 2),
                           ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
                           ("TOPPADDING", (0, 0), (-1, 0), 6)]))
    return t


def _signatures(d: AgreementData, width: float) -> Flowable:
    s = _styles()
    col = width / 3
    line = ParagraphStyle("sign_line", parent=s["small"], spaceBefore=0)
    blocks = [("The coach", d.coach_signature), ("The client", d.client_name),
              ("The sponsor", ", ".join(x for x in (d.sponsor_name, d.organization) if x))]
    rows = [[Paragraph(markup(label), s["meta_label"]) for label, _ in blocks],
            [Paragraph(markup(name or " "), s["body"]) for _, name in blocks],
            ["", "", ""],
            [Paragraph("Signature", line) for _ in blocks],
            ["", "", ""],
            [Paragraph("Date", line) for _ in blocks]]
    t = Table(rows, colWidths=[col] * 3, rowHeights=[None, None, 14 * mm, None, 9 * mm, None],
              hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 8 * mm),
                           ("LINEBELOW", (0, 2), (-1, 2), 0.6, st.INK),
                           ("LINEBELOW", (0, 4), (-1, 4), 0.6, st.INK),
                           ("TOPPADDING", (0, 3), (-1, 3), 1),
                           ("TOPPADDING", (0, 5), (-1, 5), 1)]))
    return t


def _story(d: AgreementData, width: float) -> list[Flowable]:
    s = _styles()
    story = _head(d, width)
    for n, clause in enumerate(d.clauses, 1):
        heading = Paragraph(markup(f"{n}. {clause.title}"), s["h1"])
        body = kit.text_flowables(clause.text, s["body"], empty=None)
        if clause.key == "signatures":
            story += [CondPageBreak(70 * mm), heading] + body + [Spacer(1, 6 * mm),
                                                                 _signatures(d, width)]
            continue
        # the heading never ends a page alone
        story += [KeepTogether([heading] + body[:1])] + body[1:]
        if clause.key == "confidentiality":
            story += [Spacer(1, 2.5 * mm), _shared_box(d, width)]
    return story


def build_agreement_pdf(out_path, data: AgreementData, paper: str = "A4") -> Path:
    """Write the agreement ``data`` to ``out_path`` (atomically). Raises ReportError (a
    plain sentence) when the file cannot be written."""
    paper = st.normalize_paper(paper)
    width = kit.content_width(paper)
    story = _story(data, width)
    client = kit.short(data.client_name, 60) or "the client"
    heading = title_for(data.kind)
    deco = kit.Decorations(f"{heading} — {client}", kit.short(data.organization, 60),
                           "Confidential — between the coach, the client and the sponsor")
    title = f"{heading} — {client}"

    def build(tmp: Path) -> None:
        kit.new_doc(tmp, paper, title, subject=SUBJECT.format(kind=data.kind),
                    author=kit.short(data.coach_name, 80) or "CoachDesk",
                    keywords=[data.kind, "agreement"]).build(
            story, canvasmaker=kit.canvas_maker(deco))

    return kit.write_pdf(out_path, build)
