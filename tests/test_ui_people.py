"""The People page, used as a coach uses it: type to filter, keys and clicks to add, edit,
archive and merge sponsors and organizations; what the lists show is checked, then the file."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from ui_helpers import type_text, when_modal

from coachdesk.services import clients, engagements, organizations, sponsors
from ui.context import AppContext
from ui.main_window import MainWindow

HOSTILE = '<b>&"\' 😀 ليلى 陈静'


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


def in_dialog(qtbot, act):
    """``when_modal``, acting once the dialog is the active window (keys go to it)."""
    def run(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        act(dialog)

    return when_modal(run)


def type_into(qtbot, dialog, widget, text: str) -> None:
    """Click into a field, as a person does, and type into whatever then has focus."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    focus = QApplication.focusWidget()
    assert focus is widget and dialog.isAncestorOf(focus)
    type_text(focus, text)


def people(qtbot, win, tab: str = "sponsor"):
    """Ctrl+5, then the tab."""
    qtbot.keyClick(win, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    page = win.people_page
    assert win.stack.currentWidget() is page
    listing = page.list_of(tab)
    if page.tabs.currentWidget() is not listing:
        bar = page.tabs.tabBar()
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                         pos=bar.tabRect(page.tabs.indexOf(listing)).center())
    assert page.tabs.currentWidget() is listing
    return listing


def shown(listing, column: int = 0) -> list[str]:
    """The cells the view shows in one column, top to bottom."""
    proxy = listing.proxy
    assert listing.table.isHidden() == (proxy.rowCount() == 0)  # (its tab may be hidden)
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def column_of(listing, header: str) -> int:
    model = listing.model
    return next(c for c in range(model.columnCount())
                if model.headerData(c, Qt.Orientation.Horizontal) == header)


def click_row(qtbot, listing, name: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    row = shown(listing).index(name)
    table = listing.table
    rect = table.visualRect(listing.proxy.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def double_click(qtbot, table, pos) -> None:
    """What a double-click sends: press and release, then the double-click and release."""
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_people_page_lists_the_demo_sponsors_and_filters_as_the_coach_types(qtbot, win):
    listing = people(qtbot, win)
    assert sorted(shown(listing)) == ["Dr Tom O'Brien", "Hélène Marchand", "Jürgen Aßmann",
                                      "Katrin Vogel", "Priya Raman"]
    assert listing.count_label.text() == "5 sponsors"
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F: the filter
    assert listing.filter.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "jurgen")  # accents ignored
    assert shown(listing) == ["Jürgen Aßmann"]
    assert listing.count_label.text() == "1 of 5 sponsors"
    qtbot.keyClick(listing.filter, Qt.Key.Key_Escape)
    qtbot.keyClicks(listing.filter, "NORDLICHT")  # by organization, any case
    assert sorted(shown(listing)) == ["Jürgen Aßmann", "Katrin Vogel"]
    listing.filter.clear()
    qtbot.keyClicks(listing.filter, "nobody like this")
    assert shown(listing) == [] and listing.empty_label.isVisible()

    orgs = people(qtbot, win, "organization")
    qtbot.keyClicks(orgs.filter, "lumiere")
    assert shown(orgs) == ["Atelier Lumière"]
    clients_col, sponsors_col = column_of(orgs, "Clients"), column_of(orgs, "Sponsors")
    expected = sum(1 for r in clients.list_rows(win.ctx.db) if r.organization == "Atelier Lumière")
    assert shown(orgs, clients_col) == [str(expected)] and shown(orgs, sponsors_col) == ["1"]


def test_columns_sort_by_a_click_on_their_header(qtbot, win):
    listing = people(qtbot, win)
    col = column_of(listing, "Engagements")
    header = listing.table.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    from PySide6.QtCore import QPoint

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    counts = [int(n) for n in shown(listing, col)]
    assert counts == sorted(counts) or counts == sorted(counts, reverse=True)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    again = [int(n) for n in shown(listing, col)]
    assert again == list(reversed(counts)) or again == sorted(again)


def test_new_sponsor_with_the_keyboard_shows_up_selected(qtbot, win, demo_db):
    listing = people(qtbot, win)

    def fill(dialog):
        if not isinstance(QApplication.focusWidget(), QLineEdit):
            qtbot.mouseClick(dialog.name, Qt.MouseButton.LeftButton)  # click into Name
        assert QApplication.focusWidget() is dialog.name
        type_text(QApplication.focusWidget(), HOSTILE)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), "Chief People Officer")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    state = in_dialog(qtbot, fill)
    qtbot.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # "&New sponsor…"
    qtbot.waitUntil(lambda: state["done"])  # a mnemonic clicks the button after a moment
    assert state["error"] is None
    assert HOSTILE in shown(listing)
    [selected] = listing.selected_rows()
    assert selected.name == HOSTILE and selected.role == "Chief People Officer"
    role_col = column_of(listing, "Role")
    row = shown(listing).index(HOSTILE)
    assert listing.proxy.index(row, role_col).data() == "Chief People Officer"
    assert [p.role for p in sponsors.list_all(demo_db) if p.name == HOSTILE] == \
        ["Chief People Officer"]


