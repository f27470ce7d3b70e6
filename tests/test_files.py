"""coachdesk/files.py: an exported file is either whole or not there at all."""

from __future__ import annotations

import pytest

from coachdesk.errors import CoachDeskError
from coachdesk.files import atomic_write


def test_the_file_appears_only_when_writing_is_done(tmp_path):
    target = tmp_path / "out" / "log.csv"
    with atomic_write(target, encoding="utf-8-sig", newline="") as fh:
        fh.write("José,<b>&\r\n")
        assert not target.exists(), "nothing in place while it is being written"
    assert target.read_bytes() == "\ufeffJosé,<b>&\r\n".encode("utf-8")
    assert list(target.parent.iterdir()) == [target], "no temporary file left"


def test_a_crash_half_way_leaves_the_old_file_and_no_leftovers(tmp_path):
    target = tmp_path / "export.json"
    target.write_text("the previous export", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half of a new one")
            raise RuntimeError("the laptop's battery ran out")
    assert target.read_text(encoding="utf-8") == "the previous export"
    assert list(tmp_path.iterdir()) == [target]


def test_a_disk_problem_is_one_plain_sentence(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(CoachDeskError) as caught:
        with atomic_write(blocker / "calendar.ics", binary=True,
                          failure="CoachDesk could not write the calendar to {path}: {reason}.") as fh:
            fh.write(b"x")
    message = str(caught.value)
    assert message.startswith("CoachDesk could not write the calendar to ")
    assert "Traceback" not in message and "Error" not in message
