"""ui.gc_thread: Python's collector never runs in a worker thread, only on the GUI thread."""

from __future__ import annotations

import gc
import threading
import weakref

from ui import gc_thread


class Node:
    def __init__(self):
        self.me = self  # a cycle: only the collector frees it


def test_a_worker_thread_allocating_never_collects_and_the_gui_thread_does(qapp):
    was_enabled = gc.isenabled()
    collector = gc_thread.GuiThreadCollector(None, interval_ms=60_000)
    try:
        assert not gc.isenabled()
        cycle = Node()
        gone = weakref.ref(cycle)
        del cycle

        kept = []

        def allocate():  # far past every threshold: CPython would have collected here
            kept.extend([] for _ in range(50 * gc.get_threshold()[0]))

        worker = threading.Thread(target=allocate)
        worker.start()
        worker.join()
        assert gone() is not None, "a collection ran in the worker thread"
        assert gc.get_count()[0] > collector.thresholds[0]  # a collection is due ...
        collector.collect_now()  # ... and the GUI thread's timer runs it
        assert gone() is None, "the GUI thread's collection left the cycle"
        kept.clear()
    finally:
        collector.timer.stop()
        collector.deleteLater()
        if was_enabled:
            gc.enable()
