"""ui/workers.py: the one way long work leaves the GUI thread."""

from __future__ import annotations

import gc

from coachdesk.errors import CoachDeskError
from ui import workers


def _run(qtbot, job):
    got = {}
    job.signals.done.connect(lambda value: got.setdefault("done", value))
    job.signals.failed.connect(lambda text: got.setdefault("failed", text))
    job.start()
    del job
    gc.collect()  # the job must keep itself alive until it has delivered
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    return got


def test_a_result_comes_back_and_the_job_lets_go(qtbot):
    got = _run(qtbot, workers.Job(lambda: {"clients": 12}))
    assert got == {"done": {"clients": 12}}
    qtbot.waitUntil(lambda: not workers.running(), timeout=2000)


def test_coachdesks_own_message_is_passed_on_as_it_is(qtbot):
    def work():
        raise CoachDeskError("The USB stick is full; the backup was not made.")
    got = _run(qtbot, workers.Job(work, "The backup could not be made."))
    assert got == {"failed": "The USB stick is full; the backup was not made."}


def test_an_unexpected_error_becomes_the_jobs_sentence_not_a_traceback(qtbot):
    def work():
        raise KeyError("engagement_id")
    got = _run(qtbot, workers.Job(work, "The export could not be written."))
    assert got["failed"].startswith("The export could not be written.")
    assert "Traceback" not in got["failed"]
