"""The agreement panel on the client's "Agreement & invoices" tab and the Agreement tab of
Settings, driven through the keyboard as a coach would: what the view says, and what the
practice then holds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel
from sqlmodel import select
from ui_helpers import type_text, when_modal

from coachdesk import dates
from coachdesk.models import Agreement, Client, Engagement, Sponsor
from coachdesk.services import agreement_templates as tpl
from coachdesk.services import agreements, consent

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def collected_here(qtbot):
    """After each test, its garbage is collected here, on the GUI thread: left for later,
    a collection could start in a worker thread (a PDF being built) and delete widgets
    there, which Qt does not survive."""
    yield
    import gc

    gc.collect()


@pytest.fixture
def ctx(demo_db):
    from ui.context import AppContext

    return AppContext(demo_db)


def draft_engagement(db) -> tuple[Client, int]:
    """A demo client whose current engagement's agreement is still a draft."""
    with db.session() as s:
        row = s.exec(select(Agreement).where(Agreement.status == "draft").order_by(Agreement.id)).first()
        e = s.get(Engagement, row.engagement_id)
        client = s.get(Client, e.client_id)
        s.expunge(client)
        return client, e.id


@pytest.fixture
def tab(qtbot, ctx, demo_db):
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


def panel_of(tab):
    from ui.pages.business_agreement import AgreementPanel

    return next(p for p in tab.panels if isinstance(p, AgreementPanel))


def press(qtbot, widget) -> None:
    """Put the cursor on ``widget`` and press Space, as Tab then Space would."""
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    assert widget.hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)


def test_the_panel_says_where_the_agreement_stands_and_what_the_sponsor_receives(
        qtbot, tab, demo_db, tmp_path):
    panel = panel_of(tab)
    assert panel.status.text() == "Draft: not sent yet."
    before = consent.current(demo_db, tab.engagement_id)
    assert ("No consent has been recorded yet." in panel.shared.text()) == (before is None)
    assert panel.signed_copy.text() == "No signed copy attached yet."
    assert not panel.open_button.isEnabled() and panel.sent_button.isEnabled()
    consent.record(demo_db, tab.engagement_id, ["glance", "summary"], [1],
                   how="by e-mail <b>&</b>")
    tab.reload()
    assert "Report sections: Engagement at a glance, Coach's summary and next steps" \
        in panel.shared.text()
    assert "Indicators: Engagement at work" in panel.shared.text()
    assert "How the client agreed: by e-mail <b>&</b>" in panel.shared.text()
    assert panel.shared.textFormat() == Qt.TextFormat.PlainText  # shown as typed
    picture = tmp_path / "agreement-panel.png"
    assert tab.grab().save(str(picture)) and picture.stat().st_size > 0


def test_mark_sent_then_signed_on_a_typed_day_through_the_keyboard(qtbot, tab, demo_db):
    panel = panel_of(tab)
    press(qtbot, panel.sent_button)
    today = date.today()
    assert panel.status.text() == f"Sent on {dates.long(today)}; waiting for the three signatures."
    assert not panel.sent_button.isEnabled()
    # a day in the future is refused in a sentence, and the cursor goes back to the day
    panel.signed_on.edit.setFocus()
    assert panel.signed_on.edit.hasFocus()
    edit = QApplication.focusWidget()
    edit.selectAll()
    type_text(edit, dates.short(today + timedelta(days=3)))
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.signed_button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert "cannot be in the future" in panel.message.text() and panel.message.isVisible()
    assert agreements.get(demo_db, tab.engagement_id).status == "sent"
    edit = QApplication.focusWidget()
    assert edit is panel.signed_on.edit
    edit.selectAll()
    type_text(edit, dates.short(today))
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert panel.status.text().startswith(f"Signed on {dates.long(today)}.")
    state = agreements.get(demo_db, tab.engagement_id)
    assert (state.status, state.signed_on) == ("signed", today)


def test_make_the_pdf_shows_it_and_keeps_a_copy(qtbot, tab, demo_db):
    panel = panel_of(tab)
    seen = {}

    def look(dialog):
        seen["pages"] = dialog.page_count()
        seen["name"] = dialog.suggested_name
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    watcher = when_modal(look, attempts=1500)
    press(qtbot, panel.make_button)
    qtbot.waitUntil(lambda: watcher["done"], timeout=30000)
    assert watcher["error"] is None
    assert seen["pages"] >= 2 and seen["name"].startswith("Mentoring agreement")
    state = agreements.get(demo_db, tab.engagement_id)
    assert agreements.file_ok(state.pdf_path, state.pdf_sha256)
    assert "a copy is kept" in panel.message.text()


