"""NUL and other control characters in names (issue 12, item 15 part).

A name, an e-mail address, a phone number, a job title or a role is one line: it ends up
in an e-mail header, a file name, a calendar line. A control character (NUL, bell,
escape, the C1 codes) there is refused with a plain sentence naming the field; tabs and
line breaks (a paste from a table or a letter) become one space. Checked in
``services/validation.py`` (``one_line``, ``name``, ``email``) so every service and the
practice import use the same rule.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlmodel import select

from coachdesk.errors import ValidationError
from coachdesk.models import Client
from coachdesk.services import clients, organizations, relationships, sponsors
from coachdesk.services import validation as v

CONTROL = ["Ann\x00Lee", "Ann\x07Lee", "\x1b[31mAnn", "Ann\x7f", "Ann\x90Lee"]


@pytest.mark.parametrize("name", CONTROL)
def test_the_services_refuse_a_control_character_in_a_name(db, name):
    org = organizations.create(db, "Acme")
    client = clients.create(db, "Ann Lee")
    makers = [
        ("The client's name", lambda: clients.create(db, name)),
        ("The client's name", lambda: clients.update(db, client.id, name=name)),
        ("The sponsor's name", lambda: sponsors.create(db, name)),
        ("The organization's name", lambda: organizations.create(db, name)),
        ("The organization's name", lambda: organizations.update(db, org.id, name=name)),
        ("The stakeholder's name", lambda: relationships.add_stakeholder(db, client.id, name)),
    ]
    for label, make in makers:
        with pytest.raises(ValidationError) as info:
            make()
        message = str(info.value)
        assert info.value.field == "name" and message.startswith(label)
        assert "control character" in message and name not in message and "\x00" not in message
    assert clients.get(db, client.id).name == "Ann Lee"
    assert [c.name for c in clients.list_rows(db)] == ["Ann Lee"]


@pytest.mark.parametrize("field,make", [
    ("email", lambda db, c: clients.update(db, c.id, email="ann\x00@example.com")),
    ("email", lambda db, c: sponsors.create(db, "Kat Vogel", email="kat@exa\x00mple.com")),
    ("phone", lambda db, c: clients.update(db, c.id, phone="+49\x00 30")),
    ("job_title", lambda db, c: clients.update(db, c.id, job_title="CFO\x07")),
    ("role", lambda db, c: sponsors.create(db, "Kat Vogel", role="HR\x1b")),
])
def test_other_one_line_fields_refuse_them_too(db, field, make):
    client = clients.create(db, "Ann Lee", email="ann@example.com")
    with pytest.raises(ValidationError) as info:
        make(db, client)
    assert info.value.field == field and "control character" in str(info.value)
    assert "example" not in str(info.value)
    assert clients.get(db, client.id).email == "ann@example.com"


def test_tabs_and_line_breaks_in_a_name_become_one_space(db):
    client = clients.create(db, "Ann\tLee\r\n Smith\u2028", job_title="Head of\nSales",
                            email=" ann@example.com\n")
    got = clients.get(db, client.id)
    assert (got.name, got.job_title, got.email) == ("Ann Lee Smith", "Head of Sales",
                                                    "ann@example.com")
    sponsor = sponsors.create(db, "Kat\nVogel", role="HR\tPartner")
    assert (sponsor.name, sponsor.role) == ("Kat Vogel", "HR Partner")
    # Free text keeps its lines and tabs.
    clients.update(db, client.id, background="first\tline\nsecond")
    assert clients.get(db, client.id).background == "first\tline\nsecond"


def test_a_name_of_line_breaks_only_is_empty(db):
    with pytest.raises(ValidationError, match="cannot be empty"):
        clients.create(db, "\n\t\r\n")


def test_one_line_has_a_size_limit(db):
    assert len(clients.create(db, "Ж" * v.ONE_LINE_MAX).name) == v.ONE_LINE_MAX
    with pytest.raises(ValidationError, match="too long"):
        clients.create(db, "Ж" * (v.ONE_LINE_MAX + 1))


# -- the same through the client dialog ----------------------------------------------------------


def _activate(qtbot, window) -> None:
    if not window.isActiveWindow():
        window.activateWindow()
        window.windowHandle().requestActivate()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def _client_names(db) -> list[str]:
    with db.session() as s:
        return list(s.exec(select(Client.name)))


def test_the_new_client_dialog_says_why_and_keeps_the_text(qtbot, win):
    from ui.dialogs.people import NewClientDialog

    db = win.ctx.db
    before = _client_names(db)
    dialog = NewClientDialog(win.ctx, win)
    qtbot.addWidget(dialog)
    dialog.show()
    _activate(qtbot, dialog)
    assert QApplication.focusWidget() is dialog.name
    qtbot.keyClicks(QApplication.focusWidget(), "Ann ")
    # A NUL cannot be typed; it comes with a paste (from a PDF, a web page, a database).
    QApplication.clipboard().setText("Lee\x00Smith")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.name.text() == "Ann Lee\x00Smith"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.errors["name"].text()), timeout=2000)
    message = dialog.errors["name"].text()
    assert "control character" in message and "Smith" not in message
    assert dialog.isVisible() and dialog.name.text() == "Ann Lee\x00Smith"  # kept to correct
    assert _client_names(db) == before
    # Corrected: the NUL goes, the client is saved.
    dialog.name.setFocus()
    qtbot.waitUntil(dialog.name.hasFocus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
    for _ in range(len("\x00Smith")):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backspace)
    qtbot.keyClicks(QApplication.focusWidget(), " Smith")
    assert dialog.name.text() == "Ann Lee Smith"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert "Ann Lee Smith" in _client_names(db)


def test_a_pasted_name_with_a_line_break_is_saved_on_one_line(qtbot, win):
    from ui.dialogs.people import NewClientDialog

    dialog = NewClientDialog(win.ctx, win)
    qtbot.addWidget(dialog)
    dialog.show()
    _activate(qtbot, dialog)
    QApplication.clipboard().setText("Maya\tOkafor\n")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert "Maya Okafor" in _client_names(win.ctx.db)
