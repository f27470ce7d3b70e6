"""Talent-retention indicators in the sponsor report: only those the coach chose, one by one.

The engine holds no indicator unless it is named (``report_data(indicator_ids=...)``) and
the client agreed to it (here: engagement, wellbeing and intent to stay, not the canary;
tests/test_consent_reports.py proves the refusals); ``report`` on the command line takes
the consented ones unless ``--indicators`` names some. Sensitive ones (wellbeing, intent to
stay) are marked so and never preselected. A canary indicator that was not chosen must
reach no byte of the report: not its name, its values, its comments, its chart.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import cli_child
import pytest
from consent_helpers import agree
from pypdf import PdfReader

from coachdesk.errors import ValidationError
from coachdesk.models import Client, CoachingSession, Engagement, SessionStatus, Sponsor
from coachdesk.reports import progress
from coachdesk.reports.progress_charts import IndicatorChart
from coachdesk.services import indicators, report_log

CANARY_NAME = "QZCANARY Fernweh-Index 陈"
CANARY_VALUES = (777, 913)
CANARY_COMMENT = "QZCANARY private comment"


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages).split())


def setup_engagement(db) -> tuple[int, int]:
    with db.session() as s:
        client = Client(name="Ingrid Haugen")
        sponsor = Sponsor(name="Katrin Vogel", email="k.vogel@example.com")
        s.add_all([client, sponsor])
        s.flush()
        e = Engagement(client_id=client.id, sponsor_id=sponsor.id, start_date=date(2025, 1, 6),
                       end_date=date(2025, 12, 31), sessions_agreed=10)
        s.add(e)
        s.flush()
        s.add(CoachingSession(engagement_id=e.id, client_id=client.id,
                              session_date=date(2025, 2, 3), duration_minutes=60,
                              status=SessionStatus.held, shared_summary="Shared summary."))
        return e.id, client.id


def rate(db, client_id, eid, key_or_id, day, value, comment=""):
    ind = indicators.by_key(db, key_or_id) if isinstance(key_or_id, str) else \
        indicators.get(db, key_or_id)
    indicators.add_reading(db, client_id, ind.id, day, value, engagement_id=eid,
                           private_comment=comment)
    return ind.id


@pytest.fixture
def rated(db):
    eid, client_id = setup_engagement(db)
    engagement = rate(db, client_id, eid, "engagement", date(2025, 2, 3), 4)
    rate(db, client_id, eid, "engagement", date(2025, 5, 5), 6)
    wellbeing = rate(db, client_id, eid, "wellbeing", date(2025, 3, 3), 3)
    stay = rate(db, client_id, eid, "intent_to_stay", date(2025, 3, 3), 4)
    canary = indicators.create(db, CANARY_NAME, scale_min=0, scale_max=1000).id
    rate(db, client_id, eid, canary, date(2025, 3, 17), CANARY_VALUES[0], CANARY_COMMENT)
    rate(db, client_id, eid, canary, date(2025, 6, 9), CANARY_VALUES[1], CANARY_COMMENT)
    agree(db, eid, indicator_ids=[engagement, wellbeing, stay])  # not the canary
    return {"eid": eid, "engagement": engagement, "wellbeing": wellbeing, "stay": stay,
            "canary": canary}


def test_no_argument_means_no_indicator_at_all(rated, db, tmp_path):
    data = progress.report_data(db, rated["eid"], date_to=date(2025, 7, 1))
    assert data.indicators == () and "indicators" not in data.sections
    txt = pdf_text(progress.build_report_pdf(tmp_path / "none.pdf", data))
    assert "Talent-retention indicators" not in txt
    for name in ("Engagement at work", "Wellbeing", "Intent to stay", "Fernweh", "QZCANARY"):
        assert name not in txt, name
    # An empty choice is the same as none.
    assert progress.report_data(db, rated["eid"], indicator_ids=[]).indicators == ()


def test_canary_an_unchosen_indicator_reaches_no_byte_of_the_report(rated, db, tmp_path):
    data = progress.report_data(db, rated["eid"], date_to=date(2025, 7, 1),
                                indicator_ids=[rated["engagement"]])
    assert [x.name for x in data.indicators] == ["Engagement at work"]
    assert "indicators" in data.sections
    held = repr(data)  # the read model never even holds the canary's readings
    assert "QZCANARY" not in held and "Fernweh" not in held
    assert not any(str(v) in held for v in CANARY_VALUES)

    out = progress.build_report_pdf(tmp_path / "one.pdf", data)
    txt = pdf_text(out)
    assert "Engagement at work" in txt and "Latest 6 on a scale of 1 to 10" in txt
    for unwanted in ("QZCANARY", "Fernweh", "Wellbeing", "Intent to stay",
                     *(str(v) for v in CANARY_VALUES)):
        assert unwanted not in txt, unwanted
    raw = out.read_bytes()
    assert b"QZCANARY" not in raw and b"Fernweh" not in raw
    # The charts drawn: one per chosen indicator, holding only its own points.
    (line,) = data.indicators
    drawing = IndicatorChart(line, data.period_from, data.period_to, 200)._drawing()
    labels = [c.text for c in drawing.contents if hasattr(c, "text")]
    circles = [c for c in drawing.contents if type(c).__name__ == "Circle"]
    assert len(circles) == len(line.points) == 2
    assert not any("QZCANARY" in x or str(CANARY_VALUES[0]) in x for x in labels)
    assert line.points == ((date(2025, 2, 3), 4.0), (date(2025, 5, 5), 6.0))


def test_a_chosen_sensitive_indicator_is_included_when_named(rated, db, tmp_path):
    data = progress.report_data(db, rated["eid"], date_to=date(2025, 7, 1),
                                indicator_ids=[rated["wellbeing"], rated["engagement"]])
    assert [x.name for x in data.indicators] == ["Engagement at work",
                                                 "Wellbeing and resilience"]  # library order
    txt = pdf_text(progress.build_report_pdf(tmp_path / "w.pdf", data))
    assert "Wellbeing and resilience" in txt and "Intent to stay" not in txt


def test_a_single_reading_is_a_first_reading_not_no_change(rated, db, tmp_path):
    data = progress.report_data(db, rated["eid"], date_to=date(2025, 7, 1),
                                indicator_ids=[rated["stay"], rated["engagement"]])
    stay = next(x for x in data.indicators if x.name == "Intent to stay")
    assert stay.first_reading and progress.trend_words(stay) == "first reading"
    txt = pdf_text(progress.build_report_pdf(tmp_path / "f.pdf", data))
    assert "Latest 4 on a scale of 1 to 10 · first reading" in txt
    assert "no change" not in txt
    assert "+2 since 3 Feb 2025 (better)" in txt
    # Two equal readings: that is "no change", and since when.
    indicators.add_reading(db, stay_client(db, rated), rated["stay"], date(2025, 6, 2), 4,
                           engagement_id=rated["eid"])
    data = progress.report_data(db, rated["eid"], date_to=date(2025, 7, 1),
                                indicator_ids=[rated["stay"]])
    assert progress.trend_words(data.indicators[0]) == "no change since 3 Mar 2025"


def stay_client(db, rated) -> int:
    with db.session() as s:
        return s.get(Engagement, rated["eid"]).client_id


def test_choices_list_what_was_rated_in_the_period_with_sensitive_marked(rated, db):
    choices = progress.indicator_choices(db, rated["eid"], "2025-01-06", "2025-07-01")
    by_name = {c.name: c for c in choices}
    assert list(by_name) == ["Engagement at work", "Intent to stay", "Wellbeing and resilience",
                             CANARY_NAME]  # the library's order
    assert by_name["Engagement at work"].readings == 2
    assert by_name["Wellbeing and resilience"].sensitive
    assert by_name["Intent to stay"].sensitive
    assert not by_name["Engagement at work"].sensitive and not by_name[CANARY_NAME].sensitive
    assert "QZCANARY private" not in repr(choices) and "777" not in repr(choices)
    # A shorter period lists only what was rated in it.
    assert [c.name for c in progress.indicator_choices(db, rated["eid"], "2025-04-01",
                                                       "2025-05-31")] == ["Engagement at work"]
    with pytest.raises(ValidationError):
        progress.indicator_choices(db, rated["eid"], "2025-05-31", "2025-04-01")


def test_unknown_or_bad_indicator_ids_are_refused(rated, db):
    for bad in ([99999], ["wellbeing"]):
        with pytest.raises(ValidationError) as err:
            progress.report_data(db, rated["eid"], indicator_ids=bad)
        assert err.value.field == "indicator_ids"


def test_the_coach_can_mark_an_indicator_sensitive_or_not(db):
    indicators.ensure_defaults(db)
    mine = indicators.create(db, "Sleep", sensitive=True)
    assert indicators.get(db, mine.id).sensitive
    stay = indicators.by_key(db, "intent_to_stay")
    assert stay.sensitive
    assert not indicators.update(db, stay.id, sensitive=False).sensitive
    assert not indicators.by_key(db, "intent_to_stay").sensitive
    assert indicators.update(db, stay.id, sensitive=True).sensitive


# -- the command line -----------------------------------------------------------------------


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "coachdesk", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_report_includes_only_the_indicators_named(rated, db, tmp_path):
    db_file = str(db.path)
    db.close()
    out = tmp_path / "cli.pdf"
    base = ("--db", db_file, "report", "--engagement", str(rated["eid"]), "--to", "2025-07-01",
            "--out", str(out))
    r = run_cli(*base, "--indicators", "")
    assert r.returncode == 0, r.stderr
    assert "No indicators included" in r.stdout
    txt = pdf_text(out)
    assert "Talent-retention" not in txt and "Engagement at work" not in txt

    r = cli_child.in_process(*base)  # by default: what the client agreed to (never the canary)
    assert r.returncode == 0, r.stderr
    assert ("Indicators included: Engagement at work, Intent to stay, Wellbeing and "
            "resilience") in r.stdout
    assert "QZCANARY" not in pdf_text(out)

    r = cli_child.in_process(*base, "--indicators", f"engagement,{rated['canary']}")
    assert r.returncode == 1 and "has not agreed to share 1 of the chosen indicators" in r.stderr
    assert "QZCANARY" not in r.stderr and "Traceback" not in r.stderr

    r = cli_child.in_process(*base, "--indicators", f"engagement,{rated['wellbeing']}")
    assert r.returncode == 0, r.stderr
    assert "Indicators included: Engagement at work, Wellbeing and resilience" in r.stdout
    txt = pdf_text(out)
    assert "Engagement at work" in txt and "Wellbeing and resilience" in txt
    assert "Intent to stay" not in txt and "QZCANARY" not in txt and "Fernweh" not in txt

    r = cli_child.in_process(*base, "--indicators", "happiness")
    assert r.returncode == 1 and "There is no indicator “happiness”" in r.stderr
    assert "intent_to_stay" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1

    r = cli_child.in_process("report", "--help")
    assert r.returncode == 0 and "--indicators" in r.stdout
    assert "Default: those the consent lists" in " ".join(r.stdout.split())

    from coachdesk import storage

    again = storage.open_database(db_file)
    try:
        assert len(report_log.entries(again, rated["eid"])) == 3  # the refused runs kept none
    finally:
        again.close()
