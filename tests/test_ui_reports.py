"""Sponsor progress reports in the app: the report dialog, e-mailing it, the log, settings."""

from __future__ import annotations

import email
import email.policy
import socket
from pathlib import Path

import pytest
from consent_helpers import agree_once
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from sqlalchemy import text
from ui_helpers import type_text, when_modal

from coachdesk import mail
from coachdesk.services import clients, engagements, report_log
from coachdesk.services import settings as settings_service
from ui.context import AppContext
from ui.main_window import MainWindow

SUMMARY = "Søren now chairs the weekly review — 陈静 & <b>“quotes”</b>"
CANARY = "QZCANARY-ui-private"


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages).split())


@pytest.fixture
def window(qtbot, demo_db):
    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def soren(db) -> int:
    return next(r for r in clients.list_rows(db) if r.name.startswith("Søren")).id


def soren_engagement(db) -> int:
    return engagements.pick_current(engagements.list_all(db, client_id=soren(db))).id


@pytest.fixture
def report_dialog(qtbot, window, demo_db):
    """The report dialog for Søren, opened the way a coach does: from his page's button
    (Søren agreed to every section, no indicator)."""
    from ui.dialogs.report_dialog import ReportDialog

    agree_once(demo_db, soren_engagement(demo_db))

    window.open_client(soren(demo_db))
    page = window.client_page
    assert page.report_button.isEnabled()
    made = []

    def grab(dialog):
        made.append(dialog)
        dialog.hide()  # leave exec(); the dialog object stays for the test

    state = when_modal(grab)
    qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    assert state["error"] is None and made, "the report dialog did not open"
    dialog = made[0]
    assert isinstance(dialog, ReportDialog)
    dialog.previews = []
    dialog.on_preview = dialog.previews.append
    return dialog


def wait_preview(qtbot, dialog, action):
    before = len(dialog.previews)
    action()
    qtbot.waitUntil(lambda: len(dialog.previews) > before, timeout=15000)
    return dialog.previews[-1]


def test_the_dialog_opens_from_the_client_page_with_the_default_period(report_dialog, demo_db):
    eid = soren_engagement(demo_db)
    assert report_dialog.engagement.id == eid
    start, end = report_log.default_period(demo_db, eid)
    assert (report_dialog.date_from.value(), report_dialog.date_to.value()) == (start, end)
    assert all(box.isChecked() for box in report_dialog.section_boxes.values())
    assert not report_dialog.include_stakeholders.isChecked()
    # The sponsor is the default recipient.
    assert "@" in report_dialog.recipient_email.text()
    assert report_dialog.empty_log.isVisibleTo(report_dialog)


def test_preview_has_the_typed_summary_and_no_private_note(qtbot, report_dialog, demo_db):
    with demo_db.session() as s:
        s.connection().execute(text(f"UPDATE coaching_session SET private_notes = '{CANARY}'"))
    report_dialog.summary.setFocus()
    type_text(report_dialog.summary, SUMMARY)
    preview = wait_preview(qtbot, report_dialog,
                           lambda: qtbot.mouseClick(report_dialog.preview_button,
                                                    Qt.MouseButton.LeftButton))
    assert preview.page_count() >= 2
    txt = pdf_text(preview.pdf_path)
    assert "Søren now chairs the weekly review" in txt and "<b>“quotes”</b>" in txt
    assert CANARY not in txt
    assert report_log.entries(demo_db, report_dialog.engagement.id) == []  # not yet kept

    # Saving from the preview keeps the report in the log, with the typed summary.
    target = Path(preview.pdf_path).parent / "saved copy.pdf"
    assert preview.save_as(str(target)) == str(target)
    entries = report_log.entries(demo_db, report_dialog.engagement.id)
    assert [e.method for e in entries] == ["saved"]
    assert entries[0].coach_summary == SUMMARY
    assert report_log.verify(entries[0])
    assert report_dialog.log_model.rowCount() == 1
    assert not report_dialog.empty_log.isVisibleTo(report_dialog)


