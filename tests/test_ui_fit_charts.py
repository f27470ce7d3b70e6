"""What the layout check cannot see on a laptop: painted charts, wrapped names, arrangements.

``layout_check`` reads widgets' texts; the MVS triangle and the line charts paint
theirs, and a name that wraps onto two lines is only "whole" if its row is tall enough.
These tests look at both sizes a coach's laptop has (1024×640 and 1366×768), on the
demo practice and with hostile names (long, markup, right-to-left, Chinese, emoji).
"""

from __future__ import annotations

from datetime import date

import pytest
from layout_check import check
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QStyle, QTableView
from ui_helpers import shown_text

from coachdesk.services import clients, engagements, goals, relationships
from coachdesk.services import indicators as ind
from ui import workers
from ui.context import AppContext
from ui.main_window import NAV_ITEMS, MainWindow
from ui.pages.client_goals import GoalsTab
from ui.pages.client_progress import ProgressTab
from ui.pages.client_relationships import RelationshipsTab
from ui.widgets.column_fit import ColumnFit
from ui.widgets.mvs_triangle import MvsTriangle, PlacedPerson

# Every test here under each common desktop UI font (tests/conftest.py: ui_font).
pytestmark = pytest.mark.usefixtures("ui_font")

SIZES = {"1024x640": QSize(1024, 640), "1366x768": QSize(1366, 768)}
HOSTILE = '<b>&"\' 🙂 راشد الأمين 陈静'
#: 80 characters of a hostile name
LONG_HOSTILE = (HOSTILE + " Fitzgerald-Montgomery de la Cruz y Álvarez-Villanueva " + HOSTILE)[:80]


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: not workers.running(), timeout=20000)
    for _ in range(3):
        QApplication.processEvents()


@pytest.fixture(params=list(SIZES))
def win(request, qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(SIZES[request.param])
    settle(qtbot)
    assert window.size() == SIZES[request.param]
    return window


def demo_client(db):
    return next(r for r in clients.list_rows(db) if r.name == "José Álvarez García")


def open_tab(qtbot, win, kind):
    win.open_client(demo_client(win.ctx.db).id)
    page = win.client_page
    tab = next(t for t in page.section_tabs if isinstance(t, kind))
    page.show_tab(tab)
    settle(qtbot)
    return tab


def area(rect: QRectF) -> float:
    return rect.width() * rect.height() if rect.isValid() else 0.0


# -- the MVS triangle ----------------------------------------------------------------------

def assert_triangle_is_readable(triangle: MvsTriangle) -> None:
    """Every text inside the widget; names off the Hub's label, the corner names, every
    point and each other; a shortened name has the person in full in its tooltip."""
    placed = triangle.arrangement()
    inside = QRectF(triangle.rect())
    texts = [("corner " + key, label.rect) for key, label in placed.corners.items()]
    if placed.hub_label is not None:
        texts.append(("Hub", placed.hub_label))
    for label in placed.labels:
        texts.append((label.person.label, label.rect))
    for what, rect in texts:
        assert inside.contains(rect), f"{what} is cut at the widget's edge: {rect} in {inside}"
    names = [(label.person.label, label.rect) for label in placed.labels]
    others = [(what, rect) for what, rect in texts if not what.startswith("corner")
              and what != "Hub"]
    for i, (who, rect) in enumerate(names):
        if placed.hub_label is not None:
            assert not rect.intersects(placed.hub_label), f"{who}'s name covers the Hub label"
        for key, corner in placed.corners.items():
            assert not rect.intersects(corner.rect), f"{who}'s name covers the {key} corner's"
        for other, other_rect in names[i + 1:]:
            assert area(rect.intersected(other_rect)) == 0, f"{who} and {other} overlap"
        for at, person, r in placed.points:
            dot = QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r)
            assert not rect.intersects(dot), f"{who}'s name covers {person.label}'s point"
    assert len(others) == len(placed.points)
    for label in placed.labels:
        if label.text != " ".join(label.person.label.split()):
            assert label.text.endswith("…")
            assert label.person.label in (label.person.tip or label.person.label)
    if placed.hub_label is not None:
        for at, person, r in placed.points:
            dot = QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r)
            assert not placed.hub_label.intersects(dot), f"the Hub label sits on {person.label}"


