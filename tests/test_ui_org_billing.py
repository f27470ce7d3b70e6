"""The organisation editor on the People page shows and saves where invoices go, through
the keyboard; a wrong VAT number is said under its field and nothing typed is lost."""

from __future__ import annotations

import pytest
import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import keys, type_text, when_modal

from coachdesk.services import organizations


@pytest.fixture
def win(qtbot, demo_db):
    return ui_helpers.shown_window(qtbot, demo_db, (1024, 640))


def open_org_list(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    page = win.people_page
    listing = page.list_of("organization")
    page.tabs.setCurrentWidget(listing)
    return listing


def tab_to(qtbot, dialog, widget, limit: int = 20) -> None:
    """Press Tab until ``widget`` has the cursor, as a coach walks through a form."""
    for _ in range(limit):
        if QApplication.focusWidget() is widget:
            return
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is widget


def retype(qtbot, text: str) -> None:
    """Ctrl+A, then type over what the field held (the demo has billing details)."""
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys(qtbot, text)


def test_billing_details_typed_in_the_editor_are_saved_and_shown_again(qtbot, win, demo_db):
    listing = open_org_list(qtbot, win)
    name = "Atelier Lumière"
    row = [listing.proxy.index(r, 0).data() for r in range(listing.proxy.rowCount())].index(name)
    listing.table.setFocus()
    listing.table.setCurrentIndex(listing.proxy.index(row, 0))
    seen = {}

    def edit(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        tab_to(qtbot, dialog, dialog.billing_contact)
        retype(qtbot, "Comptabilité fournisseurs")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        retype(qtbot, "factures@lumiere.example")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.billing_address
        retype(qtbot, "12 rue de la Paix")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # a new line
        type_text(QApplication.focusWidget(), "75002 Paris <b>&")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        retype(qtbot, "FR12#ABC")  # a sign no VAT number has: refused, kept
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        seen["error"] = dialog.errors["vat_number"].text()
        seen["open"] = dialog.isVisible()
        seen["focus"] = QApplication.focusWidget() is dialog.vat_number
        qtbot.keyClick(dialog.vat_number, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        keys(qtbot, "fr 12 345678901")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    state = when_modal(edit)
    qtbot.keyClick(listing.table, Qt.Key.Key_Return)
    assert state["done"] and state["error"] is None
    assert seen["open"] and seen["focus"] and "VAT number" in seen["error"]
    assert "ABC" not in seen["error"]
    org = next(o for o in organizations.list_all(demo_db) if o.name == name)
    assert org.billing_contact == "Comptabilité fournisseurs"
    assert org.billing_email == "factures@lumiere.example"
    assert org.billing_address == "12 rue de la Paix\n75002 Paris <b>&"
    assert org.vat_number == "FR12345678901"

    again = {}

    def look(dialog):
        again["address"] = dialog.billing_address.toPlainText()
        again["vat"] = dialog.vat_number.text()
        dialog.reject()

    state = when_modal(look)
    qtbot.keyClick(listing.table, Qt.Key.Key_Return)
    assert state["done"] and state["error"] is None
    assert again == {"address": "12 rue de la Paix\n75002 Paris <b>&",
                     "vat": "FR12345678901"}