def test_printing_from_the_preview_is_logged(qtbot, report_dialog, demo_db, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    preview = wait_preview(qtbot, report_dialog, report_dialog.preview)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    # What is proved is the path and its log entry, not the print's sharpness: at the
    # printer's 1,200 dpi each page was a 100-megapixel image and the test took 20 s.
    printer.setResolution(96)
    preview.render_to(printer)
    assert (tmp_path / "printed.pdf").stat().st_size > 1000
    assert [e.method for e in report_log.entries(demo_db, report_dialog.engagement.id)] \
        == ["printed"]


def test_period_ending_before_it_starts_is_said_beside_the_field(qtbot, report_dialog):
    report_dialog.date_to.set_value(report_dialog.date_from.value().replace(year=2000))
    assert report_dialog.preview() is None
    assert report_dialog.errors["date_to"].isVisibleTo(report_dialog)
    assert "ends before it starts" in report_dialog.errors["date_to"].text()


@pytest.fixture
def opened_urls(monkeypatch):
    urls = {"list": [], "answer": True}

    def fake_open(url):
        urls["list"].append(url.toLocalFile())
        return urls["answer"]

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(fake_open))
    return urls


def email_dialog(qtbot, report_dialog):
    return wait_preview(qtbot, report_dialog,
                        lambda: qtbot.mouseClick(report_dialog.email_button,
                                                 Qt.MouseButton.LeftButton))


def test_the_draft_has_the_pdf_attached_and_opens_in_the_mail_program(
        qtbot, report_dialog, demo_db, opened_urls):
    dialog = email_dialog(qtbot, report_dialog)
    assert dialog.to.text() == report_dialog.recipient_email.text()
    assert dialog.subject.text().startswith("Coaching progress report — Søren")
    qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
    eml = dialog.draft_path
    assert eml is not None and eml.suffix == ".eml" and opened_urls["list"] == [str(eml)]
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["X-Unsent"] == "1" and dialog.to.text() in msg["To"]
    part = next(msg.iter_attachments())
    assert part.get_content() == dialog.pdf_path.read_bytes()
    entry = report_log.entries(demo_db, report_dialog.engagement.id)[0]
    assert entry.method == "draft" and entry.recipient == dialog.to.text()
    assert part.get_content() == Path(entry.pdf_path).read_bytes()  # the log keeps what was sent
    assert not dialog.show_folder_button.isVisibleTo(dialog)


def test_no_mail_program_shows_the_file_and_how_to_send_it(qtbot, report_dialog, opened_urls):
    opened_urls["answer"] = False
    dialog = email_dialog(qtbot, report_dialog)
    qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome.isVisibleTo(dialog)
    assert str(dialog.draft_path) in dialog.outcome.text()
    assert "drag it" in dialog.outcome.text()
    assert dialog.show_folder_button.isVisibleTo(dialog)
    assert opened_urls["list"][-1] == str(dialog.draft_path.parent)  # the folder is revealed


def test_a_missing_sponsor_email_is_explained_and_can_be_typed(qtbot, report_dialog, opened_urls):
    report_dialog.recipient_email.clear()
    dialog = email_dialog(qtbot, report_dialog)
    assert dialog.missing.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
    assert dialog.to_error.isVisibleTo(dialog) and dialog.draft_path is None
    dialog.to.setFocus()
    qtbot.keyClicks(dialog.to, "hr@example.org")
    qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
    assert dialog.draft_path is not None and not dialog.to_error.isVisibleTo(dialog)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    def __init__(self):
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(demo_db):
    from aiosmtpd.controller import Controller

    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    mail.set_smtp_settings(demo_db, mail.SmtpSettings(
        server="127.0.0.1", port=controller.port, security="none", user="",
        sender="Sam Coach <sam@example.net>"))
    yield handler
    controller.stop()