def test_enter_edits_the_selected_sponsor_and_the_list_shows_the_change(qtbot, win, demo_db):
    listing = people(qtbot, win)
    click_row(qtbot, listing, "Katrin Vogel")
    seen = {}

    def edit(dialog):
        seen["title"] = dialog.windowTitle()
        seen["name"] = dialog.name.text()
        dialog.role.clear()  # set-up: the coach would select the old role and type over it
        type_into(qtbot, dialog, dialog.role, "Head of People")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    state = in_dialog(qtbot, edit)
    qtbot.keyClick(listing.table, Qt.Key.Key_Return)
    assert state["done"] and state["error"] is None
    assert seen == {"title": "Edit sponsor", "name": "Katrin Vogel"}
    row = shown(listing).index("Katrin Vogel")
    assert listing.proxy.index(row, column_of(listing, "Role")).data() == "Head of People"
    assert [p.role for p in sponsors.list_all(demo_db) if p.name == "Katrin Vogel"] == \
        ["Head of People"]
    assert len(shown(listing)) == 5  # edited, not added


def test_a_bad_email_is_said_next_to_the_field_and_nothing_typed_is_lost(qtbot, win, demo_db):
    listing = people(qtbot, win)
    click_row(qtbot, listing, "Priya Raman")
    seen = {}

    def edit(dialog):
        dialog.email.clear()
        type_into(qtbot, dialog, dialog.email, "priya at mercer")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        seen["open"] = dialog.isVisible()
        seen["error"] = dialog.errors["email"].text()
        seen["typed"] = dialog.email.text()
        qtbot.keyClick(dialog.email, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.email, "priya@mercerhale.example")
        qtbot.keyClick(dialog.email, Qt.Key.Key_Return)

    state = in_dialog(qtbot, edit)
    double_click(qtbot, listing.table, listing.table.visualRect(listing.table.currentIndex())
                 .center())
    assert state["done"] and state["error"] is None
    assert seen["open"] and "e-mail" in seen["error"] and seen["typed"] == "priya at mercer"
    assert sponsors.get(demo_db, listing.selected_rows()[0].id).email == "priya@mercerhale.example"


