"""Workarounds for faults in the Qt for Python release CoachDesk runs on.

Each one says which release has the fault, how it shows, and when to remove it. This
module imports no Qt, so the test suite and the bench can apply them before Qt is loaded.
"""

from __future__ import annotations

import sys


def keep_none_alive() -> None:
    """Work around PySide6 6.12.0 on CPython 3.11: every call of a Qt method that returns
    nothing (``update()``, ``setText()``, a timer's ``start()``) drops one reference to
    ``None``. After some tens of thousands of calls (a day of typing notes) ``None`` is
    freed and Python aborts ("Fatal Python error: none_dealloc"), taking the window with it.
    From Python 3.12 ``None`` is immortal and this does nothing; here ``None`` is given a
    reference count no session can use up. Remove once PySide6 no longer drops them
    (6.11.3 does not: ``sys.getrefcount(None)`` is the same before and after 40,000 such
    calls there, while 6.12.0 aborts). Called first in ``ui.app.run``, in the tests'
    conftest and in the bench.

    The same release drops a reference to ``True`` or ``False`` with every emit of a signal
    carrying a ``bool`` (a chart series shown or hidden, a readings column toggled): 20,000
    emits and Python aborts with "bool_dealloc" (it did, at the end of a test process). The
    two are given the same unusable reference count."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython" \
            or hasattr(sys, "getobjects"):  # a trace-refs build lays objects out differently
        return
    import ctypes

    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        if refcount.value < 1 << 40:
            refcount.value += 1 << 40
