"""GROW Options as a coach uses them: typed options show, Chosen ticks by mouse and Space,
cells edit in place, Del removes (and Undo brings back), the worksheet prints the choice."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem
from test_ui_views import activate, assert_views_show_models
from ui_helpers import type_text

from coachdesk.services import clients, grow, sessions

HOSTILE = '<b>&"\' 🙂 مرحبا بك 你好 — ' + "a long option that wraps " * 8


def jose(db):
    return next(r for r in clients.list_rows(db) if r.name.startswith("José"))


def open_grow(qtbot, win, session_id: int):
    """Open the session, then its GROW tab with a click on the tab."""
    win.open_session(session_id)
    page = win.session_page
    bar = page.tabs.tabBar()
    index = next(i for i in range(page.tabs.count()) if page.tabs.tabText(i).startswith("GROW"))
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert page.tabs.currentWidget() is page.grow
    return page.grow


def shown_options(g) -> list[tuple[bool, str, str]]:
    """What the table shows: one tuple per row the view lays out."""
    view, model = g.options_view, g.options_model
    assert view.verticalHeader().count() == model.rowCount()
    out = []
    for r in range(view.verticalHeader().count()):
        assert not view.isRowHidden(r) and view.rowHeight(r) > 0
        chosen = model.index(r, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        out.append((chosen, model.index(r, 1).data(), model.index(r, 2).data()))
    return out


def cell_centre(view, row: int, column: int) -> QPoint:
    view.scrollTo(view.model().index(row, column))
    return view.visualRect(view.model().index(row, column)).center()


def check_box_centre(view, row: int) -> QPoint:
    index = view.model().index(row, 0)
    option = QStyleOptionViewItem()
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    option.rect = view.visualRect(index)
    return view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator,
                                       option, view).center()


def commit(qtbot, view):
    """Enter in a cell's editor: the delegate saves and closes it (queued, as on screen)."""
    editor = QApplication.focusWidget()
    assert editor is not view and view.isAncestorOf(editor)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(view.hasFocus)


def editor_open(qtbot, view):
    """The cell editor, once open with the cursor after the text (as the coach sees it)."""
    editor = QApplication.focusWidget()
    assert editor is not view and view.isAncestorOf(editor)
    qtbot.waitUntil(lambda: not editor.hasSelectedText())
    assert editor.cursorPosition() == len(editor.text())
    return editor


def new_session(db, client_id: int, when: date):
    engagement = sessions.list_for_client(db, client_id)[0].engagement_id
    return sessions.create(db, engagement, when, duration_minutes=60, status="held")


def with_options(db, *texts):
    """Set-up: a new session of José's today whose worksheet has these options."""
    s = new_session(db, jose(db).id, date.today())
    ws = grow.for_session(db, s.id)
    for text in texts:
        grow.add_option(db, ws.id, text)
    return s, ws


def test_the_demo_options_show_in_the_table(qtbot, win, demo_db):
    """A demo session of José's with three options: the table shows all three, one chosen.
    (The demo's dates follow today: the session is found by its options, not its date.)"""
    for s in sessions.list_for_client(demo_db, jose(demo_db).id):
        ws = grow.for_session(demo_db, s.id)
        stored = [(o.chosen, o.text, o.notes) for o in grow.options(demo_db, ws.id)]
        if len(stored) == 3:
            break
    else:
        pytest.fail("no demo session of José's has three options")
    g = open_grow(qtbot, win, s.id)
    assert shown_options(g) == stored
    assert [c for c, _t, _n in shown_options(g)].count(True) == 1
    assert_views_show_models(win)


