"""PySide6 6.12 on CPython 3.11 drops a reference to None on each call of a Qt method that
returns nothing; ``ui.app.keep_none_alive`` (called first thing in ``run``) stops that from
aborting the app after a day's use. Run in a child process: an abort must not take the
test session with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CALLS = """
import sys
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication([])
{guard}
edit = QLineEdit()
for _ in range(300_000):
    edit.update()        # returns nothing
    edit.setText("x")    # returns nothing
print("still here")
"""


def _run(guard: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", CALLS.format(guard=guard)], capture_output=True,
                          text=True, env=env, timeout=120)


def test_many_calls_to_qt_methods_that_return_nothing_do_not_abort_the_app():
    done = _run("from ui.qt_workarounds import keep_none_alive; keep_none_alive()")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "still here" in done.stdout


BOOL_SIGNALS = """
from PySide6.QtCore import QCoreApplication, QObject, Signal
app = QCoreApplication([])
{guard}

class Shown(QObject):
    toggled = Signal(str, bool)   # as a chart series shown or hidden

sender = Shown()
sender.toggled.connect(lambda name, shown: None)
for i in range(100_000):
    sender.toggled.emit("Engagement", bool(i % 2))
print("still here")
"""


def _run_bools(guard: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", BOOL_SIGNALS.format(guard=guard)],
                          capture_output=True, text=True, env=env, timeout=120)


def test_many_emits_of_a_signal_carrying_a_bool_do_not_abort_the_app():
    done = _run_bools("from ui.qt_workarounds import keep_none_alive; keep_none_alive()")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "still here" in done.stdout
