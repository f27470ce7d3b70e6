"""How each cost grows with the practice: ``make bench-scale``.

Builds practices of 1,000, 5,000 and 20,000 clients with the same shape per client as
``make bench`` (two engagements, ``bench.SESSIONS_PER_CLIENT`` sessions with notes and
``bench.READINGS_PER_CLIENT`` indicator readings each, one client with 40 sessions), and
for each measures, with the functions of ``bench.py``:

* ``startup_to_window_s`` (median of 3 runs of ``python main.py``, a fresh process each;
  ``startup_first_run_s`` the first, which checks the whole file), ``startup_ratio`` (against
  a bare window, ``bench.measure_startup``), ``startup_to_client_list_s`` and
  ``peak_rss_mb``, the app's own peak resident memory in those runs;
* ``filter_keystroke_s`` (median of every typed character in the clients' search box),
  ``search_s`` (median full-text search), ``client_open_s``, ``dashboard_s`` (median of 5
  visits) and ``dashboard_first_visit_s`` (the first, which works every figure out);
* ``measure_process_peak_rss_mb``: the peak of the process that measured (it holds the
  whole client list, as the window does).

Each size is built and measured in its own child process, so one size's memory never
shows in another's figures. Progress and a table go to stderr; stdout gets ONE JSON object:
``{"sizes": {"1000": {...}, ...}, "growth": {...}, "linear_or_better": {...}}``, where
``growth[figure]`` is the exponent k in cost ∝ clients^k fitted between the smallest and
the largest size (k ≤ 1: no faster than linear; the allowance 1.15 absorbs timer noise on
figures of a few milliseconds). ``SIZES=1000,5000`` in the environment measures other sizes.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for folder in (ROOT, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

SIZES = [1000, 5000, 20000]
FIGURES = ["startup_to_window_s", "startup_first_run_s", "startup_to_client_list_s",
           "filter_keystroke_s", "search_s", "client_open_s", "dashboard_s",
           "dashboard_first_visit_s", "peak_rss_mb", "measure_process_peak_rss_mb"]
LINEAR_ALLOWANCE = 1.15
CHILD_TIMEOUT_S = 3600


def progress(message: str) -> None:
    print(f"[bench-scale] {message}", file=sys.stderr, flush=True)


def measure_one(clients: int) -> dict:
    """Build a practice of ``clients`` clients in a temporary folder and measure it."""
    import bench

    from coachdesk.memory import maxrss_mb

    bench.CLIENTS = clients
    bench.ENGAGEMENTS = 2 * clients
    with tempfile.TemporaryDirectory(prefix=f"coachdesk-scale-{clients}-") as tmp:
        tmp = Path(tmp)
        home = tmp / "home"
        os.environ["COACHDESK_HOME"] = str(home)
        os.environ.pop("COACHDESK_DB", None)
        db_path = tmp / "practice" / "bench.db"
        t = time.perf_counter()
        counts = bench.build_practice(db_path)
        progress(f"{clients}: built in {time.perf_counter() - t:.1f} s "
                 f"({counts['sessions']} sessions, {counts['readings']} readings)")

        started = bench.measure_startup(db_path, home)

        from PySide6.QtWidgets import QApplication

        from coachdesk import storage

        bench.quiet_qt_messages()
        app = QApplication.instance() or QApplication([sys.argv[0]])
        db = storage.open_database(db_path)
        try:
            filt = bench.measure_filter(app, db)
            found = bench.measure_search(db)
            opened = bench.measure_client_open(app, db, counts["big_client_id"])
            dash = bench.measure_dashboard(app, db)
        finally:
            db.close()
    return {
        "clients": counts["clients"],
        "sessions": counts["sessions"],
        "indicator_readings": counts["readings"],
        "startup_to_window_s": started["startup_to_window_s"],
        "startup_first_run_s": started["startup_first_run_s"],
        "startup_ratio": started["startup_ratio"],
        "startup_to_client_list_s": started["startup_to_client_list_s"],
        "filter_keystroke_s": round(statistics.median(filt["keystrokes"]), 5),
        "search_s": round(statistics.median(found["times"]), 5),
        "client_open_s": round(statistics.median(opened["times"]), 4),
        "dashboard_s": round(statistics.median(dash["times"]), 4),
        "dashboard_parts_s": dash["parts"],
        "dashboard_first_visit_s": round(dash["times"][0], 4),
        "peak_rss_mb": started["peak_rss_mb"],
        "measure_process_peak_rss_mb": round(maxrss_mb(), 1),
    }


def growth(sizes: dict[int, dict]) -> dict[str, float]:
    """The exponent k of cost ∝ clients^k between the smallest and the largest size."""
    small, large = min(sizes), max(sizes)
    out = {}
    for figure in FIGURES:
        a, b = sizes[small][figure], sizes[large][figure]
        if a > 0 and b > 0 and large > small:
            out[figure] = round(math.log(b / a) / math.log(large / small), 3)
    return out


def table(sizes: dict[int, dict]) -> str:
    names = sorted(sizes)
    lines = ["figure".ljust(30) + "".join(f"{n:>12,}" for n in names)]
    for figure in FIGURES:
        lines.append(figure.ljust(30) + "".join(f"{sizes[n][figure]:>12}" for n in names))
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        real_stdout, sys.stdout = sys.stdout, sys.stderr  # only the JSON goes to stdout
        result = measure_one(int(sys.argv[2]))
        print(json.dumps(result), file=real_stdout, flush=True)
        return 0
    sizes_wanted = [int(s) for s in os.environ.get("SIZES", "").split(",") if s] or SIZES
    sizes: dict[int, dict] = {}
    started = time.perf_counter()
    for clients in sizes_wanted:
        progress(f"building and measuring a practice of {clients:,} clients …")
        child = subprocess.run([sys.executable, __file__, "--one", str(clients)],
                               stdout=subprocess.PIPE, text=True, timeout=CHILD_TIMEOUT_S)
        if child.returncode != 0:
            progress(f"the run at {clients:,} clients failed (exit {child.returncode})")
            return 1
        sizes[clients] = json.loads(child.stdout.strip().splitlines()[-1])
    k = growth(sizes)
    progress("growth exponents (1 = linear): "
             + ", ".join(f"{name} {value}" for name, value in k.items()))
    print(table(sizes), file=sys.stderr)
    result = {"sizes": {str(n): v for n, v in sizes.items()}, "growth": k,
              "linear_or_better": {name: value <= LINEAR_ALLOWANCE for name, value in k.items()},
              "bench_scale_total_s": round(time.perf_counter() - started, 1),
              "cpus": os.cpu_count()}
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
