"""Performance figures on a large practice: ``make bench``.

Builds a temporary practice of 5,000 clients and 10,000 engagements, then
measures, and prints ONE JSON object on stdout (progress goes to stderr):

* ``startup_to_window_s``: wall time from launching ``python main.py --db``
  until the app reports its main window shown (median of 3 runs); ``startup_first_run_s``
  the first run, which checks the whole file (later starts of a file the app closed
  cleanly and nothing touched skip that: ``coachdesk.verified``);
* ``startup_to_client_list_s``: the same until the client list is loaded and shown (the
  window comes first, saying it is loading; the list right after), median of 3;
* ``startup_floor_s``: the same for a bare QApplication + QMainWindow with a
  QTableView (a small model) as central widget, in the same interpreter and venv,
  reported the same way (median of 3): what no PySide6 app on this machine can beat;
  ``startup_ratio`` = ``startup_to_window_s`` / ``startup_floor_s`` (machine-independent);
* ``client_list_load_s``: ``ClientTableModel.load`` (``clients.list_rows``),
  median of 5 runs;
* ``filter_keystroke_s``: one typed character in the clients search box, from
  the key event until its handler (proxy refilter and count label) is done,
  median over several realistic queries; Esc back to empty is reported apart;
* ``peak_rss_mb``: the app's peak resident memory in the start-up runs (its list loaded), and
  ``bench_process_peak_rss_mb`` for this process (which holds the same list);
* ``search_s``: median full-text search (``search.search``, hits with their
  snippets) over the whole practice, for a set of realistic queries;
* ``client_open_s``: opening a client with 40 sessions on the client page, from
  the call until the page is painted, median of 7;
* ``worksheet_pdf_s``: building a filled GROW worksheet PDF, median of 5;
* ``report_pdf_s``: a sponsor progress report for a 12-month engagement with 24 sessions,
  goals and monthly readings of every indicator (charts), read model and PDF, median of 5;
  ``report_pdf_kb`` its size and ``report_pdf_pages`` its pages;
* ``dashboard_s`` (and ``dashboard_first_visit_s``, the first of the runs, which works
  every figure out; the later ones are served while the file is unchanged): constructing
  the Dashboard page and loading it (the risk signal
  of every client, the month's figures, engagements, overdue actions, the
  practice-wide indicator averages) until it is painted, median of 5; the parts
  are in ``dashboard_parts_s``;
* ``backup_s``: one verified backup of the whole practice (online backup API and
  ``quick_check`` on the copy), median of 3, and ``backup_mb`` its size;
* ``export_json_s``: the whole practice as one JSON export file, median of 3, and
  ``export_json_mb``; for both, ``*_gui_stall_s`` is the longest the event loop went
  without running a 10 ms timer while that work ran in a worker thread (the window
  stays responsive if it is well under a tenth of a second);
* ``client_charts_s``: loading a client's Indicators tab (its chart data and
  readings) and painting it, median of 7 (``client_charts_how`` says whether the
  real tab or the bare chart was timed).

The practice has about 50,000 sessions with notes (``SESSIONS_PER_CLIENT``
for every generated client), worksheets and action items, and about 100,000
indicator readings (``READINGS_PER_CLIENT``) with goals and their ratings.

Only the start-up figures, on a practice built once and kept (``build_practice``)::

    python tests/bench/bench.py --only startup --db /tmp/bench5k/bench.db

``startup_once(db_path, home)`` and ``startup_floor_once()`` can be imported too.

Not collected by pytest (``norecursedirs``), and no file here starts with test_.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui.qt_workarounds import keep_none_alive  # noqa: E402  (PySide6 6.12.0 on Python 3.11)

keep_none_alive()

from coachdesk.memory import maxrss_mb  # noqa: E402

CLIENTS = 5000
ENGAGEMENTS = 10000
SESSIONS_PER_CLIENT = 10
READINGS_PER_CLIENT = 20
DASHBOARD_RUNS = 5
CHART_RUNS = 7
BIG_CLIENT_SESSIONS = 40
SEARCH_QUERIES = ["delegat", "sponsor feedback", "José", "outage reviews", "merger",
                  "protected hour", "schmidt", "wellbeing", "zzzz-no-such-word"]
OPEN_RUNS = 7
PDF_RUNS = 5
SEED = 7
STARTUP_RUNS = 3
LOAD_RUNS = 5
FILTER_ROUNDS = 3
QUERIES = ["mü", "nord", "head of", "sven", "zz"]
STARTUP_TIMEOUT_S = 60
GOALS = {"startup_to_window_s": 1.5, "filter_keystroke_s": 0.030, "peak_rss_mb": 250,
         "search_s": 0.050, "client_open_s": 0.100, "worksheet_pdf_s": 0.300,
         "dashboard_s": 0.300, "client_charts_s": 0.100, "report_pdf_s": 0.500,
         "report_pdf_kb": 300, "backup_s": 2.0, "export_json_s": 5.0,
         "fit_bytes_huge_name_s": 2.0,
         "startup_ratio": 3}


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- the practice ------------------------------------------------------------------------


def build_practice(db_path: Path) -> dict:
    from sqlalchemy import insert, select

    from coachdesk import demo, storage
    from coachdesk.models import Engagement

    db = storage.open_database(db_path)
    try:
        counts = demo.populate(db, clients=CLIENTS, seed=SEED,
                               sessions_per_client=SESSIONS_PER_CLIENT,
                               readings_per_client=READINGS_PER_CLIENT)
        missing = ENGAGEMENTS - counts["engagements"]
        if missing > 0:
            # The demo gives each generated client two engagements but the twelve
            # hand-written ones only one: give the first few an earlier, completed
            # engagement too, so the practice has exactly the target number.
            with db.session() as s:
                firsts = s.execute(select(Engagement).order_by(Engagement.id).limit(missing))
                rows = []
                for e in firsts.scalars():
                    row = {c: getattr(e, c) for c in Engagement.model_fields if c != "id"}
                    earlier = e.start_date - timedelta(days=730)
                    row.update(status="completed", start_date=earlier,
                               end_date=earlier + timedelta(days=180))
                    rows.append(row)
                s.execute(insert(Engagement), rows)
            counts["engagements"] += len(rows)
        counts["big_client_id"] = add_big_client(db)
        from sqlalchemy import text

        with db.session() as s:
            for key, table in (("sessions", "coaching_session"), ("worksheets", "grow_worksheet"),
                               ("actions", "action_item"), ("readings", "indicator_reading"),
                               ("goals", "goal"), ("goal_ratings", "goal_rating")):
                counts[key] = s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        db.close()
    return counts


def add_big_client(db) -> int:
    """Give one generated client 40 sessions (with notes, a worksheet, actions)."""
    from datetime import date

    from sqlalchemy import func, select

    from coachdesk.models import CoachingSession
    from coachdesk.services import actions, grow, sessions

    with db.session() as s:
        cid, n, eid = s.execute(select(CoachingSession.client_id, func.count(),
                                       func.max(CoachingSession.engagement_id))
                                .where(CoachingSession.client_id > 12)
                                .group_by(CoachingSession.client_id).limit(1)).one()
    first = date.today() - timedelta(days=14 * BIG_CLIENT_SESSIONS)
    for k in range(BIG_CLIENT_SESSIONS - n):
        row = sessions.create(db, eid, first + timedelta(days=14 * k), status="held",
                              start_time="10:00", duration_minutes=60)
        sessions.save_notes(db, row.id, private_notes=f"Working notes {k}: " + "observed " * 60,
                            shared_summary=f"Summary {k}: we worked on delegation and priorities.")
        if k % 3 == 0:
            ws = grow.for_session(db, row.id)
            grow.update(db, ws.id, goal_session="Delegate the Monday meeting",
                        reality_facts="Works 60 hours a week", will_what="Hand it over",
                        commitment=7)
            for text in ("Hire a deputy", "Drop the report", "Ask the sponsor"):
                grow.add_option(db, ws.id, text)
            actions.create(db, row.id, f"Action {k}", due_date=row.session_date + timedelta(days=7))
    return cid


# -- start-up, in a separate process ---------------------------------------------------------


def startup_once(db_path: Path, home: Path) -> tuple[float, float, float]:
    """Start the app on ``db_path`` (``home``: its COACHDESK_HOME) until it reports its
    window shown. Returns (wall s from Popen, s the app reports since its start, peak MB).
    Raises RuntimeError when no window was reported within ``STARTUP_TIMEOUT_S``."""
    env = dict(os.environ)
    env.pop("COACHDESK_DB", None)
    env.update(COACHDESK_STARTUP_PROBE="1", QT_QPA_PLATFORM="offscreen",
               COACHDESK_HOME=str(home), COACHDESK_NO_DIALOGS="1")
    return _time_child([sys.executable, str(ROOT / "main.py"), "--db", str(db_path)], env)


# The floor: a bare window with a table, shown and reported as the app reports its own
# (one event-loop turn after show(), then WINDOW_SHOWN <s since start> <peak MB>).
FLOOR_SNIPPET = """
import sys, time
start = time.perf_counter()
from PySide6.QtCore import QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

