"""Performance figures on a large practice: ``make bench``.

Builds a temporary practice of 5,000 clients and 10,000 engagements, then
measures, and prints ONE JSON object on stdout (progress goes to stderr):

* ``startup_to_window_s``: wall time from launching ``python main.py --db``
  until the app reports its main window shown (median of 3 runs);
* ``client_list_load_s``: ``ClientTableModel.load`` (``clients.list_rows``),
  median of 5 runs;
* ``filter_keystroke_s``: one typed character in the clients search box, from
  the key event until its handler (proxy refilter and count label) is done,
  median over several realistic queries; Esc back to empty is reported apart;
* ``peak_rss_mb``: the app's peak resident memory in the start-up runs, and
  ``bench_process_peak_rss_mb`` for this process (which holds the same list).

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

CLIENTS = 5000
ENGAGEMENTS = 10000
SEED = 7
STARTUP_RUNS = 3
LOAD_RUNS = 5
FILTER_ROUNDS = 3
QUERIES = ["mü", "nord", "head of", "sven", "zz"]
STARTUP_TIMEOUT_S = 60
GOALS = {"startup_to_window_s": 1.5, "filter_keystroke_s": 0.030, "peak_rss_mb": 250}


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def maxrss_mb(who: int) -> float:
    kb = resource.getrusage(who).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


# -- the practice ------------------------------------------------------------------------


def build_practice(db_path: Path) -> dict:
    from sqlalchemy import insert, select

    from coachdesk import demo, storage
    from coachdesk.models import Engagement

    db = storage.open_database(db_path)
    try:
        counts = demo.populate(db, clients=CLIENTS, seed=SEED)
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
    finally:
        db.close()
    return counts


# -- start-up, in a separate process ---------------------------------------------------------


def startup_once(db_path: Path, home: Path) -> tuple[float, float]:
    env = dict(os.environ)
    env.pop("COACHDESK_DB", None)
    env.update(COACHDESK_STARTUP_PROBE="1", QT_QPA_PLATFORM="offscreen",
               COACHDESK_HOME=str(home), COACHDESK_NO_DIALOGS="1")
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(db_path)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        wall = reported = None
        deadline = start + STARTUP_TIMEOUT_S
        try:
            for line in proc.stdout:
                if line.startswith("WINDOW_SHOWN"):
                    wall = time.perf_counter() - start
                    reported = float(line.split()[1])
                    break
                if time.perf_counter() > deadline:
                    break
            proc.wait(timeout=max(1.0, deadline - time.perf_counter()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        finally:
            proc.stdout.close()
        if wall is None or proc.returncode != 0:
            err.seek(0)
            detail = err.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"the app did not report its window (exit {proc.returncode}):\n"
                               f"{detail}")
    return wall, reported


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


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
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

        walls, reported = [], []
        for i in range(STARTUP_RUNS):
            wall, rep = startup_once(db_path, home)
            walls.append(wall)
            reported.append(rep)
            progress(f"start-up run {i + 1}: window shown after {wall:.3f} s")
        # Every child has been waited for: this is the largest one's peak.
        app_peak_rss = maxrss_mb(resource.RUSAGE_CHILDREN)

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
        finally:
            db.close()

    result = {
        "clients": counts["clients"],
        "engagements": counts["engagements"],
        "startup_to_window_s": round(statistics.median(walls), 4),
        "startup_runs_s": [round(x, 4) for x in walls],
        "startup_reported_by_app_s": round(statistics.median(reported), 4),
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
        "peak_rss_mb": round(app_peak_rss, 1),
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