def test_double_click_edits_an_organization_and_its_notes(qtbot, win, demo_db):
    orgs = people(qtbot, win, "organization")
    row = shown(orgs).index("Atelier Lumière")
    rect = orgs.table.visualRect(orgs.proxy.index(row, 0))

    def edit(dialog):
        assert dialog.name.text() == "Atelier Lumière"
        qtbot.mouseClick(dialog.notes, Qt.MouseButton.LeftButton)
        assert dialog.notes.hasFocus()
        qtbot.keyClick(dialog.notes, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        type_text(QApplication.focusWidget(), " Contact: 陈静 <b>&")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = in_dialog(qtbot, edit)
    double_click(qtbot, orgs.table, rect.center())
    assert state["done"] and state["error"] is None
    org = next(o for o in organizations.list_all(demo_db) if o.name == "Atelier Lumière")
    assert org.notes.endswith(" Contact: 陈静 <b>&")
    orgs.filter.setFocus()
    type_text(orgs.filter, "陈静")  # the filter reads the notes too
    assert shown(orgs) == ["Atelier Lumière"]


def test_merge_two_duplicate_sponsors_leaves_one_row_and_moves_the_engagement(qtbot, win,
                                                                              demo_db):
    katrin = next(p for p in sponsors.list_all(demo_db) if p.name == "Katrin Vogel")
    twin = sponsors.create(demo_db, "katrin  VÖGEL", phone="+49 30 555")
    client = clients.create(demo_db, "Anna Berg")
    moved = engagements.create(demo_db, client.id, date(2026, 3, 1), sponsor_id=twin.id)
    listing = people(qtbot, win)
    marker = column_of(listing, "Duplicate?")
    flagged = {n for n, m in zip(shown(listing), shown(listing, marker), strict=True) if m}
    assert flagged == {"Katrin Vogel", "katrin  VÖGEL"}
    qtbot.mouseClick(listing.duplicates_only, Qt.MouseButton.LeftButton)
    assert sorted(shown(listing)) == ["Katrin Vogel", "katrin  VÖGEL"]
    assert not listing.merge_button.isEnabled()
    click_row(qtbot, listing, "Katrin Vogel")
    click_row(qtbot, listing, "katrin  VÖGEL", Qt.KeyboardModifier.ControlModifier)
    assert listing.merge_button.isEnabled()
    seen = {}

    def merge(dialog):
        seen["keep"] = dialog.keep.currentText()
        seen["plan"] = dialog.plan.text()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = in_dialog(qtbot, merge)
    qtbot.mouseClick(listing.merge_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    assert seen["keep"].startswith("Katrin Vogel")  # the one most in use stays by default
    assert "1 engagement" in seen["plan"]
    assert "Not kept: the phone number +49 30 555" in seen["plan"]  # said before merging
    assert shown(listing) == [] and listing.empty_label.isVisible()  # no duplicates left
    qtbot.mouseClick(listing.duplicates_only, Qt.MouseButton.LeftButton)
    names = shown(listing)
    assert names.count("Katrin Vogel") == 1 and "katrin  VÖGEL" not in names
    assert engagements.get(demo_db, moved.id).sponsor_id == katrin.id
    row = names.index("Katrin Vogel")
    assert listing.proxy.index(row, column_of(listing, "Phone")).data() == katrin.phone
    assert [r.name for r in listing.selected_rows()] == ["Katrin Vogel"]


def test_merge_dialog_cancel_changes_nothing(qtbot, win, demo_db):
    twin = sponsors.create(demo_db, "Priya  Raman")
    listing = people(qtbot, win)
    click_row(qtbot, listing, "Priya Raman")
    click_row(qtbot, listing, "Priya  Raman", Qt.KeyboardModifier.ControlModifier)
    state = in_dialog(qtbot, lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
    qtbot.keyClick(win, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # "&Merge…"
    qtbot.waitUntil(lambda: state["done"])
    assert "Priya  Raman" in shown(listing) and sponsors.get(demo_db, twin.id)


def test_archive_hides_a_sponsor_unless_show_archived_and_unarchive_brings_it_back(
        qtbot, win, demo_db):
    listing = people(qtbot, win)
    click_row(qtbot, listing, "Priya Raman")
    qtbot.mouseClick(listing.archive_button, Qt.MouseButton.LeftButton)
    assert "Priya Raman" not in shown(listing) and len(shown(listing)) == 4
    qtbot.mouseClick(listing.show_archived, Qt.MouseButton.LeftButton)
    assert "Priya Raman (archived)" in shown(listing)
    click_row(qtbot, listing, "Priya Raman (archived)")
    assert listing.archive_button.text() == "Un&archive"
    qtbot.mouseClick(listing.archive_button, Qt.MouseButton.LeftButton)
    assert "Priya Raman" in shown(listing)
    assert not next(p for p in sponsors.list_all(demo_db, include_archived=True)
                    if p.name == "Priya Raman").archived


def test_changes_made_elsewhere_refresh_the_page(qtbot, win, demo_db):
    listing = people(qtbot, win)
    before = len(shown(listing))
    sponsors.create(demo_db, "Sven Olsen")
    win.ctx.notify("sponsor")  # what any dialog does after saving
    assert len(shown(listing)) == before + 1 and "Sven Olsen" in shown(listing)
    orgs = win.people_page.organizations
    org = organizations.create(demo_db, "Fjord AS")
    win.ctx.notify("organization")
    assert "Fjord AS" in shown(orgs)
    qtbot.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    sponsors.create(demo_db, "Ingrid Dahl", organization_id=org.id)
    win.ctx.notify("sponsor")  # while the page is hidden: read when it is shown again
    listing = people(qtbot, win)
    assert "Ingrid Dahl" in shown(listing)


def test_merge_two_organizations_keeping_the_one_chosen_with_the_keyboard(qtbot, win, demo_db):
    nord = next(o for o in organizations.list_all(demo_db) if o.name == "Nordlicht Energie GmbH")
    twin = organizations.create(demo_db, HOSTILE, notes="Berlin office")
    moved = clients.create(demo_db, "Anna Berg", organization_id=nord.id)
    organizations.update(demo_db, twin.id, name="nordlicht  energie GMBH")
    orgs = people(qtbot, win, "organization")
    names = shown(orgs)
    clients_col = column_of(orgs, "Clients")
    nord_clients = int(shown(orgs, clients_col)[names.index("Nordlicht Energie GmbH")])
    click_row(qtbot, orgs, "Nordlicht Energie GmbH")
    click_row(qtbot, orgs, "nordlicht  energie GMBH", Qt.KeyboardModifier.ShiftModifier)
    assert len(orgs.selected_rows()) == 2
    seen = {}

    def merge(dialog):
        # keep the twin instead: in the "Keep" field, an arrow key chooses
        dialog.keep.setFocus()
        assert dialog.keep.hasFocus()
        start = dialog.keep.currentIndex()
        qtbot.keyClick(dialog.keep, Qt.Key.Key_Down if start == 0 else Qt.Key.Key_Up)
        seen["keep"] = dialog.keep.currentData()
        seen["plan"] = dialog.plan.text()
        qtbot.keyClick(dialog.keep, Qt.Key.Key_Return)

    state = in_dialog(qtbot, merge)
    qtbot.mouseClick(orgs.merge_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    assert seen["keep"] == twin.id
    from coachdesk.services import invoices  # the demo bills Nordlicht: its invoices move too
    nord_invoices = sum(1 for v in invoices.list_invoices(demo_db) if v.organization_id == twin.id)
    assert f"{nord_clients} clients, 2 sponsors and {nord_invoices} invoices" in seen["plan"]
    names = shown(orgs)
    assert "nordlicht  energie GMBH" in names and "Nordlicht Energie GmbH" not in names
    row = names.index("nordlicht  energie GMBH")
    assert shown(orgs, clients_col)[row] == str(nord_clients)
    assert clients.get(demo_db, moved.id).organization_id == twin.id
    kept = organizations.get(demo_db, twin.id)
    assert kept.notes.startswith("Berlin office\n\n")  # both notes kept


def test_hostile_names_show_as_typed_in_the_list_and_the_merge_plan(qtbot, win, demo_db):
    a = sponsors.create(demo_db, HOSTILE, email="same@example.com")
    sponsors.create(demo_db, "Someone else", email="SAME@example.com ")
    listing = people(qtbot, win)
    assert HOSTILE in shown(listing)
    listing.filter.setFocus()
    type_text(listing.filter, "ليلى")
    assert shown(listing) == [HOSTILE]
    qtbot.keyClick(listing.filter, Qt.Key.Key_Escape)
    click_row(qtbot, listing, HOSTILE)
    click_row(qtbot, listing, "Someone else", Qt.KeyboardModifier.ControlModifier)
    seen = {}

    def look(dialog):
        seen["plan"] = dialog.plan.text()
        seen["format"] = dialog.plan.textFormat()
        dialog.reject()

    state = in_dialog(qtbot, look)
    qtbot.mouseClick(listing.merge_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    assert HOSTILE in seen["plan"] and seen["format"] == Qt.TextFormat.PlainText
    assert sponsors.get(demo_db, a.id).name == HOSTILE


def test_enter_in_the_filter_edits_the_match_and_down_moves_into_the_list(qtbot, win):
    listing = people(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "nordlicht")
    assert sorted(shown(listing)) == ["Jürgen Aßmann", "Katrin Vogel"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert listing.table.hasFocus() and listing.table.currentIndex().row() == 0
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    second = shown(listing)[1]
    assert [r.name for r in listing.selected_rows()] == [second]
    listing.filter.setFocus()
    assert listing.filter.hasFocus()
    seen = {}

    def look(dialog):
        seen["name"] = dialog.name.text()
        dialog.reject()

    state = in_dialog(qtbot, look)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert state["done"] and state["error"] is None
    assert seen["name"] == second  # the selected match, not the first