def test_send_now_delivers_by_smtp_and_logs_it(qtbot, report_dialog, demo_db, smtp):
    dialog = email_dialog(qtbot, report_dialog)
    assert dialog.send_button.isEnabled()
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    eid = report_dialog.engagement.id
    qtbot.waitUntil(lambda: report_log.entries(demo_db, eid)
                    and report_log.entries(demo_db, eid)[0].method == "smtp", timeout=15000)
    rcpts, data = smtp.received[0]
    assert rcpts == [dialog.to.text()]
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert next(msg.iter_attachments()).get_content() == dialog.pdf_path.read_bytes()
    assert mail.list_outbox(mail.outbox_dir(demo_db.path)) == []
    entry = report_log.entries(demo_db, eid)[0]
    assert entry.sent_at is not None
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Sent to"), timeout=5000)


def test_a_failed_send_waits_in_the_outbox_with_the_reason(qtbot, report_dialog, demo_db, window):
    mail.set_smtp_settings(demo_db, mail.SmtpSettings(
        server="127.0.0.1", port=free_port(), security="none", user="", sender="sam@example.net"))
    dialog = email_dialog(qtbot, report_dialog)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Not sent"), timeout=15000)
    assert "connection refused" in dialog.outcome.text()
    assert "Send outbox" in dialog.outcome.text()
    assert len(mail.list_outbox(mail.outbox_dir(demo_db.path))) == 1
    assert report_log.entries(demo_db, report_dialog.engagement.id)[0].method == "outbox"
    window.update_outbox_action()
    assert window.send_outbox_action.text() == "Send outbox (1)"


def test_reopening_an_earlier_report_shows_it_and_notices_a_change(qtbot, report_dialog, demo_db):
    preview = wait_preview(qtbot, report_dialog, report_dialog.preview)
    preview.save_as(str(Path(preview.pdf_path).parent / "copy.pdf"))
    report_dialog.log_table.selectRow(0)
    assert report_dialog.open_button.isEnabled()
    qtbot.mouseClick(report_dialog.open_button, Qt.MouseButton.LeftButton)
    earlier = report_dialog.previews[-1]
    entry = report_log.entries(demo_db, report_dialog.engagement.id)[0]
    assert earlier.pdf_path == str(entry.pdf_path) and earlier.page_count() >= 2
    note = earlier.findChild(type(report_dialog.status), "earlierReportNote")
    assert "exactly as it was made" in note.text()

    Path(entry.pdf_path).write_bytes(Path(entry.pdf_path).read_bytes() + b"\n% changed")
    report_dialog.open_earlier()
    note = report_dialog.previews[-1].findChild(type(report_dialog.status), "earlierReportNote")
    assert "changed since the report was made" in note.text()

    Path(entry.pdf_path).unlink()
    count = len(report_dialog.previews)
    report_dialog.open_earlier()
    assert len(report_dialog.previews) == count
    assert "missing" in report_dialog.status.text()


def test_file_menu_progress_report_needs_a_client_on_screen(qtbot, window, demo_db, monkeypatch):
    window.show_clients()
    messages = []
    window.ctx.status_message.connect(messages.append)
    window.clients_page.table.clearSelection()
    window.report_action.trigger()
    assert messages and "Choose a client first" in messages[-1]

    # A client chosen in the list (arrow keys, as a coach does) is enough: no need to open them.
    from ui.dialogs import report_dialog

    opened = []
    monkeypatch.setattr(report_dialog, "open_report_dialog",
                        lambda ctx, engagement_id, parent: opened.append(engagement_id))
    table = window.clients_page.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    chosen = window.clients_page.selected_client_id()
    assert chosen is not None
    window.report_action.trigger()
    assert window.client_page.client.id == chosen
    assert len(opened) == 1


# -- settings ----------------------------------------------------------------------------------




