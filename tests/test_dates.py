"""Dates by locale (issue 14): one module writes every date a coach reads, as the practice's
"Date format" and "Language for month names" settings say, defaulting from the system's
locale; the PDF, the stored report's name and the CLI agree."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from coachdesk import dates
from coachdesk.dates import DateStyle
from coachdesk.errors import ValidationError
from coachdesk.services import settings

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_LOCALE = dates._system_locale_name  # before conftest's standard_dates pins it
NOV_29 = date(2026, 11, 29)  # a Sunday
MAR_2 = date(2026, 3, 2)  # a Monday: one-digit day and month

# format, language → short form of 29 Nov 2026, of 2 Mar 2026, long form of 29 Nov 2026
CASES = {
    ("dmy", "en"): ("29/11/2026", "02/03/2026", "Sunday 29 November 2026"),
    ("dmy", "fr"): ("29/11/2026", "02/03/2026", "dimanche 29 novembre 2026"),
    ("dmy", "de"): ("29/11/2026", "02/03/2026", "Sonntag, 29. November 2026"),
    ("dmy", "es"): ("29/11/2026", "02/03/2026", "domingo, 29 de noviembre de 2026"),
    ("mdy", "en"): ("11/29/2026", "03/02/2026", "Sunday, November 29, 2026"),
    ("mdy", "fr"): ("11/29/2026", "03/02/2026", "dimanche 29 novembre 2026"),
    ("mdy", "de"): ("11/29/2026", "03/02/2026", "Sonntag, 29. November 2026"),
    ("mdy", "es"): ("11/29/2026", "03/02/2026", "domingo, 29 de noviembre de 2026"),
    ("dmy_dots", "en"): ("29.11.2026", "02.03.2026", "Sunday 29 November 2026"),
    ("dmy_dots", "fr"): ("29.11.2026", "02.03.2026", "dimanche 29 novembre 2026"),
    ("dmy_dots", "de"): ("29.11.2026", "02.03.2026", "Sonntag, 29. November 2026"),
    ("dmy_dots", "es"): ("29.11.2026", "02.03.2026", "domingo, 29 de noviembre de 2026"),
    ("iso", "en"): ("2026-11-29", "2026-03-02", "Sunday 29 November 2026"),
    ("iso", "fr"): ("2026-11-29", "2026-03-02", "dimanche 29 novembre 2026"),
    ("iso", "de"): ("2026-11-29", "2026-03-02", "Sonntag, 29. November 2026"),
    ("iso", "es"): ("2026-11-29", "2026-03-02", "domingo, 29 de noviembre de 2026"),
    ("d_mon_y", "en"): ("29 Nov 2026", "2 Mar 2026", "Sunday 29 November 2026"),
    ("d_mon_y", "fr"): ("29 nov. 2026", "2 mars 2026", "dimanche 29 novembre 2026"),
    ("d_mon_y", "de"): ("29. Nov. 2026", "2. März 2026", "Sonntag, 29. November 2026"),
    ("d_mon_y", "es"): ("29 nov 2026", "2 mar 2026", "domingo, 29 de noviembre de 2026"),
}


def test_every_format_and_language_is_tested():
    assert set(CASES) == {(f, lang) for f in dates.FORMATS for lang in dates.LANGUAGES}


@pytest.mark.parametrize(("fmt", "language"), sorted(CASES))
def test_each_format_in_each_language(fmt, language):
    style = DateStyle(fmt, language)
    short_nov, short_mar, long_nov = CASES[fmt, language]
    assert dates.short(NOV_29, style) == short_nov
    assert dates.short(MAR_2, style) == short_mar
    assert dates.long(NOV_29, style) == long_nov
    # The style in force is what the functions use when none is given.
    dates.use(style)
    assert dates.short(NOV_29) == short_nov and dates.long(NOV_29) == long_nov
    assert dates.short(datetime(2026, 11, 29, 23, 59)) == short_nov  # a datetime: its day


def test_the_other_forms_follow_the_style():
    fr = DateStyle("d_mon_y", "fr")
    assert dates.short_weekday(NOV_29, fr) == "dim. 29 nov. 2026"
    assert dates.month_year(NOV_29, fr) == "nov. 2026"
    assert dates.month_year(NOV_29, DateStyle("iso", "en")) == "2026-11"
    assert dates.day_month(NOV_29, DateStyle("mdy", "en")) == "11/29"
    assert dates.day_month(NOV_29, DateStyle("d_mon_y", "en")) == "29 Nov"
    assert dates.month_abbr(NOV_29, DateStyle("dmy", "de")) == "Nov."
    us, gb = DateStyle("mdy", "en"), DateStyle("dmy", "en")
    at = datetime(2026, 11, 29, 14, 30)
    assert dates.clock(at, us) == "2:30\u202fPM" or dates.clock(at, us) == "2:30 PM"
    assert dates.clock(at, gb) == "14:30"
    assert dates.short_when(at, gb) == "29/11/2026, 14:30"
    assert dates.long_when(at, gb) == "Sunday 29 November 2026 at 14:30"
    assert dates.short(None) == dates.long(None) == dates.clock(None) == ""


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError):
        DateStyle("yyyy", "en")
    with pytest.raises(ValueError):
        DateStyle("dmy", "it")


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "fr_FR.UTF-8"}, DateStyle("dmy", "fr")),
    ({"LANG": "en_US.UTF-8"}, DateStyle("mdy", "en")),
    ({"LANG": "de_DE.UTF-8"}, DateStyle("dmy_dots", "de")),
    ({"LANG": "es_ES.UTF-8"}, DateStyle("dmy", "es")),
    ({"LANG": "en_GB.UTF-8"}, DateStyle("dmy", "en")),
    ({"LANG": "C"}, DateStyle("d_mon_y", "en")),
    ({"LANG": "C.UTF-8"}, DateStyle("d_mon_y", "en")),
    ({"LANG": "POSIX"}, DateStyle("d_mon_y", "en")),
    ({"LANG": "xx_YY.UTF-8"}, DateStyle("d_mon_y", "en")),
    ({"LANG": "it_IT.UTF-8"}, DateStyle("dmy", "en")),  # Italian order, English names
    ({}, DateStyle("d_mon_y", "en")),
    # POSIX's order: LC_ALL over LC_TIME over LANG
    ({"LANG": "en_US.UTF-8", "LC_TIME": "de_DE.UTF-8"}, DateStyle("dmy_dots", "de")),
    ({"LANG": "en_US.UTF-8", "LC_TIME": "de_DE.UTF-8", "LC_ALL": "fr_FR.UTF-8"},
     DateStyle("dmy", "fr")),
])
def test_the_default_comes_from_the_system_locale(monkeypatch, env, expected):
    monkeypatch.setattr(dates, "_system_locale_name", SYSTEM_LOCALE)
    for name in ("LC_ALL", "LC_TIME", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert dates.system_default() == expected
    dates.use(None)
    assert dates.current() == expected


def test_the_setting_is_kept_in_the_practice(db, monkeypatch):
    monkeypatch.setattr(dates, "_system_locale_name", lambda: "de_DE.UTF-8")
    assert settings.date_style(db) == DateStyle("dmy_dots", "de")  # nothing chosen yet
    assert settings.set_date_style(db, "mdy", "es") == DateStyle("mdy", "es")
    assert settings.date_style(db) == DateStyle("mdy", "es")
    assert settings.apply_date_style(db) == DateStyle("mdy", "es")
    assert dates.short(NOV_29) == "11/29/2026"
    for fmt, language, field in (("dd.mm", "en", "date_format"), ("dmy", "klingon",
                                                                   "date_language")):
        with pytest.raises(ValidationError) as err:
            settings.set_date_style(db, fmt, language)
        assert err.value.field == field
    assert settings.date_style(db) == DateStyle("mdy", "es")  # nothing saved by a refusal
    settings.put_setting(db, settings.DATE_FORMAT_KEY, "edited by hand")
    assert settings.date_style(db) == DateStyle("dmy_dots", "es")  # the default for that part


@pytest.mark.parametrize(("typed", "language"), [
    ("29 novembre 2026", "fr"), ("29 nov. 2026", "fr"), ("dim. 29 nov. 2026", "fr"),
    ("29. Nov. 2026", "de"), ("Sonntag, 29. November 2026", "de"),
    ("29 de noviembre de 2026", "es"), ("29 Nov 2026", "es"),
])
def test_the_date_field_reads_month_names_of_the_chosen_language(typed, language):
    from ui.widgets.fields import parse_date_text

    dates.use(DateStyle("d_mon_y", language))
    assert parse_date_text(typed) == NOV_29


def test_the_date_field_reads_numbers_in_the_settings_order():
    from ui.widgets.fields import format_date, parse_date_text

    dates.use(DateStyle("mdy", "en"))
    assert parse_date_text("11/29/2026") == NOV_29
    assert parse_date_text("03/02/2026") == MAR_2
    assert parse_date_text("29/11/2026") is None  # no 29th month
    assert parse_date_text("2026-11-29") == NOV_29  # the year first reads the same
    assert format_date(NOV_29) == "11/29/2026"
    dates.use(DateStyle("dmy", "en"))
    assert parse_date_text("03/02/2026") == date(2026, 2, 3)
    assert format_date(NOV_29) == "29/11/2026"


# -- the report's day, in a far-east time zone ---------------------------------------------------


@pytest.fixture
def tokyo(monkeypatch):
    """The process in Asia/Tokyo (UTC+9), for the C library too; the run's zone after."""
    before = os.environ.get("TZ")
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    if before is None:
        monkeypatch.delenv("TZ")
    else:
        monkeypatch.setenv("TZ", before)
    time.tzset()


