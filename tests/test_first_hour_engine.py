"""A coach's first hour (issue 11), the engine's part: what the sponsor's report and the
file names say, checked without a screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from consent_helpers import agree, agree_everything
from pypdf import PdfReader

from coachdesk.reports import progress
from coachdesk.services import clients, engagements, sessions


def pdf_text(path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages)


# -- 7. hours are written one way everywhere --------------------------------------------------


def test_hours_text_has_up_to_two_decimals_and_no_trailing_zeros():
    from coachdesk.hours import hours_short, hours_text, minutes_as_hours

    assert [hours_text(x) for x in (8.25, 8.5, 8.0, 0, None, 1 / 3, 12.499, 0.004)] == \
        ["8.25", "8.5", "8", "0", "0", "0.33", "12.5", "0"]
    assert hours_short(8.25) == "8.25 h" and minutes_as_hours(495) == "8.25"


def _engagement_with_8_25_hours(db):
    c = clients.create(db, "Hanne Quarter")
    e = engagements.create(db, c.id, date(2026, 8, 1), sessions_agreed=10, hours_agreed=12.5)
    agree(db, e.id)
    for n, minutes in enumerate((90, 90, 75, 60, 60, 60, 60)):  # 495 minutes: 8.25 h
        sessions.create(db, e.id, date(2026, 8, 3) + timedelta(weeks=n), status="held",
                        duration_minutes=minutes)
    return e


def test_the_report_says_the_hours_the_app_says(db, tmp_path):
    e = _engagement_with_8_25_hours(db)
    usage = sessions.usage(db, e.id)
    assert usage.label == "7 of 10 sessions used, 8.25 of 12.5 h delivered"
    data = progress.report_data(db, e.id, today=date(2026, 11, 29))
    text = pdf_text(progress.build_report_pdf(tmp_path / "r.pdf", data, "A4"))
    assert "8.25 h delivered of 12.5 h agreed" in text
    assert "8.2 h" not in text and "8.3 h" not in text


# -- 9. the coach's own words come first for a sponsor -------------------------------------------


def test_the_summary_and_next_steps_come_right_after_the_glance(demo_db, tmp_path):
    from test_report_pdf import engagement_of

    eid = engagement_of(demo_db, "Søren")
    agree_everything(demo_db, eid)
    chosen = [c.indicator_id for c in progress.indicator_choices(demo_db, eid)]
    data = progress.report_data(demo_db, eid, coach_summary="QZSUMMARY steady progress.",
                                next_steps="QZNEXT three-way meeting in March.",
                                indicator_ids=chosen, include_stakeholders=True)
    assert data.sections[:2] == ("glance", "summary")
    assert set(data.sections) >= {"goals", "indicators", "stakeholders", "actions", "sessions"}
    assert progress.SECTIONS[:2] == ("glance", "summary")
    out = progress.build_report_pdf(tmp_path / "r.pdf", data, "A4")
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(out)).pages]
    text = " ".join(pages)
    titles = [progress.SECTION_TITLES[k] for k in data.sections]
    where = [text.index(t) for t in titles]
    assert where == sorted(where), "sections print in the order of data.sections"
    # right under the key figures, on the first page after the cover, not alone at the end
    assert "QZSUMMARY" in pages[1] and "QZNEXT" in pages[1]
    assert text.index("QZNEXT") < text.index(progress.SECTION_TITLES["goals"])
    assert "QZSUMMARY" not in pages[-1]


def test_a_draft_keeps_its_sections_in_the_report_order():
    from coachdesk.services import report_drafts

    assert report_drafts.SECTION_KEYS == progress.ORDER


# -- 8. merging records with the same name says which is which ----------------------------------


def _katrin(db):
    from coachdesk.services import sponsors

    return next(p for p in sponsors.list_all(db) if p.name == "Katrin Vogel")


def test_a_merge_of_two_sponsors_of_the_same_name_names_each_by_what_differs(demo_db):
    from coachdesk.services import sponsors

    katrin = _katrin(demo_db)
    twin = sponsors.create(demo_db, "Katrin Vogel", email="katrin.vogel@mail.example")
    lines = sponsors.merge_plan(demo_db, katrin.id, [twin.id]).sentences()
    assert lines[0] == "“Katrin Vogel” (k.vogel@nordlicht.example) is kept."
    assert lines[1] == "Nothing is recorded under “Katrin Vogel” (katrin.vogel@mail.example)."
    assert lines[-1] == ("Then “Katrin Vogel” (katrin.vogel@mail.example) is removed; a merge "
                         "cannot be undone.")
    assert sponsors.tell_apart(demo_db, [katrin.id, twin.id]) == {
        katrin.id: "k.vogel@nordlicht.example", twin.id: "katrin.vogel@mail.example"}


def test_when_only_the_role_or_the_engagements_differ_they_say_so(demo_db):
    from coachdesk.services import sponsors

    katrin = _katrin(demo_db)
    sponsors.update(demo_db, katrin.id, role="HR Business Partner")
    same_but_role = sponsors.create(demo_db, "katrin vogel", role="Head of HR",
                                    organization_id=katrin.organization_id)
    said = sponsors.tell_apart(demo_db, [katrin.id, same_but_role.id])
    assert said == {katrin.id: "HR Business Partner", same_but_role.id: "Head of HR"}
    copy = sponsors.create(demo_db, "Katrin Vogel", email=katrin.email, role=katrin.role,
                           organization_id=katrin.organization_id)
    said = sponsors.tell_apart(demo_db, [katrin.id, copy.id])
    assert said == {katrin.id: "the one with 2 engagements",
                    copy.id: "the one with no engagements"}
    lines = sponsors.merge_plan(demo_db, copy.id, [katrin.id]).sentences()
    assert lines[:2] == ["“Katrin Vogel” (the one with no engagements) is kept.",
                         "Moving to it: 2 engagements from “Katrin Vogel” (the one with 2 "
                         "engagements)."]


def test_names_that_differ_need_no_more_words(demo_db):
    from coachdesk.services import organizations, sponsors

    a = sponsors.create(demo_db, "Someone", email="same@example.org")
    b = sponsors.create(demo_db, "Someone else", email="same@example.org")
    assert sponsors.tell_apart(demo_db, [a.id, b.id]) == {a.id: "", b.id: ""}
    assert sponsors.merge_plan(demo_db, a.id, [b.id]).sentences()[0] == "“Someone” is kept."
    lumiere = next(o for o in organizations.list_all(demo_db) if o.name == "Atelier Lumière")
    twin = organizations.create(demo_db, "Atelier  LUMIERE")
    lines = organizations.merge_plan(demo_db, lumiere.id, [twin.id]).sentences()
    assert lines[0].startswith("“Atelier Lumière” (the one with 2 clients")
    assert lines[1] == "Nothing is recorded under “Atelier  LUMIERE” (the one with no clients)."


# -- 11. the Will's "When" gives the action item its due date -----------------------------------


@pytest.mark.parametrize("when, due", [
    ("by 15 Dec", date(2026, 12, 15)),
    ("Friday", date(2026, 12, 4)),  # said on a Friday: the next one
    ("by Mon 7 Dec", date(2026, 12, 7)),
    ("in 2 weeks", date(2026, 12, 11)),
    ("within a month", date(2026, 12, 27)),
    ("15/01", date(2027, 1, 15)),  # January after a November session: next year's
    ("2027-01-10", date(2027, 1, 10)),
    ("before the board meeting on 12 January", date(2027, 1, 12)),
    ("", None),
    ("soon", None),
    ("end of March", None),
    ("next month", None),
    ("Friday next week", None),
    ("2", None),
    ("the 15th", None),
    ("3 Dec 2025", None),  # before the session
    ("32 Dec", None),
    ("<b>&</b> 😀 بعد غد 下周五", None),
])
def test_the_wills_when_names_a_due_date_only_when_it_says_one_plainly(when, due):
    from coachdesk.services.grow import due_date_in

    assert due_date_in(when, date(2026, 11, 27)) == due  # a Friday


def test_alike_finds_a_record_of_the_same_name_or_e_mail_archived_ones_too(demo_db):
    from coachdesk.models import Client, Organization, Sponsor
    from coachdesk.services import duplicates as dup
    from coachdesk.services import organizations, sponsors

    katrin = next(p for p in sponsors.list_all(demo_db) if p.name == "Katrin Vogel")
    assert [p.id for p in dup.alike(demo_db, Sponsor, "  KATRIN   vögel ")] == [katrin.id]
    assert [p.id for p in dup.alike(demo_db, Sponsor, "K. Vogel", "K.VOGEL@nordlicht.example ")] \
        == [katrin.id]
    assert dup.alike(demo_db, Sponsor, "Someone else", "") == []
    assert dup.alike(demo_db, Sponsor, "", "") == []
    sponsors.archive(demo_db, katrin.id)
    assert [p.id for p in dup.alike(demo_db, Sponsor, "Katrin Vogel")] == [katrin.id]
    lumiere = next(o for o in organizations.list_all(demo_db) if o.name == "Atelier Lumière")
    assert [o.id for o in dup.alike(demo_db, Organization, "atelier lumiere")] == [lumiere.id]
    jose = next(c for c in clients.list_rows(demo_db) if c.name.startswith("José"))
    assert [c.id for c in dup.alike(demo_db, Client, "Someone", jose.email.upper())] == [jose.id]
