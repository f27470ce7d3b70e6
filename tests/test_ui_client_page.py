"""The client page: autosave, validation next to the field, engagements, archive."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import type_text, when_modal

from coachdesk.models import ClientStatus, EngagementStatus
from coachdesk.services import clients, engagements, organizations, sponsors
from ui.context import AppContext
from ui.main_window import MainWindow

HOSTILE = '<b>&"\' 🙂👩🏽‍💼 راشد الأمين 陈静 Ünïcödé'


@pytest.fixture
def page(qtbot, demo_db):
    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    target = next(r for r in clients.list_rows(demo_db) if r.name == "José Álvarez García")
    win.open_client(target.id)
    return win.client_page


def test_typing_is_saved_without_any_save_button(qtbot, page, demo_db):
    page.job_title.setFocus()
    page.job_title.selectAll()
    qtbot.keyClicks(page.job_title, "VP Grid")
    # Saved within half a second while the coach is still on the field.
    qtbot.waitUntil(lambda: clients.get(demo_db, page.client.id).job_title == "VP Grid",
                    timeout=1500)
    assert page.saved_label.text() == "All changes saved ✓"


def test_focus_out_and_leaving_the_page_save_at_once(qtbot, page, demo_db):
    page.background.setFocus()
    page.background.moveCursor(page.background.textCursor().MoveOperation.End)
    type_text(page.background, " Wants a sparring partner.")
    page.phone.setFocus()  # focus leaves the notes: no waiting for the timer
    assert clients.get(demo_db, page.client.id).background.endswith("Wants a sparring partner.")
    page.background.setFocus()
    type_text(page.background, " Second thought.")
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert clients.get(demo_db, page.client.id).background.endswith("Second thought.")


def test_bad_email_is_explained_next_to_the_field_and_nothing_else_is_lost(qtbot, page, demo_db):
    before = clients.get(demo_db, page.client.id)
    page.email.setFocus()
    page.email.selectAll()
    qtbot.keyClicks(page.email, "jose at nordlicht")
    page.job_title.setFocus()
    page.job_title.selectAll()
    qtbot.keyClicks(page.job_title, "Director, Grid")
    page.saver.flush()
    saved = clients.get(demo_db, page.client.id)
    assert saved.email == before.email  # the refused value is not written...
    assert page.email.text() == "jose at nordlicht"  # ...and not thrown away either
    assert not page.errors["email"].isHidden()
    assert "does not look like an e-mail address" in page.errors["email"].text()
    assert saved.job_title == "Director, Grid"  # the valid change was saved
    assert page.saved_label.text() == "Some changes need fixing"
    page.email.selectAll()
    qtbot.keyClicks(page.email, "jose@nordlicht.example")
    page.saver.flush()
    assert clients.get(demo_db, page.client.id).email == "jose@nordlicht.example"
    assert page.errors["email"].isHidden()


def test_empty_name_is_refused_and_the_old_name_kept(qtbot, page, demo_db):
    page.name.setFocus()
    page.name.selectAll()
    qtbot.keyClick(page.name, Qt.Key.Key_Delete)
    page.saver.flush()
    assert clients.get(demo_db, page.client.id).name == "José Álvarez García"
    assert page.errors["name"].text() == "The client's name cannot be empty."


def test_hostile_text_and_a_1mb_paste_round_trip(qtbot, page, demo_db):
    big = ("Ligne <i>très</i> longue & \"citée\" 🙂 " * 30000)[:1_000_000]
    page.name.setFocus()
    page.name.selectAll()
    type_text(page.name, HOSTILE)
    page.background.setFocus()
    page.background.selectAll()
    page.background.insertPlainText(big)  # what a paste does
    page.saver.flush()
    stored = clients.get(demo_db, page.client.id)
    assert stored.name == HOSTILE
    assert stored.background == big
    # Reopening shows exactly what was typed, and the list shows the name as text.
    page.show_client(stored.id)
    assert page.name.text() == HOSTILE and page.background.toPlainText() == big
    assert page.title.text() == HOSTILE
    win = page.window()
    win.show_clients()
    cp = win.clients_page
    cp.reload()
    names = [cp.proxy.index(r, 0).data() for r in range(cp.proxy.rowCount())]
    assert HOSTILE in names


def test_status_and_start_date_save_when_changed(qtbot, page, demo_db):
    page.status.setCurrentIndex(page.status.findData("paused"))
    page.start_date.setDate(QDate(2025, 2, 3))
    stored = clients.get(demo_db, page.client.id)
    assert stored.status == ClientStatus.paused
    assert stored.start_date == date(2025, 2, 3)


def test_archive_asks_first_then_unarchive(qtbot, page, demo_db):
    hostile = "<a href='file:///etc/passwd'>x</a> & <b>Zoë</b>"
    clients.update(demo_db, page.client.id, name=hostile)
    page.show_client(page.client.id)
    asked = []

    def answer(button):
        def act(box):
            asked.append((box.text(), box.textFormat(), box.defaultButton()
                          is box.button(QMessageBox.StandardButton.No)))
            box.button(button).click()
        return act

    state = when_modal(answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(page.archive_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    assert clients.get(demo_db, page.client.id).status == ClientStatus.active  # said No
    state = when_modal(answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(page.archive_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    assert clients.get(demo_db, page.client.id).status == ClientStatus.archived
    text, text_format, no_by_default = asked[0]
    assert "Nothing is deleted" in text and hostile in text  # the name as typed...
    assert text_format == Qt.TextFormat.PlainText and no_by_default  # ...never a link
    assert page.archive_button.text() == "Unarchive client"
    qtbot.mouseClick(page.archive_button, Qt.MouseButton.LeftButton)
    assert clients.get(demo_db, page.client.id).status == ClientStatus.active


def test_new_organization_inline_from_the_client_page(qtbot, page, demo_db):
    def fill(dialog):
        type_text(dialog.name, "Grünwald & Söhne AG")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = when_modal(fill)
    qtbot.mouseClick(page.organization.new_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    org = next(o for o in organizations.list_all(demo_db) if o.name == "Grünwald & Söhne AG")
    assert page.organization.value() == org.id
    assert clients.get(demo_db, page.client.id).organization_id == org.id


def test_add_engagement_with_validation_and_an_inline_sponsor(qtbot, page, demo_db):
    seen = {}

    def fill(dialog):
        dialog.kind.setCurrentIndex(dialog.kind.findData("mentoring"))
        dialog.start.setDate(QDate(2026, 5, 1))
        dialog.end.setDate(QDate(2026, 4, 1))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["end_error"] = dialog.errors["end_date"].text()
        seen["still_open"] = dialog.isVisible()
        dialog.end.setDate(QDate(2026, 12, 1))
        dialog.fee.setText("abc")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["fee_error"] = dialog.errors["fee_cents"].text()
        dialog.fee.setText("3 600,50")
        dialog.sessions.setValue(8)

        def fill_sponsor(sd):
            type_text(sd.name, "Ines Ødegård")
            qtbot.keyClicks(sd.role, "CHRO")
            qtbot.mouseClick(sd.save_button, Qt.MouseButton.LeftButton)

        inner = when_modal(fill_sponsor)
        qtbot.mouseClick(dialog.sponsor.new_button, Qt.MouseButton.LeftButton)
        seen["inner"] = inner
        seen["sponsor_label"] = dialog.sponsor.combo.currentText()
        type_text(dialog.objectives, "Lead the <merger> & keep the team")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    before = len(engagements.list_all(demo_db, client_id=page.client.id))
    state = when_modal(fill)
    qtbot.mouseClick(page.add_engagement_button, Qt.MouseButton.LeftButton)
    assert state["error"] is None
    assert seen["end_error"] == "The end date cannot be before the start date."
    assert seen["still_open"] is True
    assert "fee must be an amount" in seen["fee_error"]
    assert seen["sponsor_label"] == "Ines Ødegård — CHRO"
    rows = engagements.list_all(demo_db, client_id=page.client.id)
    assert len(rows) == before + 1
    new = next(e for e in rows if e.kind.value == "mentoring")
    assert new.fee_cents == 360050 and new.sessions_agreed == 8
    assert new.objectives == "Lead the <merger> & keep the team"
    assert sponsors.get(demo_db, new.sponsor_id).name == "Ines Ødegård"
    assert page.engagement_model.rowCount() == before + 1


def test_end_an_engagement(qtbot, page, demo_db):
    page.engagement_table.selectRow(0)
    e = page.selected_engagement()
    assert e.status == EngagementStatus.active
    assert page.end_engagement_button.isEnabled()
    page.end_completed_action.trigger()
    ended = engagements.get(demo_db, e.id)
    assert ended.status == EngagementStatus.completed
    assert ended.end_date is not None
    assert page.engagement_model.index(0, 6).data() == "Completed"


def test_edit_engagement_by_double_click(qtbot, page, demo_db):
    def fill(dialog):
        dialog.sessions.setValue(14)
        dialog.pro_bono.setChecked(True)
        assert not dialog.fee.isEnabled()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    e = engagements.list_all(demo_db, client_id=page.client.id)[0]
    state = when_modal(fill)
    rect = page.engagement_table.visualRect(page.engagement_model.index(0, 0))
    qtbot.mouseClick(page.engagement_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.engagement_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert state["done"] and state["error"] is None
    updated = engagements.get(demo_db, e.id)
    assert updated.sessions_agreed == 14 and updated.pro_bono and updated.fee_cents is None
    assert updated.end_date >= updated.start_date - timedelta(days=0)


def test_each_client_page_shows_that_clients_own_details_and_saves_no_other(qtbot, win):
    """The page stays when the coach goes from client to client: every field must show the
    client opened now. A client without an organization opened after one with showed (and,
    at the next autosave, saved) the other client's organization, which then printed on
    the sponsor report."""
    db = win.ctx.db
    clients.create(db, "Nadia Without-Organization", phone="+44 20 7946 0000")
    page = win.client_page
    rows = sorted(clients.list_rows(db, include_archived=True), key=lambda r: r.name)
    assert any(clients.get(db, r.id).organization_id is None for r in rows)
    assert any(clients.get(db, r.id).organization_id is not None for r in rows)
    for row in rows:  # alphabetical: clients with and without one follow each other
        win.open_client(row.id)
        c = clients.get(db, row.id)
        shown = {"name": page.name.text(), "email": page.email.text(),
                 "job_title": page.job_title.text(), "phone": page.phone.text(),
                 "organization_id": page.organization.value(),
                 "organization": page.organization.combo.currentText(),
                 "background": page.background.toPlainText()}
        org = organizations.get(db, c.organization_id).name if c.organization_id else "— none —"
        assert shown == {"name": c.name, "email": c.email, "job_title": c.job_title,
                         "phone": c.phone, "organization_id": c.organization_id,
                         "organization": org, "background": c.background}, c.name
    nadia = next(r.id for r in rows if r.name == "Nadia Without-Organization")
    win.open_client(nadia)
    page.phone.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), " ext 12")  # an edit: the page saves itself
    page.saver.flush()
    saved = clients.get(db, nadia)
    assert saved.phone.endswith("ext 12") and saved.organization_id is None