def test_settings_save_the_coach_and_smtp_and_the_password_only_in_the_keyring(
        qtbot, demo_db, memory_keyring):
    from ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(AppContext(demo_db))
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(1)
    secret = "pässwörd-UI-CANARY-41"
    dialog.coach_name.clear()
    type_text(dialog.coach_name, "Anne Märtin 陈")
    dialog.credentials.clear()  # the demo practice has a fictional coach already
    qtbot.keyClicks(dialog.credentials, "PCC")
    qtbot.keyClicks(dialog.smtp_server, "smtp.example.org")
    dialog.smtp_security.setCurrentIndex(dialog.smtp_security.findData("ssl"))
    assert dialog.smtp_port.value() == 465  # follows the security while still a default port
    qtbot.keyClicks(dialog.smtp_user, "anne@example.org")
    type_text(dialog.smtp_password, secret)
    qtbot.keyClicks(dialog.smtp_sender, "Anne <anne@example.org>")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted

    profile = settings_service.coach_profile(demo_db)
    assert (profile.name, profile.credentials) == ("Anne Märtin 陈", "PCC")
    assert mail.get_smtp_settings(demo_db) == mail.SmtpSettings(
        "smtp.example.org", 465, "ssl", "anne@example.org", "Anne <anne@example.org>")
    assert memory_keyring.store == {("CoachDesk SMTP", "anne@example.org"): secret}
    with demo_db.session() as s:
        values = [r[0] or "" for r in s.connection().execute(text("SELECT value FROM setting"))]
    assert not any(secret in v for v in values)
    assert secret.encode() not in Path(demo_db.path).read_bytes()


def test_settings_refuse_a_bad_port_mix_beside_the_field_and_a_bad_logo(qtbot, demo_db, tmp_path,
                                                                        memory_keyring):
    from ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(AppContext(demo_db))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.smtp_server, "smtp example org")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.tabs.currentIndex() == 1
    assert dialog.errors["server"].isVisibleTo(dialog)
    assert not mail.get_smtp_settings(demo_db).configured

    fake = tmp_path / "logo.png"
    fake.write_text("not a picture")
    dialog.smtp_server.clear()
    dialog.logo_path.setText(str(fake))
    assert dialog.logo_preview.text() == "not an image"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["logo_path"].isVisibleTo(dialog)


def test_closing_keeps_the_summary_as_a_draft_and_asks_nothing(qtbot, report_dialog,
                                                                monkeypatch):
    """Closing used to ask because the summary lived only in the reports made; it is now kept
    as the engagement's draft, so closing never loses it and need not ask."""
    from PySide6.QtWidgets import QMessageBox

    from coachdesk.services import report_drafts

    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a) or
                                     QMessageBox.StandardButton.Cancel))
    report_dialog.show()
    type_text(report_dialog.summary, "Søren leads the outage reviews himself now <&>.")
    qtbot.keyClick(report_dialog, Qt.Key.Key_Escape)
    assert not asked and not report_dialog.isVisible()
    draft = report_drafts.get(report_dialog.ctx.db, report_dialog.engagement.id)
    assert draft.coach_summary == "Søren leads the outage reviews himself now <&>."


def test_discarding_on_close_is_asked_only_when_the_draft_cannot_be_kept(
        qtbot, report_dialog, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from coachdesk.errors import StorageError
    from coachdesk.services import report_drafts

    def locked(*args, **kwargs):
        raise StorageError("The draft could not be saved: the practice file is busy.")

    monkeypatch.setattr(report_drafts, "save", locked)
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or
                                     QMessageBox.StandardButton.Discard))
    report_dialog.show()
    type_text(report_dialog.next_steps, "Three-way meeting in March.")
    qtbot.keyClick(report_dialog, Qt.Key.Key_Escape)
    assert asked and "could not be kept as a draft" in asked[0] and "busy" in asked[0]
    assert not report_dialog.isVisible()  # the coach chose to close and lose them


@pytest.mark.parametrize("recipient,shown", [
    ("Katrin Vogel <k.vogel@example.org>", "Katrin Vogel"),
    ('"Vogel, Katrin" <k.vogel@example.org>', "Vogel, Katrin"),
    ("k.vogel@example.org", "k.vogel@example.org"),
    ("<k.vogel@example.org>", "k.vogel@example.org"),
    ("<i>Sponsor</i> <s@example.org>", "<i>Sponsor</i>"),  # the first '<' was eaten
    ("<b>Sponsor", "<b>Sponsor"),
])
def test_earlier_reports_name_the_recipient_as_written(recipient, shown):
    from ui.dialogs.report_earlier import _recipient_name

    assert _recipient_name(recipient) == shown