def test_the_demo_clients_triangle_keeps_every_name_inside_and_apart(qtbot, win):
    tab = open_tab(qtbot, win, RelationshipsTab)
    triangle = tab.triangle
    assert triangle.isVisible() and triangle.width() >= 200
    assert_triangle_is_readable(triangle)
    placed = triangle.arrangement()
    # At these sizes the demo's names all fit whole.
    assert [label.text for label in placed.labels] == [label.person.label
                                                      for label in placed.labels]
    assert placed.hub_label is not None


def test_an_80_character_hostile_stakeholder_stays_inside_the_triangle(qtbot, win):
    db = win.ctx.db
    client = demo_client(db)
    who = relationships.add_stakeholder(db, client.id, LONG_HOSTILE, role=HOSTILE)
    relationships.set_stakeholder_mvs(db, who.id, 34, 33, 33)  # in the Hub, by the others
    tab = open_tab(qtbot, win, RelationshipsTab)
    tab.reload()
    settle(qtbot)
    assert len(LONG_HOSTILE) == 80
    placed = tab.triangle.arrangement()
    mine = next(label for label in placed.labels if label.person.label == LONG_HOSTILE)
    assert mine.text.endswith("…") and LONG_HOSTILE in mine.person.tip
    assert_triangle_is_readable(tab.triangle)
    # The stakeholder table shows the name shortened, with the whole of it in the tooltip,
    # and still needs no sideways scrolling.
    assert not check(win, "relationships")


@pytest.mark.parametrize("size", [QSize(240, 180), QSize(300, 260), QSize(420, 380)])
def test_a_crowded_triangle_at_any_size_keeps_its_texts_inside(qtbot, size):
    triangle = MvsTriangle()
    qtbot.addWidget(triangle)
    triangle.resize(size)
    triangle.show()
    people = [PlacedPerson(LONG_HOSTILE, 30, 30, 40, True, LONG_HOSTILE)]
    for n, (b, r, g) in enumerate([(100, 0, 0), (0, 100, 0), (0, 0, 100), (34, 33, 33),
                                   (40, 30, 30), (30, 40, 30), (30, 30, 40), (60, 20, 20)]):
        name = f"{HOSTILE} {n}"
        people.append(PlacedPerson(name, b, r, g, False, name))
    triangle.set_people(people)
    assert not triangle.grab().isNull()
    placed = triangle.arrangement()
    inside = QRectF(triangle.rect())
    for label in [*placed.labels, *placed.corners.values()]:
        assert inside.contains(label.rect), label.text
    if placed.hub_label is not None:
        assert inside.contains(placed.hub_label)
        assert not any(label.rect.intersects(placed.hub_label) for label in placed.labels)


def test_hovering_a_shortened_name_gives_it_in_full(qtbot):
    triangle = MvsTriangle()
    qtbot.addWidget(triangle)
    triangle.resize(260, 220)
    triangle.show()
    triangle.set_people([PlacedPerson(LONG_HOSTILE, 20, 20, 60, False, f"{LONG_HOSTILE} (Peer)")])
    triangle.grab()
    (label,) = triangle._labels
    assert label.text.endswith("…")
    from PySide6.QtWidgets import QToolTip

    qtbot.mouseMove(triangle, label.rect.center().toPoint())
    qtbot.waitUntil(lambda: QToolTip.isVisible()
                    and LONG_HOSTILE in shown_text(QToolTip.text()), timeout=3000)


# -- the Indicators tab ----------------------------------------------------------------------

def name_cell_is_whole(view: QTableView, row: int) -> tuple[bool, str]:
    """Is the name in column 0 shown whole (on one line or wrapped), past its check box
    and colour swatch?"""
    index = view.model().index(row, 0)
    text = index.data()
    rect = view.visualRect(index)
    style = view.style()
    room = rect.width() - 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    if index.data(Qt.ItemDataRole.CheckStateRole) is not None:
        room -= style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, view) + 4
    if index.data(Qt.ItemDataRole.DecorationRole) is not None:
        room -= view.iconSize().width() + 4 if view.iconSize().isValid() else 20
    fm = QFontMetrics(view.font())
    needed = fm.boundingRect(0, 0, room, 10000, int(Qt.TextFlag.TextWordWrap), text)
    longest_word = max(fm.horizontalAdvance(w) for w in text.split())
    whole = needed.height() <= rect.height() and longest_word <= room
    return whole, f"{text!r}: needs {needed.width()}×{needed.height()}, has {room}×{rect.height()}"