def test_options_typed_show_at_once_and_after_reopening(qtbot, win, demo_db):
    client = jose(demo_db)
    s = new_session(demo_db, client.id, date.today())
    g = open_grow(qtbot, win, s.id)
    assert shown_options(g) == []
    activate(qtbot, win)
    g.ensureWidgetVisible(g.new_option)
    qtbot.mouseClick(g.new_option, Qt.MouseButton.LeftButton)
    assert g.new_option.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Hire a deputy")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert g.new_option.hasFocus() and g.new_option.text() == ""  # ready for the next one
    type_text(QApplication.focusWidget(), HOSTILE)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert shown_options(g) == [(False, "Hire a deputy", ""), (False, HOSTILE.strip(), "")]
    # The long option wraps: its row is taller than the short one's.
    assert g.options_view.rowHeight(1) > g.options_view.rowHeight(0)
    assert_views_show_models(win)
    # Away and back: the options are still there.
    win.show_clients()
    win.open_client(client.id)
    g = open_grow(qtbot, win, s.id)
    assert [t for _c, t, _n in shown_options(g)] == ["Hire a deputy", HOSTILE.strip()]
    # An empty option is refused next to the field; nothing is added.
    activate(qtbot, win)
    g.new_option.setFocus()
    assert g.new_option.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "   ")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert "cannot be empty" in g.option_error.text() and not g.option_error.isHidden()
    assert g.options_model.rowCount() == 2


def test_chosen_ticks_with_space_and_mouse_and_the_worksheet_prints_it(qtbot, win, demo_db,
                                                                         tmp_path):
    from pypdf import PdfReader

    from ui.dialogs.print_preview import build_worksheet_pdf

    s, ws = with_options(demo_db, "Hire a deputy", "Drop the Monday report", "Ask the board")
    g = open_grow(qtbot, win, s.id)
    activate(qtbot, win)
    view = g.options_view
    # A click on the option's text selects the row; Space ticks it as chosen.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(view, 1, 1))
    assert view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert [c for c, _t, _n in shown_options(g)] == [False, True, False]
    assert [o.chosen for o in grow.options(demo_db, ws.id)] == [False, True, False]
    # Space again unticks; a click on the box ticks another.
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert [o.chosen for o in grow.options(demo_db, ws.id)] == [False, False, False]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=check_box_centre(view, 2))
    assert [c for c, _t, _n in shown_options(g)] == [False, False, True]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(view, 1, 2))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert [o.chosen for o in grow.options(demo_db, ws.id)] == [False, True, True]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=check_box_centre(view, 2))
    assert [o.chosen for o in grow.options(demo_db, ws.id)] == [False, True, False]
    # The filled worksheet prints the choice.
    out = build_worksheet_pdf(demo_db, s.id, False, tmp_path / "ws.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "No option was chosen" not in text
    # "✓ Chosen" is printed in the chosen option's row: after it, before the next one.
    assert text.count("✓ Chosen") == 1
    assert text.index("Drop the Monday report") < text.index("✓ Chosen") < text.index("Ask the board")


def test_an_option_is_corrected_in_place_and_an_emptied_one_is_refused(qtbot, win, demo_db):
    s, ws = with_options(demo_db, "Hire a deputy", "Ask the board")
    g = open_grow(qtbot, win, s.id)
    activate(qtbot, win)
    view = g.options_view
    # Double-click the text, type a new one, Enter keeps it.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(view, 0, 1))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(view, 0, 1))
    editor = editor_open(qtbot, view)
    assert editor.text() == "Hire a deputy"
    type_text(editor, " <b>&\"' 陈")  # added after the text, nothing replaced
    commit(qtbot, view)
    assert shown_options(g)[0][1] == "Hire a deputy <b>&\"' 陈"
    assert grow.options(demo_db, ws.id)[0].text == "Hire a deputy <b>&\"' 陈"
    # F2 on the notes of the second option.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(view, 1, 2))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    qtbot.keyClicks(editor_open(qtbot, view), "Most energy here")
    commit(qtbot, view)
    assert shown_options(g)[1] == (False, "Ask the board", "Most energy here")
    assert grow.options(demo_db, ws.id)[1].notes == "Most energy here"
    assert view.hasFocus()
    # Emptying an option's text is refused with a sentence; the option keeps its text.
    view.setCurrentIndex(g.options_model.index(1, 1))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = editor_open(qtbot, view)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    commit(qtbot, view)
    assert "cannot be empty" in g.option_error.text() and not g.option_error.isHidden()
    assert shown_options(g)[1][1] == "Ask the board"
    assert grow.options(demo_db, ws.id)[1].text == "Ask the board"
    assert_views_show_models(win)


def test_del_removes_the_selected_option_and_undo_brings_it_back(qtbot, win, demo_db):
    s, ws = with_options(demo_db, "First", "Second", "Third")
    second = grow.options(demo_db, ws.id)[1]
    grow.update_option(demo_db, second.id, chosen=True, notes="Felt right")
    g = open_grow(qtbot, win, s.id)
    activate(qtbot, win)
    view = g.options_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(view, 1, 1))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [t for _c, t, _n in shown_options(g)] == ["First", "Third"]
    assert [o.text for o in grow.options(demo_db, ws.id)] == ["First", "Third"]
    assert_views_show_models(win)
    assert not g.undo_remove_button.isHidden() and "Second" in g.removed_label.text()
    qtbot.mouseClick(g.undo_remove_button, Qt.MouseButton.LeftButton)
    assert shown_options(g) == [(False, "First", ""), (True, "Second", "Felt right"),
                                (False, "Third", "")]
    assert g.undo_remove_button.isHidden()
    # The Remove button does the same for the selected row.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(view, 2, 1))
    qtbot.mouseClick(g.remove_option_button, Qt.MouseButton.LeftButton)
    assert [t for _c, t, _n in shown_options(g)] == ["First", "Second"]
    assert_views_show_models(win)


