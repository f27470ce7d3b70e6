"""Consent decides what a sponsor report may share (issue 16): the engine, the report log,
the command line, and the canary that proves an indicator without consent reaches no byte
of any report. (The report dialog's part: tests/test_ui_consent_report.py.)"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pdf_bytes
import pytest

from coachdesk.errors import ValidationError
from coachdesk.reports import progress
from coachdesk.services import clients, consent, engagements, indicators, report_log, sessions
from coachdesk.services import sponsors as sponsor_service

CANARY_NAME = "QZCONSENTCANARY Fernweh"
CANARY_VALUES = (-613.5, 987.5)  # printed as they are ("Latest 987.5")


@pytest.fixture
def case(db):
    """An engagement with a held session, two rated indicators (engagement, and the canary
    the client never agreed to share), a stakeholder; no consent yet."""
    indicators.ensure_defaults(db)
    sp = sponsor_service.create(db, "Priya Raman", email="priya@example.com")
    c = clients.create(db, "Ingrid Haugen")
    e = engagements.create(db, c.id, date(2025, 1, 6), sponsor_id=sp.id,
                           end_date=date(2025, 12, 31), sessions_agreed=8)
    s = sessions.create(db, e.id, date(2025, 2, 3), status="held")
    sessions.save_notes(db, s.id, shared_summary="Shared summary.", private_notes="private")
    engagement = indicators.by_key(db, "engagement").id
    indicators.add_reading(db, c.id, engagement, date(2025, 2, 3), 4, engagement_id=e.id)
    indicators.add_reading(db, c.id, engagement, date(2025, 5, 5), 6, engagement_id=e.id)
    canary = indicators.create(db, CANARY_NAME, scale_min=-1000, scale_max=1000).id
    for day, value in zip((date(2025, 3, 17), date(2025, 6, 9)), CANARY_VALUES, strict=True):
        indicators.add_reading(db, c.id, canary, day, value, engagement_id=e.id,
                               private_comment="QZCONSENTCANARY comment")
    from coachdesk.services import relationships

    relationships.add_stakeholder(db, c.id, "Mette Hansen", role="CFO")
    return {"eid": e.id, "engagement": engagement, "canary": canary, "client": c.id}


def report(db, case, **kw):
    kw.setdefault("date_from", "2025-01-06")
    kw.setdefault("date_to", "2025-07-01")
    return progress.report_data(db, case["eid"], **kw)


# -- the engine ----------------------------------------------------------------------------


def test_without_any_consent_nothing_may_be_shared(db, case):
    for kw in ({}, {"sections": ["glance"]}, {"indicator_ids": [case["engagement"]]},
               {"sections": []}):
        with pytest.raises(ValidationError) as err:
            report(db, case, **kw)
        assert err.value.field == "consent"
        assert str(err.value) == consent.NO_CONSENT
        assert "has not been recorded yet" in str(err.value)


def test_only_consented_sections_and_indicators_are_shared(db, case):
    consent.record(db, case["eid"], ["glance", "summary", "sessions"], [case["engagement"]],
                   "2025-01-10", "In the signed agreement")
    data = report(db, case, coach_summary="Steady.", indicator_ids=[case["engagement"]])
    # No sections asked for: those the consent lists (goals and actions are not in it).
    assert data.sections == ("glance", "summary", "indicators", "sessions")
    assert data.indicator_ids == (case["engagement"],)
    for kw, words in [
        ({"sections": ["goals"]}, "1 of the chosen sections"),
        ({"sections": ["goals", "actions", "glance"]}, "2 of the chosen sections"),
        ({"indicator_ids": [case["canary"]]}, "1 of the chosen indicators"),
        ({"include_stakeholders": True}, "1 of the chosen sections"),
        ({"sections": ["actions"], "indicator_ids": [case["engagement"], case["canary"]]},
         "1 of the chosen sections and 1 of the chosen indicators"),
    ]:
        with pytest.raises(ValidationError) as err:
            report(db, case, **kw)
        message = str(err.value)
        assert err.value.field == "consent" and words in message, kw
        assert message.startswith("The client has not agreed to share")
        assert "record their consent first" in message
        assert "QZCONSENTCANARY" not in message and "Fernweh" not in message  # no user text


def test_glance_needs_consent_like_every_section(db, case):
    consent.record(db, case["eid"], ["summary"], [], "2025-01-10")
    data = report(db, case, coach_summary="Steady.")
    assert data.sections == ("summary",)
    with pytest.raises(ValidationError):
        report(db, case, sections=["glance", "summary"])


def test_the_newest_consent_is_in_force_and_a_withdrawal_is_obeyed(db, case):
    consent.record(db, case["eid"], ["glance"], [case["engagement"], case["canary"]],
                   "2025-01-10")
    assert report(db, case, indicator_ids=[case["canary"]]).indicator_ids == (case["canary"],)
    later = consent.record(db, case["eid"], ["glance"], [case["engagement"]], "2025-04-01",
                           "By e-mail")
    assert consent.current(db, case["eid"]) == later
    with pytest.raises(ValidationError):
        report(db, case, indicator_ids=[case["canary"]])
    # A record entered later but dated earlier does not override the one in force.
    consent.record(db, case["eid"], ["glance"], [case["canary"]], "2025-02-01")
    assert consent.current(db, case["eid"]) == later
    assert [h.consent_date for h in consent.history(db, case["eid"])] == [
        date(2025, 4, 1), date(2025, 2, 1), date(2025, 1, 10)]


def test_the_indicators_section_follows_the_indicators(db, case):
    none = consent.record(db, case["eid"], ["glance", "indicators"], [], "2025-01-10")
    assert none.sections == ("glance",)
    some = consent.record(db, case["eid"], ["glance"], [case["engagement"]], "2025-01-11")
    assert some.sections == ("glance", "indicators")
    assert some.allows_indicator(case["engagement"]) and not some.allows_indicator(case["canary"])


def test_an_unknown_indicator_is_said_as_such_before_consent(db, case):
    consent.record(db, case["eid"], ["glance"], [], "2025-01-10")
    with pytest.raises(ValidationError) as err:
        report(db, case, indicator_ids=[999999])
    assert err.value.field == "indicator_ids"


def test_the_log_refuses_a_report_the_consent_no_longer_covers(db, case, tmp_path):
    consent.record(db, case["eid"], ["glance", "summary"], [case["engagement"]], "2025-01-10")
    data = report(db, case, coach_summary="Steady.", indicator_ids=[case["engagement"]])
    pdf = progress.build_report_pdf(tmp_path / "r.pdf", data)
    # The client withdraws the indicator before the report goes out.
    consent.record(db, case["eid"], ["glance", "summary"], [], "2025-06-01")
    with pytest.raises(ValidationError) as err:
        report_log.record(db, case["eid"], pdf, data)
    assert err.value.field == "consent"
    assert report_log.entries(db, case["eid"]) == []
    folder = report_log.reports_dir(db) / str(case["eid"])
    assert not folder.exists() or not any(folder.iterdir())  # no copy kept either


# -- the canary: no byte of any report -----------------------------------------------------


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "coachdesk", *args], capture_output=True,
                          text=True, timeout=120)


def test_canary_an_indicator_without_consent_is_in_no_byte_of_any_report(db, case, tmp_path):
    consent.record(db, case["eid"], consent.SECTION_KEYS, [case["engagement"]], "2025-01-10",
                   "In the signed agreement")
    needles = (CANARY_NAME, "QZCONSENTCANARY", "Fernweh", "613.5", "987.5")
    made = []
    # 1. the engine, with everything the client agreed to (and the canary refused)
    data = report(db, case, coach_summary="Steady.", indicator_ids=[case["engagement"]],
                  include_stakeholders=True)
    assert "QZCONSENTCANARY" not in repr(data) and "987.5" not in repr(data)
    made.append(progress.build_report_pdf(tmp_path / "engine.pdf", data))
    made.append(report_log.record(db, case["eid"], made[-1], data).pdf_path)
    with pytest.raises(ValidationError):
        report(db, case, indicator_ids=[case["engagement"], case["canary"]])
    # 2. the command line: by default (the consent) and when the canary is named
    db_file = str(db.path)
    db.close()
    out = tmp_path / "cli.pdf"
    base = ("--db", db_file, "report", "--engagement", str(case["eid"]), "--from",
            "2025-01-06", "--to", "2025-07-01", "--include-stakeholders")
    r = run_cli(*base, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "Indicators included: Engagement at work" in r.stdout
    made.append(out)
    refused = tmp_path / "refused.pdf"
    r = run_cli(*base, "--indicators", f"engagement,{case['canary']}", "--out", str(refused))
    assert r.returncode == 1 and "not agreed to share 1 of the chosen indicators" in r.stderr
    assert "QZCONSENTCANARY" not in r.stderr + r.stdout and not refused.exists()
    # 3. every copy the report log keeps (engine's and the command line's)
    from coachdesk import storage

    again = storage.open_database(db_file)
    try:
        kept = [e.pdf_path for e in report_log.entries(again, case["eid"])]
    finally:
        again.close()
    assert len(kept) == 2
    made += kept
    for pdf in made:
        # The control: what was agreed is really there, so the absence means something.
        assert "Engagement at work" in pdf_bytes.text(pdf), pdf
        assert "Mette Hansen" in pdf_bytes.text(pdf), pdf
        pdf_bytes.assert_absent(pdf, *needles)


def test_the_canary_check_finds_the_canary_once_the_client_agreed(db, case, tmp_path):
    """The control: with consent, the canary's name and values are printed, and the check
    above says so (it is not blind)."""
    consent.record(db, case["eid"], ["glance"], [case["canary"]], "2025-01-10")
    pdf = progress.build_report_pdf(tmp_path / "with.pdf",
                                    report(db, case, indicator_ids=[case["canary"]]))
    for needle in ("QZCONSENTCANARY", "987.5"):
        with pytest.raises(AssertionError):
            pdf_bytes.assert_absent(pdf, needle)


# -- the command line's consent ------------------------------------------------------------


def test_cli_consent_prints_the_consent_in_force(db, case):
    db_file = str(db.path)
    consent.record(db, case["eid"], ["glance"], [], "2025-01-10")
    consent.record(db, case["eid"], ["glance", "summary"], [case["engagement"]], "2025-03-01",
                   "In the three-way meeting")
    db.close()
    r = run_cli("--db", db_file, "consent", "--engagement", str(case["eid"]))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "consent in force since 1 Mar 2025 (In the three-way meeting)" in out
    assert "Sections: Engagement at a glance, Coach's summary and next steps." in out
    assert "  - Engagement at work" in out and "Fernweh" not in out
    assert "Earlier records:" in out and "10 Jan 2025: 1 section(s), 0 indicator(s)" in out
    r = run_cli("--db", db_file, "consent", "--engagement", "9999")
    assert r.returncode == 1 and "engagement" in r.stderr and "Traceback" not in r.stderr


def test_cli_report_without_consent_says_how_to_record_it(db, case, tmp_path):
    db_file = str(db.path)
    db.close()
    out = tmp_path / "r.pdf"
    r = run_cli("--db", db_file, "report", "--engagement", str(case["eid"]), "--out", str(out))
    assert r.returncode == 1 and not out.exists()
    line = r.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert "consent" in line and "Agreement & invoices tab" in line
    r = run_cli("--db", db_file, "consent", "--engagement", str(case["eid"]))
    assert r.returncode == 0 and "no consent recorded" in r.stdout
    assert "Change consent" in r.stdout


# -- the demo --------------------------------------------------------------------------------


def test_the_demo_has_a_believable_mix_of_consent(demo_db):
    from coachdesk.demo import CLIENTS

    sensitive = {i.id for i in indicators.list_all(demo_db, include_retired=True) if i.sensitive}
    rows = engagements.list_all(demo_db)
    states = {e.id: consent.current(demo_db, e.id) for e in rows}
    by_name = {clients.get(demo_db, e.client_id).name: states[e.id] for e in rows}
    assert by_name[CLIENTS[2][0]] is None  # one shares nothing yet
    given = [s for s in states.values() if s is not None]
    assert len(given) >= len(rows) - 2
    for state in given:
        assert {"summary", "goals", "sessions"} <= set(state.sections)
        assert state.indicator_ids and not set(state.indicator_ids) & sensitive
    zoe = next(e.id for e in rows if clients.get(demo_db, e.client_id).name == CLIENTS[1][0])
    assert len(consent.history(demo_db, zoe)) == 2  # a change of mind, kept as history
    # The demo's reports can be made from what was agreed.
    eid = next(e.id for e in rows if clients.get(demo_db, e.client_id).name == CLIENTS[0][0])
    data = progress.report_data(demo_db, eid, coach_summary="Steady.",
                                indicator_ids=states[eid].indicator_ids)
    assert "summary" in data.sections


def test_an_earlier_report_is_covered_only_while_the_consent_still_allows_it(db, case,
                                                                           tmp_path):
    consent.record(db, case["eid"], ["glance", "summary"], [case["engagement"]], "2025-01-10")
    data = report(db, case, coach_summary="Steady.", indicator_ids=[case["engagement"]])
    entry = report_log.record(db, case["eid"], progress.build_report_pdf(tmp_path / "r.pdf",
                                                                          data), data)
    covers = lambda: consent.covers_earlier(db, case["eid"], entry.sections,  # noqa: E731
                                            entry.created_at)
    assert covers()
    consent.record(db, case["eid"], ["glance", "summary", "goals"],
                   [case["engagement"], case["canary"]], "2025-02-01")
    assert covers()  # more agreed since: still covered
    consent.record(db, case["eid"], ["glance", "summary"], [], "2025-03-01")
    assert not covers()  # the indicator it printed is no longer agreed
    consent.record(db, case["eid"], ["glance"], [case["engagement"]], "2025-04-01")
    assert not covers()  # the summary is no longer agreed
    assert not consent.covers_earlier(db, case["eid"], ("glance", "indicators"),
                                      entry.created_at.replace(year=2000))  # before any
