"""``python -m coachdesk`` in a child process that waits less for another program's lock.

A command meeting a write lock held by a second connection waits SQLite's busy timeout
(``storage.BUSY_TIMEOUT_MS``, 5 s) before it says "Another program is using the practice
file…". Tests about that sentence, not about the length of the wait, ran that wait in full
in each child. ``argv(*args, busy_ms=200)`` starts the same module (``runpy``, as
``-m`` does) after setting the child's busy timeout, as tests set it in their own process.

``in_process(*args)``: the same command in this process, for a test's commands after the
first (which a child process proves).
"""

from __future__ import annotations

import subprocess
import sys

_CODE = ("import runpy, sys; from coachdesk import storage; "
         "storage.BUSY_TIMEOUT_MS = int(sys.argv.pop(1)); "
         "runpy.run_module('coachdesk', run_name='__main__', alter_sys=True)")


def argv(*args, busy_ms: int = 200) -> list[str]:
    """The command line running ``python -m coachdesk ARGS`` with a busy timeout of
    ``busy_ms`` milliseconds (the app's is 5,000)."""
    return [sys.executable, "-c", _CODE, str(int(busy_ms)), *map(str, args)]


def in_process(*args) -> subprocess.CompletedProcess:
    """``python -m coachdesk ARGS`` run in this process (``cli.main``), its output as text:
    for a test's commands after the first, which a child process proves. A child costs a
    second of imports (more on a loaded machine); the command's code, output and exit
    status are the same. ``--help`` and usage errors exit as argparse does (SystemExit)."""
    import contextlib
    import io

    from coachdesk import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())
