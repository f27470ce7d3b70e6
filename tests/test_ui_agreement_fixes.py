"""A new coach's findings in the agreement and consent (issue 16), through the widgets:
an unknown placeholder refused on Save with the cursor in its clause; a signed agreement
shown as signed, or a new draft only after a clear question; "How" required and suggested;
the tab hears consent recorded elsewhere and starts at the top for each client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea
from test_ui_agreement import (
    collected_here,  # noqa: F401 - an autouse fixture
    draft_engagement,
    panel_of,
    press,
)
from ui_helpers import type_text, when_modal

from coachdesk.models import Client
from coachdesk.services import agreement_templates as tpl
from coachdesk.services import agreements, consent


@pytest.fixture
def ctx(demo_db):
    from ui.context import AppContext

    return AppContext(demo_db)


@pytest.fixture
def tab(qtbot, ctx, demo_db):
    """The client's Agreement & invoices tab at 1024×640, on a draft agreement (Chen Jing's
    mentoring engagement in the demo)."""
    from ui.pages.client_business import BusinessTab

    client, eid = draft_engagement(demo_db)
    widget = BusinessTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1024, 640)
    widget.show_client(client)
    widget.show_engagement(eid)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def open_settings(qtbot, ctx):
    from ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_an_unknown_placeholder_is_refused_on_save_with_the_cursor_in_its_clause(
        qtbot, ctx, demo_db, tmp_path):
    dialog = open_settings(qtbot, ctx)
    dialog.resize(1024, 640)
    fees = dialog.agreement.edits["fees"]
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    dialog.tabs.setCurrentIndex(titles.index("Agreement"))
    fees.setFocus()
    fees.selectAll()
    type_text(QApplication.focusWidget(), "Write to $coach_email about $fee.")
    area = next(a for a in dialog.findChildren(QScrollArea) if a.isAncestorOf(fees))
    area.verticalScrollBar().setValue(0)  # the Fees clause is below the fold
    dialog.tabs.setCurrentIndex(0)  # Save pressed from another tab
    dialog.save_button.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert dialog.isVisible()
    said = dialog.errors["clause_fees"].text()
    assert "$coach_email" in said and "$client_name" in said and "$payment_days" in said
    assert dialog.errors["clause_fees"].isVisibleTo(dialog)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Agreement"
    assert QApplication.focusWidget() is fees  # the cursor is in that clause
    qtbot.waitUntil(lambda: not fees.visibleRegion().isEmpty())  # scrolled into view
    error = dialog.errors["clause_fees"]
    assert not error.visibleRegion().isEmpty()
    qtbot.wait(200)
    dialog.grab().save(str(tmp_path / "settings-placeholder.png"))
    assert tpl.templates(demo_db)["fees"] == tpl.clause("fees").default  # nothing saved


def signed_with_pdf(db, eid, tmp_path):
    from test_ui_agreement import PDF

    first = agreements.make_pdf(db, eid)
    today = agreements._today()
    agreements.mark_sent(db, eid, today - timedelta(days=2))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    agreements.attach_signed(db, eid, scan, signed_on=today - timedelta(days=1))
    return first


def answer_question(qtbot, choice: str, seen: dict):
    def act(box):
        seen["title"] = box.windowTitle()
        seen["text"] = box.text()
        button = next(b for b in box.buttons() if b.text() == choice)
        button.setFocus()
        qtbot.keyClick(button, Qt.Key.Key_Space)

    return when_modal(act, attempts=1500)


def test_a_signed_agreement_is_shown_as_signed_not_remade(qtbot, tab, demo_db, tmp_path,
                                                          monkeypatch):
    panel = panel_of(tab)
    eid = tab.engagement_id
    first = signed_with_pdf(demo_db, eid, tmp_path)
    tab.reload()
    before = agreements.get(demo_db, eid)
    shown = []
    monkeypatch.setattr(panel, "show_pdf", lambda path: shown.append(path))
    seen = {}
    watcher = answer_question(qtbot, "Show the signed agreement", seen)
    press(qtbot, panel.make_button)
    qtbot.waitUntil(lambda: watcher["done"], timeout=10000)
    assert watcher["error"] is None
    assert "This agreement was signed on" in seen["text"] and "new draft" in seen["text"]
    assert len(shown) == 1 and shown[0].name.startswith("Mentoring agreement — ")
    assert shown[0].read_bytes() == before.signed_path.read_bytes()  # as it was signed
    assert agreements.get(demo_db, eid) == before  # nothing remade, nothing replaced
    assert first.pdf_path.is_file()

    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    watcher = answer_question(qtbot, "Cancel", {})
    press(qtbot, panel.make_button)
    qtbot.waitUntil(lambda: watcher["done"], timeout=10000)
    assert agreements.get(demo_db, eid) == before and len(shown) == 1


def test_a_new_draft_of_a_signed_agreement_only_after_the_question(qtbot, tab, demo_db,
                                                                   tmp_path, monkeypatch):
    panel = panel_of(tab)
    eid = tab.engagement_id
    first = signed_with_pdf(demo_db, eid, tmp_path)
    tab.reload()
    before = agreements.get(demo_db, eid)
    shown = []
    monkeypatch.setattr(panel, "show_pdf", lambda path: shown.append(path))
    watcher = answer_question(qtbot, "Start a new draft", {})
    press(qtbot, panel.make_button)
    qtbot.waitUntil(lambda: watcher["done"], timeout=10000)
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    now = agreements.get(demo_db, eid)
    assert now.status == "draft" and now.pdf_path != first.pdf_path
    assert first.pdf_path.is_file() and now.signed_path == before.signed_path
    assert now.signed_path.is_file()  # the signed copy stays kept
    assert "new draft" in panel.message.text()
    assert panel.status.text() == "Draft: not sent yet."
    assert "signed earlier stays kept" in panel.signed_copy.text()


@pytest.fixture
def report_dialog(qtbot, ctx):
    from ui.dialogs.report_dialog import ReportDialog

    def opener(eid):
        dialog = ReportDialog(ctx, eid)
        qtbot.addWidget(dialog)
        dialog.previews = []
        dialog.on_preview = dialog.previews.append
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return opener


def test_record_consent_now_requires_how_and_the_tab_hears_it(qtbot, tab, ctx, demo_db,
                                                              report_dialog):
    """From the report dialog: an empty How is refused under the field; once given, the
    consent is recorded and the client's Agreement & invoices tab shows it at once."""
    from ui.pages.business_consent import ConsentPanel

    eid = tab.engagement_id
    was = consent.current(demo_db, eid)
    consent_panel = next(p for p in tab.panels if isinstance(p, ConsentPanel))
    before_text = consent_panel.summary.text()
    dialog = report_dialog(eid)
    actions = dialog.section_boxes["actions"]
    if was is not None and was.allows_section("actions"):
        consent.record(demo_db, eid, set(was.sections) - {"actions"}, was.indicator_ids,
                       how="By e-mail")
        dialog.consent.reload()
        dialog.consent.start(had_draft=False)
        tab.reload()
        before_text = consent_panel.summary.text()
    assert not actions.isChecked()
    mid = consent.current(demo_db, eid)
    seen = {}

    def act(ask):
        seen["suggestions"] = [ask.how_box.itemText(i) for i in range(ask.how_box.count())]
        seen["start"] = ask.how.text()
        qtbot.keyClick(ask.save_button, Qt.Key.Key_Space)  # Record consent, How empty
        seen["error"] = ask.errors["how"].text()
        seen["open"] = ask.isVisible()
        seen["recorded"] = consent.current(demo_db, eid)
        ask.how.setFocus()
        type_text(ask.how, "In the three-way meeting")
        qtbot.keyClick(ask.how, Qt.Key.Key_Return)

    watcher = when_modal(act, attempts=1500)
    actions.setFocus()
    qtbot.keyClick(actions, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: watcher["done"], timeout=10000)
    assert watcher["error"] is None
    assert seen["start"] == ""
    assert seen["suggestions"] == ["In the three-way meeting", "By e-mail", "In a session"]
    assert "say how the client agreed" in seen["error"] and seen["open"]
    assert (seen["recorded"].id if seen["recorded"] else None) == (mid.id if mid else None)
    now = consent.current(demo_db, eid)
    assert now.how == "In the three-way meeting" and now.allows_section("actions")
    assert consent_panel.summary.text() != before_text  # the tab heard it
    assert "(In the three-way meeting)" in consent_panel.summary.text()
    assert "Action items" in panel_of(tab).shared.text()