def test_indicator_names_are_shown_whole(qtbot, win):
    tab = open_tab(qtbot, win, ProgressTab)
    view, model = tab.latest_table, tab.latest_model
    assert model.rowCount() == 9
    for row in range(model.rowCount()):
        whole, why = name_cell_is_whole(view, row)
        assert whole, why
        assert "…" not in model.index(row, 0).data()
    # No column out of sight, and a long name's row grows rather than cut it.
    assert view.horizontalScrollBar().maximum() == 0
    assert view.horizontalHeader().length() <= view.viewport().width()


def test_a_long_hostile_indicator_name_wraps_whole(qtbot, win):
    db = win.ctx.db
    client = demo_client(db)
    long_name = f"{HOSTILE} how far the client trusts the new leadership team's direction"
    made = ind.create(db, long_name[:80])
    ind.add_reading(db, client.id, made.id, date(2026, 11, 20), 6)
    tab = open_tab(qtbot, win, ProgressTab)
    tab.reload()
    settle(qtbot)
    row = next(r for r in range(tab.latest_model.rowCount())
               if tab.latest_model.index(r, 0).data() == made.name)
    whole, why = name_cell_is_whole(tab.latest_table, row)
    assert whole, why


def test_the_table_beside_is_the_charts_legend(qtbot, win):
    tab = open_tab(qtbot, win, ProgressTab)
    model = tab.latest_model
    index = model.index(0, 0)
    name = index.data()
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    # The chart's legend names the marker kinds only: the names are in the table.
    tab.chart.grab()
    assert all(full in tab.chart.marker_names for _shown, full, _at in tab.chart.legend_entries())
    # Unticking the name hides its line, its readings and unticks it in the chooser.
    assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert name not in tab.chart.visible_names()
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert "8 of 9" in tab.chooser.text()
    assert "▾" not in tab.chooser.text() and tab.chooser.menu() is not None
    tab.chart.set_series_visible(name, True)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_readings_fit_the_width_and_show_several_rows(qtbot, win):
    tab = open_tab(qtbot, win, ProgressTab)
    view = tab.readings_table
    assert view.horizontalScrollBar().maximum() == 0
    assert view.horizontalHeader().length() <= view.viewport().width()
    rows = view.viewport().height() // view.verticalHeader().defaultSectionSize()
    assert rows >= 5, f"only {rows} readings on screen"
    # A shortened text is whole in its tooltip.
    for column in (1, 3, 4):
        index = tab.readings_proxy.index(0, column)
        assert index.data() in (shown_text(index.data(Qt.ItemDataRole.ToolTipRole)) or "")


# -- the Goals tab ----------------------------------------------------------------------------

def test_goal_titles_in_the_chart_legend_are_whole_or_in_a_tooltip(qtbot, win):
    db = win.ctx.db
    engagement = engagements.pick_current(
        engagements.list_all(db, client_id=demo_client(db).id))
    long_title = (f"{HOSTILE} " + "a goal with a very long title that no legend row holds " * 3)
    goals.create(db, engagement.id, long_title[:200], baseline_level=-1)
    tab = open_tab(qtbot, win, GoalsTab)
    tab.reload()
    settle(qtbot)
    chart = tab.levels_chart
    chart.grab()
    entries = chart.legend_entries()
    titles = [g.title for g in goals.list_for_engagement(db, engagement.id)]
    for title in titles:
        shown, full, at = next(e for e in entries if e[1] == " ".join(title.split())[:200])
        assert QRectF(chart.rect()).contains(at), f"{shown!r} runs past the chart"
        if shown != full:
            assert shown.endswith("…")
            from PySide6.QtWidgets import QToolTip

            qtbot.mouseMove(chart, at.center().toPoint())
            qtbot.waitUntil(lambda: QToolTip.isVisible()
                            and full in shown_text(QToolTip.text()), timeout=3000)  # noqa: B023 - waited on here
    shown = {e[0] for e in entries}
    assert "A clear development plan for the next role" in shown  # was "…next r…"


# -- the dashboard ----------------------------------------------------------------------------

