"""Files land where a coach expects: the folder last used for that kind of file (else
Documents), a name that says what the file is, "Saved to …" with Open folder after a
save that happened, and one plain sentence when the disk refuses."""

from __future__ import annotations

import errno
from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from coachdesk.services import clients, engagements, sessions
from ui.context import AppContext
from ui.dialogs.print_preview import WorksheetChoiceDialog, print_worksheet
from ui.main_window import MainWindow

try:  # (imported this way so the flow tests run, and fail, on code without them)
    from ui import files
    from ui.dialogs.print_preview import worksheet_file_name
except ImportError:  # pragma: no cover
    files = worksheet_file_name = None

LEFT = Qt.MouseButton.LeftButton
HOSTILE = 'Tired <b>&"\' 🙂 راشد 陈静'
FORBIDDEN = set('<>:"/\\|?*')


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    """A home of its own with a Documents folder (what QStandardPaths reports)."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home / "Documents"


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Folders the app asked the desktop to open."""
    seen: list[str] = []
    monkeypatch.setattr(files.QDesktopServices, "openUrl",
                        staticmethod(lambda url: seen.append(url.toLocalFile()) or True))
    return seen


@pytest.fixture
def dialogs(monkeypatch):
    """The save dialog records what it proposed and answers ``answer[0]``."""
    state = {"proposed": [], "answer": None}

    def save(parent, caption, proposed, *args, **kwargs):
        state["proposed"].append(proposed)
        return (str(state["answer"]) if state["answer"] else ""), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save))
    return state


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *a, **k: shown.append(text) or QMessageBox.StandardButton.Ok))
    return shown


def two_clients_same_day(db, day: date):
    out = []
    for name in ("José Álvarez", "Maria Silva"):
        client = clients.create(db, name)
        eng = engagements.create(db, client.id, start_date=date(2026, 1, 1))
        out.append(sessions.create(db, eng.id, day, start_time=time(9, 30), status="held"))
    return out


def build_preview(qtbot, ctx, parent, session, filled=True):
    choice = WorksheetChoiceDialog(session is not None, parent)
    qtbot.addWidget(choice)
    (choice.filled if filled else choice.blank).setChecked(True)
    previews = []
    print_worksheet(ctx, parent, session, choice=choice, on_ready=previews.append)
    qtbot.waitUntil(lambda: bool(previews), timeout=15000)
    qtbot.addWidget(previews[0])
    return previews[0]


def notices() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if w.objectName() == "savedNotice" and w.isVisible()]


# -- names -----------------------------------------------------------------------------------


def test_worksheet_names_say_whose_and_when_and_two_clients_never_collide():
    day = date(2026, 8, 28)
    assert worksheet_file_name("José Álvarez", day) == "GROW worksheet — José Álvarez — 2026-08-28.pdf"
    assert worksheet_file_name("Maria Silva", day) != worksheet_file_name("José Álvarez", day)
    assert worksheet_file_name(None, None) == "Blank GROW worksheet.pdf"


@pytest.mark.parametrize("name", [
    HOSTILE, "a/b\\c:d*e?f|g", "  ..hidden. ", "CON", "nul", "陈静" * 200, "x\u202egnp.exe",
    "line\nbreak\ttab", "", "🙂" * 100])
def test_any_name_becomes_a_file_name_every_system_accepts(tmp_path, name):
    made = files.file_name("GROW worksheet", name, "2026-11-29", suffix=".pdf")
    assert made.endswith(".pdf") and not FORBIDDEN & set(made)
    assert len(made.encode("utf-8")) <= files.MAX_NAME_BYTES
    assert not made.startswith((".", " ")) and made == made.strip()
    assert "\u202e" not in made and "\n" not in made and "\t" not in made
    assert made.split(".")[0].split(" ")[0].lower() not in {"con", "nul"} or "—" in made
    (tmp_path / made).write_bytes(b"%PDF")  # the file can really be made
    whole = files.safe_name(f"{name}.pdf")
    assert whole.endswith(".pdf") and not FORBIDDEN & set(whole)
    assert whole.split(".")[0].strip().lower() not in {"con", "nul"}
    (tmp_path / whole).write_bytes(b"%PDF")


def test_names_keep_accents_scripts_and_emoji():
    made = files.file_name("Session", HOSTILE, "2026-11-29", suffix=".ics")
    for kept in ("🙂", "راشد", "陈静", "Tired", "&", "'"):
        assert kept in made


# -- folders ---------------------------------------------------------------------------------


def test_documents_when_nothing_is_remembered_then_the_last_folder_used(documents, tmp_path):
    assert files.proposed_path("worksheet", "a.pdf") == documents / "a.pdf"
    elsewhere = tmp_path / "clients" / "2026"
    elsewhere.mkdir(parents=True)
    files.remember_folder("worksheet", elsewhere)
    assert files.proposed_path("worksheet", "a.pdf") == elsewhere / "a.pdf"
    assert files.proposed_path("calendar", "b.ics") == documents / "b.ics"  # per kind
    elsewhere.rmdir()  # a folder that has gone is not proposed
    assert files.proposed_path("worksheet", "a.pdf") == documents / "a.pdf"


# -- the worksheet, as the coach saves it ----------------------------------------------------