def test_the_signed_agreement_is_suggested_only_when_signed(qtbot, ctx, demo_db, tmp_path):
    from ui.dialogs.consent_dialog import ConsentDialog

    _, eid = draft_engagement(demo_db)
    dialog = ConsentDialog(ctx, eid)
    qtbot.addWidget(dialog)
    assert dialog.how.text() == ""
    assert "In the signed mentoring agreement" not in [
        dialog.how_box.itemText(i) for i in range(dialog.how_box.count())]
    agreements.mark_signed(demo_db, eid)
    dialog = ConsentDialog(ctx, eid)
    qtbot.addWidget(dialog)
    assert dialog.how_box.itemText(0) == "In the signed mentoring agreement"
    assert dialog.how.text() == ""


def test_the_tab_starts_at_the_top_for_each_client(qtbot, tab, demo_db, tmp_path):
    from sqlmodel import select

    tab.resize(1024, 420)  # the tab's part of a 1024×640 window: the panels do not all fit
    bar = tab.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    with demo_db.session() as s:
        other = s.exec(select(Client).where(Client.id != tab.client.id)
                       .order_by(Client.id)).first()
        s.expunge(other)
    tab.show_client(other)
    assert bar.value() == 0
    panel = panel_of(tab)
    assert panel.status.visibleRegion().boundingRect().height() > 0  # the status line shows
    tab.grab().save(str(tmp_path / "business-top.png"))