def test_a_removed_option_comes_back_where_it_was(db):
    """``add_option`` with ``position`` and ``chosen``: what Undo uses (engine, no screen)."""
    from coachdesk.services import engagements

    anna = clients.create(db, "Anna Lindqvist")
    eng = engagements.create(db, anna.id, "2026-01-05")
    ws = grow.for_session(db, sessions.create(db, eng.id, "2026-03-02").id)
    first, second, third = (grow.add_option(db, ws.id, t) for t in ("First", "Second", "Third"))
    grow.update_option(db, second.id, chosen=True, notes="Felt right")
    [kept] = [o for o in grow.options(db, ws.id) if o.id == second.id]
    grow.remove_option(db, second.id)
    grow.add_option(db, ws.id, kept.text, kept.notes, chosen=kept.chosen, position=kept.position)
    assert [(o.text, o.chosen, o.notes) for o in grow.options(db, ws.id)] == \
        [("First", False, ""), ("Second", True, "Felt right"), ("Third", False, "")]
    assert grow.add_option(db, ws.id, "Fourth").position == third.position + 1


def test_an_option_being_typed_is_saved_when_the_coach_moves_on(qtbot, win, demo_db):
    """Half-way through editing a cell, Ctrl+1 (Clients) or another session: kept."""
    s, ws = with_options(demo_db, "Hire a deputy")
    g = open_grow(qtbot, win, s.id)
    activate(qtbot, win)
    view = g.options_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(view, 0, 2))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    type_text(editor_open(qtbot, view), "Costs 80k <b>&")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert win.stack.currentWidget() is win.clients_page
    assert grow.options(demo_db, ws.id)[0].notes == "Costs 80k <b>&"
    # And when another session is opened straight from the cell (a search hit, say).
    g = open_grow(qtbot, win, s.id)
    activate(qtbot, win)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(view, 0, 1))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    type_text(editor_open(qtbot, view), " soon")
    other = sessions.list_for_client(demo_db, jose(demo_db).id)[-1]
    win.open_session(other.id)
    assert grow.options(demo_db, ws.id)[0].text == "Hire a deputy soon"


def test_tab_leaves_the_options_table_for_the_new_option_field(qtbot, win, demo_db):
    s, ws = with_options(demo_db, "Hire a deputy")
    g = open_grow(qtbot, win, s.id)
    activate(qtbot, win)
    view = g.options_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(view, 0, 1))
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert g.new_option.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Ask the board")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert [t for _c, t, _n in shown_options(g)] == ["Hire a deputy", "Ask the board"]