def test_dashboard_side_column_goes_below_on_a_laptop(qtbot, win):
    win.nav.setCurrentRow([key for key, _ in NAV_ITEMS].index("dashboard"))
    page = win.stack.currentWidget()
    qtbot.waitUntil(lambda: page.data is not None, timeout=20000)
    settle(qtbot)
    attention = page.attention.mapTo(page, page.attention.rect().topLeft())
    agenda = page.agenda.mapTo(page, page.agenda.rect().topLeft())
    if win.width() < 1100:
        assert page.narrow and agenda.y() > attention.y() + page.attention.height()
    else:
        assert not page.narrow and agenda.x() > attention.x() + page.attention.width()
    for view in (page.attention, page.agenda.view, page.engagements, page.overdue):
        assert view.horizontalHeader().length() <= view.viewport().width(), view.objectName()


def test_dashboard_with_an_80_character_hostile_client_still_fits(qtbot, win):
    db = win.ctx.db
    client = clients.create(db, LONG_HOSTILE)
    engagement = engagements.create(db, client_id=client.id, start_date=date(2026, 6, 1))
    intent = next(i for i in ind.list_all(db) if i.key == "intent_to_stay")
    for day, value in ((date(2026, 9, 1), 8), (date(2026, 10, 1), 4), (date(2026, 11, 1), 2)):
        ind.add_reading(db, client.id, intent.id, day, value, engagement_id=engagement.id)
    win.nav.setCurrentRow([key for key, _ in NAV_ITEMS].index("dashboard"))
    page = win.stack.currentWidget()
    page.reload()
    settle(qtbot)
    row = page.attention_model.row_of(client.id)
    assert row >= 0
    index = page.attention_model.index(row, 0)
    assert shown_text(index.data(Qt.ItemDataRole.ToolTipRole)) == LONG_HOSTILE
    assert not check(win, "dashboard"), "\n".join(str(o) for o in check(win, "dashboard"))


# -- ColumnFit itself ---------------------------------------------------------------------------

def test_columns_shrink_give_way_and_come_back(qtbot):
    from PySide6.QtGui import QStandardItemModel

    model = QStandardItemModel(3, 4)
    model.setHorizontalHeaderLabels(["Name", "Role", "Optional", "Notes"])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    fit = ColumnFit(view, 3, shrink=(0, 1), give_way=(2,), minimum={0: 60, 1: 50, 3: 80})
    fit.set_widths({0: 200, 1: 150, 2: 100})
    widths, hidden = fit.plan(800)  # room for all: the notes take the rest
    assert widths == {0: 200, 1: 150, 2: 100, 3: 350} and not hidden
    widths, hidden = fit.plan(500)  # the optional column gives way first
    assert hidden == {2} and widths[0] == 200 and widths[1] == 150 and widths[3] == 150
    widths, hidden = fit.plan(300)  # then the others shrink, in proportion, to their minimum
    assert hidden == {2} and sum(widths.values()) == 300 and 80 <= widths[3] <= 82
    assert widths[0] >= 60 and widths[1] >= 50 and widths[0] > widths[1]
    widths, _ = fit.plan(150)  # never below a minimum: then (only then) it scrolls
    assert widths == {0: 60, 1: 50, 3: 80}
    # Shown: applied on every resize, and back to the preferred widths when there is room.
    view.resize(420, 200)
    view.show()
    qtbot.waitExposed(view)
    header = view.horizontalHeader()
    assert header.length() <= view.viewport().width() and view.isColumnHidden(2)
    view.resize(900, 200)
    QApplication.processEvents()
    assert not view.isColumnHidden(2)
    assert [header.sectionSize(c) for c in range(3)] == [200, 150, 100]
    assert header.length() == view.viewport().width()


def test_dashboard_rearranges_as_the_window_is_resized(qtbot, demo_db):
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(1366, 768)
    window.nav.setCurrentRow([key for key, _ in NAV_ITEMS].index("dashboard"))
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: page.data is not None, timeout=20000)
    for size, narrow in ((QSize(1024, 640), True), (QSize(1366, 768), False),
                         (QSize(1024, 640), True)):
        window.resize(size)
        settle(qtbot)
        assert page.narrow is narrow
        assert not check(window, f"dashboard @ {size}"), check(window, f"dashboard @ {size}")
