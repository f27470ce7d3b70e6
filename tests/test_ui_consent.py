"""The Consent panel of the client's Agreement & invoices tab and its dialog (issue 16): the
consent in force in plain words (sensitive marked), its history, and "Change consent…"
with a tick for every section and indicator (sensitive marked, never ticked for the coach
in a new consent), the day and how."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from ui_helpers import type_text, when_modal

from coachdesk.demo import CLIENTS
from coachdesk.services import clients, consent, engagements, indicators
from ui.context import AppContext
from ui.dialogs.consent_dialog import ConsentDialog
from ui.main_window import MainWindow
from ui.pages.business_consent import ConsentPanel


def client_id(db, prefix: str) -> int:
    return next(r for r in clients.list_rows(db) if r.name.startswith(prefix)).id


@pytest.fixture
def window(qtbot, demo_db):
    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def consent_panel(qtbot, window, db, prefix: str) -> ConsentPanel:
    """Open the client's page and its Agreement & invoices tab, as a coach does."""
    window.open_client(client_id(db, prefix))
    tabs = window.client_page.tabs
    index = next(i for i in range(tabs.count()) if tabs.tabText(i).startswith("Agreement"))
    tabs.setCurrentIndex(index)
    panel = tabs.widget(index).findChild(ConsentPanel, "consentPanel")
    assert panel is not None, "the Consent panel is not in the tab (PANELS)"
    qtbot.waitUntil(lambda: panel.isVisibleTo(window))
    return panel


def test_no_consent_says_so_and_recording_it_reloads_the_tab(qtbot, window, demo_db):
    panel = consent_panel(qtbot, window, demo_db, CLIENTS[2][0][:6])
    assert "No consent recorded yet" in panel.summary.text()
    assert panel.change_button.text() == "Record consent…"
    engagement = engagements.pick_current(
        engagements.list_all(demo_db, client_id=client_id(demo_db, CLIENTS[2][0][:6])))
    wellbeing = indicators.by_key(demo_db, "wellbeing")
    engagement_ind = indicators.by_key(demo_db, "engagement")

    def fill(dialog):
        assert isinstance(dialog, ConsentDialog)
        ticks = (*dialog.section_boxes.values(), *dialog.indicator_boxes.values())
        assert not any(b.isChecked() for b in ticks)  # nothing ticked for the coach
        assert "🔒 sensitive" in dialog.indicator_boxes[wellbeing.id].text()
        assert "🔒 sensitive" not in dialog.indicator_boxes[engagement_ind.id].text()
        for box in (dialog.section_boxes["glance"], dialog.section_boxes["goals"],
                    dialog.indicator_boxes[engagement_ind.id],
                    dialog.indicator_boxes[wellbeing.id]):
            box.setFocus()
            qtbot.keyClick(box, Qt.Key.Key_Space)
        dialog.how.setFocus()
        type_text(dialog.how, "By e-mail, 3 March")
        qtbot.keyClick(dialog.how, Qt.Key.Key_Return)

    with qtbot.waitSignal(panel.changed, timeout=5000):
        state = when_modal(fill)
        qtbot.mouseClick(panel.change_button, Qt.MouseButton.LeftButton)
    assert state["error"] is None
    now = consent.current(demo_db, engagement.id)
    assert now.sections == ("glance", "goals", "indicators")
    assert set(now.indicator_ids) == {engagement_ind.id, wellbeing.id}
    assert now.how == "By e-mail, 3 March" and now.consent_date == date.today()
    text = panel.summary.text()
    assert "Engagement at a glance, Agreed objectives and goal attainment" in text
    assert "Engagement at work" in text and "Wellbeing and resilience (🔒 sensitive)" in text
    assert "(By e-mail, 3 March)" in text
    assert panel.change_button.text() == "Change consent…"


def test_change_starts_from_the_consent_in_force_and_keeps_the_history(qtbot, window, demo_db):
    panel = consent_panel(qtbot, window, demo_db, CLIENTS[1][0][:3])  # Zoë: two records
    cid = client_id(demo_db, CLIENTS[1][0][:3])
    eid = engagements.pick_current(engagements.list_all(demo_db, client_id=cid)).id
    records = consent.history(demo_db, eid)
    assert len(records) == 2
    assert "Earlier:" in panel.history.text() and panel.history.isVisibleTo(window)
    dialog = ConsentDialog(AppContext(demo_db), eid)
    qtbot.addWidget(dialog)
    assert {k for k, b in dialog.section_boxes.items() if b.isChecked()} == (
        set(records[0].sections) - {"indicators"})
    assert {i for i, b in dialog.indicator_boxes.items() if b.isChecked()} == set(
        records[0].indicator_ids)
    assert dialog.how.text() == ""  # a change of mind is given anew, not as the last one
    # A change dated before the consent in force would not be in force: said under the day.
    dialog.day.set_value(records[0].consent_date - timedelta(days=1))
    dialog.section_boxes["actions"].setChecked(not dialog.section_boxes["actions"].isChecked())
    dialog._on_save()
    assert "say how the client agreed" in dialog.errors["how"].text()  # empty "How": refused
    assert len(consent.history(demo_db, eid)) == 2
    dialog.how.setText("In a session")
    dialog._on_save()
    assert dialog.errors["consent_date"].isVisibleTo(dialog)
    assert "a change is given on that day or later" in dialog.errors["consent_date"].text()
    assert len(consent.history(demo_db, eid)) == 2  # nothing recorded


def test_the_panel_fits_and_reads_plainly(qtbot, window, demo_db, tmp_path):
    panel = consent_panel(qtbot, window, demo_db, "José")
    window.resize(1024, 640)
    qtbot.wait(50)
    assert panel.width() <= 1024 and panel.summary.text().startswith("In force since")
    assert "Sections the sponsor may see:" in panel.summary.text()
    assert panel.change_button.isEnabled()
    window.grab().save(str(tmp_path / "consent-panel.png"))
