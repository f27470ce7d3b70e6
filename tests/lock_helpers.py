"""A second process holding a practice's lock, as CoachDesk's window does."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOLDER = """
import sys, time
from pathlib import Path
from coachdesk.practice_lock import PracticeLock
lock = PracticeLock(sys.argv[1]).acquire()
Path(sys.argv[2]).write_text("held")
time.sleep(120)
"""


def hold_lock_in_child(db_path: Path, tmp_path: Path) -> subprocess.Popen:
    """A separate process that takes the practice's lock and waits (as the app does)."""
    ready = tmp_path / "lock-held"
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path), str(ready)], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert child.poll() is None, "the lock holder ended early"
        assert time.monotonic() < deadline, "the lock holder never took the lock"
        time.sleep(0.05)
    return child
