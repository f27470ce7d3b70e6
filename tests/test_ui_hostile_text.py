"""A name like ``<img src=x><a href=file:///etc/passwd>x</a>`` is text on every screen
(issue 12, item 15): never a picture, never a link, in a tooltip, a label or a message box.

Qt reads a tooltip, a static ``QMessageBox.warning()``-style box and a ``QLabel`` left at
``Qt.AutoText`` as rich text whenever ``QtGuiNamespace.mightBeRichText()`` says so. The test renames
every client, sponsor, organisation, engagement, goal, action, option, indicator and note of
the demo practice to hostile markup, walks every page, tab and dialog, every item model's
tooltips and every label, and answers the question boxes of a few flows; whatever Qt would
take for rich text must not carry the raw markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtGui import Qt as QtGuiNamespace  # mightBeRichText lives in QtGui's Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QMessageBox,
    QTabBar,
    QTabWidget,
    QWidget,
)
from sqlalchemy import text

from coachdesk.services import clients, sessions
from ui import workers
from ui.main_window import NAV_ITEMS
from ui.plain import as_plain

HOSTILE = "<img src=x><a href=file:///etc/passwd>x</a>"
RAW = ("<img src=x>", "<a href=file:")  # the markup as typed: shown raw, Qt would act on it

# Every text a coach types that a screen may show (emails and phones stay valid addresses).
COLUMNS = {
    "organization": ["name", "notes"],
    "sponsor": ["name", "role"],
    "client": ["name", "job_title", "background"],
    "engagement": ["objectives"],
    "coaching_session": ["private_notes", "shared_summary"],
    "grow_worksheet": ["goal_session", "goal_long_term", "reality_facts", "reality_tried",
                       "reality_obstacles", "will_what", "will_when"],
    "grow_option": ["text", "notes"],
    "action_item": ["text"],
    "indicator": ["name", "description"],
    "indicator_reading": ["private_comment"],
    "goal": ["title", "description", "level_m2", "level_m1", "level_0", "level_p1", "level_p2"],
    "goal_rating": ["comment"],
    "stakeholder": ["name", "role", "notes"],
    "client_motivation": ["notes"],
    "blocking_pattern": ["pattern", "when_it_shows", "what_it_costs"],
}


def leaks(value) -> bool:
    """True when Qt would read ``value`` as rich text and it holds the markup as typed."""
    return (isinstance(value, str) and QtGuiNamespace.mightBeRichText(value)
            and any(raw in value for raw in RAW))


def make_hostile(db) -> None:
    with db.session() as s:
        con = s.connection()
        for table, columns in COLUMNS.items():
            sets = ", ".join(f"{c} = :h || ' ' || id" for c in columns)
            con.execute(text(f"UPDATE {table} SET {sets}"), {"h": HOSTILE})


class Findings:
    def __init__(self):
        self.problems: list[str] = []
        self.seen = 0  # hostile texts met (escaped or plain): proof the walk saw coach data

    def check(self, where: str, value, rich: bool = True) -> None:
        if not isinstance(value, str) or "passwd" not in value:
            return
        self.seen += 1
        if rich and leaks(value):
            self.problems.append(f"{where}: {value[:90]!r}")

    def model(self, where: str, model: QAbstractItemModel | None, parent=QModelIndex(),
              depth: int = 0) -> None:
        if model is None or depth > 2:
            return
        try:
            columns = model.columnCount(parent)
        except TypeError:  # a list model keeps columnCount to itself: one column
            columns = 1
        for section in range(columns):
            self.check(f"{where} header {section}", model.headerData(
                section, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole))
        for row in range(min(model.rowCount(parent), 150)):
            for col in range(columns):
                index = model.index(row, col, parent)
                self.check(f"{where} [{row},{col}] tooltip",
                           model.data(index, Qt.ItemDataRole.ToolTipRole))
                self.check(f"{where} [{row},{col}] text",  # item views paint it as plain text
                           model.data(index, Qt.ItemDataRole.DisplayRole), rich=False)
                if col == 0 and columns > 1 and model.rowCount(index) > 0:  # a tree's branch
                    self.model(where, model, index, depth + 1)

    def widgets(self, where: str, root: QWidget) -> None:
        for w in [root, *root.findChildren(QWidget)]:
            name = f"{where}/{w.objectName() or type(w).__name__}"
            self.check(f"{name} tooltip", w.toolTip())
            if isinstance(w, QLabel):
                self.check(f"{name} label", w.text(),
                           rich=w.textFormat() != Qt.TextFormat.PlainText)
            if isinstance(w, QAbstractItemView):
                self.model(name, w.model())
            if isinstance(w, QComboBox):
                self.model(name, w.model())
            if isinstance(w, QTabBar):
                for i in range(w.count()):
                    self.check(f"{name} tab {i} tooltip", w.tabToolTip(i))
        for action in root.findChildren(QAction):
            self.check(f"{where} action {action.objectName() or action.text()}",
                       action.toolTip())


def settle(qtbot) -> None:
    qtbot.waitUntil(lambda: not workers.running(), timeout=20000)
    for _ in range(3):
        QApplication.processEvents()


def walk_tabs(qtbot, findings: Findings, where: str, root: QWidget, done: set) -> None:
    settle(qtbot)
    findings.widgets(where, root)
    for tabs in root.findChildren(QTabWidget):
        if id(tabs) in done:
            continue
        done.add(id(tabs))
        for index in range(tabs.count()):
            if tabs.isTabEnabled(index):
                tabs.setCurrentIndex(index)
                walk_tabs(qtbot, findings, f"{where}›{tabs.tabText(index)}",
                          tabs.currentWidget(), done)


class Boxes:
    """Every message box asked for: static calls are answered No/Cancel, built boxes too."""

    def __init__(self, monkeypatch):
        self.shown: list[tuple[str, str, bool]] = []  # (title, text, plain)

        def static(kind):
            def answer(parent, title, message, *args, **kwargs):
                self.shown.append((title, message, False))
                return (QMessageBox.StandardButton.No if kind == "question"
                        else QMessageBox.StandardButton.Ok)
            return staticmethod(answer)

        for kind in ("warning", "information", "question", "critical", "about"):
            monkeypatch.setattr(QMessageBox, kind, static(kind))

        def exec_(box):
            plain = box.textFormat() == Qt.TextFormat.PlainText
            self.shown.append((box.windowTitle(), box.text(), plain))
            if box.informativeText():
                self.shown.append((box.windowTitle(), box.informativeText(), plain))
            return int(QMessageBox.StandardButton.Cancel)

        monkeypatch.setattr(QMessageBox, "exec", exec_)

    def problems(self) -> list[str]:
        return [f"{title}: {message[:90]!r}" for title, message, plain in self.shown
                if not plain and leaks(message)]

    def with_coach_text(self) -> list[tuple[str, str, bool]]:
        return [b for b in self.shown if "passwd" in b[1]]


@pytest.fixture
def hostile_win(win, qtbot):
    db = win.ctx.db
    rows = clients.list_rows(db)
    client_id = next((r.id for r in rows if r.name.startswith("José")), rows[0].id)
    held = [s for s in sessions.list_for_client(db, client_id) if s.private_notes]
    make_hostile(db)
    win.ctx.notify("all")
    settle(qtbot)
    win.hostile_client_id, win.hostile_session_id = client_id, held[-1].id
    return win


def test_every_view_tooltip_and_label_shows_hostile_names_as_text(qtbot, hostile_win,
                                                                   monkeypatch, tmp_path):
    win = hostile_win
    boxes = Boxes(monkeypatch)
    findings = Findings()
    done: set = set()
    for key, _label in NAV_ITEMS:
        win.nav.setCurrentRow([k for k, _ in NAV_ITEMS].index(key))
        walk_tabs(qtbot, findings, key, win.stack.currentWidget(), done)
    win.open_client(win.hostile_client_id)
    walk_tabs(qtbot, findings, "client", win.client_page, done)
    win.open_session(win.hostile_session_id)
    walk_tabs(qtbot, findings, "session", win.session_page, done)
    findings.widgets("window", win)
    win.statusBar().showMessage(HOSTILE)  # QStatusBar paints its message, as plain text
    assert not [w for w in win.statusBar().findChildren(QLabel) if HOSTILE in w.text()]
    assert findings.seen > 50, "the walk met the hostile names (else it proves nothing)"

    from test_ui_layout import DIALOGS, Demo

    class HostileDemo(Demo):
        client_id = win.hostile_client_id

    demo = HostileDemo(win.ctx, win, tmp_path)
    builders = dict(DIALOGS)
    from ui.dialogs.email_dialog import EmailDialog

    builders["dialogs.email_dialog.EmailDialog"] = lambda d: EmailDialog(
        d.ctx, Path(d.pdf), to="sponsor@example.org", sponsor_name=HOSTILE,
        client_name=HOSTILE, period="March to November 2026", coach_name=HOSTILE,
        parent=d.window)
    for name, build in sorted(builders.items()):
        if build is None:
            continue
        dialog: QDialog = build(demo)
        qtbot.addWidget(dialog)
        dialog.show()
        walk_tabs(qtbot, findings, name, dialog, done)
        dialog.reject()
    assert not findings.problems, "shown as markup:\n" + "\n".join(findings.problems)
    assert not boxes.problems(), "message boxes with markup:\n" + "\n".join(boxes.problems())


def test_the_question_boxes_of_the_flows_show_hostile_names_as_text(qtbot, hostile_win,
                                                                     monkeypatch):
    from ui.pages.client_goals import GoalsTab
    from ui.pages.client_progress import ProgressTab
    from ui.pages.client_relationships import RelationshipsTab

    win = hostile_win
    boxes = Boxes(monkeypatch)
    page = win.client_page
    win.open_client(win.hostile_client_id)
    walk_tabs(qtbot, Findings(), "client", page, set())  # every section tab built and loaded

    page._toggle_archive()  # archive: asks, answered Cancel, nothing archived
    goals = page.findChild(GoalsTab)
    goals.table.selectRow(0)
    goals.delete_goal()
    progress = page.findChild(ProgressTab)
    progress.readings_table.selectRow(0)
    progress._delete_reading()
    relations = page.findChild(RelationshipsTab)
    relations.stakeholder_table.selectRow(0)
    relations.remove_stakeholder()
    relations.pattern_table.selectRow(0)
    relations.remove_pattern()
    relations.clear_client_mvs()
    win.open_session(win.hostile_session_id)
    win.session_page.delete_session()

    titles = {title for title, _m, _p in boxes.with_coach_text()}
    assert {"Archive client", "Delete goal", "Delete reading", "Remove stakeholder",
            "Delete session"} <= titles, titles
    assert not boxes.problems(), "message boxes with markup:\n" + "\n".join(boxes.problems())
    assert clients.get(win.ctx.db, win.hostile_client_id).status.value != "archived"


def test_erasing_a_hostile_client_shows_the_name_as_text(qtbot, hostile_win):
    from ui.dialogs.client_data import EraseClientDialog

    win = hostile_win
    dialog = EraseClientDialog(win.ctx, win.hostile_client_id, win)
    qtbot.addWidget(dialog)
    dialog.show()
    findings = Findings()
    findings.widgets("erase", dialog)
    assert findings.seen >= 1 and not findings.problems, findings.problems


@pytest.mark.parametrize("value", [
    HOSTILE, "<b>bold</b>", "a < b & c > d", "x\n<img src=y>", "&amp; stays as typed", "",
    "plain words", "<p style='white-space:pre-wrap'><img src=x>"])
def test_as_plain_gives_text_qt_shows_as_typed(qtbot, value):
    shown = as_plain(value)
    label = QLabel(shown)  # AutoText, like a tooltip
    qtbot.addWidget(label)
    if QtGuiNamespace.mightBeRichText(shown):
        doc = QTextDocument()
        doc.setHtml(shown)
        assert doc.toPlainText() == value, "read as rich text, it is the text as typed"
        assert not leaks(shown)
    else:
        assert shown == value
