"""Preview PDFs stay in the app's private temp folder (issue 12, item 13): 0600 files in a
0700 folder of the data folder, nothing in the system temp folder, gone when the app
closes; a killed run's folder goes at the next start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
from consent_helpers import agree
from pypdf import PdfReader
from PySide6.QtCore import Qt

from coachdesk import paths, tempfiles
from coachdesk.services import clients, engagements, sessions
from ui.context import AppContext
from ui.dialogs.print_preview import WorksheetChoiceDialog, print_worksheet

ROOT = Path(__file__).resolve().parent.parent
CANARY = "QZTEMPCANARY"


@pytest.fixture
def system_temp(tmp_path, monkeypatch):
    """tempfile.gettempdir() for this test: an empty folder of its own, searched at the end."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    tempfiles.remove()


def canary_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and _has_canary(p)]


def _has_canary(path: Path) -> bool:
    data = path.read_bytes()
    if CANARY.encode() in data:
        return True
    if data.startswith(b"%PDF"):
        return CANARY in " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return False


def private_session(db):
    c = clients.create(db, "Tempel Previewson")
    e = engagements.create(db, c.id, date(2026, 1, 5))
    s = sessions.create(db, e.id, date(2026, 2, 3), status="held")
    sessions.save_notes(db, s.id, private_notes=f"{CANARY} my own working note")
    return sessions.get(db, s.id), e.id


def assert_private(path: Path) -> None:
    assert path.is_relative_to(tempfiles.folder())
    assert tempfiles.folder().parent == paths.data_dir() / "tmp"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(tempfiles.folder().stat().st_mode) == 0o700


def test_the_worksheet_preview_with_private_notes_is_private_and_goes_on_close(
        qtbot, db, system_temp):
    session, _ = private_session(db)
    ctx = AppContext(db)
    choice = WorksheetChoiceDialog(True, None)
    qtbot.addWidget(choice)
    choice.filled.setChecked(True)
    choice.include_private.setChecked(True)
    previews = []
    print_worksheet(ctx, None, session, choice=choice, on_ready=previews.append)
    qtbot.waitUntil(lambda: bool(previews), timeout=15000)
    preview = previews[0]
    qtbot.addWidget(preview)
    path = Path(preview.pdf_path)
    assert _has_canary(path)  # the check below can fail
    assert_private(path)
    assert canary_files(system_temp) == []

    preview.close()
    tempfiles.remove()  # the app closing (practice_files.on_close)
    assert not path.exists() and canary_files(paths.data_dir()) == []
    assert canary_files(system_temp) == []


def test_the_report_preview_is_in_the_private_folder(qtbot, db, system_temp):
    from coachdesk.services import settings
    from ui.dialogs.report_dialog import ReportDialog

    _session, eid = private_session(db)
    settings.set_coach_profile(db, "Coach Example", "", None)  # no question about the cover
    agree(db, eid)  # the client agreed to share every section
    dialog = ReportDialog(AppContext(db), eid, None, today=date(2026, 3, 1))
    qtbot.addWidget(dialog)
    dialog.previews = []
    dialog.on_preview = dialog.previews.append
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.previews), timeout=15000)
    path = Path(dialog.previews[0].pdf_path)
    qtbot.addWidget(dialog.previews[0])
    assert path.is_file()
    assert_private(path)
    assert [p for p in system_temp.rglob("*") if p.is_file()] == []
    tempfiles.remove()
    assert not path.exists()


APP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from coachdesk import tempfiles
from ui import app

made = tempfiles.new_folder() / "preview.pdf"  # a preview made while the app runs
made.write_bytes(b"%PDF private")
print(made, flush=True)
code = app.run(sys.argv[1])
sys.exit(code)
"""


@pytest.mark.skipif(os.name != "posix", reason="the planted folder needs a dead POSIX pid")
def test_the_app_cleans_a_killed_runs_folder_at_start_and_its_own_at_close(db_path, tmp_path,
                                                                          isolated_home):
    db_path.parent.mkdir(parents=True)  # a new practice in an existing folder
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    killed = paths.data_dir() / "tmp" / f"{finished.pid}-leftover"
    killed.mkdir(parents=True)
    (killed / "worksheet.pdf").write_bytes(f"{CANARY} left by a killed run".encode())
    env = dict(os.environ, COACHDESK_HOME=str(isolated_home), COACHDESK_NO_DIALOGS="1",
               COACHDESK_STARTUP_PROBE="1", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", APP, str(db_path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    made = Path(run.stdout.splitlines()[0])
    assert made.is_relative_to(paths.data_dir() / "tmp")
    assert not killed.exists()  # at start: its process is gone
    assert not made.exists() and not made.parent.parent.exists()  # at close
    assert canary_files(paths.data_dir()) == []
