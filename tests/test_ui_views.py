"""Every list and table shows what its model holds: after loading, and after adds, edits
and removals made through the screens.

Kept general: the walk clicks every sidebar page, a demo client and each of its tabs, a
session and each of its tabs, and checks every item view it finds, so a new page, tab or
view is covered without new test code. A view that missed its model's signals (someone
blocked them while rows were added) shows fewer rows than the model has: that is what
``view_problems`` finds. A code check keeps ``blockSignals(True)`` off models for good.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QListView,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)

from coachdesk.services import actions, clients, grow, sessions

ROOT = Path(__file__).resolve().parent.parent
ROW_LIMIT = 400  # rows looked at one by one in each view (enough for the demo practice)

#: a view may hide rows only when it says it filters them (``setProperty("filtersRows", True)``)
FILTERS_ROWS = "filtersRows"


def _name(view: QWidget) -> str:
    parts, w = [], view
    while w is not None and len(parts) < 4:
        parts.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return " in ".join(parts)


def _row_hidden(view: QAbstractItemView, row: int) -> bool:
    if isinstance(view, QTreeView):
        return view.isRowHidden(row, view.rootIndex())
    if isinstance(view, (QTableView, QListView)):
        return view.isRowHidden(row)
    return False


def _first_column(view: QAbstractItemView) -> int:
    if isinstance(view, QListView):
        return view.modelColumn()
    model = view.model()
    for c in range(model.columnCount(view.rootIndex())):
        hidden = view.isColumnHidden(c) if isinstance(view, (QTableView, QTreeView)) else False
        if not hidden:
            return c
    return 0


def view_problems(view: QAbstractItemView) -> list[str]:
    """Why ``view`` shows less (or other) than its model holds; empty when it agrees."""
    model = view.model()
    if model is None or isinstance(view, QHeaderView):
        return []
    name = _name(view)
    problems = []
    if model.signalsBlocked():
        problems.append(f"{name}: its model's signals are blocked, the view hears nothing")
    if isinstance(view, QTableView) and view.tabKeyNavigation():
        problems.append(f"{name}: Tab walks its cells and never reaches the next control "
                        "(setTabKeyNavigation(False): arrows move in a table, Tab moves on)")
    root = view.rootIndex()
    rows = model.rowCount(root)
    if isinstance(view, QTableView) and view.verticalHeader().count() != rows:
        problems.append(f"{name}: shows {view.verticalHeader().count()} rows, "
                        f"its model has {rows}")
    hidden = [r for r in range(min(rows, ROW_LIMIT)) if _row_hidden(view, r)]
    if hidden and not view.property(FILTERS_ROWS):
        problems.append(f"{name}: rows {hidden[:5]} are hidden though no filter says so")
    if view.isVisible() and rows:
        column = _first_column(view)
        missing = [r for r in range(min(rows, ROW_LIMIT)) if r not in hidden
                   and view.visualRect(model.index(r, column, root)).height() <= 0]
        if missing:
            problems.append(f"{name}: rows {missing[:5]} of {rows} are not laid out")
    return problems


def assert_views_show_models(window: QWidget) -> int:
    """Check every item view under ``window``; returns how many were looked at."""
    QApplication.processEvents()  # let delayed layouts run, as they would on screen
    views = window.findChildren(QAbstractItemView)
    problems = [p for v in views for p in view_problems(v)]
    assert not problems, "\n".join(problems)
    return len(views)


def _outer_tab_widgets(widget: QWidget) -> list[QTabWidget]:
    """Visible tab widgets under ``widget`` that are not inside another one under it."""
    out = []
    for tabs in widget.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        parent = tabs.parentWidget()
        while parent is not None and parent is not widget and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if parent is widget or parent is None:
            out.append(tabs)
    return out


def walk_tabs(qtbot, widget: QWidget, check, where: str = "") -> list[str]:
    """Click every tab (and every tab inside it) under ``widget``, checking each state."""
    seen = [where]
    check()
    for tabs in _outer_tab_widgets(widget):
        bar = tabs.tabBar()
        for i in range(tabs.count()):
            if not tabs.isTabEnabled(i):
                continue
            qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
            assert tabs.currentIndex() == i
            seen += walk_tabs(qtbot, tabs.widget(i), check,
                              f"{where} › {tabs.tabText(i).replace('&&', '&')}")
    return seen


def click_nav(qtbot, win, row: int) -> QWidget:
    nav = win.nav
    item = nav.item(row)
    nav.scrollToItem(item)
    page_loaded = None
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton,
                     pos=nav.visualItemRect(item).center())
    page = win.stack.currentWidget()
    page_loaded = getattr(page, "loaded", None)
    if page_loaded is not None and getattr(page, "data", True) is None:
        with qtbot.waitSignal(page_loaded, timeout=15000):
            pass
    return page


def activate(qtbot, window: QWidget) -> None:
    """Offscreen, a window may stay inactive (after a modal): keys then reach nothing."""
    if not window.isActiveWindow():
        window.activateWindow()
        window.windowHandle().requestActivate()
        qtbot.waitUntil(window.isActiveWindow)


def click_into(qtbot, field: QWidget) -> None:
    activate(qtbot, field.window())
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert field.hasFocus()


def click_row(qtbot, view: QAbstractItemView, row: int, column: int = 0) -> None:
    """Click a row as a person does (the view then has focus and the row is selected)."""
    activate(qtbot, view.window())
    assert view.isVisible()  # on screen, not on a tab behind
    index = view.model().index(row, column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(index).center())
    assert view.hasFocus() and view.currentIndex().row() == row


def double_click(qtbot, view: QAbstractItemView, row: int, column: int = 0) -> None:
    """A real double-click is press, release, then a double-click event."""
    pos = view.visualRect(view.model().index(row, column)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


@pytest.fixture
def checked_after_every_change(qtbot, win):
    """Checks every view each time a screen reports a change (an add, an edit, a removal)."""
    failures: list[str] = []
    count = {"n": 0}

    def check(_what):
        from PySide6.QtCore import QTimer

        def later():
            count["n"] += 1
            QApplication.processEvents()
            failures.extend(p for v in win.findChildren(QAbstractItemView) for p in view_problems(v))

        QTimer.singleShot(0, later)

    win.ctx.data_changed.connect(check)
    yield count
    qtbot.wait(10)
    assert not failures, "\n".join(failures)


def test_every_view_on_every_page_and_tab_shows_its_model(qtbot, win, demo_db):
    checked = []

    def check():
        checked.append(assert_views_show_models(win))

    visited = []
    for row in range(win.nav.count()):
        page = click_nav(qtbot, win, row)
        visited += walk_tabs(qtbot, page, check, win.nav.item(row).text())
    jose = next(r for r in clients.list_rows(demo_db) if r.name.startswith("José"))
    win.open_client(jose.id)
    visited += walk_tabs(qtbot, win.client_page, check, "client")
    # Each of José's sessions in turn (the newest is planned and empty, the others have
    # options and actions): a view must follow its model from one session to the next.
    for s in sessions.list_for_client(demo_db, jose.id):
        win.open_session(s.id)
        visited += walk_tabs(qtbot, win.session_page, check, f"session {s.session_date}")
    # The walk reached the pages and tabs it should, and looked at views on each.
    assert {"Dashboard", "Clients", "Sessions", "Actions"} <= set(visited)
    assert any("Goals" in v for v in visited) and any("GROW" in v for v in visited)
    assert len(checked) == len(visited) and min(checked) > 0
    # The last session opened has options, and they are shown.
    options = grow.options(demo_db, grow.for_session(demo_db, win.session_page.session.id).id)
    assert len(options) == win.session_page.grow.options_view.verticalHeader().count() > 0


def test_views_keep_showing_their_models_through_adds_edits_and_removals(
        qtbot, win, demo_db, checked_after_every_change):
    from ui_helpers import when_modal

    jose = next(r for r in clients.list_rows(demo_db) if r.name.startswith("José"))
    engagement = sessions.list_for_client(demo_db, jose.id)[0].engagement_id
    s = sessions.create(demo_db, engagement, date.today(), status="held")
    win.open_client(jose.id)
    win.open_session(s.id)
    page = win.session_page
    g = page.grow
    page.tabs.setCurrentWidget(g)
    click_into(qtbot, g.new_option)
    for text in ("Hire a deputy", "Drop the report"):
        qtbot.keyClicks(QApplication.focusWidget(), text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert_views_show_models(win)
    click_row(qtbot, g.options_view, 0, 1)
    qtbot.keyClick(g.options_view, Qt.Key.Key_Space)
    assert g.options_model.row_at(0).chosen
    qtbot.keyClick(g.options_view, Qt.Key.Key_Delete)
    qtbot.mouseClick(g.undo_remove_button, Qt.MouseButton.LeftButton)
    assert_views_show_models(win)
    assert g.options_view.verticalHeader().count() == 2
    page.tabs.setCurrentWidget(page.actions)
    panel = page.actions
    click_into(qtbot, panel.text)
    qtbot.keyClicks(QApplication.focusWidget(), "Call the sponsor")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    click_row(qtbot, panel.view, 0)

    def edit(dialog):
        activate(qtbot, dialog)
        assert QApplication.focusWidget() is dialog.text
        qtbot.keyClicks(QApplication.focusWidget(), " on Monday")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    state = when_modal(edit)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert state["done"] and state["error"] is None
    qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    assert_views_show_models(win)
    assert panel.model.index(0, 0).data() == "Call the sponsor on Monday"
    click_nav(qtbot, win, [win.nav.item(r).text() for r in range(win.nav.count())].index("Actions"))
    ap = win.actions_page
    click_row(qtbot, ap.view, 0)
    qtbot.keyClick(ap.view, Qt.Key.Key_Space)
    assert_views_show_models(win)
    ap.status.setCurrentIndex(ap.status.findData("all"))
    ap.owner.setCurrentIndex(ap.owner.findData("coach"))
    assert_views_show_models(win)
    assert ap.view.verticalHeader().count() == len(actions.list_actions(demo_db, "all", "coach"))
    assert checked_after_every_change["n"] >= 6


# -- the code check ------------------------------------------------------------------------

# ``self.options_model.blockSignals(True)``, ``view.model().blockSignals(True)``, …
MODEL_BLOCKED = re.compile(r"(\w*model\w*(\(\))?)\s*\.\s*blockSignals\(\s*True\s*\)", re.IGNORECASE)


def model_signal_blocks(source: str) -> list[str]:
    return [m.group(0) for m in MODEL_BLOCKED.finditer(source)]


def test_the_code_check_finds_a_blocked_model():
    assert model_signal_blocks("self.options_model.blockSignals(True)")
    assert model_signal_blocks("view.model().blockSignals( True )")
    assert model_signal_blocks("self.model.blockSignals(True)")
    assert not model_signal_blocks("self.combo.blockSignals(True)")
    assert not model_signal_blocks("self.options_model.blockSignals(False)")


def test_no_model_a_view_shows_has_its_signals_blocked_in_the_code():
    hits = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if model_signal_blocks(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not hits, ("A model with blocked signals does not tell its views about new rows; "
                      "use beginResetModel/endResetModel (RowsTableModel.set_rows):\n"
                      + "\n".join(hits))


def _dialog_names():
    from test_ui_layout import DIALOGS

    return sorted(name for name, make in DIALOGS.items() if make)


@pytest.mark.parametrize("name", _dialog_names())
def test_every_view_in_every_dialog_shows_its_model_and_lets_tab_move_on(qtbot, win, tmp_path,
                                                                         name):
    """The same checks in each dialog (built as the layout check builds it): a table that
    kept Tab for its own cells trapped the keyboard in the report dialog's earlier reports."""
    from test_ui_layout import DIALOGS, Demo

    dialog = DIALOGS[name](Demo(win.ctx, win, tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert_views_show_models(dialog)
    dialog.close()
