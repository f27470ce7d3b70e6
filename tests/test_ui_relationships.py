"""The Relationships tab: stakeholder map, the client's motivational value system in a
triangle, blocking patterns. Driven through the widgets a coach touches."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from ui_helpers import type_text, when_modal

from coachdesk.models import RelationshipTrend, StakeholderRelation
from coachdesk.services import clients, relationships
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.stakeholder_table import INFLUENCE, NAME, NOTES, QUALITY, SORT_ROLE
from ui.pages.client_relationships import RelationshipsTab

HOSTILE = '<b>&"\' 🙂 راشد الأمين 陈静'


@pytest.fixture
def win(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_tab(win, name: str) -> RelationshipsTab:
    target = next(r for r in clients.list_rows(win.ctx.db) if r.name == name)
    win.open_client(target.id)
    page = win.client_page
    tab = next(t for t in page.section_tabs if isinstance(t, RelationshipsTab))
    page.show_tab(tab)
    assert tab.client is not None and tab.client.id == target.id
    return tab


@pytest.fixture
def tab(win):
    return open_tab(win, "José Álvarez García")


def table_names(tab) -> list[str]:
    proxy = tab.stakeholder_proxy
    return [proxy.index(r, NAME).data() for r in range(proxy.rowCount())]


def select_stakeholder(tab, name: str) -> None:
    row = table_names(tab).index(name)
    tab.stakeholder_table.selectRow(row)
    assert tab.selected_stakeholder().name == name


def set_spins(qtbot, tab, blue: int, red: int, green: int) -> None:
    for key, value in (("blue", blue), ("red", red), ("green", green)):
        spin = tab.spins[key]
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, str(value))
        assert spin.value() == value


def test_private_note_is_on_top(tab):
    assert tab.private_note.isVisible()
    assert "Private: kept on this computer; not in sponsor reports unless you choose to " \
           "include the map" in tab.private_note.text()


def test_add_a_stakeholder_through_the_dialog_hostile_name_survives(qtbot, tab, demo_db):
    before = len(relationships.stakeholders(demo_db, tab.client.id))
    seen = {}

    def fill(dialog):
        type_text(dialog.name, HOSTILE)
        type_text(dialog.role, "مديرة المالية / CFO")
        dialog.relation.setCurrentIndex(dialog.relation.findData("manager"))
        dialog.influence.setCurrentIndex(dialog.influence.findData(5))
        dialog.quality.setCurrentIndex(dialog.quality.findData(2))
        dialog.trend.setCurrentIndex(dialog.trend.findData("worsening"))
        type_text(dialog.notes, "Wants numbers first.")
        qtbot.keyClick(dialog.notes, Qt.Key.Key_Return)
        type_text(dialog.notes, "Second line stays in the tooltip.")
        qtbot.keyClicks(dialog.mvs_edits["blue"], "10")
        qtbot.keyClicks(dialog.mvs_edits["red"], "30")
        qtbot.keyClicks(dialog.mvs_edits["green"], "60")
        seen["hint"] = dialog.mvs_hint.text()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = when_modal(fill)
    qtbot.mouseClick(tab.add_stakeholder_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    assert seen["hint"] == "Adds up to 100 ✓"

    rows = relationships.stakeholders(demo_db, tab.client.id)
    assert len(rows) == before + 1
    new = next(s for s in rows if s.name == HOSTILE)
    assert new.relation == StakeholderRelation.manager and new.influence == 5
    assert new.relationship_quality == 2 and new.trend == RelationshipTrend.worsening
    assert (new.mvs_blue, new.mvs_red, new.mvs_green) == (10, 30, 60)

    # On screen exactly as typed, selected, and sorted by influence (most first).
    assert HOSTILE in table_names(tab)
    assert tab.selected_stakeholder().id == new.id
    proxy = tab.stakeholder_proxy
    row = table_names(tab).index(HOSTILE)
    assert proxy.index(row, QUALITY).data() == "2 ↓ strained"
    assert proxy.index(row, NOTES).data() == "Wants numbers first."
    assert "Second line" in proxy.index(row, NOTES).data(Qt.ItemDataRole.ToolTipRole)
    influences = [proxy.index(r, INFLUENCE).data(SORT_ROLE) for r in range(proxy.rowCount())]
    assert influences == sorted(influences, reverse=True)
    # ... and placed in the triangle as a dot.
    dot = next(p for p in tab.triangle.people if HOSTILE in p.tip)
    assert not dot.is_client and (dot.blue, dot.red, dot.green) == (10, 30, 60)


def test_stakeholder_dialog_shows_errors_beside_the_field_and_saves_nothing(qtbot, tab, demo_db):
    before = len(relationships.stakeholders(demo_db, tab.client.id))
    seen = {}

    def fill(dialog):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["name_error"] = dialog.errors["name"].text()
        seen["count_after_empty"] = len(relationships.stakeholders(demo_db, tab.client.id))
        qtbot.keyClicks(dialog.name, "Paula Lind")
        qtbot.keyClicks(dialog.mvs_edits["blue"], "50")
        qtbot.keyClicks(dialog.mvs_edits["red"], "30")
        qtbot.keyClicks(dialog.mvs_edits["green"], "30")
        seen["hint"] = dialog.mvs_hint.text()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["mvs_error"] = dialog.errors["mvs"].text()
        seen["mvs_error_shown"] = not dialog.errors["mvs"].isHidden()
        seen["still_open"] = dialog.isVisible()
        seen["count_after_bad_mvs"] = len(relationships.stakeholders(demo_db, tab.client.id))
        for edit in dialog.mvs_edits.values():  # all three empty: no motivation recorded
            edit.clear()
        # Influence, relationship and trend start unchosen: the coach's view, not a default.
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["unchosen"] = dialog.errors["influence"].text()
        seen["all_said"] = [dialog.errors[f].isVisible() for f in
                            ("influence", "relationship_quality", "trend")]
        seen["unchosen_focus"] = dialog.focusWidget() is dialog.influence  # the cursor there
        seen["count_unchosen"] = len(relationships.stakeholders(demo_db, tab.client.id))
        for combo in (dialog.influence, dialog.quality, dialog.trend):
            combo.setFocus()
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        seen["cleared"] = [dialog.errors[f].isHidden() for f in
                           ("influence", "relationship_quality", "trend")]
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        if dialog.isVisible():
            dialog.reject()

    state = when_modal(fill)
    qtbot.mouseClick(tab.add_stakeholder_button, Qt.MouseButton.LeftButton)
    assert state["error"] is None
    assert seen["unchosen"] == ("Choose how much this person can affect the client's goals, "
                                "as you see it.")
    assert seen["unchosen_focus"] and seen["count_unchosen"] == before
    assert seen["all_said"] == [True] * 3  # all three at once, not one per Save
    assert seen["cleared"] == [True] * 3  # each goes once chosen
    assert seen["name_error"] == "The stakeholder's name cannot be empty."
    assert seen["hint"] == "Adds up to 110; needs 100."
    assert seen["mvs_error_shown"] and seen["still_open"]
    assert seen["mvs_error"] == "Blue, Red and Green must add up to 100; they add up to 110."
    assert seen["count_after_empty"] == before == seen["count_after_bad_mvs"]
    new = next(s for s in relationships.stakeholders(demo_db, tab.client.id)
               if s.name == "Paula Lind")
    assert relationships.stakeholder_mvs(new) is None
    assert not any("Paula Lind" in p.tip for p in tab.triangle.people)


def test_edit_a_stakeholder_keeps_the_row_selected(qtbot, tab, demo_db):
    s = relationships.add_stakeholder(demo_db, tab.client.id, "Ola Nordmann", influence=1)
    tab.reload()
    select_stakeholder(tab, "Ola Nordmann")

    def fill(dialog):
        assert dialog.name.text() == "Ola Nordmann"
        dialog.quality.setCurrentIndex(dialog.quality.findData(5))
        dialog.trend.setCurrentIndex(dialog.trend.findData("improving"))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    state = when_modal(fill)
    qtbot.mouseClick(tab.edit_stakeholder_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    assert relationships.get_stakeholder(demo_db, s.id).relationship_quality == 5
    assert tab.selected_stakeholder().id == s.id
    row = table_names(tab).index("Ola Nordmann")
    assert tab.stakeholder_proxy.index(row, QUALITY).data() == "5 ↑ excellent"


def test_client_mvs_that_does_not_add_up_is_refused_and_nothing_saved(qtbot, tab, demo_db):
    before = relationships.client_mvs(demo_db, tab.client.id)
    before = None if before is None else (before.blue, before.red, before.green)
    set_spins(qtbot, tab, 50, 30, 30)
    assert tab.sum_hint.text().startswith("Adds up to 110; needs 100.")
    qtbot.mouseClick(tab.save_mvs_button, Qt.MouseButton.LeftButton)
    assert not tab.mvs_error.isHidden()
    assert tab.mvs_error.text() == "Blue, Red and Green must add up to 100; they add up to 110."
    after = relationships.client_mvs(demo_db, tab.client.id)
    assert (None if after is None else (after.blue, after.red, after.green)) == before
    # The refused numbers stay on screen to be fixed, not thrown away.
    assert tab._spin_values() == (50, 30, 30)


def test_valid_client_mvs_places_the_client_in_the_triangle(qtbot, tab, demo_db, monkeypatch):
    set_spins(qtbot, tab, 10, 50, 40)
    assert tab.sum_hint.text().startswith("Adds up to 100 ✓")
    qtbot.mouseClick(tab.save_mvs_button, Qt.MouseButton.LeftButton)
    assert tab.mvs_error.isHidden()
    row = relationships.client_mvs(demo_db, tab.client.id)
    assert (row.blue, row.red, row.green) == (10, 50, 40)
    me = [p for p in tab.triangle.people if p.is_client]
    assert len(me) == 1
    assert me[0].label == "José Álvarez García" and (me[0].blue, me[0].red, me[0].green) == \
        (10, 50, 40)
    assert tab.region_label.text().startswith("Red-Green — Judicious-competing: ")
    assert tab.sum_hint.text() == "Adds up to 100 ✓"  # no "(not saved)" any more

    # Clear asks first; "No" keeps it, "Yes" removes it from the picture.
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    qtbot.mouseClick(tab.clear_mvs_button, Qt.MouseButton.LeftButton)
    assert relationships.client_mvs(demo_db, tab.client.id) is not None
    qtbot.mouseClick(tab.clear_mvs_button, Qt.MouseButton.LeftButton)
    assert relationships.client_mvs(demo_db, tab.client.id) is None
    assert not any(p.is_client for p in tab.triangle.people)
    assert tab.region_label.text().startswith("No motivational value system recorded")


def test_leaving_the_page_keeps_a_blend_typed_but_not_saved(qtbot, win, tab, demo_db):
    set_spins(qtbot, tab, 60, 20, 20)
    assert "(not saved yet)" in tab.sum_hint.text()
    qtbot.mouseClick(win.client_page.back_button, Qt.MouseButton.LeftButton)
    row = relationships.client_mvs(demo_db, tab.client.id)
    assert (row.blue, row.red, row.green) == (60, 20, 20)


def test_patterns_add_move_and_remove(qtbot, tab, demo_db, monkeypatch):
    client_id = tab.client.id
    start = [p.pattern for p in relationships.patterns(demo_db, client_id)]

    def adder(text, when, cost):
        def fill(dialog):
            type_text(dialog.text, text)
            type_text(dialog.when, when)
            type_text(dialog.costs, cost)
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return fill

    refused = {}

    def empty(dialog):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        refused["error"] = dialog.errors["pattern"].text()
        refused["open"] = dialog.isVisible()
        dialog.reject()

    state = when_modal(empty)
    qtbot.mouseClick(tab.add_pattern_button, Qt.MouseButton.LeftButton)
    assert state["done"] and refused == {"error": "The pattern cannot be empty.", "open": True}
    assert [p.pattern for p in relationships.patterns(demo_db, client_id)] == start

    for args in (("Takes over when the team is slow", "Deadlines", "Team stops deciding"),
                 (HOSTILE, "Board prep", "Late nights")):
        state = when_modal(adder(*args))
        qtbot.mouseClick(tab.add_pattern_button, Qt.MouseButton.LeftButton)
        assert state["done"] and state["error"] is None
    assert [p.pattern for p in relationships.patterns(demo_db, client_id)] == \
        start + ["Takes over when the team is slow", HOSTILE]
    model = tab.pattern_model
    assert model.index(model.rowCount() - 1, 0).data() == HOSTILE
    # The new pattern is selected: move it up one place.
    assert tab.selected_pattern().pattern == HOSTILE
    assert not tab.pattern_down_button.isEnabled()
    qtbot.mouseClick(tab.pattern_up_button, Qt.MouseButton.LeftButton)
    assert [p.pattern for p in relationships.patterns(demo_db, client_id)] == \
        start + [HOSTILE, "Takes over when the team is slow"]
    assert tab.selected_pattern().pattern == HOSTILE  # still selected after the move
    assert model.index(len(start), 0).data() == HOSTILE
    qtbot.mouseClick(tab.pattern_down_button, Qt.MouseButton.LeftButton)
    assert [p.pattern for p in relationships.patterns(demo_db, client_id)][-1] == HOSTILE

    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    qtbot.mouseClick(tab.remove_pattern_button, Qt.MouseButton.LeftButton)
    assert HOSTILE in [p.pattern for p in relationships.patterns(demo_db, client_id)]
    qtbot.mouseClick(tab.remove_pattern_button, Qt.MouseButton.LeftButton)
    assert [p.pattern for p in relationships.patterns(demo_db, client_id)] == \
        start + ["Takes over when the team is slow"]
    assert model.rowCount() == len(start) + 1


def test_remove_a_stakeholder_asks_and_removes(qtbot, tab, demo_db, monkeypatch):
    s = relationships.add_stakeholder(demo_db, tab.client.id, "Ximena Ruiz", influence=4)
    relationships.set_stakeholder_mvs(demo_db, s.id, 40, 40, 20)
    tab.reload()
    assert any("Ximena Ruiz" in p.tip for p in tab.triangle.people)
    select_stakeholder(tab, "Ximena Ruiz")
    asked = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    qtbot.mouseClick(tab.remove_stakeholder_button, Qt.MouseButton.LeftButton)
    assert "Remove Ximena Ruiz from the stakeholder map?" in asked[0]
    assert "Ximena Ruiz" in [x.name for x in relationships.stakeholders(demo_db, tab.client.id)]
    assert "Ximena Ruiz" in table_names(tab)
    select_stakeholder(tab, "Ximena Ruiz")
    qtbot.mouseClick(tab.remove_stakeholder_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2
    assert "Ximena Ruiz" not in [x.name for x in relationships.stakeholders(demo_db,
                                                                           tab.client.id)]
    assert "Ximena Ruiz" not in table_names(tab)
    assert not any("Ximena Ruiz" in p.tip for p in tab.triangle.people)
    assert not tab.remove_stakeholder_button.isEnabled()  # nothing selected any more


def test_another_client_gets_their_own_map(qtbot, win, demo_db):
    first = open_tab(win, "José Álvarez García")
    relationships.add_stakeholder(demo_db, first.client.id, "Only for José")
    first.reload()
    assert "Only for José" in table_names(first)
    other = next(r for r in clients.list_rows(demo_db) if r.name != "José Álvarez García")
    win.open_client(other.id)
    assert first.client.id == other.id  # the tab on screen reloaded for the new client
    assert "Only for José" not in table_names(first)


def test_triangle_draws_everyone_it_can_place(qtbot):
    from ui.widgets.mvs_triangle import MvsTriangle, PlacedPerson

    triangle = MvsTriangle()
    qtbot.addWidget(triangle)
    triangle.resize(360, 320)
    triangle.set_people([PlacedPerson("Client", 20, 45, 35, True),
                         PlacedPerson(HOSTILE * 3, 20, 45, 35),  # same spot, long name
                         PlacedPerson("Nobody", 0, 0, 0)])  # cannot be placed: skipped
    assert not triangle.grab().isNull()
    assert [p.label for _at, p in triangle._spots] == [HOSTILE * 3, "Client"]
    client_at = next(at for at, p in triangle._spots if p.is_client)
    # Blue 20, Red 45, Green 35: left of the middle, below the centre.
    assert client_at.x() < triangle.width() / 2 and client_at.y() > triangle.height() / 2
