"""Settings → Business & invoices: typed through the keyboard, checked before anything is
written (a wrong IBAN keeps every tab as it was), saved with the dialog's Save."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import keys, when_modal

from coachdesk.services import business
from coachdesk.services import settings as settings_service
from ui.context import AppContext
from ui.main_window import MainWindow


@pytest.fixture
def win(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.resize(1024, 640)
    window.show()
    qtbot.waitExposed(window)
    return window


def business_tab(qtbot, dialog):
    """Ctrl+Tab from the first tab until the Business & invoices tab shows, then Tab into
    its first field."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    for _ in range(dialog.tabs.count()):
        if dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Business && invoices":
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab,
                       Qt.KeyboardModifier.ControlModifier)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Business && invoices"
    tab = dialog.business_tab
    for _ in range(10):
        if QApplication.focusWidget() is tab.name:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is tab.name
    return tab


def retype(qtbot, text: str) -> None:
    """Ctrl+A, then type over what the field held."""
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys(qtbot, text)


def test_business_details_typed_are_saved_and_a_wrong_iban_saves_nothing(qtbot, win, demo_db):
    minutes_before = settings_service.default_session_minutes(demo_db)
    name_before = business.get(demo_db).name  # the demo's coach has business details
    seen = {}

    def fill(dialog):
        tab = business_tab(qtbot, dialog)
        retype(qtbot, "Anne Müller Coaching <b>&")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is tab.address
        retype(qtbot, "Hafenstr. 1")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        keys(qtbot, "20457 Hamburg")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        retype(qtbot, "DE 123 456 789")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        retype(qtbot, "Anne Müller")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is tab.iban
        retype(qtbot, "DE89 3704 0044 0532 0130 01")  # one digit wrong
        dialog.session_minutes.setValue(95)  # set-up: a change on another tab
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        seen["open"] = dialog.isVisible()
        seen["error"] = dialog.errors["business_iban"].text()
        seen["focus"] = QApplication.focusWidget() is tab.iban
        seen["saved_minutes"] = settings_service.default_session_minutes(demo_db)
        seen["saved_name"] = business.get(demo_db).name
        qtbot.keyClick(tab.iban, Qt.Key.Key_Backspace)
        keys(qtbot, "0")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        retype(qtbot, "cobadeffxxx")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is tab.currency
        tab.currency.lineEdit().selectAll()
        keys(qtbot, "chf")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is tab.vat_rate
        tab.vat_rate.selectAll()
        keys(qtbot, "7,7")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        tab.payment_days.selectAll()
        keys(qtbot, "14")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        retype(qtbot, "Registered in Hamburg")
        qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)

    state = when_modal(fill)
    win.open_settings()
    assert state["done"] and state["error"] is None
    assert seen["open"] and seen["focus"] and "check digits" in seen["error"]
    assert seen["saved_minutes"] == minutes_before and seen["saved_name"] == name_before
    details = business.get(demo_db)
    assert details.name == "Anne Müller Coaching <b>&"
    assert details.address == "Hafenstr. 1\n20457 Hamburg"
    assert details.vat_number == "DE123456789"
    assert details.account_holder == "Anne Müller"
    assert details.iban == "DE89370400440532013000"
    assert details.bic == "COBADEFFXXX"
    assert (details.currency, details.vat_rate, details.payment_days) == ("CHF", 770, 14)
    assert details.footer == "Registered in Hamburg"
    assert settings_service.default_session_minutes(demo_db) == 95  # the other tabs saved too

    again = {}

    def look(dialog):
        tab = dialog.business_tab
        again.update(iban=tab.iban.text(), rate=tab.vat_rate.text(),
                     currency=tab.currency.currentText())
        dialog.reject()

    state = when_modal(look)
    win.open_settings()
    assert state["done"] and state["error"] is None
    assert again == {"iban": "DE89 3704 0044 0532 0130 00", "rate": "7.7", "currency": "CHF"}
