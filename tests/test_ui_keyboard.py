"""The keyboard as a coach uses it: what has focus when a page opens, Enter in the client
search, Ctrl+1…5 and the sidebar in one order, Ctrl+K to a sponsor or an organization.
Keys go to whatever has focus (``QApplication.focusWidget()``), as they would for a person."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from ui_helpers import type_text, when_modal

from coachdesk.services import clients, organizations, sessions, sponsors
from ui.context import AppContext
from ui.main_window import NAV_ITEMS, MainWindow

EXPECTED_ORDER = ["Clients", "Sessions", "Actions", "Dashboard", "People", "Invoices"]


def activate(qtbot, win) -> None:
    """Offscreen, a window may stay inactive after a modal: make it the active one."""
    win.activateWindow()
    win.windowHandle().requestActivate()
    qtbot.waitUntil(win.isActiveWindow)


@pytest.fixture
def win(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    return window


def row_of(page, name: str) -> int:
    proxy = page.proxy
    return next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == name)


def open_client_by_keyboard(qtbot, win, name: str) -> None:
    """Ctrl+F, type the name, Enter: the coach's quickest way to a client."""
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = win.clients_page.search
    assert search.hasFocus()
    type_text(QApplication.focusWidget(), name)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert win.stack.currentWidget() is win.client_page


# -- opening a client must not put the keyboard in the Name field -------------------------


