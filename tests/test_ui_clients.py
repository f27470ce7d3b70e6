"""The clients list and the window, driven through the widgets a coach touches."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from ui_helpers import type_text, when_modal

from coachdesk import demo
from coachdesk.services import clients
from ui.context import AppContext
from ui.main_window import MainWindow


def shown_window(qtbot, database):
    win = MainWindow(AppContext(database))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, db):
    return shown_window(qtbot, db)


@pytest.fixture
def demo_window(qtbot, demo_db):
    return shown_window(qtbot, demo_db)


def visible_names(page):
    proxy = page.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_first_start_shows_welcome_and_demo_fills_the_list(qtbot, window, db):
    assert window.stack.currentWidget() is window.welcome_page
    qtbot.mouseClick(window.welcome_page.demo_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.clients_page
    assert clients.count(db) == 12
    names = visible_names(window.clients_page)
    # "Current clients" hides the two archived demo clients.
    assert len(names) == 10
    assert "José Álvarez García" in names and "Mathieu Roussel" not in names
    assert window.clients_page.count_label.text() == "10 of 12 clients"


def test_start_my_practice_creates_the_first_client(qtbot, window, db):
    def fill(dialog):
        type_text(dialog.name, "Ngozi Adébáyọ̀")
        qtbot.keyClicks(dialog.job_title, "Chief People Officer")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = when_modal(fill)
    qtbot.mouseClick(window.welcome_page.start_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    assert window.stack.currentWidget() is window.client_page
    assert window.client_page.name.text() == "Ngozi Adébáyọ̀"
    [row] = clients.list_rows(db)
    assert row.name == "Ngozi Adébáyọ̀" and row.job_title == "Chief People Officer"


def test_new_client_dialog_refuses_an_empty_name_next_to_the_field(qtbot, demo_window, db):
    seen = {}

    def fill(dialog):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["visible"] = dialog.isVisible()
        seen["error"] = dialog.errors["name"].text()
        qtbot.keyClicks(dialog.email, "not-an-email")
        qtbot.keyClicks(dialog.name, "Valid Name")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["email_error"] = dialog.errors["email"].text()
        dialog.reject()

    when_modal(fill)
    qtbot.keyClick(demo_window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen["visible"] is True
    assert seen["error"] == "The client's name cannot be empty."
    assert "does not look like an e-mail address" in seen["email_error"]
    assert clients.count(db) == 12


def test_search_as_you_type_is_accent_insensitive_and_esc_clears(qtbot, demo_window):
    page = demo_window.clients_page
    qtbot.keyClick(demo_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "jose")
    assert visible_names(page) == ["José Álvarez García"]
    page.search.clear()
    qtbot.keyClicks(page.search, "MERCER")  # organization, any case
    assert sorted(visible_names(page)) == ["Amara Okafor", "Chen Jing (陈静)", "Søren Madsen"]
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""
    assert len(visible_names(page)) == 10
    qtbot.keyClicks(page.search, "no such person")
    assert visible_names(page) == []
    assert page.empty_label.isVisible() and "Esc" in page.empty_label.text()


def test_status_filter(qtbot, demo_window):
    page = demo_window.clients_page
    page.status_filter.setCurrentIndex(page.status_filter.findData("archived"))
    assert sorted(visible_names(page)) == ["Björn Eriksson", "Mathieu Roussel"]
    page.status_filter.setCurrentIndex(page.status_filter.findData("paused"))
    assert visible_names(page) == ["Łukasz Nowak"]
    page.status_filter.setCurrentIndex(page.status_filter.findData("all"))
    assert len(visible_names(page)) == 12


def test_header_click_sorts_and_enter_opens_the_client(qtbot, demo_window):
    page = demo_window.clients_page
    header = page.table.horizontalHeader()
    pos = header.sectionViewportPosition(1) + header.sectionSize(1) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.viewport().rect().center().__class__(pos, 5))
    orgs = [page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())]
    assert orgs == sorted(orgs, key=lambda s: s.casefold())
    assert orgs[0] == "Atelier Lumière"
    # Enter on the first row opens that client.
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    first_name = page.proxy.index(0, 0).data()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert demo_window.stack.currentWidget() is demo_window.client_page
    assert demo_window.client_page.title.text() == first_name


def test_double_click_opens_and_back_returns_with_the_client_selected(qtbot, demo_window):
    page = demo_window.clients_page
    qtbot.keyClicks(page.search, "søren")
    index = page.proxy.index(0, 0)
    rect = page.table.visualRect(index)
    # A real double-click is press, release, then a double-click event.
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert demo_window.client_page.title.text() == "Søren Madsen"
    qtbot.mouseClick(demo_window.client_page.back_button, Qt.MouseButton.LeftButton)
    assert demo_window.stack.currentWidget() is page
    assert page.table.currentIndex().data() == "Søren Madsen"


def test_list_reflects_edits_made_on_the_client_page(qtbot, demo_window, db):
    page = demo_window.clients_page
    target = next(r for r in clients.list_rows(db) if r.name == "Grace Mensah")
    demo_window.open_client(target.id)
    cp = demo_window.client_page
    cp.name.selectAll()
    qtbot.keyClicks(cp.name, "Grace Mensah-Boateng")
    qtbot.keyClick(cp.name, Qt.Key.Key_Tab)  # focus out saves at once
    qtbot.mouseClick(cp.back_button, Qt.MouseButton.LeftButton)
    assert "Grace Mensah-Boateng" in visible_names(page)


def test_demo_refused_on_a_practice_that_has_clients(qtbot, demo_window, monkeypatch, db):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    demo_window.load_demo()
    assert shown and "already has clients" in shown[0]
    assert clients.count(db) == 12


def test_many_clients_list_uses_the_model(qtbot, db):
    demo.populate(db, clients=600, seed=3)
    win = MainWindow(AppContext(db))
    qtbot.addWidget(win)
    page = win.clients_page
    page.status_filter.setCurrentIndex(page.status_filter.findData("all"))
    assert page.proxy.rowCount() == 600
    assert page.table.model() is page.proxy and page.proxy.sourceModel() is page.model
