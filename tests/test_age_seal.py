"""Sealing with a passphrase in a child process: the window keeps painting meanwhile.

pyrage holds the interpreter lock for its whole call (an age passphrase's scrypt step takes
about a second), so on a worker thread it would still stop the GUI thread; in a child
process the calling thread only waits on a pipe.
"""

from __future__ import annotations

import threading
import time

import pytest
from age_helpers import cheap_seal

from coachdesk import age_seal

SECRET = "kettle river lantern ü"


@pytest.fixture
def in_child():
    age_seal.use_child_process(True)
    yield
    age_seal.use_child_process(False)


def _longest_pause_while(work) -> tuple[object, float]:
    """Run ``work`` on a worker thread; meanwhile this thread ticks every 10 ms, as the GUI
    thread's event loop would. Returns (the result, the longest gap between ticks in s)."""
    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("r", work()))
    worker.start()
    longest, last = 0.0, time.perf_counter()
    while worker.is_alive():
        time.sleep(0.01)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    worker.join()
    return out["r"], longest


def test_sealing_in_a_child_leaves_this_process_free_and_opens_here(in_child):
    plain = ("<b>Bold</b> & \"quotes\" محمد 陈静 🎉 " * 2000).encode()
    sealed, pause = _longest_pause_while(lambda: age_seal.encrypt(plain, SECRET))
    assert sealed.startswith(b"age-encryption.org/v1\n")
    assert b"Bold" not in sealed
    # The GIL was free: the ticking thread never waited anywhere near a scrypt step.
    assert pause < 0.25, f"the calling process stalled {pause:.2f} s"
    age_seal.use_child_process(False)
    assert age_seal.decrypt(sealed, SECRET) == plain  # and the other way round, in process


def test_opening_in_a_child_wrong_passphrase_is_none(in_child):
    sealed = cheap_seal(b"private", SECRET)  # an age file pyrage opens in ms, not seconds
    assert age_seal.decrypt(sealed, SECRET) == b"private"
    assert age_seal.decrypt(sealed, "not it") is None


def test_a_child_that_cannot_start_seals_here_instead(in_child, monkeypatch, caplog):
    import concurrent.futures

    class NoChildren:
        def __init__(self, *args, **kwargs):
            raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoChildren)
    # the fallback is what is tested: it seals a cheap age file (pyrage's own seal at its
    # full work factor is the first test's), which pyrage opens here
    monkeypatch.setattr(age_seal, "_encrypt_here", cheap_seal)
    sealed = age_seal.encrypt(b"private", SECRET)
    assert age_seal.decrypt(sealed, SECRET) == b"private"
    assert "child process failed" in caplog.text
    assert SECRET not in caplog.text