def test_a_report_made_in_tokyo_is_dated_the_same_day_in_the_pdf_and_its_stored_name(
        db, tmp_path, monkeypatch, tokyo):
    """At 20:00 UTC on 29 Nov it is already 05:00 on 30 Nov in Tokyo: the report (made with
    the app's defaults, no day given) says 30 November, and its stored copy is 2026-11-30-…"""
    from pypdf import PdfReader

    from coachdesk.reports import progress
    from coachdesk.services import report_log
    from tests.test_report_log import make_engagement

    instant = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
    assert instant.astimezone().date() == date(2026, 11, 30)  # the zone is in effect
    eid = make_engagement(db)
    monkeypatch.setattr(report_log, "utcnow", lambda: instant)
    with monkeypatch.context() as frozen:
        frozen.setattr(time, "time", lambda: instant.timestamp())  # what date.today() reads
        data = progress.report_data(db, eid, "2025-01-06", "2025-03-31")
    dates.use(DateStyle("dmy", "fr"))
    pdf = progress.build_report_pdf(tmp_path / "r.pdf", data)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(pdf)).pages)
    assert "lundi 30 novembre 2026" in text
    entry = report_log.record(db, eid, pdf, data)
    assert entry.pdf_path.name.startswith("2026-11-30-")


def test_a_report_under_the_french_setting_names_its_months_in_french(db, tmp_path):
    from pypdf import PdfReader

    from coachdesk.reports import progress
    from tests.test_report_log import make_engagement

    eid = make_engagement(db)
    settings.set_date_style(db, "d_mon_y", "fr")
    settings.apply_date_style(db)
    data = progress.report_data(db, eid, "2025-01-06", "2025-03-31", today=NOV_29)
    pdf = progress.build_report_pdf(tmp_path / "r.pdf", data)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(pdf)).pages)
    assert "dimanche 29 novembre 2026" in text  # Prepared on
    assert "6 janv. 2025" in text and "31 mars 2025" in text  # the period
    assert "November" not in text and "Nov 2026" not in text


def _cli(db_path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coachdesk", "--db", str(db_path), *args],
                          cwd=ROOT, text=True, capture_output=True, timeout=120,
                          env=dict(os.environ, **(env or {})))


def test_the_cli_writes_dates_as_the_practice_setting_says(db, db_path, tmp_path):
    from tests.test_report_log import make_engagement

    eid = make_engagement(db)
    settings.set_date_style(db, "mdy", "en")
    db.close()
    out = _cli(db_path, "report", "--engagement", str(eid), "--from", "2025-01-06", "--to", "2025-03-31",
               "--out", str(tmp_path / "r.pdf"))
    assert out.returncode == 0, out.stderr[-2000:]
    assert "(01/06/2025 to 03/31/2025)" in out.stdout
