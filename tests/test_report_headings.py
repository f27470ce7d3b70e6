"""The progress report never leaves a section heading alone at the foot of a page: the
"Talent-retention indicators" heading stays with its first chart, wherever the coach's
summary before it happens to end (issue 16: a new coach's finding)."""

from __future__ import annotations

import dataclasses

from consent_helpers import agree_everything
from pypdf import PdfReader
from test_report_pdf import engagement_of

from coachdesk.reports import progress
from coachdesk.reports.progress_model import SECTION_TITLES

HEADING = SECTION_TITLES["indicators"]


def test_the_indicators_heading_never_ends_a_page(demo_db, tmp_path):
    eid = engagement_of(demo_db, "Søren")
    agree_everything(demo_db, eid)
    chosen = [c.indicator_id for c in progress.indicator_choices(demo_db, eid)]
    base = progress.report_data(demo_db, eid, next_steps="Three-way meeting in March.",
                                indicator_ids=chosen)
    assert chosen and "indicators" in base.sections
    alone = []
    for lines in range(0, 60, 3):  # the summary pushes the heading down the page
        data = dataclasses.replace(base, coach_summary="\n\n".join(
            f"Paragraph {n} of the summary, a line long." for n in range(lines)))
        out = progress.build_report_pdf(tmp_path / f"r{lines}.pdf", data)
        for number, page in enumerate(PdfReader(str(out)).pages, 1):
            text = " ".join(page.extract_text().split())
            if HEADING in text and "on a scale of" not in text.split(HEADING, 1)[1]:
                alone.append((lines, number))
    assert alone == []
