"""Python's cyclic garbage collector runs on the GUI thread only.

CPython starts a collection in whichever thread happens to allocate past the threshold. In
CoachDesk that is often a worker thread making a PDF or reading the practice, and a cycle
that holds a Qt widget (a dialog's Python wrapper and a closure connected to its signal)
is then destroyed there, off the GUI thread, which Qt does not allow: the process crashed
now and then in ``QTimerInfoList::activateTimers`` or in the middle of a database read.
So automatic collection is switched off and a timer on the GUI thread collects with the
same thresholds (``gc.get_threshold()``, generation by generation), as often as the
interpreter would have, but always here.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: how often the GUI thread looks at the allocation counts, in milliseconds
INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Turns ``gc`` automatic collection off and collects from a timer on this thread.

    ``collect_now()`` runs the generations that are due (all of them with ``full=True``).
    ``stop()`` turns automatic collection back on (tests, shutdown)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect_now)
        self.timer.start()

    def collect_now(self, full: bool = False) -> int:
        """Collect the generations whose counts passed their thresholds; the number of
        unreachable objects found."""
        if full:
            return gc.collect()
        first, second, third = gc.get_count()
        found = 0
        if first > self.thresholds[0]:
            found += gc.collect(0)
            if second > self.thresholds[1]:
                found += gc.collect(1)
                if third > self.thresholds[2]:
                    found += gc.collect(2)
        return found

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


_collector: GuiThreadCollector | None = None


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Install the collector once for ``app`` (the QApplication) and return it."""
    global _collector
    if _collector is None:
        _collector = GuiThreadCollector(app)
    return _collector