def test_e_mailing_a_draft_does_not_mark_it_sent(qtbot, tab, demo_db, monkeypatch):
    """A draft is not a sent e-mail: the agreement stays a draft and the coach is told to
    press Mark as sent once it has gone; a message sent through SMTP marks it sent. The
    e-mail goes to the sponsor and the client, under a friendly attachment name."""
    from ui.pages.business_agreement import DRAFT_READY

    panel = panel_of(tab)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    with demo_db.session() as s:
        e = s.get(Engagement, tab.engagement_id)
        client = s.get(Client, e.client_id)
        sponsor = s.get(Sponsor, e.sponsor_id)
        client_email, sponsor_email, client_name = client.email, sponsor.email, client.name
        sponsor_name = sponsor.name
    assert client_email and sponsor_email
    seen = {}

    def send(dialog):
        seen["title"] = dialog.windowTitle()
        seen["subject"] = dialog.subject.text()
        seen["to"] = dialog.to.text()
        seen["message"] = dialog.message.toPlainText()
        seen["attachment"] = dialog.pdf_path
        qtbot.keyClick(dialog.draft_button, Qt.Key.Key_Space)
        seen["draft"] = dialog.draft_path
        seen["status"] = agreements.get(demo_db, tab.engagement_id).status
        dialog.reject()

    watcher = when_modal(send, attempts=1500)
    press(qtbot, panel.email_button)
    qtbot.waitUntil(lambda: watcher["done"], timeout=30000)
    assert watcher["error"] is None
    assert seen["title"] == "E-mail the agreement to the sponsor"
    assert seen["subject"] == f"Mentoring agreement — {client_name}"  # Chen Jing mentors
    assert seen["to"] == f"{sponsor_email}, {client_email}"  # three-way: both of them
    assert f"Dear {sponsor_name} and {client_name}," in seen["message"]
    assert "mentoring agreement" in seen["message"] and "to you both" in seen["message"]
    assert seen["attachment"].name == f"Mentoring agreement — {client_name}.pdf"
    assert seen["draft"] is not None and opened == [str(seen["draft"])]
    assert seen["status"] == "draft"
    state = agreements.get(demo_db, tab.engagement_id)
    assert state.status == "draft" and panel.status.text() == "Draft: not sent yet."
    assert panel.message.text() == DRAFT_READY
    assert state.pdf_path.name.startswith("agreement-")  # the kept file keeps its own name
    assert agreements.file_ok(state.pdf_path, state.pdf_sha256)
    assert seen["attachment"].read_bytes() == state.pdf_path.read_bytes()

    def sent_by_smtp(dialog):  # what the dialog calls once the SMTP server took it
        dialog.record("smtp", dialog.to.text())
        dialog.reject()

    watcher = when_modal(sent_by_smtp, attempts=1500)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    press(qtbot, panel.email_button)
    qtbot.waitUntil(lambda: watcher["done"], timeout=30000)
    assert watcher["error"] is None
    assert agreements.get(demo_db, tab.engagement_id).status == "sent"
    assert panel.status.text().startswith("Sent on ")


def test_attach_refuses_a_non_pdf_then_keeps_and_opens_the_signed_copy(
        qtbot, tab, demo_db, tmp_path, monkeypatch):
    panel = panel_of(tab)
    zip_file = tmp_path / "scan.pdf"
    zip_file.write_bytes(b"PK\x03\x04 not a pdf")
    chosen = [str(zip_file)]
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (chosen[0], "PDF files (*.pdf)")))
    press(qtbot, panel.attach_button)
    assert "not a PDF" in panel.message.text()
    assert agreements.get(demo_db, tab.engagement_id).signed_path is None
    good = tmp_path / "signed.pdf"
    good.write_bytes(PDF)
    chosen[0] = str(good)
    press(qtbot, panel.attach_button)
    assert panel.signed_copy.text() == "A signed copy is attached."
    assert panel.status.text().startswith("Signed on ")
    state = agreements.get(demo_db, tab.engagement_id)
    assert state.signed_path.read_bytes() == PDF
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    assert panel.open_button.isEnabled()
    press(qtbot, panel.open_button)
    assert opened == [str(state.signed_path)]


def test_settings_agreement_tab_edits_restores_and_saves_with_the_dialog(qtbot, ctx, demo_db):
    from ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    tab = dialog.agreement
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    dialog.tabs.setCurrentIndex(titles.index("Agreement"))
    names = dialog.findChild(QLabel, "agreementPlaceholders").text()
    assert "$client_name — the client's name" in names and "$professional_code" in names
    fees = tab.edits["fees"]
    fees.setFocus()
    assert fees.hasFocus()
    fees.selectAll()
    type_text(QApplication.focusWidget(), "Pay $fee within 14 days <b>&")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is tab.restore_buttons["fees"]
    scope = tab.edits["scope"]
    scope.setFocus()
    scope.selectAll()
    type_text(QApplication.focusWidget(), "Changed")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # Restore default
    assert scope.toPlainText() == tpl.clause("scope").default
    code = tab.code
    code.setFocus()
    code.selectAll()
    type_text(QApplication.focusWidget(), "the EMCC Global Code of Ethics")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # the dialog's Save
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert tpl.templates(demo_db)["fees"] == "Pay $fee within 14 days <b>&"
    assert tpl.templates(demo_db)["scope"] == tpl.clause("scope").default
    assert tpl.professional_code(demo_db) == "the EMCC Global Code of Ethics"


def test_a_clause_too_long_keeps_the_dialog_open_and_saves_nothing(qtbot, ctx, demo_db):
    from ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.paper.setCurrentIndex(dialog.paper.findData("Letter"))
    dialog.agreement.edits["term"].setPlainText("x" * (tpl.CLAUSE_MAX + 1))
    dialog.tabs.setCurrentIndex(0)
    dialog._on_save()
    assert dialog.isVisible()
    assert "too long" in dialog.errors["clause_term"].text()
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Agreement"
    from coachdesk.reports import worksheet

    assert worksheet.get_paper_size(demo_db) == "A4"  # checked before anything was written
    assert tpl.templates(demo_db)["term"] == tpl.clause("term").default
