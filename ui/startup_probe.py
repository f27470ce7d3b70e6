"""The start-up probe's lines for an encrypted practice (benchmarks and tests only).

``COACHDESK_STARTUP_PROBE`` set (see ``ui.app``): when the unlock dialog first shows at
start it prints ``UNLOCK_SHOWN <s since start> <peak MB>``. Then, **only in probe mode**,
if ``COACHDESK_PROBE_PASSPHRASE`` is set, it types that passphrase into the dialog, prints
``UNLOCK_PRESSED <s> <MB>`` and presses Unlock (``tests/bench/bench_crypto.py`` times
Unlock → window, the passphrase's scrypt included); if not, it presses Quit (the bench
timed the dialog's appearance only). Outside probe mode nothing here runs, and the
passphrase is never read from the environment by the window.
"""

from __future__ import annotations

import os
import sys
import time

PROBE = "COACHDESK_STARTUP_PROBE"
#: Read only when ``PROBE`` is set too: the bench's passphrase, never a coach's.
PROBE_PASSPHRASE = "COACHDESK_PROBE_PASSPHRASE"


def mode() -> str:
    """The probe's mode ('' when off)."""
    return os.environ.get(PROBE, "")


def line(label: str) -> None:
    """Print ``<label> <s since the process started> <peak MB>`` on stdout."""
    from coachdesk.memory import peak_rss_mb

    app = sys.modules.get("ui.app")
    start = getattr(app, "_PROCESS_START", 0.0)  # as ui.app's own WINDOW_SHOWN line
    print(f"{label} {time.perf_counter() - start:.4f} {peak_rss_mb():.1f}", flush=True)


def unlock_dialog_shown(dialog) -> None:
    """The unlock dialog is on screen (probe mode): say so once, then type the bench's
    passphrase and press Unlock, or press Quit."""
    from PySide6.QtCore import QTimer

    if not mode() or getattr(dialog, "_probe_done", False):
        return
    dialog._probe_done = True
    line("UNLOCK_SHOWN")
    passphrase = os.environ.get(PROBE_PASSPHRASE)  # probe mode only (checked above)

    def act():
        if passphrase:
            dialog.field.setText(passphrase)
            line("UNLOCK_PRESSED")
            dialog.ok.click()
        else:
            dialog.reject()

    QTimer.singleShot(0, act)