def open_client_by_mouse(qtbot, win, name: str) -> None:
    """A double-click on the client's row in the list."""
    page = win.clients_page
    table = page.table
    rect = table.visualRect(page.proxy.index(row_of(page, name), 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.stack.currentWidget() is win.client_page


def test_typing_after_opening_a_client_renames_nobody(qtbot, win, demo_db):
    jose = next(r for r in clients.list_rows(demo_db) if r.name.startswith("José"))
    open_client_by_mouse(qtbot, win, jose.name)
    focus = QApplication.focusWidget()
    assert focus is not None and win.client_page.isAncestorOf(focus)
    assert not isinstance(focus, (QLineEdit, QPlainTextEdit))
    qtbot.keyClicks(focus, "xyz ")
    qtbot.wait(700)  # longer than the autosave delay
    assert win.client_page.name.text() == jose.name
    assert clients.get(demo_db, jose.id).name == jose.name


def test_typing_after_opening_a_client_from_search_changes_nothing_either(qtbot, win, demo_db):
    open_client_by_keyboard(qtbot, win, "zoe")
    qtbot.keyClicks(QApplication.focusWidget(), "hello")
    win.client_page.leave()  # what leaving the page saves
    zoe = next(r for r in clients.list_rows(demo_db) if r.name.startswith("Zoë"))
    assert zoe.name == "Zoë Whitfield" and win.client_page.name.text() == "Zoë Whitfield"


# -- Enter in the client search ---------------------------------------------------------


def test_enter_in_the_client_search_opens_the_match(qtbot, win):
    open_client_by_keyboard(qtbot, win, "zoe")  # accents ignored, as in the list
    assert win.client_page.client.name == "Zoë Whitfield"


def test_enter_opens_the_selected_match_and_down_moves_into_the_list(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    page = win.clients_page
    qtbot.keyClicks(QApplication.focusWidget(), "nordlicht")  # several clients at Nordlicht
    assert page.proxy.rowCount() > 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert page.table.hasFocus() and page.table.currentIndex().row() == 0
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    second = page.proxy.index(1, 0).data()
    assert page.table.currentIndex().row() == 1
    page.search.setFocus()  # back to the search box, the selection stays on the second
    assert page.search.hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert win.stack.currentWidget() is win.client_page
    assert win.client_page.client.name == second


def test_enter_with_no_match_does_nothing(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "nobody by this name")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert win.stack.currentWidget() is win.clients_page
    assert win.clients_page.search.text() == "nobody by this name"


# -- opening a session puts the cursor in the private notes ------------------------------


def test_typing_after_opening_a_session_goes_into_the_private_notes(qtbot, win, demo_db):
    open_client_by_mouse(qtbot, win, "José Álvarez García")
    page = win.client_page
    table = page.session_table
    rect = table.visualRect(page.session_model.index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    session_page = win.session_page
    assert win.stack.currentWidget() is session_page
    before = session_page.private_notes.toPlainText()
    assert session_page.private_notes.hasFocus()
    type_text(QApplication.focusWidget(), " Noticed more energy — 陈静 <b>&")
    assert session_page.private_notes.toPlainText() == before + " Noticed more energy — 陈静 <b>&"
    qtbot.waitUntil(lambda: sessions.get(demo_db, session_page.session.id).private_notes
                    == before + " Noticed more energy — 陈静 <b>&", timeout=3000)


# -- Ctrl+1…5, the sidebar and the View menu agree ------------------------------------------


def page_for(win, label: str):
    return getattr(win, f"{label.lower()}_page")


def test_sidebar_view_menu_and_shortcuts_are_in_one_order(qtbot, win):
    assert [label for _key, label in NAV_ITEMS] == EXPECTED_ORDER
    nav = win.nav
    assert [nav.item(i).text() for i in range(nav.count())] == EXPECTED_ORDER
    assert [nav.item(i).toolTip() for i in range(nav.count())] == \
        [f"{label} (Ctrl+{n})" for n, label in enumerate(EXPECTED_ORDER, 1)]
    view = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    assert [(a.text().replace("&", ""), a.shortcut().toString()) for a in view.actions()] == \
        [(label, f"Ctrl+{n}") for n, label in enumerate(EXPECTED_ORDER, 1)]


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6])
def test_ctrl_number_and_a_click_on_the_sidebar_show_the_same_page(qtbot, win, number):
    label = EXPECTED_ORDER[number - 1]
    other = 5 if number != 5 else 1
    qtbot.keyClick(win, getattr(Qt.Key, f"Key_{other}"), Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(win, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
    by_key = win.stack.currentWidget()
    assert by_key is page_for(win, label)
    assert win.nav.currentRow() == number - 1 and win.nav.currentItem().text() == label

    qtbot.keyClick(win, getattr(Qt.Key, f"Key_{other}"), Qt.KeyboardModifier.ControlModifier)
    assert win.stack.currentWidget() is not by_key
    rect = win.nav.visualItemRect(win.nav.item(number - 1))
    qtbot.mouseClick(win.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.stack.currentWidget() is by_key
    assert win.nav.currentRow() == number - 1


def test_the_sidebar_follows_pages_opened_another_way(qtbot, win, demo_db):
    open_client_by_keyboard(qtbot, win, "José")
    assert win.nav.currentItem().text() == "Clients"
    qtbot.keyClick(win, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert win.nav.currentItem().text() == "People"
    qtbot.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert win.stack.currentWidget() is win.clients_page


# -- Ctrl+K finds sponsors and organizations --------------------------------------------------


def search_and_open(qtbot, win, text: str) -> None:
    def find(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        assert QApplication.focusWidget() is dialog.query
        type_text(QApplication.focusWidget(), text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        if dialog.isVisible():  # Enter opened nothing: close it, the test fails below
            dialog.reject()
            raise AssertionError(f"Enter opened nothing for {text!r}")

    state = when_modal(find)
    qtbot.keyClick(win, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert state["done"] and state["error"] is None


def test_ctrl_k_vogel_enter_shows_the_sponsor_on_the_people_page(qtbot, win, demo_db):
    search_and_open(qtbot, win, "Vogel")
    page = win.people_page
    assert win.stack.currentWidget() is page
    assert win.nav.currentItem().text() == "People"
    assert page.tabs.currentWidget() is page.sponsors
    assert [r.name for r in page.sponsors.selected_rows()] == ["Katrin Vogel"]
    activate(qtbot, win)
    assert page.sponsors.table.hasFocus()


def test_ctrl_k_finds_an_organization_by_its_name_without_accents(qtbot, win):
    search_and_open(qtbot, win, "lumiere")
    page = win.people_page
    assert page.tabs.currentWidget() is page.organizations
    assert [r.name for r in page.organizations.selected_rows()] == ["Atelier Lumière"]


def test_ctrl_k_finds_an_archived_sponsor_and_shows_it(qtbot, win, demo_db):
    priya = next(p for p in sponsors.list_all(demo_db) if p.name == "Priya Raman")
    sponsors.archive(demo_db, priya.id)
    search_and_open(qtbot, win, "priya")
    listing = win.people_page.sponsors
    assert listing.show_archived.isChecked()
    assert [r.id for r in listing.selected_rows()] == [priya.id]


def test_ctrl_k_lists_people_first_with_their_kind(qtbot, win, demo_db):
    organizations.create(demo_db, "Vogel & Söhne <b>")
    seen = {}

    def look(dialog):
        type_text(dialog.query, "vogel")
        dialog.run_search()
        model = dialog.model
        seen["rows"] = [model.index(r).data(Qt.ItemDataRole.AccessibleTextRole)
                        for r in range(model.rowCount())]
        dialog.reject()

    state = when_modal(look)
    qtbot.keyClick(win, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert state["done"] and state["error"] is None
    assert seen["rows"][:2] == ["Sponsor, Katrin Vogel", "Organization, Vogel & Söhne <b>"]


def test_tab_in_the_private_notes_moves_to_the_shareable_summary(qtbot, win, demo_db):
    """Tab leaves the private notes for the shareable summary, as in every other form: it
    used to type a tab into the private box, so a summary meant for the sponsor landed
    among the private notes."""
    from ui_helpers import keys

    open_client_by_mouse(qtbot, win, "José Álvarez García")
    table = win.client_page.session_table
    rect = table.visualRect(win.client_page.session_model.index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = win.session_page
    notes = page.private_notes
    assert QApplication.focusWidget() is notes
    before = notes.toPlainText()
    keys(qtbot, " tired")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.shared_summary
    keys(qtbot, "Agreed next steps")
    assert notes.toPlainText() == before + " tired"
    assert page.shared_summary.toPlainText().endswith("Agreed next steps")
    assert "\t" not in notes.toPlainText()
