"""``make bench``'s figures on an encrypted practice, side by side with the same practice
plain, and the ratio of each (goal: every ratio ≤ ``RATIO_GOAL``).

Builds the 5,000-client practice of ``bench.py`` once, copies it, encrypts the copy
(``practice_crypto.encrypt_practice``), then runs each of ``bench.py``'s in-process
measurements on the plain file and right after on the encrypted one, figure by figure,
twice (a machine busy for a moment weighs on both alike: on a shared machine, measuring
all of one then all of the other gave ratios that moved by 2x between runs). Prints ONE JSON object on
stdout: ``plain``, ``encrypted``, ``ratio`` (encrypted / plain) and ``within_goal``;
progress goes to stderr. Also ``open_for_window_s`` (what the window's start waits for on a
file it does not trust, a first start or after an unclean close: ``open_database(...,
check="later")``, the light check and the first connection), ``unlock_s`` (the passphrase's
scrypt, once per start) and ``encrypt_s`` (converting the whole practice).

``off_the_windows_path``: ``start_check_s``, the full ``quick_check`` of every page that
runs after the window shows (``ui/start_check.py``; writes wait for it), plain, encrypted
and their ratio, not counted in ``within_goal``; ``open_checked_why``: the page count and
the same check of the plain file by SQLCipher's SQLite.

The app's start-up (``measure_startups``: ``main.py`` launched with
``COACHDESK_STARTUP_PROBE=1``, plain and encrypted runs alternated, medians):
``startup_to_window_s`` and ``startup_to_client_list_s`` with the practice's key remembered
in a keyring (``file_keyring.FileKeyring``, a 0600 file in the bench's temporary folder,
chosen in the child with ``PYTHON_KEYRING_BACKEND``), each with its ratio;
``startup_to_unlock_dialog_s`` (nothing remembered: launch → the unlock dialog shown), its
ratio against plain's ``startup_to_window_s``; and ``unlock_to_window_s`` (Unlock pressed
with the passphrase typed by the probe → the window shown: the deliberate scrypt included;
no plain counterpart, so no ratio).

    python tests/bench/bench_crypto.py
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402  (puts the project on sys.path, keeps PySide6's None alive)

RATIO_GOAL = 1.3
PASSPHRASE = "bench passphrase, not a secret"
HERE = Path(__file__).resolve().parent
STARTUP_RUNS = 5


def progress(message: str) -> None:
    print(f"[bench-crypto] {message}", file=sys.stderr, flush=True)


def open_for_window(db_path: Path, runs: int = 3) -> tuple[list[float], list[float]]:
    """(``open_for_window_s``, ``start_check_s``) times: the window's start on a file it does
    not trust (nothing noted in this bench's data folder), then the deferred full check."""
    from coachdesk import storage

    opened, checked = [], []
    for _ in range(runs):
        t = time.perf_counter()
        db = storage.open_database(db_path, trust_checked=True, check="later")
        opened.append(time.perf_counter() - t)
        t = time.perf_counter()
        assert db.pending_check is not None and db.pending_check.run() is None
        checked.append(time.perf_counter() - t)
        db.close()
    return opened, checked


def same_library_check(plain: Path, runs: int = 3) -> dict:
    """Why ``start_check_s`` differs beyond the cipher: the plain file's ``quick_check`` by
    SQLCipher's own SQLite (no key), which since SQLite 3.44 also checks the search index
    (FTS5's integrity check) while Python's ``sqlite3`` may be older; and the file's pages."""
    import sqlite3

    import sqlcipher3.dbapi2 as sqlcipher

    uri = plain.resolve().as_uri() + "?mode=ro"
    times = []
    for _ in range(runs):
        con = sqlcipher.connect(uri, uri=True)
        t = time.perf_counter()
        con.execute("PRAGMA quick_check").fetchall()
        times.append(time.perf_counter() - t)
        version = con.execute("SELECT sqlite_version()").fetchone()[0]
        pages = con.execute("PRAGMA page_count").fetchone()[0]
        con.close()
    return {"pages": pages, "plain_sqlite": sqlite3.sqlite_version, "sqlcipher_sqlite": version,
            "quick_check_plain_file_by_sqlcipher_s": round(statistics.median(times), 5)}


def _list_load(app, db, db_path, work, big):
    from coachdesk.services import clients

    # bench.py checks the list holds every client; its report figure adds one per run
    bench.CLIENTS = len(clients.list_rows(db))
    return {"client_list_load_s": bench.measure_list_load(db)}


def _backup_export(app, db, db_path, work, big):
    kept = bench.measure_backup_export(app, db, db_path, work)
    return {"backup_s": kept["backup"], "export_json_s": kept["export"]}


#: Each of bench.py's in-process figures: (app, db, db_path, work folder, big client id)
#: -> {figure: [seconds, …]}.
FIGURES = [
    _list_load,
    lambda app, db, path, work, big: {
        "filter_keystroke_s": bench.measure_filter(app, db)["keystrokes"]},
    lambda app, db, path, work, big: {"search_s": bench.measure_search(db)["times"]},
    lambda app, db, path, work, big: {
        "client_open_s": bench.measure_client_open(app, db, big)["times"]},
    lambda app, db, path, work, big: {
        "worksheet_pdf_s": bench.measure_worksheet_pdf(db, big, work)["times"]},
    lambda app, db, path, work, big: {
        "report_pdf_s": bench.measure_report_pdf(db, work)["times"]},
    lambda app, db, path, work, big: {"dashboard_s": bench.measure_dashboard(app, db)["times"]},
    lambda app, db, path, work, big: {
        "client_charts_s": bench.measure_client_charts(app, db, big)["times"]},
    _backup_export,
]


def _child_env(home: Path, keyring_file: Path, *, dialogs: bool = False,
               passphrase: str | None = None) -> dict:
    """The environment of a start-up child: probe on, offscreen, the bench's own home and
    file keyring; ``dialogs`` False: ``COACHDESK_NO_DIALOGS`` (a locked practice quits);
    ``passphrase``: the probe types it into the unlock dialog (probe mode only)."""
    from ui.startup_probe import PROBE_PASSPHRASE

    env = dict(os.environ)
    for name in ("COACHDESK_DB", "COACHDESK_PASSPHRASE", "COACHDESK_NO_DIALOGS", PROBE_PASSPHRASE):
        env.pop(name, None)
    env.update(COACHDESK_STARTUP_PROBE="1", QT_QPA_PLATFORM="offscreen",
               COACHDESK_HOME=str(home), PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
               PYTHONPATH=os.pathsep.join(p for p in (str(HERE), env.get("PYTHONPATH")) if p),
               COACHDESK_BENCH_KEYRING=str(keyring_file))
    if not dialogs:
        env["COACHDESK_NO_DIALOGS"] = "1"
    if passphrase:
        env[PROBE_PASSPHRASE] = passphrase
    return env


def measure_startups(plain: Path, secret: Path, work: Path, runs: int = STARTUP_RUNS) -> dict:
    """The app's start-up on ``plain`` and on ``secret`` (encrypted with ``PASSPHRASE``),
    runs alternated: {"plain": {figure: [s, …]}, "encrypted": {…}, "peak_mb": {"side.figure":
    [MB, …]}, "first_run_s": {"side.figure": s}}. Each file's first run is not trusted: its
    full check (``quick_check``) runs after the window shows, and ``first_run_s`` has
    ``side.startup_check_done_s`` (launch → the probe's ``CHECK_DONE``: writes wait until
    then); its clean close notes it (``coachdesk.verified``), so later runs start no check:
    the medians are the usual start, the first run is reported apart."""
    import keyring
    from file_keyring import FILE_VAR, FileKeyring

    from coachdesk import encryption, passphrase_keyring

    remembered, empty = work / "keyring-remembered.json", work / "keyring-empty.json"
    os.environ[FILE_VAR] = str(remembered)
    before = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    try:
        passphrase_keyring.save(secret, encryption.unlock(secret, PASSPHRASE))
    finally:
        keyring.set_keyring(before)
        encryption.forget()
    home = work / "home-startup"
    got: dict = {"plain": {}, "encrypted": {}, "peak_mb": {}, "first_run_s": {}}

    def run(path: Path, env: dict, ok_codes: tuple[int, ...] = (0,)) -> dict:
        argv = [sys.executable, str(bench.ROOT / "main.py"), "--db", str(path)]
        return bench.probe_child(argv, env, ok_codes)

    def keep(side: str, figure: str, seconds: float, mb: float) -> None:
        got[side].setdefault(figure, []).append(seconds)
        name = f"{side}.{figure}"
        got["first_run_s"].setdefault(name, round(seconds, 4))
        got["peak_mb"].setdefault(name, []).append(mb)

    for i in range(runs):
        for side, path in (("plain", plain), ("encrypted", secret)):  # the key remembered
            seen = run(path, _child_env(home, remembered))
            if "CHECK_DONE" in seen:  # the first run: the deferred full check's end
                got["first_run_s"].setdefault(f"{side}.startup_check_done_s",
                                              round(seen["CHECK_DONE"][0], 4))
            keep(side, "startup_to_window_s", seen["WINDOW_SHOWN"][0], seen["WINDOW_SHOWN"][2])
            keep(side, "startup_to_client_list_s", seen["FIRST_PAGE_READY"][0],
                 seen["START_COMPLETE"][2])
        seen = run(secret, _child_env(home, empty, dialogs=True), (1,))  # the coach quits
        keep("encrypted", "startup_to_unlock_dialog_s", seen["UNLOCK_SHOWN"][0],
             seen["UNLOCK_SHOWN"][2])
        seen = run(secret, _child_env(home, empty, dialogs=True, passphrase=PASSPHRASE))
        keep("encrypted", "unlock_to_window_s",
             seen["WINDOW_SHOWN"][0] - seen["UNLOCK_PRESSED"][0], seen["START_COMPLETE"][2])
        progress(f"start-up run {i + 1}: " + ", ".join(
            f"{side} {fig} {vals[-1]:.3f} s" for side in ("plain", "encrypted")
            for fig, vals in got[side].items()))
    return got


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    real_stdout, sys.stdout = sys.stdout, sys.stderr  # only the JSON goes to stdout
    with tempfile.TemporaryDirectory(prefix="coachdesk-bench-crypto-") as tmp:
        tmp = Path(tmp)
        os.environ["COACHDESK_HOME"] = str(tmp / "home")
        os.environ.pop("COACHDESK_DB", None)
        plain = tmp / "plain" / "bench.db"
        progress(f"building a practice of {bench.CLIENTS} clients …")
        counts = bench.build_practice(plain)

        from coachdesk import encryption, practice_crypto, storage

        secret = tmp / "secret" / "bench.db"
        secret.parent.mkdir()
        shutil.copyfile(plain, secret)
        t = time.perf_counter()
        practice_crypto.encrypt_practice(secret, PASSPHRASE)
        encrypt_s = time.perf_counter() - t
        progress(f"encrypted in {encrypt_s:.1f} s")
        encryption.forget()
        t = time.perf_counter()
        encryption.unlock(secret, PASSPHRASE)
        unlock_s = time.perf_counter() - t

        results: dict[str, dict[str, list[float]]] = {"plain": {}, "encrypted": {}}
        deferred: dict[str, list[float]] = {"plain": [], "encrypted": []}
        for _ in range(2):  # alternately, so a busy moment weighs on both alike
            for name, path in (("plain", plain), ("encrypted", secret)):
                opened, checked = open_for_window(path)
                results[name].setdefault("open_for_window_s", []).extend(opened)
                deferred[name].extend(checked)
        why = same_library_check(plain)

        from PySide6.QtWidgets import QApplication

        bench.quiet_qt_messages()
        app = QApplication.instance() or QApplication([sys.argv[0]])
        dbs = {"plain": storage.open_database(plain), "encrypted": storage.open_database(secret)}
        paths = {"plain": plain, "encrypted": secret}
        try:
            for round_ in range(2):
                progress(f"round {round_ + 1} …")
                for measure in FIGURES:  # each figure plain then encrypted, back to back
                    for name in ("plain", "encrypted"):
                        work = tmp / name
                        work.mkdir(exist_ok=True)
                        got = measure(app, dbs[name], paths[name], work, counts["big_client_id"])
                        for key, times in got.items():
                            results[name].setdefault(key, []).extend(times)
        finally:
            for db in dbs.values():
                db.close()
        encryption.forget()
        progress("start-up, launching main.py …")
        startups = measure_startups(plain, secret, tmp)
        for name in ("plain", "encrypted"):
            for key, times in startups[name].items():
                results[name].setdefault(key, []).extend(times)

    medians = {name: {k: round(statistics.median(v), 5) for k, v in figs.items()}
               for name, figs in results.items()}
    ratio = {k: round(medians["encrypted"][k] / medians["plain"][k], 2)
             for k in medians["plain"] if medians["plain"][k] > 0}
    # nothing remembered: the dialog asks where a plain practice shows its window
    ratio["startup_to_unlock_dialog_s"] = round(medians["encrypted"]["startup_to_unlock_dialog_s"]
                                                / medians["plain"]["startup_to_window_s"], 2)
    result = {
        "clients": counts["clients"], "sessions": counts["sessions"],
        "plain": medians["plain"], "encrypted": medians["encrypted"], "ratio": ratio,
        "ratio_goal": RATIO_GOAL,
        "within_goal": {k: r <= RATIO_GOAL for k, r in ratio.items()},
        "encrypt_s": round(encrypt_s, 2), "unlock_s": round(unlock_s, 3),
        "off_the_windows_path": {"start_check_s": {
            **{k: round(statistics.median(v), 5) for k, v in deferred.items()},
            "ratio": round(statistics.median(deferred["encrypted"])
                           / statistics.median(deferred["plain"]), 2),
            "why": "the full quick_check after the window shows; writes wait for it"}},
        "open_checked_why": why,
        # the deliberate scrypt (128 MiB) after Unlock: no plain counterpart, not in the ratios
        "unlock_to_window_s": medians["encrypted"]["unlock_to_window_s"],
        "startup_first_run_s": startups["first_run_s"],
        # the app's own peak when the line was printed: median of the runs, and the first
        # run's (its full check of the file; scrypt after Unlock)
        "startup_peak_rss_mb": {k: statistics.median(v) for k, v in startups["peak_mb"].items()},
        "startup_first_run_peak_rss_mb": {k: v[0] for k, v in startups["peak_mb"].items()},
        "startup_runs": STARTUP_RUNS,
    }
    print(json.dumps(result, ensure_ascii=False), file=real_stdout, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
