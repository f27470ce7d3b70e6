"""The Goals tab: goals scaled the GAS way, rated over time, and the T-score in plain words."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from ui_helpers import shown_text, type_text, when_modal

from coachdesk.services import clients, engagements, goals
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.goals_table import COL_NOW, COL_TITLE
from ui.pages.client_goals import GoalsTab, t_score_text

HOSTILE = "Lead <b>&\"' 🙂 قيادة 领导"
OBJECTIVES = "1. Delegate with confidence\n2) Build the <b>team's</b> trust & candour\n\n" \
             "- 陈静 and راشد: a development plan 🙂\n"


@pytest.fixture
def win(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def jose(db):
    return next(r for r in clients.list_rows(db) if r.name.startswith("José"))


def current_engagement(db, client_id):
    return engagements.pick_current(engagements.list_all(db, client_id=client_id))


def open_goals(qtbot, win, client_id) -> GoalsTab:
    """Open the client and click the Goals tab, as a coach would."""
    win.open_client(client_id)
    page = win.client_page
    tab = next(w for w in page.section_tabs if isinstance(w, GoalsTab))
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(page.tabs.indexOf(tab)).center())
    assert page.tabs.currentWidget() is tab
    return tab


def clear_goals(db, engagement_id):
    for g in goals.list_for_engagement(db, engagement_id):
        goals.delete(db, g.id)


def click(qtbot, button):
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def titles_on_screen(tab) -> list[str]:
    m = tab.model
    return [shown_text(m.data(m.index(r, COL_TITLE), Qt.ItemDataRole.ToolTipRole))
            for r in range(m.rowCount())]


def test_add_goal_refuses_a_bad_weight_beside_the_field_and_keeps_hostile_text(qtbot, win, demo_db):
    client = jose(demo_db)
    engagement = current_engagement(demo_db, client.id)
    clear_goals(demo_db, engagement.id)
    tab = open_goals(qtbot, win, client.id)
    assert tab.model.rowCount() == 0
    assert "No goals yet" in tab.hint.text() and tab.hint.isVisibleTo(tab)
    assert not tab.rate_button.isEnabled()
    seen = {}

    def fill(dialog):
        dialog.title.setFocus()
        type_text(dialog.title, HOSTILE)
        dialog.weight.selectAll()
        qtbot.keyClicks(dialog.weight, "heavy")
        dialog.baseline.setCurrentIndex(dialog.baseline.findData(-2))
        dialog.levels[0].setFocus()
        type_text(dialog.levels[0], "Delegates two projects <i>a month</i> & says so")
        click(qtbot, dialog.save_button)
        weight_error = dialog.errors["weight"]
        seen["open_after_bad_weight"] = dialog.isVisible()
        seen["weight_error"] = weight_error.text() if weight_error.isVisibleTo(dialog) else ""
        seen["title_error_hidden"] = not dialog.errors["title"].isVisibleTo(dialog)
        seen["general_error_hidden"] = not dialog.general_error.isVisibleTo(dialog)
        seen["goals_meanwhile"] = len(goals.list_for_engagement(demo_db, engagement.id))
        dialog.weight.selectAll()
        qtbot.keyClicks(dialog.weight, "0")
        click(qtbot, dialog.save_button)
        seen["zero_error"] = dialog.errors["weight"].text()
        dialog.weight.selectAll()
        qtbot.keyClicks(dialog.weight, "2,5")  # a decimal comma is fine
        click(qtbot, dialog.save_button)

    state = when_modal(fill)
    click(qtbot, tab.add_button)
    assert state["done"] and state["error"] is None
    assert seen["open_after_bad_weight"]
    assert seen["weight_error"] == "The weight must be a number."
    assert seen["title_error_hidden"] and seen["general_error_hidden"]
    assert seen["goals_meanwhile"] == 0  # nothing half-saved
    assert "more than 0" in seen["zero_error"]

    [stored] = goals.list_for_engagement(demo_db, engagement.id)
    assert stored.title == HOSTILE
    assert stored.weight == 2.5 and stored.baseline_level == -2
    assert stored.level_0 == "Delegates two projects <i>a month</i> & says so"
    # On screen exactly as typed, and selected.
    assert titles_on_screen(tab) == [HOSTILE]
    assert tab.model.data(tab.model.index(0, COL_TITLE)) == HOSTILE
    assert tab.selected_goal_id() == stored.id
    assert tab.model.data(tab.model.index(0, COL_NOW)).startswith("-2 Much less")
    # One goal, not rated: the T-score stands at its baseline, and the tab says what to do.
    t = goals.engagement_t_score(demo_db, engagement.id)
    assert tab.t_score_label.text() == t_score_text(t, t) == f"GAS T-score {t:.0f} (baseline {t:.0f})"
    assert "No progress ratings yet" in tab.hint.text()


def test_goals_from_the_agreed_objectives_one_per_line_and_explained_when_nothing_to_do(
        qtbot, win, demo_db):
    client = jose(demo_db)
    engagement = current_engagement(demo_db, client.id)
    clear_goals(demo_db, engagement.id)
    engagements.update(demo_db, engagement.id, objectives=OBJECTIVES)
    tab = open_goals(qtbot, win, client.id)

    click(qtbot, tab.objectives_button)
    expected = ["Delegate with confidence", "Build the <b>team's</b> trust & candour",
                "陈静 and راشد: a development plan 🙂"]
    assert goals.parse_objectives(OBJECTIVES) == expected
    assert [g.title for g in goals.list_for_engagement(demo_db, engagement.id)] == expected
    assert titles_on_screen(tab) == expected
    assert "3 goals made" in tab.notice.text()
    assert tab.t_score_label.text().startswith("GAS T-score")

    # Again: nothing doubled, and the tab says why.
    click(qtbot, tab.objectives_button)
    assert tab.model.rowCount() == 3
    assert "already has a goal" in tab.notice.text() and tab.notice.isVisibleTo(tab)

    # A new line in the objectives adds just that one.
    engagements.update(demo_db, engagement.id, objectives=OBJECTIVES + "4. Speak up at the board")
    tab.ctx.notify("engagement")
    click(qtbot, tab.objectives_button)
    assert titles_on_screen(tab) == expected + ["Speak up at the board"]
    assert "(3 already had one)" in tab.notice.text()

    # No objectives written: explained, nothing made.
    engagements.update(demo_db, engagement.id, objectives="   \n")
    clear_goals(demo_db, engagement.id)
    tab.ctx.notify("goal")
    assert tab.model.rowCount() == 0
    click(qtbot, tab.objectives_button)
    assert "no agreed objectives yet" in tab.notice.text()
    assert goals.list_for_engagement(demo_db, engagement.id) == []


def test_rating_a_goal_updates_its_level_and_the_t_score(qtbot, win, demo_db):
    client = jose(demo_db)
    engagement = current_engagement(demo_db, client.id)
    clear_goals(demo_db, engagement.id)
    first = goals.create(demo_db, engagement.id, "Delegate with confidence", weight=2,
                         baseline_level=-1, level_p2="Team runs a quarter <b>alone</b> & well")
    goals.create(demo_db, engagement.id, "Build trust", baseline_level=-2)
    tab = open_goals(qtbot, win, client.id)
    before = tab.t_score_label.text()
    baseline = goals.baseline_t_score(demo_db, engagement.id)
    assert before == t_score_text(baseline, baseline)
    points_before = tab.levels_chart.point_count()
    tab.table.selectRow(0)
    assert tab.selected_goal_id() == first.id
    seen = {}

    def rate(dialog):
        seen["words"] = dialog.findChild(QLabel, "ratingLevelP2Words").text()
        seen["checked"] = dialog.level()
        dialog.date.setDate(QDate.currentDate())
        click(qtbot, dialog.level_buttons[2])
        dialog.comment.setFocus()
        type_text(dialog.comment, "Took the Q3 plan <b>alone</b> 🙂")
        click(qtbot, dialog.save_button)

    state = when_modal(rate)
    click(qtbot, tab.rate_button)
    assert state["done"] and state["error"] is None
    # The goal's own description of +2 was shown beside the choice, as typed.
    assert seen["words"] == "Team runs a quarter <b>alone</b> & well"
    assert seen["checked"] is None  # no level is chosen for the coach

    [rating] = goals.ratings(demo_db, first.id)
    assert rating.level == 2 and rating.rating_date == date.today()
    assert rating.comment == "Took the Q3 plan <b>alone</b> 🙂"
    now = tab.model.data(tab.model.index(0, COL_NOW))
    assert now == "+2 Much more"
    t = goals.engagement_t_score(demo_db, engagement.id)
    assert t != baseline
    assert tab.t_score_label.text() == f"GAS T-score {t:.0f} (baseline {baseline:.0f})"
    assert "up" in tab.meaning_label.text()
    assert tab.levels_chart.point_count() == points_before + 1
    assert [round(p.value, 6) for p in tab.t_chart.series[0].points][-1] == round(t, 6)
    assert "No progress ratings yet" not in tab.hint.text() or tab.hint.isHidden()


def test_delete_asks_first_and_then_removes(qtbot, win, demo_db):
    client = jose(demo_db)
    engagement = current_engagement(demo_db, client.id)
    clear_goals(demo_db, engagement.id)
    keep = goals.create(demo_db, engagement.id, "Keep me")
    doomed = goals.create(demo_db, engagement.id, HOSTILE)
    goals.add_rating(demo_db, doomed.id, date.today(), 1)
    tab = open_goals(qtbot, win, client.id)
    tab.table.selectRow(1)
    asked = {}

    def answer(button):
        def act(box):
            asked.setdefault("texts", []).append(shown_text(box.text()))
            box.button(button).click()
        return act

    state = when_modal(answer(QMessageBox.StandardButton.No))
    click(qtbot, tab.delete_button)
    assert state["done"] and state["error"] is None
    assert len(goals.list_for_engagement(demo_db, engagement.id)) == 2
    assert tab.model.rowCount() == 2

    state = when_modal(answer(QMessageBox.StandardButton.Yes))
    click(qtbot, tab.delete_button)
    assert state["done"] and state["error"] is None
    assert HOSTILE in asked["texts"][0] and "1 progress rating" in asked["texts"][0]
    assert [g.id for g in goals.list_for_engagement(demo_db, engagement.id)] == [keep.id]
    assert titles_on_screen(tab) == ["Keep me"]
    assert goals.ratings(demo_db, doomed.id) == []


def test_move_goals_up_and_down(qtbot, win, demo_db):
    client = jose(demo_db)
    engagement = current_engagement(demo_db, client.id)
    clear_goals(demo_db, engagement.id)
    a, b, c = (goals.create(demo_db, engagement.id, t) for t in ("A", "B", "C"))
    tab = open_goals(qtbot, win, client.id)
    tab.table.selectRow(0)
    assert not tab.up_button.isEnabled()
    click(qtbot, tab.down_button)
    assert [g.id for g in goals.list_for_engagement(demo_db, engagement.id)] == [b.id, a.id, c.id]
    assert titles_on_screen(tab) == ["B", "A", "C"]
    assert tab.selected_goal_id() == a.id  # the moved goal stays selected
    click(qtbot, tab.down_button)
    assert titles_on_screen(tab) == ["B", "C", "A"]
    assert not tab.down_button.isEnabled()
    click(qtbot, tab.up_button)
    assert [g.title for g in goals.list_for_engagement(demo_db, engagement.id)] == ["B", "A", "C"]


def test_empty_states_and_the_formula_in_the_help(qtbot, win, demo_db):
    newcomer = clients.create(demo_db, name="Nadia Newcomer")
    tab = open_goals(qtbot, win, newcomer.id)
    assert tab.no_engagement.isVisibleTo(tab) and "No engagement yet" in tab.no_engagement.text()
    assert not tab.splitter.isVisibleTo(tab) and not tab.add_button.isEnabled()

    client = jose(demo_db)
    engagement = current_engagement(demo_db, client.id)
    goals.create(demo_db, engagement.id, "Something to score")
    tab = open_goals(qtbot, win, client.id)
    assert not tab.no_engagement.isVisibleTo(tab)
    assert tab.engagement_combo.currentData() == engagement.id
    help_text = tab.help_button.toolTip()
    assert "T = 50 + 10·Σ(wᵢxᵢ) / √((1−ρ)·Σwᵢ² + ρ·(Σwᵢ)²)" in help_text
    assert "ρ = 0.3" in help_text and "Kiresuk" in help_text
    assert "50 means the goals are met as expected on average" in tab.meaning_label.text()


def test_a_mistaken_rating_can_be_deleted_from_the_rating_dialog(qtbot, win, demo_db):
    client = jose(demo_db)
    engagement = current_engagement(demo_db, client.id)
    clear_goals(demo_db, engagement.id)
    goal = goals.create(demo_db, engagement.id, "Delegate", baseline_level=-1)
    kept = goals.add_rating(demo_db, goal.id, date(2025, 3, 1), 0, "fine")
    wrong = goals.add_rating(demo_db, goal.id, date(2025, 4, 1), -2, "typo <b>&")
    tab = open_goals(qtbot, win, client.id)
    assert tab.model.data(tab.model.index(0, COL_NOW)) == "-2 Much less"
    seen = {}

    def delete_newest(dialog):
        seen["rows"] = dialog.history_model.rowCount()
        seen["newest"] = dialog.history_model.item(0).text()
        assert not dialog.delete_rating_button.isEnabled()
        dialog.history.setCurrentIndex(dialog.history_model.index(0, 0))
        confirm = when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        click(qtbot, dialog.delete_rating_button)
        seen["confirmed"] = confirm["done"] and confirm["error"] is None
        seen["rows_after"] = dialog.history_model.rowCount()
        dialog.reject()  # deleting needed no save

    state = when_modal(delete_newest)
    click(qtbot, tab.rate_button)
    assert state["done"] and state["error"] is None
    assert seen["rows"] == 2 and seen["newest"].startswith("1 Apr 2025 · -2")
    assert "typo <b>&" in seen["newest"]
    assert seen["confirmed"] and seen["rows_after"] == 1
    assert [r.id for r in goals.ratings(demo_db, goal.id)] == [kept.id] != [wrong.id]
    assert tab.model.data(tab.model.index(0, COL_NOW)) == "0 Expected"
    t = goals.engagement_t_score(demo_db, engagement.id)
    assert tab.t_score_label.text().startswith(f"GAS T-score {t:.0f} ")


def test_the_engagement_chooser_shows_each_engagements_own_goals(qtbot, win, demo_db):
    client = jose(demo_db)
    current = current_engagement(demo_db, client.id)
    earlier = engagements.create(demo_db, client.id, date(2023, 1, 9), status="completed",
                                 end_date=date(2023, 7, 1), objectives="Old aim")
    goals.create(demo_db, earlier.id, "An old goal")
    tab = open_goals(qtbot, win, client.id)
    combo = tab.engagement_combo
    assert combo.count() == len(engagements.list_all(demo_db, client_id=client.id))
    assert combo.currentData() == current.id  # the current one by default
    current_titles = [g.title for g in goals.list_for_engagement(demo_db, current.id)]
    assert titles_on_screen(tab) == current_titles
    combo.setCurrentIndex(combo.findData(earlier.id))
    assert "Jan 2023 – Jul 2023" in combo.currentText()
    assert titles_on_screen(tab) == ["An old goal"]
    t = goals.engagement_t_score(demo_db, earlier.id)
    assert tab.t_score_label.text() == f"GAS T-score {t:.0f} (baseline {t:.0f})"
