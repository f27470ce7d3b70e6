"""The window is remembered per machine: size, maximised, splitters, table columns.

It lives in QSettings (isolated per test by conftest), never in the practice file.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui import window_state
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.widgets import fit


def _window(qtbot, db) -> MainWindow:
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _client_header(window) -> QHeaderView:
    return window.clients_page.table.horizontalHeader()


def _interactive_column(header: QHeaderView) -> int:
    return next(i for i in range(header.count())
                if header.sectionResizeMode(i) == QHeaderView.ResizeMode.Interactive
                and not header.isSectionHidden(i) and i != header.count() - 1)


def test_first_start_fits_the_screen_and_keeps_the_laptop_minimum(qtbot, demo_db):
    window = _window(qtbot, demo_db)
    room = fit.room_for(window)
    assert window.minimumSize() == QSize(1024, 640)
    assert window.width() <= room.width() and window.height() <= room.height()
    assert window.width() >= 1024 and window.height() >= 640
    # Centred on the screen's free part, not stuck in a corner or off it.
    area = fit.available_geometry(window)
    assert area.contains(window.frameGeometry().center(), True)


def test_size_and_column_width_come_back_after_closing(qtbot, demo_db):
    window = _window(qtbot, demo_db)
    window.resize(1100, 700)
    header = _client_header(window)
    column = _interactive_column(header)
    wider = header.sectionSize(column) + 57
    header.resizeSection(column, wider)
    header.hideSection(2) if header.count() > 3 and column != 2 else None
    hidden = [i for i in range(header.count()) if header.isSectionHidden(i)]
    window.close()

    store = window_state.settings()
    assert store.value("windowState/mainWindow/geometry") is not None

    again = _window(qtbot, demo_db)
    assert again.size() == QSize(1100, 700)
    header = _client_header(again)
    assert header.sectionSize(column) == wider
    assert [i for i in range(header.count()) if header.isSectionHidden(i)] == hidden


def test_maximised_comes_back_maximised(qtbot, demo_db):
    window = _window(qtbot, demo_db)
    window.showMaximized()
    qtbot.waitUntil(lambda: window.isMaximized())
    window.close()
    again = MainWindow(AppContext(demo_db))
    qtbot.addWidget(again)
    assert again.windowState() & Qt.WindowState.WindowMaximized


def test_splitters_and_tables_built_later_are_restored_when_shown(qtbot, demo_db):
    """The client's tabs are built on first show: their splitters and columns still come back."""
    window = _window(qtbot, demo_db)
    window.resize(1300, 760)
    window.open_client(window.clients_page.model.rows()[0].id)
    tabs = window.client_page.tabs
    changed = {}
    for index in range(1, tabs.count()):
        tabs.setCurrentIndex(index)
        page = tabs.widget(index)
        for key, splitter in window_state.keyed(window, QSplitter).items():
            sizes = splitter.sizes()
            if page.isAncestorOf(splitter) and len(sizes) == 2 and sum(sizes) > 200:
                splitter.setSizes([sum(sizes) // 3, sum(sizes) - sum(sizes) // 3])
                changed[(index, key)] = splitter.sizes()
    assert changed, "no two-pane splitter on the client's tabs to try"
    window.close()

    again = _window(qtbot, demo_db)
    again.resize(1300, 760)
    again.open_client(again.clients_page.model.rows()[0].id)
    for (index, path), sizes in changed.items():
        again.client_page.tabs.setCurrentIndex(index)
        found = window_state.keyed(again, QSplitter)
        assert found[path].sizes() == sizes, path


def test_a_table_whose_columns_changed_keeps_its_defaults(qtbot, demo_db):
    window = _window(qtbot, demo_db)
    header = _client_header(window)
    defaults = [header.sectionSize(i) for i in range(header.count())]
    window.close()
    # Saved by a version whose client table had one column fewer, with other widths.
    store = window_state.settings()
    key = next(k for k in store.allKeys() if k.endswith("/header/columns") and "client" in k.lower())
    store.setValue(key, header.count() - 1)
    state_key = key.replace("/columns", "/state")
    store.setValue(state_key, QByteArray(b"\x00\x00\x00\xff" * 40))
    store.sync()

    again = _window(qtbot, demo_db)
    header = _client_header(again)
    assert [header.sectionSize(i) for i in range(header.count())] == defaults


def test_garbage_in_the_settings_file_gives_the_defaults(qtbot, demo_db, isolated_home):
    fresh = _window(qtbot, demo_db)
    default_size = fresh.size()
    header = _client_header(fresh)
    defaults = [header.sectionSize(i) for i in range(header.count())]
    fresh.close()
    # Overwrite every file QSettings wrote with nonsense of the right names.
    files = list(isolated_home.rglob("*.ini"))
    assert files, "the window state was not written to QSettings"
    for path in files:
        text = path.read_text(encoding="utf-8")
        garbled = []
        for line in text.splitlines():
            if "=" in line:
                name, _ = line.split("=", 1)
                line = f"{name}=@ByteArray(\\x1\\x2garbage)" if "state" in name or "geometry" in name \
                    else f"{name}=not a number"
            garbled.append(line)
        path.write_text("\n".join(garbled) + "\n", encoding="utf-8")

    again = _window(qtbot, demo_db)
    assert again.size() == default_size
    header = _client_header(again)
    assert [header.sectionSize(i) for i in range(header.count())] == defaults


def test_wrong_types_and_an_old_format_are_ignored(qtbot, demo_db):
    store = window_state.settings()
    store.setValue("windowState/mainWindow/format", window_state.FORMAT)
    store.setValue("windowState/mainWindow/geometry", "a string, not bytes")
    store.setValue("windowState/mainWindow/headers/clientsPage/clientTable/header/state", 42)
    store.sync()
    window = _window(qtbot, demo_db)
    assert window.width() >= 1024
    window.resize(1111, 666)
    window.close()
    store = window_state.settings()
    store.setValue("windowState/mainWindow/format", window_state.FORMAT + 1)  # a newer layout
    store.sync()
    again = _window(qtbot, demo_db)
    assert again.size() != QSize(1111, 666)


def test_a_screen_smaller_than_last_time_shrinks_the_window_onto_it(qtbot, demo_db, monkeypatch):
    window = _window(qtbot, demo_db)
    window.resize(1360, 760)
    window.close()
    small = QRect(0, 0, 1024, 640)
    monkeypatch.setattr(fit, "available_geometry", lambda widget=None: QRect(small))
    again = MainWindow(AppContext(demo_db))
    qtbot.addWidget(again)
    room = fit.room_for(again, small)
    assert again.width() <= room.width() and again.height() <= room.height()
    # Below the window's usual minimum: the minimum gives way rather than leave the screen.
    assert again.minimumHeight() <= room.height()


def test_unnamed_tables_and_splitters_get_distinct_keys(qtbot):
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    root = QWidget()
    root.setObjectName("root")
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    for _ in range(2):
        splitter = QSplitter()
        splitter.addWidget(QTableView())
        splitter.addWidget(QTableView())
        layout.addWidget(splitter)
    assert len(window_state.keyed(root, QSplitter)) == 2
    assert len(window_state.keyed(root, QHeaderView)) == 4


# -- dialogs fit the screen (ui/widgets/fit.py) ----------------------------------------------

SMALL = QRect(0, 0, 1024, 640)


@pytest.fixture
def small_screen(monkeypatch):
    monkeypatch.setattr(fit, "available_geometry", lambda widget=None: QRect(SMALL))
    return fit.room_for(QWidget(), SMALL)


def test_dialogs_opened_from_the_window_fit_a_small_screen(qtbot, demo_db, small_screen):
    window = _window(qtbot, demo_db)
    fit.watch(window)
    tall = QDialog(window)
    tall.setLayout(QVBoxLayout())
    tall.layout().addWidget(QPushButton("Close"))
    tall.resize(980, 900)
    tall.show()
    qtbot.waitExposed(tall)
    assert SMALL.contains(tall.frameGeometry()), tall.frameGeometry()
    # A dialog opened from that dialog is watched too.
    inner = QDialog(tall)
    inner.resize(2000, 300)
    inner.show()
    qtbot.waitExposed(inner)
    assert SMALL.contains(inner.frameGeometry()), inner.frameGeometry()
    # A small dialog is left as it is.
    small = QDialog(window)
    small.resize(400, 300)
    small.show()
    qtbot.waitExposed(small)
    assert small.size() == QSize(400, 300)


def test_a_dialog_with_a_move_method_of_its_own_still_opens_and_fits(qtbot, demo_db, small_screen):
    """IndicatorLibraryDialog.move(steps) moves an indicator; fitting must not call it."""
    from ui.dialogs.indicator_library import IndicatorLibraryDialog

    window = _window(qtbot, demo_db)
    fit.watch(window)
    dialog = IndicatorLibraryDialog(window.ctx, window)
    QWidget.resize(dialog, 1200, 900)
    QWidget.move(dialog, 500, 400)  # partly off the small screen
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.isVisible()
    assert SMALL.contains(dialog.frameGeometry()), dialog.frameGeometry()


def test_the_print_preview_asks_for_a_size_that_fits(qtbot, demo_db, tmp_path, small_screen):
    from ui.dialogs.print_preview import PdfPreviewDialog, build_worksheet_pdf

    pdf = build_worksheet_pdf(demo_db, None, False, tmp_path / "blank.pdf")
    preview = PdfPreviewDialog(str(pdf), "GROW worksheet.pdf")  # no watcher: its own size
    qtbot.addWidget(preview)
    assert preview.height() <= small_screen.height()
    preview.show()
    qtbot.waitExposed(preview)
    for button in (preview.print_button, preview.save_button):
        bottom = button.mapTo(preview, button.rect().bottomLeft()).y()
        assert bottom < preview.height() <= small_screen.height(), button.text()


def test_state_stays_in_coachdesk_home_when_it_is_set(qtbot, demo_db, isolated_home):
    """Tests, the bench and a practice kept on its own volume set COACHDESK_HOME: the
    window's state goes there too, never into the machine's own settings."""
    window = _window(qtbot, demo_db)
    window.resize(1100, 700)
    window.close()
    file = isolated_home / "machine-settings.ini"
    assert file.is_file()
    assert "windowState" in file.read_text(encoding="utf-8", errors="replace")