def test_the_panel_names_a_mentoring_agreement_as_such(qtbot, tab, demo_db):
    """The box said "Coaching agreement" above Chen Jing's mentoring engagement, while its
    PDF is titled "Mentoring agreement"."""
    from sqlmodel import select

    from coachdesk.models import Engagement, EngagementKind

    with demo_db.session() as s:
        e = s.exec(select(Engagement).where(Engagement.kind == EngagementKind.mentoring)).first()
        client = s.get(Client, e.client_id)
        s.expunge(client)
        kinds = {x.client_id: x.kind for x in s.exec(select(Engagement)).all()}
    tab.show_client(client)
    tab.show_engagement(e.id)
    assert panel_of(tab).title() == "Mentoring agreement"
    coaching = next(cid for cid, kind in kinds.items() if kind == EngagementKind.coaching)
    with demo_db.session() as s:
        other = s.get(Client, coaching)
        s.expunge(other)
    tab.show_client(other)
    assert panel_of(tab).title() == "Coaching agreement"


def test_a_signed_agreement_with_nothing_kept_is_not_remade_without_asking(qtbot, tab, demo_db,
                                                                           monkeypatch):
    """The demo's signed agreements (signed on paper: no PDF, no signed copy) were remade with
    today's wording at the first press and then shown as "the signed agreement"."""
    from datetime import date

    from sqlmodel import select

    from coachdesk.models import Agreement, AgreementStatus

    panel = panel_of(tab)
    eid = tab.engagement_id
    with demo_db.session() as s:
        row = s.exec(select(Agreement).where(Agreement.engagement_id == eid)).first()
        row.status, row.signed_on = AgreementStatus.signed, date(2026, 8, 29)
        row.pdf_file = row.signed_file = ""
        s.add(row)
    tab.reload()
    before = agreements.get(demo_db, eid)
    shown = []
    monkeypatch.setattr(panel, "show_pdf", lambda path: shown.append(path))
    seen = {}

    def act(box):
        seen["text"] = box.text()
        seen["show"] = [b.isVisible() for b in box.buttons()
                        if b.text() == "Show the signed agreement"]
        button = next(b for b in box.buttons() if b.text() == "Cancel")
        button.setFocus()
        qtbot.keyClick(button, Qt.Key.Key_Space)

    watcher = when_modal(act, attempts=1500)
    press(qtbot, panel.make_button)
    qtbot.waitUntil(lambda: watcher["done"], timeout=10000)
    assert "keeps no copy of what was signed" in seen["text"]
    assert seen["show"] == [False]  # nothing kept: nothing offered as "the signed agreement"
    assert agreements.get(demo_db, eid) == before and not shown