def test_save_as_pdf_opens_in_documents_with_the_client_and_date_and_remembers_the_folder(
        qtbot, db, documents, tmp_path, dialogs, opened, warnings):
    first, second = two_clients_same_day(db, date(2026, 8, 28))
    ctx = AppContext(db)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    preview = build_preview(qtbot, ctx, window, first)

    # Cancel: nothing is saved, nothing is claimed, nothing remembered.
    qtbot.mouseClick(preview.save_button, LEFT)
    assert dialogs["proposed"] == [str(documents / "GROW worksheet — José Álvarez — 2026-08-28.pdf")]
    assert not notices() and files.last_folder("worksheet") is None

    # Save into a folder of the coach's own: the file is there and the coach is told where.
    folder = tmp_path / "Coaching" / "Worksheets"
    folder.mkdir(parents=True)
    dialogs["answer"] = folder / "José"  # typed without .pdf
    qtbot.mouseClick(preview.save_button, LEFT)
    saved = folder / "José.pdf"
    assert saved.read_bytes()[:4] == b"%PDF"
    notice = preview.saved_notice
    assert notice in notices() and not notice.isModal()
    assert notice.text() == f"Saved to {saved}"
    qtbot.mouseClick(notice.findChild(type(preview.save_button), "openFolder"), LEFT)
    assert opened == [str(folder)]
    assert not warnings

    # The next worksheet, another client the same day: that folder, a different name.
    other = build_preview(qtbot, ctx, window, second)
    qtbot.mouseClick(other.save_button, LEFT)
    assert dialogs["proposed"][-1] == str(folder / "GROW worksheet — Maria Silva — 2026-08-28.pdf")

    blank = build_preview(qtbot, ctx, window, None, filled=False)
    assert blank.suggested_name == "Blank GROW worksheet.pdf"


def test_a_full_disk_gives_one_plain_sentence_and_claims_nothing(qtbot, db, documents, tmp_path,
                                                                 dialogs, warnings, monkeypatch):
    first, _ = two_clients_same_day(db, date(2026, 11, 29))
    ctx = AppContext(db)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    preview = build_preview(qtbot, ctx, window, first)
    from ui.dialogs import print_preview

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(print_preview.shutil, "copyfileobj", full)
    folder = tmp_path / "usb"
    folder.mkdir()
    dialogs["answer"] = folder / "ws.pdf"
    qtbot.mouseClick(preview.save_button, LEFT)
    assert len(warnings) == 1
    message = warnings[0]
    assert "not saved" in message and "No space left on device" in message
    for word in ("Traceback", "Errno", "OSError", "CoachDeskError"):
        assert word not in message
    assert not notices() and getattr(preview, "saved_notice", None) is None
    assert list(folder.iterdir()) == []  # no half-written file, no leftover
    assert files.last_folder("worksheet") is None


def test_the_status_bar_no_longer_says_preparing_once_the_preview_is_open(qtbot, db, documents):
    first, _ = two_clients_same_day(db, date(2026, 11, 29))
    ctx = AppContext(db)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    choice = WorksheetChoiceDialog(True, window)
    qtbot.addWidget(choice)
    seen = []

    def ready(preview):
        seen.append(window.statusBar().currentMessage())
        qtbot.addWidget(preview)

    print_worksheet(ctx, window, first, choice=choice, on_ready=ready)
    assert window.statusBar().currentMessage() == "Preparing the worksheet…"
    qtbot.waitUntil(lambda: bool(seen), timeout=15000)
    assert "Preparing" not in seen[0]
    assert "Preparing" not in window.statusBar().currentMessage()


# -- the other files the app saves ---------------------------------------------------------------


def test_calendar_files_propose_documents_a_clear_name_and_then_the_folder_used(
        qtbot, db, documents, tmp_path, dialogs, opened):
    first, _ = two_clients_same_day(db, date(2026, 11, 29))
    sessions.create(db, first.engagement_id, date(2026, 12, 3), status="planned")
    ctx = AppContext(db)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    folder = tmp_path / "calendar files"
    folder.mkdir()
    dialogs["answer"] = folder / "planned"
    assert window.export_planned_sessions() == str(folder / "planned.ics")
    assert dialogs["proposed"][0] == str(documents / "CoachDesk planned sessions.ics")
    assert (folder / "planned.ics").read_text().startswith("BEGIN:VCALENDAR")
    notice = next(n for n in notices() if str(folder) in n.text())
    notice.close()

    window.open_session(first.id)
    dialogs["answer"] = None  # the coach cancels this time
    assert window.session_page._export_ics() is None
    assert dialogs["proposed"][1] == str(folder / "Session — José Álvarez — 2026-11-29.ics")


@pytest.mark.parametrize(("typed", "chosen_filter", "saved"), [
    ("planned", "Calendar files (*.ics)", "planned.ics"),
    ("Dr. Smith", "Calendar files (*.ics)", "Dr. Smith.ics"),  # ". Smith" is no extension
    ("planned.json", "Calendar files (*.ics)", "planned.json.ics"),  # a calendar opens it
    ("planned.ICS", "Calendar files (*.ics)", "planned.ICS"),
    ("log.txt", "All files (*)", "log.txt"),  # the coach chose "All files" and a name
    ("log", "All files (*)", "log.ics"),
])
def test_a_typed_name_gets_the_files_extension(monkeypatch, documents, tmp_path, typed,
                                               chosen_filter, saved):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: (str(tmp_path / typed), chosen_filter)))
    got = files.ask_save_path(None, "calendar", "Export to calendar", "x.ics",
                              "Calendar files (*.ics);;All files (*)", ".ics")
    assert got == tmp_path / saved
