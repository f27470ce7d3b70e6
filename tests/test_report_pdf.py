"""Sponsor progress reports (coachdesk/reports/progress.py): the read model, the PDF, the CLI.

Private fields (each gets a canary in the tests below): session private notes, reading
private comments, goal rating comments (treated as private: the coach's working note
on a rating), stakeholders (name, role, notes), the client's MVS notes, blocking
patterns, GROW worksheets and options, the client's background and contact details,
the sponsor's contact details, the engagement's fee and objectives text.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, timedelta

import cli_child
import pytest
from consent_helpers import agree_everything
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import select

from coachdesk.errors import NotFoundError, ValidationError
from coachdesk.models import (
    ActionItem,
    Client,
    CoachingSession,
    Engagement,
    Goal,
    GoalRating,
    Indicator,
    IndicatorReading,
    Organization,
    RelationshipTrend,
    SessionStatus,
    Setting,
    Sponsor,
    Stakeholder,
    StakeholderRelation,
)
from coachdesk.reports import progress
from coachdesk.reports.pdfkit import format_date
from coachdesk.services import report_log, settings

HOSTILE = "<b>&\"' bold?</b> & &amp; <script>"


def pdf_text(path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)


def flat(s: str) -> str:
    return " ".join(s.split())


def engagement_of(db, prefix: str) -> int:
    with db.session() as s:
        return s.exec(select(Engagement.id).join(Client, Client.id == Engagement.client_id)
                      .where(Client.name.startswith(prefix))).first()


# Every private text column, filled with a canary naming it.
PRIVATE_COLUMNS = {
    "coaching_session": ["private_notes"],
    "indicator_reading": ["private_comment"],
    "goal_rating": ["comment"],
    "stakeholder": ["name", "role", "notes"],
    "client_motivation": ["notes"],
    "blocking_pattern": ["pattern", "when_it_shows", "what_it_costs"],
    "grow_worksheet": ["goal_session", "goal_long_term", "reality_facts", "reality_tried",
                       "reality_obstacles", "will_what", "will_when"],
    "grow_option": ["text", "notes"],
    "client": ["background", "email", "phone"],
    "sponsor": ["email", "phone"],
    "engagement": ["objectives", "currency"],
}


def plant_canaries(db) -> int:
    planted = 0
    with db.session() as s:
        conn = s.connection()
        for table, cols in PRIVATE_COLUMNS.items():
            sets = ", ".join(f"{c} = 'QZCANARY {table}.{c} ' || id" for c in cols)
            planted += conn.execute(text(f"UPDATE {table} SET {sets}")).rowcount * len(cols)
    return planted


# -- on the demo practice -------------------------------------------------------------------


def test_demo_report_sections_and_numbers(demo_db, tmp_path):
    eid = engagement_of(demo_db, "Søren")
    agree_everything(demo_db, eid)
    chosen = [c.indicator_id for c in progress.indicator_choices(demo_db, eid)]
    data = progress.report_data(demo_db, eid, coach_summary="Steady progress.",
                                next_steps="Three-way meeting in March.", indicator_ids=chosen)
    with demo_db.session() as s:
        e = s.get(Engagement, eid)
        rows = s.exec(select(CoachingSession).where(
            CoachingSession.engagement_id == eid,
            CoachingSession.session_date >= data.period_from,
            CoachingSession.session_date <= data.period_to)).all()
        all_rows = s.exec(select(CoachingSession).where(
            CoachingSession.engagement_id == eid)).all()
        sponsor = s.get(Sponsor, e.sponsor_id)
        n_goals = len(s.exec(select(Goal).where(Goal.engagement_id == eid)).all())
    held = [r for r in rows if r.status == SessionStatus.held]
    assert data.period_from == e.start_date
    assert data.sessions_held == len(held) > 0
    assert data.sessions_cancelled == sum(r.status in progress.CANCELLED for r in rows)
    assert data.hours_in_period == round(sum(r.duration_minutes for r in held) / 60, 2)
    assert data.hours_delivered == round(sum(r.duration_minutes for r in all_rows
                                             if r.status == SessionStatus.held) / 60, 2)
    assert len(data.goals) == n_goals > 0
    assert data.indicators and data.t_score_now is not None
    assert [x.day for x in data.sessions] == sorted(r.session_date for r in held
                                                    if r.shared_summary.strip())

    out = progress.build_report_pdf(tmp_path / "r.pdf", data)
    raw = pdf_text(out)
    txt = flat(raw)
    for key in progress.SECTIONS:
        assert progress.SECTION_TITLES[key] in txt, key
    assert "Stakeholder map" not in txt  # only when the coach ticks it
    assert "Coaching progress report" in txt and "Søren Madsen" in txt
    assert f"Confidential — prepared for {sponsor.name}" in txt
    assert f"{data.sessions_used} of {data.sessions_agreed} sessions used" in txt
    assert f"A T-score of {data.t_score_now:.0f} means" in txt
    for g in data.goals:
        assert flat(g.sentence) in txt
    for ind in data.indicators:
        assert ind.name in txt
    for x in data.sessions:
        assert format_date(x.day) in txt
    assert f"{data.actions_done} completed, {data.actions_open} open" in txt
    assert "Steady progress." in txt and "Three-way meeting in March." in txt
    pages = PdfReader(str(out)).pages
    assert 3 <= len(pages) <= 8
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1].extract_text()


def test_canaries_in_every_private_field_never_reach_the_pdf(demo_db, tmp_path):
    assert plant_canaries(demo_db) > 100
    with demo_db.session() as s:  # the canaries are really there
        assert "QZCANARY" in s.exec(select(CoachingSession)).first().private_notes
        assert "QZCANARY" in s.exec(select(IndicatorReading)).first().private_comment
        assert "QZCANARY" in s.exec(select(GoalRating)).first().comment
        s.merge(Setting(key="coach_name", value="Anna Coach"))  # the demo set its own coach
    for prefix in ("Søren", "José", "Chen"):
        eid = engagement_of(demo_db, prefix)
        agree_everything(demo_db, eid)
        every = [c.indicator_id for c in progress.indicator_choices(demo_db, eid,
                                                                      date(2000, 1, 1))]
        data = progress.report_data(demo_db, eid, date_from=date(2000, 1, 1),
                                    indicator_ids=every)  # their readings are read, too
        assert "QZCANARY" not in repr(data)  # the read model itself holds none
        out = progress.build_report_pdf(tmp_path / f"{eid}.pdf", data)
        reader = PdfReader(str(out))
        assert "QZCANARY" not in pdf_text(out)
        meta = reader.metadata
        assert "QZCANARY" not in repr(dict(meta))
        assert meta.author == "Anna Coach" and "Coaching progress report" in meta.title
        assert b"QZCANARY" not in out.read_bytes()
        assert data.sessions or data.goals  # the report did have content
        assert data.indicators  # and the readings whose comments hold a canary


# -- hostile and long text, empty engagements ------------------------------------------------


def make_engagement(db, *, summary="", name="Zoë Ørsted", sponsor="Priya Raman",
                    sessions=1) -> int:
    with db.session() as s:
        org = Organization(name="Nordlicht GmbH")
        s.add(org)
        s.flush()
        client = Client(name=name, organization_id=org.id)
        sp = Sponsor(name=sponsor, organization_id=org.id) if sponsor else None
        s.add(client)
        if sp:
            s.add(sp)
        s.flush()
        e = Engagement(client_id=client.id, sponsor_id=sp.id if sp else None,
                       start_date=date(2025, 1, 6), end_date=date(2025, 12, 31),
                       sessions_agreed=12, hours_agreed=12)
        s.add(e)
        s.flush()
        for i in range(sessions):
            s.add(CoachingSession(engagement_id=e.id, client_id=client.id,
                                  session_date=date(2025, 2, 3) + timedelta(days=14 * i),
                                  duration_minutes=60, status=SessionStatus.held,
                                  shared_summary=summary, private_notes="QZCANARY private"))
        eid = e.id
    agree_everything(db, eid)  # these tests are about the PDF: the client agreed to all of it
    return eid


def test_hostile_and_non_latin_text_prints_as_typed(db, tmp_path):
    summary = (f"{HOSTILE}\nArabic: العربية Chinese: 中文 Greek: Ελληνικά Dvořák naïve "
               "end-of-scripts")
    eid = make_engagement(db, summary=summary, name=f"José {HOSTILE}", sponsor="Søren <&>")
    data = progress.report_data(db, eid, coach_summary=HOSTILE, next_steps="Ελληνικά & <i>")
    out = progress.build_report_pdf(tmp_path / "h.pdf", data)
    txt = pdf_text(out)
    assert txt.count(HOSTILE) >= 3  # the name, the summary, the coach's summary
    assert "Confidential — prepared for Søren <&>" in flat(txt)
    assert "Ελληνικά & <i>" in txt
    for word in ("Ελληνικά", "Dvořák", "naïve", "end-of-scripts"):
        assert word in txt, word
    # Chinese prints in its fallback font (Arabic and the rest: tests/test_pdf_scripts.py)
    assert "中文" in txt
    assert "QZCANARY" not in txt


def test_one_megabyte_summary_flows_over_pages(db, tmp_path):
    para = "A shareable sentence about progress, repeated to fill pages. " * 30
    summary = ("\n\n".join([para] * 600))[:1_000_000] + " SUMMARY-LAST-WORDS"
    assert len(summary) > 1_000_000
    eid = make_engagement(db, summary=summary)
    out = progress.build_report_pdf(tmp_path / "long.pdf", progress.report_data(db, eid))
    reader = PdfReader(str(out))
    assert len(reader.pages) > 50
    assert "SUMMARY-LAST-WORDS" in (reader.pages[-1].extract_text()
                                    + reader.pages[-2].extract_text())


def test_engagement_with_nothing_yet_gives_a_sensible_report(db, tmp_path):
    eid = make_engagement(db, sessions=0, sponsor=None)
    data = progress.report_data(db, eid, date_to=date(2025, 3, 1))
    assert (data.sessions_held, data.goals, data.indicators, data.actions) == (0, (), (), ())
    # Facts the sponsor should know print; sections with nothing written are left out.
    assert data.sections == ("glance", "goals", "actions")
    out = progress.build_report_pdf(tmp_path / "empty.pdf", data, paper="Letter")
    txt = flat(pdf_text(out))
    for phrase in ("No sessions yet in this period.", "No goals have been agreed yet.",
                   "No action items in this period.", "Confidential — prepared for the sponsor"):
        assert phrase in txt, phrase
    for filler in ("No summary written", "No next steps written", "No indicator readings",
                   "No shared summaries", "Talent-retention indicators", "Session summaries",
                   "Coach's summary and next steps", "Not recorded"):
        assert filler not in txt, filler
    assert round(float(PdfReader(str(out)).pages[0].mediabox.width)) == 612


def test_an_empty_summary_or_next_steps_is_left_out_not_filled(db, tmp_path):
    eid = make_engagement(db, summary="Shared summary.")
    only_steps = progress.report_data(db, eid, next_steps="Three-way meeting in March.")
    assert "summary" in only_steps.sections
    txt = flat(pdf_text(progress.build_report_pdf(tmp_path / "s.pdf", only_steps)))
    assert "Coach's summary and next steps" in txt and "Three-way meeting in March." in txt
    assert "Next steps" in txt and "Summary Next steps" not in txt
    assert "No summary written" not in txt and "Not recorded" not in txt
    only_summary = progress.report_data(db, eid, coach_summary="Steady progress.",
                                        next_steps="   \n ")
    txt = flat(pdf_text(progress.build_report_pdf(tmp_path / "n.pdf", only_summary)))
    assert "Steady progress." in txt and "Next steps" not in txt
    assert "No next steps written" not in txt
    neither = progress.report_data(db, eid, coach_summary=" ", next_steps="")
    assert "summary" not in neither.sections and "sessions" in neither.sections
    txt = flat(pdf_text(progress.build_report_pdf(tmp_path / "x.pdf", neither)))
    assert "Coach's summary" not in txt and "Shared summary." in txt


def test_period_sections_and_bad_input(db, tmp_path):
    eid = make_engagement(db, summary="Shared summary.", sessions=6)
    # The period keeps only its own sessions: 3 Feb, 17 Feb, 3 Mar, 17 Mar, 31 Mar, 14 Apr.
    data = progress.report_data(db, eid, "2025-02-10", "2025-03-20",
                                sections=["sessions", "glance"])
    assert data.sessions_held == 3 and data.hours_in_period == 3
    assert data.sections == ("glance", "sessions")  # report order, not the caller's
    txt = flat(pdf_text(progress.build_report_pdf(tmp_path / "p.pdf", data)))
    assert "Session summaries" in txt and "Action items" not in txt
    with pytest.raises(ValidationError) as err:
        progress.report_data(db, eid, "2025-03-20", "2025-02-10")
    assert err.value.field == "date_to"
    with pytest.raises(ValidationError):
        progress.report_data(db, eid, "31/12/2025")
    with pytest.raises(ValidationError):
        progress.report_data(db, eid, sections=["stakeholders"])
    with pytest.raises(NotFoundError):
        progress.report_data(db, 9999)


def test_goals_then_and_now(db, tmp_path):
    eid = make_engagement(db)
    with db.session() as s:
        g = Goal(engagement_id=eid, title="Delegate more", baseline_level=-1,
                 level_p1="Delegates two responsibilities")
        s.add(g)
        s.flush()
        s.add(GoalRating(goal_id=g.id, rating_date=date(2025, 3, 1), level=0,
                         comment="QZCANARY rating"))
        s.add(GoalRating(goal_id=g.id, rating_date=date(2025, 6, 1), level=1))
        ind = s.exec(select(Indicator)).first()
        s.add(IndicatorReading(client_id=1, engagement_id=eid, indicator_id=ind.id,
                               reading_date=date(2025, 4, 1), value=4, private_comment="QZCANARY"))
        s.add(IndicatorReading(client_id=1, engagement_id=eid, indicator_id=ind.id,
                               reading_date=date(2025, 6, 1), value=7))
        s.add(ActionItem(session_id=1, client_id=1, text="Old open action"))
    data = progress.report_data(db, eid, "2025-04-01", "2025-07-01", indicator_ids=[ind.id])
    (goal,) = data.goals
    assert (goal.baseline_level, goal.level_then, goal.level_now) == (-1, 0, 1)
    assert goal.sentence == ("Up 2 levels since the start: now somewhat more than expected "
                             "(+1 in this period).")
    assert goal.now_description == "Delegates two responsibilities"
    assert data.t_score_baseline < data.t_score_then < data.t_score_now
    (line,) = data.indicators
    assert (line.latest, line.change) == (7, 3)
    assert [a.text for a in data.actions] == ["Old open action"]  # still open: carried over
    txt = flat(pdf_text(progress.build_report_pdf(tmp_path / "g.pdf", data)))
    assert "Latest 7 on a scale of" in txt and "+3 since 1 Apr 2025" in txt
    assert "Now: Delegates two responsibilities" in txt and "QZCANARY" not in txt


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_qpdf_finds_the_pdf_valid(demo_db, tmp_path):
    out = progress.build_report_pdf(
        tmp_path / "q.pdf", progress.report_data(demo_db, engagement_of(demo_db, "José")))
    result = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


# -- the command line -----------------------------------------------------------------------


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "coachdesk", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_report(demo_db, tmp_path):
    eid = engagement_of(demo_db, "José")
    db_file = str(demo_db.path)
    demo_db.close()
    out = tmp_path / "cli.pdf"
    r = run_cli("--db", db_file, "report", "--engagement", str(eid), "--out", str(out),
                "--paper", "Letter")
    assert r.returncode == 0, r.stderr
    assert str(out) in r.stdout and "José Álvarez García" in pdf_text(out)
    for args, message in [
        (["--engagement", "999", "--out", str(out)], "There is no engagement with id 999."),
        (["--engagement", str(eid), "--from", "2026-99-01", "--out", str(out)], "not a date"),
        (["--engagement", str(eid), "--out", str(tmp_path / "no" / "x.pdf")], "does not exist"),
    ]:
        r = cli_child.in_process("--db", db_file, "report", *args)  # a child proved it above
        assert r.returncode == 1 and message in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    r = cli_child.in_process("report", "--help")
    assert r.returncode == 0 and "--engagement" in r.stdout and "--from" in r.stdout


# -- with the stakeholder map ticked ---------------------------------------------------------


def test_stakeholder_map_only_when_ticked_and_only_its_shareable_columns(demo_db, tmp_path):
    plant_canaries(demo_db)
    eid = engagement_of(demo_db, "Søren")
    agree_everything(demo_db, eid)
    with demo_db.session() as s:
        e = s.get(Engagement, eid)
        people = s.exec(select(Stakeholder).where(Stakeholder.client_id == e.client_id)).all()
    assert people and all(p.notes.startswith("QZCANARY") for p in people)
    assert any(p.mvs_blue is not None for p in people)

    off = progress.report_data(demo_db, eid, date_from=date(2000, 1, 1))
    assert off.stakeholders == () and "stakeholders" not in off.sections
    txt = flat(pdf_text(progress.build_report_pdf(tmp_path / "off.pdf", off)))
    assert "Stakeholder map" not in txt and "QZCANARY" not in txt

    every = [c.indicator_id for c in progress.indicator_choices(demo_db, eid, date(2000, 1, 1))]
    on = progress.report_data(demo_db, eid, date_from=date(2000, 1, 1),
                              include_stakeholders=True, indicator_ids=every)
    assert on.sections.index("indicators") < on.sections.index("stakeholders") < \
        on.sections.index("actions")
    assert len(on.stakeholders) == len(people)
    assert "stakeholder.notes" not in repr(on)  # the read model never holds the notes
    out = progress.build_report_pdf(tmp_path / "on.pdf", on)
    txt = flat(pdf_text(out))
    assert "Stakeholder map" in txt
    for p in people:  # the map's shareable columns, every one of them
        assert f"QZCANARY stakeholder.name {p.id}" in txt
        assert f"QZCANARY stakeholder.role {p.id}" in txt
        assert f"{p.influence} / 5" in txt and f"{p.relationship_quality} / 5" in txt
        assert progress.TREND_LABELS[p.trend.value] in txt
        assert progress.RELATION_LABELS[p.relation.value] in txt
    # ... and no other private field: notes, MVS and everything else stay out.
    leaked = {c.split()[1] for c in txt.split("QZCANARY ")[1:]
              if not c.startswith(("stakeholder.name", "stakeholder.role"))}
    assert "stakeholder.notes" not in txt and leaked == set()
    assert "QZCANARY" not in repr(dict(PdfReader(str(out)).metadata))
    assert "Blue" not in txt and "MVS" not in txt and "motivational" not in txt.lower()


def test_stakeholder_map_empty_and_hostile(db, tmp_path):
    eid = make_engagement(db)
    data = progress.report_data(db, eid, include_stakeholders=True)
    assert "stakeholders" not in data.sections  # nothing on the map: no empty section
    txt = flat(pdf_text(progress.build_report_pdf(tmp_path / "e.pdf", data)))
    assert "Stakeholder map" not in txt and "No stakeholders recorded" not in txt
    with db.session() as s:
        client_id = s.get(Engagement, eid).client_id
        s.add(Stakeholder(client_id=client_id, name=HOSTILE, role="CFO 中文 مرحبا",
                          relation=StakeholderRelation.direct_report, influence=5,
                          relationship_quality=1, trend=RelationshipTrend.worsening,
                          notes="QZCANARY note", mvs_blue=10, mvs_red=80, mvs_green=10))
    data = progress.report_data(db, eid, include_stakeholders=True)
    txt = flat(pdf_text(progress.build_report_pdf(tmp_path / "h.pdf", data)))
    assert HOSTILE in txt and "Direct report" in txt and "Worsening" in txt
    assert "QZCANARY" not in txt


# -- the coach's profile on the cover --------------------------------------------------------


def make_logo(path, size=(400, 160), fmt="PNG"):
    from PIL import Image as PILImage

    img = PILImage.new("RGB", size, (47, 93, 124))
    for x in range(size[0] // 4, size[0] // 2):
        for y in range(size[1] // 4, 3 * size[1] // 4):
            img.putpixel((x, y), (250, 200, 40))
    img.save(path, fmt)
    return path


def image_xobjects(page) -> list:
    xobjects = page["/Resources"].get("/XObject")
    if xobjects is None:
        return []
    xobjects = xobjects.get_object()
    return [xobjects[k].get_object() for k in xobjects
            if xobjects[k].get_object().get("/Subtype") == "/Image"]


def test_cover_shows_the_coach_and_the_logo(db, tmp_path):
    logo = make_logo(tmp_path / "logo.png")
    profile = settings.set_coach_profile(db, "  Anne   Martin ", "PCC", str(logo))
    assert profile == settings.CoachProfile("Anne Martin", "PCC", str(logo.resolve()))
    assert settings.coach_profile(db) == profile and profile.signature == "Anne Martin, PCC"
    eid = make_engagement(db)
    data = progress.report_data(db, eid)
    assert (data.coach_name, data.coach_credentials, data.logo_path) == (
        "Anne Martin", "PCC", str(logo.resolve()))
    out = progress.build_report_pdf(tmp_path / "cover.pdf", data)
    reader = PdfReader(str(out))
    cover = reader.pages[0]
    assert "Anne Martin, PCC" in flat(cover.extract_text())
    (image,) = image_xobjects(cover)
    assert (image["/Width"], image["/Height"]) == (400, 160)
    assert all(not image_xobjects(p) for p in reader.pages[1:])
    assert reader.metadata.author == "Anne Martin"


def test_the_logo_travels_with_the_practice_and_a_damaged_one_never_breaks_the_report(
        db, tmp_path):
    logo = make_logo(tmp_path / "logo.jpg", fmt="JPEG")
    settings.set_coach_profile(db, "Anne Martin", "", logo)
    eid = make_engagement(db)
    out = progress.build_report_pdf(tmp_path / "jpeg.pdf", progress.report_data(db, eid))
    assert len(image_xobjects(PdfReader(str(out)).pages[0])) == 1
    # The file is not there (the practice was copied to another computer, or the file was
    # deleted): the copy kept in the practice still prints, and Settings still save.
    logo.unlink()
    out = progress.build_report_pdf(tmp_path / "gone.pdf", progress.report_data(db, eid))
    assert len(image_xobjects(PdfReader(str(out)).pages[0])) == 1
    profile = settings.set_coach_profile(db, "Anne Martin", "PCC", str(logo.resolve()))
    assert profile.logo_path == str(logo.resolve())
    out = progress.build_report_pdf(tmp_path / "again.pdf", progress.report_data(db, eid))
    assert len(image_xobjects(PdfReader(str(out)).pages[0])) == 1
    # A kept image damaged since, and no file: the report is made without a logo.
    import base64

    settings.put_setting(db, settings.COACH_LOGO_IMAGE_KEY,
                         base64.b64encode(b"\xff\xd8\xff" + b"not really a jpeg" * 10).decode())
    out = progress.build_report_pdf(tmp_path / "bad.pdf", progress.report_data(db, eid))
    cover = PdfReader(str(out)).pages[0]
    assert image_xobjects(cover) == [] and "Anne Martin" in cover.extract_text()


def test_coach_profile_validation(db, tmp_path):
    assert settings.coach_profile(db) == settings.CoachProfile("", "", "")
    logo = make_logo(tmp_path / "ok.png")
    settings.set_coach_profile(db, "Anne Martin", "MCC, EMCC Senior Practitioner", logo)
    text_file = tmp_path / "notes.png"
    text_file.write_text("I am not a picture")
    broken = tmp_path / "broken.png"
    broken.write_bytes(logo.read_bytes()[:60])
    gif = tmp_path / "logo.gif"
    make_logo(gif, fmt="GIF")
    for bad, words in [(tmp_path / "missing.png", "There is no image file"),
                       (tmp_path, "There is no image file"),
                       (text_file, "PNG or JPEG"), (gif, "PNG or JPEG"),
                       (broken, "cannot be read")]:
        with pytest.raises(ValidationError) as err:
            settings.set_coach_profile(db, "Someone Else", "", bad)
        assert err.value.field == "logo_path" and words in str(err.value), bad
    with pytest.raises(ValidationError) as err:
        settings.set_coach_profile(db, "x" * 200, "", "")
    assert err.value.field == "name"
    with pytest.raises(ValidationError) as err:
        settings.set_coach_profile(db, "Anne", "y" * 200, None)
    assert err.value.field == "credentials"
    # Nothing was saved by the refused calls.
    assert settings.coach_profile(db) == settings.CoachProfile(
        "Anne Martin", "MCC, EMCC Senior Practitioner", str(logo.resolve()))
    # Clearing: empty values remove the settings; hostile text is kept as typed.
    assert settings.set_coach_profile(db, HOSTILE, "", None) == settings.CoachProfile(
        HOSTILE, "", "")
    assert settings.coach_profile(db) == settings.CoachProfile(HOSTILE, "", "")
    eid = make_engagement(db)
    txt = flat(pdf_text(progress.build_report_pdf(tmp_path / "h.pdf",
                                                  progress.report_data(db, eid))))
    assert f"Coach {HOSTILE}" in txt


def test_cli_report_keeps_it_in_the_log(demo_db, tmp_path):
    eid = engagement_of(demo_db, "Søren")
    agree_everything(demo_db, eid)
    db_file = str(demo_db.path)
    demo_db.close()
    out = tmp_path / "logged.pdf"
    r = run_cli("--db", db_file, "report", "--engagement", str(eid), "--out", str(out),
                "--include-stakeholders")
    assert r.returncode == 0, r.stderr
    assert "report log as entry" in r.stdout and "stakeholder map" in r.stdout
    assert "Stakeholder map" in pdf_text(out)
    from coachdesk import storage

    db = storage.open_database(db_file)
    try:
        (entry,) = report_log.entries(db, eid)
        assert entry.method == "saved" and "stakeholders" in entry.sections
        assert entry.pdf_path.read_bytes() == out.read_bytes() and report_log.verify(entry)
        assert str(entry.pdf_path) in r.stdout
    finally:
        db.close()
    r = run_cli("--db", db_file, "report", "--engagement", str(eid), "--out", str(out))
    assert r.returncode == 0 and "Stakeholder map" not in pdf_text(out)
