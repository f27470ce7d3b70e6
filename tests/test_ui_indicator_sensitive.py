"""Edit → Indicators…: the coach marks an indicator sensitive (never preselected for a
sponsor's report), or not, and the library shows which are."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from ui_helpers import when_modal

from coachdesk.services import indicators as ind
from ui.context import AppContext
from ui.dialogs.indicator_library import IndicatorDialog, IndicatorLibraryDialog

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def library(qtbot, demo_db):
    dialog = IndicatorLibraryDialog(AppContext(demo_db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def column_text(library, indicator_id: int) -> str:
    return library.model.index(library.model.row_of(indicator_id), 5).data()


def toggle_sensitive(qtbot, library, indicator_id):
    library.table.selectRow(library.model.row_of(indicator_id))
    seen = {}

    def toggle(dialog):
        assert isinstance(dialog, IndicatorDialog)
        seen["before"] = dialog.sensitive.isChecked()
        dialog.sensitive.setFocus()
        qtbot.waitUntil(dialog.sensitive.hasFocus, timeout=3000)
        qtbot.keyClick(dialog.sensitive, Qt.Key.Key_Space)
        qtbot.mouseClick(dialog.save_button, LEFT)

    state = when_modal(toggle)
    qtbot.mouseClick(library.edit_button, LEFT)
    assert state["done"] and state["error"] is None, state["error"]
    return seen["before"]


def test_the_coach_marks_an_indicator_sensitive_and_unmarks_another(qtbot, library, demo_db):
    commitment = ind.by_key(demo_db, "commitment")
    wellbeing = ind.by_key(demo_db, "wellbeing")
    assert column_text(library, wellbeing.id) == "🔒 sensitive"
    assert column_text(library, commitment.id) == "chosen one by one"
    assert library.model.headerData(5, Qt.Orientation.Horizontal) == "Sponsor's report"

    assert toggle_sensitive(qtbot, library, commitment.id) is False
    assert ind.get(demo_db, commitment.id).sensitive
    assert column_text(library, commitment.id) == "🔒 sensitive"

    assert toggle_sensitive(qtbot, library, wellbeing.id) is True  # the form shows it ticked
    assert not ind.get(demo_db, wellbeing.id).sensitive
    assert column_text(library, wellbeing.id) == "chosen one by one"


def test_a_new_indicator_can_be_sensitive_from_the_start(qtbot, library, demo_db):
    def add(dialog):
        dialog.name.setFocus()
        qtbot.keyClicks(dialog.name, "Sleep quality")
        assert not dialog.sensitive.isChecked()
        dialog.sensitive.setFocus()
        qtbot.keyClick(dialog.sensitive, Qt.Key.Key_Space)
        qtbot.mouseClick(dialog.save_button, LEFT)

    state = when_modal(add)
    qtbot.mouseClick(library.add_button, LEFT)
    assert state["done"] and state["error"] is None, state["error"]
    created = next(i for i in ind.list_all(demo_db) if i.name == "Sleep quality")
    assert created.sensitive and column_text(library, created.id) == "🔒 sensitive"