from coachdesk.memory import peak_rss_mb as peak_mb  # a tiny module: no Qt, no other CoachDesk module

app = QApplication(sys.argv)
window = QMainWindow()
model = QStandardItemModel(20, 4)
for row in range(20):
    for col in range(4):
        model.setItem(row, col, QStandardItem(f"cell {row}.{col}"))
view = QTableView()
view.setModel(model)
window.setCentralWidget(view)
window.resize(1280, 800)
window.show()

def probe():
    print(f"WINDOW_SHOWN {time.perf_counter() - start:.4f} {peak_mb():.1f}", flush=True)
    app.quit()

QTimer.singleShot(0, probe)
sys.exit(app.exec())
"""


def startup_floor_once() -> tuple[float, float, float]:
    """The floor, timed as ``startup_once``: (wall s, s reported by the child, peak MB)."""
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen")
    return _time_child([sys.executable, "-c", FLOOR_SNIPPET], env)


def measure_startup(db_path: Path, home: Path, runs: int = STARTUP_RUNS) -> dict:
    """The start-up figures as ``make bench`` reports them, app and floor runs alternated
    (so a machine busy for a moment weighs on both alike): the JSON keys
    ``startup_to_window_s`` … ``startup_ratio`` and ``peak_rss_mb`` (the app's)."""
    walls, reported, peaks, floors, floor_peaks, ready = [], [], [], [], [], []
    for i in range(runs):
        wall, rep, peak = startup_once(db_path, home)
        if LAST_READY:
            ready.append(LAST_READY["wall_s"])
        walls.append(wall)
        reported.append(rep)
        peaks.append(peak)
        floor, _rep, floor_peak = startup_floor_once()
        floors.append(floor)
        floor_peaks.append(floor_peak)
        progress(f"start-up run {i + 1}: window shown after {wall:.3f} s, peak {peak:.0f} MB; "
                 f"floor {floor:.3f} s, {floor_peak:.0f} MB")
    app_s, floor_s = statistics.median(walls), statistics.median(floors)
    return {
        "startup_to_window_s": round(app_s, 4),
        "startup_runs_s": [round(x, 4) for x in walls],
        # the first run checks the whole file (quick_check); the app's clean close notes it
        # as checked, and later starts of the untouched file skip that (coachdesk.verified)
        "startup_first_run_s": round(walls[0], 4),
        "startup_reported_by_app_s": round(statistics.median(reported), 4),
        "startup_floor_s": round(floor_s, 4),
        "startup_floor_runs_s": [round(x, 4) for x in floors],
        "startup_floor_peak_rss_mb": round(max(floor_peaks), 1),
        "startup_ratio": round(app_s / floor_s, 2),
        # The window shows first (the clients page says it is loading); the list follows.
        "startup_to_client_list_s": round(statistics.median(ready), 4) if ready else None,
        # The app reports its own peak (VmHWM): the children's ru_maxrss would
        # carry this process's peak (the practice it just built) over the fork.
        "peak_rss_mb": round(max(peaks), 1),
    }


LAST_READY: dict = {}  # the last app run's FIRST_PAGE_READY: {"wall_s", "peak_mb"}


def probe_child(argv: list[str], env: dict, ok_codes: tuple[int, ...] = (0,)) -> dict:
    """Run the app (or any child printing probe lines ``<LABEL> <s> <MB>``) to its end.
    Returns {label: (wall s from Popen when the line arrived, the child's s, its MB)}.
    Raises RuntimeError when it exits with a code not in ``ok_codes`` (the unlock dialog's
    Quit exits 1) or runs past ``STARTUP_TIMEOUT_S``."""
    seen: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err,
                                text=True)
        deadline = start + STARTUP_TIMEOUT_S
        try:
            for line in proc.stdout:
                fields = line.split()
                if len(fields) == 3 and fields[0].isupper():
                    try:
                        seen.setdefault(fields[0], (time.perf_counter() - start,
                                                    float(fields[1]), float(fields[2])))
                    except ValueError:
                        pass
                if time.perf_counter() > deadline:
                    break
            proc.wait(timeout=max(1.0, deadline - time.perf_counter()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        finally:
            proc.stdout.close()
        if proc.returncode not in ok_codes:
            err.seek(0)
            detail = err.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"the app ended with exit {proc.returncode}:\n{detail}")
    return seen


def _time_child(argv: list[str], env: dict) -> tuple[float, float, float]:
    """(wall s until WINDOW_SHOWN, the child's own figure, peak MB). When the child also
    prints FIRST_PAGE_READY (the app, once its client list is loaded), ``LAST_READY``
    holds that wall time; the peak returned is the app's last report (START_COMPLETE:
    every page built), else the window's."""
    LAST_READY.clear()
    seen = probe_child(argv, env)
    if "WINDOW_SHOWN" not in seen:
        raise RuntimeError("the app did not report its window")
    wall, reported, peak = seen["WINDOW_SHOWN"]
    if "FIRST_PAGE_READY" in seen:
        ready_s, _, ready_mb = seen["FIRST_PAGE_READY"]
        LAST_READY.update(wall_s=ready_s, peak_mb=ready_mb)
        peak = max(peak, ready_mb)
    if "START_COMPLETE" in seen:  # every page built: the start's peak
        peak = max(peak, seen["START_COMPLETE"][2])
    return wall, reported, peak


# -- in-process measurements --------------------------------------------------------------


def measure_list_load(db) -> list[float]:
    from ui.models.client_table import ClientTableModel

    model = ClientTableModel()
    times = []
    for _ in range(LOAD_RUNS):
        t = time.perf_counter()
        model.load(db)
        times.append(time.perf_counter() - t)
    assert model.rowCount() == CLIENTS, model.rowCount()
    return times


def type_char(widget, ch: str) -> None:
    """One key press and release carrying ``ch`` (QTest's key clicks are ASCII-only)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    key = ord(ch.upper()) if ord(ch.upper()) < 0x100 else 0
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


def measure_filter(app, db) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.context import AppContext
    from ui.pages.clients import ClientsPage

    ctx = AppContext(db)
    page = ClientsPage(ctx)
    page.resize(1100, 750)
    page.reload()
    page.show()
    page.activateWindow()
    QTest.qWaitForWindowExposed(page, 2000)
    page.search.setFocus()
    app.processEvents()
    # Show every client, as "All clients" does: the heaviest filter.
    page.status_filter.setCurrentIndex(page.status_filter.findData("all"))
    app.processEvents()
    total = page.model.rowCount()

    keystrokes, with_paint, clears, matches = [], [], [], {}
    esc_by_shortcut = True
    for _ in range(FILTER_ROUNDS):
        for query in QUERIES:
            for ch in query:
                t = time.perf_counter()
                type_char(page.search, ch)
                handled = time.perf_counter()
                app.processEvents()  # the table repaints, as it would on screen
                painted = time.perf_counter()
                keystrokes.append(handled - t)
                with_paint.append(painted - t)
            if page.search.text() != query:
                raise RuntimeError(f"typed {query!r} but the search box says "
                                   f"{page.search.text()!r}")
            matches[query] = page.proxy.rowCount()
            t = time.perf_counter()
            QTest.keyClick(page.search, Qt.Key.Key_Escape)
            if page.search.text():  # the Esc shortcut needs an active window
                esc_by_shortcut = False
                page.search.clear()
            handled = time.perf_counter()
            app.processEvents()
            clears.append(handled - t)
            if page.proxy.rowCount() != total:
                raise RuntimeError("clearing the search did not show every client again")
    page.close()
    return {"keystrokes": keystrokes, "with_paint": with_paint, "clears": clears,
            "matches": matches, "esc_by_shortcut": esc_by_shortcut}


def measure_fit_bytes() -> float:
    """Cutting a 2.7 MB name (a Chinese name pasted 300,000 times) to 200 bytes,
    median of 5 (``files.fit_bytes``; the loop before it took minutes)."""
    from coachdesk.files import fit_bytes

    huge = "张伟明" * 300_000  # 2.7 MB in UTF-8
    times = []
    for _ in range(5):
        t = time.perf_counter()
        fit_bytes(huge, 200)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure_search(db) -> dict:
    from coachdesk.services import search

    times, hits = [], {}
    for _ in range(3):
        for query in SEARCH_QUERIES:
            t = time.perf_counter()
            found = search.search(db, query)
            times.append(time.perf_counter() - t)
            hits[query] = len(found)
    return {"times": times, "hits": hits}


def measure_client_open(app, db, client_id: int) -> dict:
    from coachdesk.services import sessions
    from ui.context import AppContext
    from ui.pages.client_detail import ClientPage

    page = ClientPage(AppContext(db))
    page.resize(1280, 800)
    page.show()
    app.processEvents()
    times = []
    for _ in range(OPEN_RUNS):
        page.client = None
        t = time.perf_counter()
        page.show_client(client_id)
        page.repaint()
        app.processEvents()
        times.append(time.perf_counter() - t)
    rows = page.session_model.rowCount()
    page.close()
    assert rows == len(sessions.list_for_client(db, client_id)) >= BIG_CLIENT_SESSIONS, rows
    return {"times": times, "sessions": rows}


def measure_worksheet_pdf(db, client_id: int, tmp: Path) -> dict:
    from pypdf import PdfReader
    from sqlalchemy import select

    from coachdesk.models import CoachingSession, GrowWorksheet
    from ui.dialogs.print_preview import build_worksheet_pdf

    with db.session() as s:
        session_id = s.execute(select(GrowWorksheet.session_id)
                               .join(CoachingSession, CoachingSession.id == GrowWorksheet.session_id)
                               .where(CoachingSession.client_id == client_id)
                               .order_by(GrowWorksheet.session_id.desc()).limit(1)).scalar_one()
    times = []
    out = tmp / "worksheet.pdf"
    for _ in range(PDF_RUNS):
        t = time.perf_counter()
        build_worksheet_pdf(db, session_id, False, out)
        times.append(time.perf_counter() - t)
    pages = len(PdfReader(out).pages)
    return {"times": times, "pages": pages, "kb": out.stat().st_size / 1024}


def add_report_client(db) -> int:
    """A new client with a 12-month engagement: 24 held sessions with shared summaries and
    action items, 4 goals rated every quarter, every indicator read each month."""
    from datetime import date

    from coachdesk.services import actions, clients, engagements, goals, indicators, sessions, sponsors

    start = date.today() - timedelta(days=365)
    client = clients.create(db, "Report Bench Client")
    sponsor = sponsors.create(db, "Report Bench Sponsor")
    eng = engagements.create(db, client.id, start, end_date=start + timedelta(days=365),
                             sponsor_id=sponsor.id, sessions_agreed=24, hours_agreed=30,
                             status="active")
    for k in range(24):
        row = sessions.create(db, eng.id, start + timedelta(days=15 * k), status="held",
                              start_time="09:00", duration_minutes=75)
        sessions.save_notes(db, row.id, private_notes=f"Private {k}: " + "observed " * 50,
                            shared_summary=f"Session {k + 1}: we worked on delegation, the "
                            "sponsor's expectations and the next quarter's priorities. "
                            * 3)
        actions.create(db, row.id, f"Action from session {k + 1}: hand over one meeting",
                       due_date=row.session_date + timedelta(days=10))
    for g in range(4):
        goal = goals.create(db, eng.id, f"Goal {g + 1}: lead through others", baseline_level=-1)
        for q in range(1, 5):
            goals.add_rating(db, goal.id, start + timedelta(days=90 * q), min(2, -1 + q // 2 + g % 2))
    for ind in indicators.list_all(db):
        for m in range(12):
            value = min(ind.scale_max, max(ind.scale_min, ind.scale_min + (m + ind.id) % (
                ind.scale_max - ind.scale_min + 1)))
            indicators.add_reading(db, client.id, ind.id, start + timedelta(days=30 * m + 3),
                                   value, engagement_id=eng.id)
    return eng.id


def measure_report_pdf(db, tmp: Path) -> dict:
    from pypdf import PdfReader

    from coachdesk.reports import progress as report

    engagement_id = add_report_client(db)
    # every indicator, as before indicators were chosen one by one (the same figures)
    chosen = [c.indicator_id for c in report.indicator_choices(db, engagement_id)]
    from coachdesk.services import consent

    consent.record(db, engagement_id, consent.SECTION_KEYS, chosen,  # the client agreed to all
                   how="In the signed agreement")
    out = tmp / "report.pdf"
    times = []
    for _ in range(PDF_RUNS):
        t = time.perf_counter()
        data = report.report_data(db, engagement_id, coach_summary="A good year.",
                                  next_steps="Close the engagement with a three-way meeting.",
                                  indicator_ids=chosen)
        report.build_report_pdf(out, data)
        times.append(time.perf_counter() - t)
    assert data.sessions_held == 24 and len(data.goals) == 4 and data.indicators, data
    pages = len(PdfReader(out).pages)
    return {"times": times, "pages": pages, "kb": out.stat().st_size / 1024,
            "indicators": len(data.indicators)}


def measure_dashboard(app, db) -> dict:
    from datetime import date

    from coachdesk.services import charts, practice, risk
    from ui.context import AppContext
    from ui.pages import dashboard

    ctx = AppContext(db)
    times, rows = [], 0
    for _ in range(DASHBOARD_RUNS):
        t = time.perf_counter()
        page = dashboard.DashboardPage(ctx)
        page.resize(1110, 756)  # the page's share of a 1280x800 window
        page.show()
        page.reload()
        page.repaint()
        app.processEvents()
        times.append(time.perf_counter() - t)
        rows = page.attention_model.rowCount()
        page.close()
        page.deleteLater()
        app.processEvents()
    today = date.today()
    parts = {}
    for name, fn in (("assess_all", lambda: risk.assess_all(db, today)),
                     ("indicator_averages", lambda: charts.practice_indicator_averages(db, 12, today)),
                     ("session_figures", lambda: practice.session_figures(db, today)),
                     ("engagements", lambda: practice.engagements_to_look_at(db, today)),
                     ("load_dashboard", lambda: practice.load_dashboard(db, today))):
        runs = []
        for _ in range(DASHBOARD_RUNS):
            t = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t)
        parts[name] = round(statistics.median(runs), 4)
    return {"times": times, "needing_attention": rows, "parts": parts}


def measure_client_charts(app, db, client_id: int) -> dict:
    """The client's Indicators tab if it is built, else the chart data and a bare chart."""
    from coachdesk.services import charts, clients
    from ui.context import AppContext
    from ui.widgets.line_chart import ChartPoint, ChartSeries, LineChart

    times = []
    tab = None
    try:
        from ui.pages.client_progress import ProgressTab

        tab = ProgressTab(AppContext(db))
        if not isinstance(getattr(tab, "chart", None), LineChart):
            tab = None
    except ImportError:
        tab = None
    if tab is not None:
        client = clients.get(db, client_id)
        tab.resize(1110, 640)
        tab.show()
        app.processEvents()
        for _ in range(CHART_RUNS):
            t = time.perf_counter()
            tab.show_client(client)
            tab.repaint()
            app.processEvents()
            times.append(time.perf_counter() - t)
        points = tab.chart.point_count()
        tab.close()
        # Destroy it now, while the application lives: left to the interpreter's exit,
        # the tab's C++ side outlived Qt and the process ended with a segmentation fault.
        from shiboken6 import delete

        delete(tab)
        how = "ProgressTab.show_client + paint"
    else:
        chart = LineChart()
        chart.resize(1000, 420)
        chart.show()
        for _ in range(CHART_RUNS):
            t = time.perf_counter()
            data = charts.indicator_series(db, client_id)
            chart.set_data([ChartSeries(s.name, [ChartPoint(p.day, s.fraction(p.value))
                                                 for p in s.points]) for s in data], 0, 1)
            chart.repaint()
            app.processEvents()
            times.append(time.perf_counter() - t)
        points = chart.point_count()
        chart.close()
        how = "charts.indicator_series + LineChart.set_data + paint"
    assert points >= READINGS_PER_CLIENT, points
    return {"times": times, "points": points, "how": how}


def _while_gui_runs(app, work) -> tuple[float, float]:
    """Run ``work`` in a worker thread while the event loop ticks every 10 ms.

    Returns (seconds the work took, the longest gap between two ticks). The loop is
    one ``QEventLoop.exec()``, as in the app: calling ``processEvents()`` over and
    over while another thread runs Python upsets PySide 6.12 (``None``'s reference
    count drifts until the interpreter aborts), so the bench never does that.
    """
    import threading

    from PySide6.QtCore import QEventLoop, QTimer

    ticks: list[float] = []
    done = threading.Event()
    took = [0.0]
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(10)

    def tick():
        ticks.append(time.perf_counter())
        if done.is_set():
            loop.quit()

    def run():
        t = time.perf_counter()
        try:
            work()
        finally:
            took[0] = time.perf_counter() - t
            done.set()

    timer.timeout.connect(tick)
    timer.start()
    ticks.append(time.perf_counter())
    threading.Thread(target=run, daemon=True).start()
    loop.exec()
    timer.stop()
    timer.timeout.disconnect(tick)
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    return took[0], max(gaps, default=0.0)


def measure_backup_export(app, db, db_path: Path, tmp: Path) -> dict:
    from coachdesk.services import export

    try:
        from coachdesk import backups

        def backup():
            return backups.backup_now(db_path)
    except ImportError:  # before the backups module: the foundation's backup
        from coachdesk import storage

        def backup():
            return storage.backup_file(db_path, tmp / "backups")
    out = tmp / "export.json"
    result = {"backup": [], "backup_stall": [], "export": [], "export_stall": []}
    for _ in range(3):
        took, stall = _while_gui_runs(app, backup)
        result["backup"].append(took)
        result["backup_stall"].append(stall)
        took, stall = _while_gui_runs(app, lambda: export.export_practice(db, out))
        result["export"].append(took)
        result["export_stall"].append(stall)
    result["export_mb"] = out.stat().st_size / 1e6
    result["backup_mb"] = db_path.stat().st_size / 1e6
    return result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def quiet_qt_messages() -> None:
    """The offscreen platform warns about every shown window: keep stderr readable."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message):
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def parse_args(argv: list[str] | None = None):
    import argparse

    parser = argparse.ArgumentParser(description="CoachDesk's performance figures as JSON.")
    parser.add_argument("--only", choices=["startup"],
                        help="measure only this part (needs --db: a practice built before)")
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="with --only: the practice to measure (it is only read)")
    parser.add_argument("--runs", type=int, default=STARTUP_RUNS,
                        help="with --only startup: runs of the app and of the floor")
    args = parser.parse_args(argv)
    if args.only and (args.db is None or not args.db.is_file()):
        parser.error("--only needs --db PATH, an existing practice (see build_practice)")
    return args


def main_startup_only(db_path: Path, runs: int) -> int:
    """``--only startup``: the start-up figures on an existing practice, as JSON."""
    with tempfile.TemporaryDirectory(prefix="coachdesk-bench-") as tmp:
        result = measure_startup(db_path, Path(tmp) / "home", runs)
    result.update(clients_file=str(db_path), python=platform.python_version(),
                  cpus=os.cpu_count())
    goals = {k: g for k, g in GOALS.items() if k in result}
    result["goals_met"] = {key: result[key] <= goal for key, goal in goals.items()}
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.only == "startup":
        return main_startup_only(args.db, args.runs)
    real_stdout, sys.stdout = sys.stdout, sys.stderr  # only the JSON goes to stdout
    bench_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="coachdesk-bench-") as tmp:
        tmp = Path(tmp)
        home = tmp / "home"
        os.environ["COACHDESK_HOME"] = str(home)
        os.environ.pop("COACHDESK_DB", None)
        db_path = tmp / "practice" / "bench.db"

        progress(f"building a practice of {CLIENTS} clients …")
        t = time.perf_counter()
        counts = build_practice(db_path)
        build_s = time.perf_counter() - t
        progress(f"built in {build_s:.1f} s: {counts}")

        startup = measure_startup(db_path, home)

        from PySide6.QtWidgets import QApplication

        from coachdesk import storage

        quiet_qt_messages()
        app = QApplication.instance() or QApplication([sys.argv[0]])
        db = storage.open_database(db_path)
        try:
            loads = measure_list_load(db)
            progress(f"client list load: {[round(x, 4) for x in loads]}")
            filt = measure_filter(app, db)
            progress(f"filter keystrokes: {len(filt['keystrokes'])} timed, "
                     f"max {max(filt['keystrokes']) * 1000:.1f} ms")
            found = measure_search(db)
            progress(f"search: {found['hits']}")
            opened = measure_client_open(app, db, counts["big_client_id"])
            progress(f"client open: {[round(x, 4) for x in opened['times']]}")
            pdf = measure_worksheet_pdf(db, counts["big_client_id"], tmp)
            progress(f"worksheet pdf: {[round(x, 4) for x in pdf['times']]}")
            rep = measure_report_pdf(db, tmp)
            progress(f"report pdf: {[round(x, 4) for x in rep['times']]}, {rep['pages']} pages, "
                     f"{rep['kb']:.0f} KB")
            dash = measure_dashboard(app, db)
            progress(f"dashboard: {[round(x, 4) for x in dash['times']]}, parts {dash['parts']}")
            plots = measure_client_charts(app, db, counts["big_client_id"])
            progress(f"client charts ({plots['how']}): {[round(x, 4) for x in plots['times']]}")
            kept = measure_backup_export(app, db, db_path, tmp)
            progress(f"backup: {[round(x, 3) for x in kept['backup']]}, "
                     f"export: {[round(x, 3) for x in kept['export']]}")
        finally:
            db.close()

    result = {
        "clients": counts["clients"],
        "engagements": counts["engagements"],
        "sessions": counts["sessions"],
        "worksheets": counts.get("worksheets", 0),
        "action_items": counts.get("actions", 0),
        "indicator_readings": counts.get("readings", 0),
        "gas_goals": counts.get("goals", 0),
        "goal_ratings": counts.get("goal_ratings", 0),
        **{k: v for k, v in startup.items() if k != "peak_rss_mb"},
        "client_list_load_s": round(statistics.median(loads), 4),
        "client_list_load_runs_s": [round(x, 4) for x in loads],
        "filter_keystroke_s": round(statistics.median(filt["keystrokes"]), 5),
        "filter_keystroke_p95_s": round(p95(filt["keystrokes"]), 5),
        "filter_keystroke_max_s": round(max(filt["keystrokes"]), 5),
        "filter_keystroke_with_repaint_s": round(statistics.median(filt["with_paint"]), 5),
        "filter_keystrokes_timed": len(filt["keystrokes"]),
        "filter_clear_s": round(statistics.median(filt["clears"]), 5),
        "filter_clear_by_esc_shortcut": filt["esc_by_shortcut"],
        "filter_queries": filt["matches"],
        "search_s": round(statistics.median(found["times"]), 5),
        "fit_bytes_huge_name_s": round(measure_fit_bytes(), 5),
        "search_p95_s": round(p95(found["times"]), 5),
        "search_hits": found["hits"],
        "client_open_s": round(statistics.median(opened["times"]), 4),
        "client_open_sessions": opened["sessions"],
        "worksheet_pdf_s": round(statistics.median(pdf["times"]), 4),
        "worksheet_pdf_pages": pdf["pages"],
        "worksheet_pdf_kb": round(pdf["kb"], 1),
        "report_pdf_s": round(statistics.median(rep["times"]), 4),
        "report_pdf_kb": round(rep["kb"], 1),
        "report_pdf_pages": rep["pages"],
        "report_pdf_indicators": rep["indicators"],
        "dashboard_s": round(statistics.median(dash["times"]), 4),
        # the first visit works every figure out (the later ones are served while the file
        # is unchanged: coachdesk.services.unchanged); after any write it is this cost again,
        # in the background
        "dashboard_first_visit_s": round(dash["times"][0], 4),
        "dashboard_runs_s": [round(x, 4) for x in dash["times"]],
        "dashboard_parts_s": dash["parts"],
        "dashboard_needing_attention": dash["needing_attention"],
        "client_charts_s": round(statistics.median(plots["times"]), 4),
        "client_charts_points": plots["points"],
        "client_charts_how": plots["how"],
        "backup_s": round(statistics.median(kept["backup"]), 3),
        "backup_mb": round(kept["backup_mb"], 1),
        "backup_gui_stall_s": round(max(kept["backup_stall"]), 3),
        "export_json_s": round(statistics.median(kept["export"]), 3),
        "export_json_mb": round(kept["export_mb"], 1),
        "export_json_gui_stall_s": round(max(kept["export_stall"]), 3),
        "peak_rss_mb": startup["peak_rss_mb"],
        "bench_process_peak_rss_mb": round(maxrss_mb(resource.RUSAGE_SELF), 1),
        "build_practice_s": round(build_s, 2),
        "bench_total_s": round(time.perf_counter() - bench_start, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "goals": GOALS,
    }
    result["goals_met"] = {key: result[key] <= goal for key, goal in GOALS.items()}
    print(json.dumps(result, ensure_ascii=False), file=real_stdout, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
