"""Writing a sponsor report as a coach does (issue 11, item 7): nothing typed is lost, the
coach's name is asked for before the first report, nothing talent-related goes to the
sponsor unless ticked one by one, and a corrected e-mail address is kept with the sponsor.

Each test drives the dialog by keys and clicks and checks what the screen, the PDF and the
database show; each fails on the code before these changes.
"""

from __future__ import annotations

import email
import email.policy

import pytest
from consent_helpers import agree_once, say_yes_to_consent
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import type_text, when_modal

from coachdesk.errors import StorageError
from coachdesk.services import clients, engagements, indicators, report_drafts, report_log, sponsors
from coachdesk.services import settings as settings_service
from ui.context import AppContext
from ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
SUMMARY = "Søren chairs the outage reviews himself now <b>&\"' — 陈静 🙂"
STEPS = "Three-way meeting in March."


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages).split())


@pytest.fixture(autouse=True)
def consent_given(demo_db, monkeypatch):
    """Søren agreed to every section and no indicator (so none is ticked at first), and a
    tick the coach adds is agreed as it is made (tests/test_ui_consent_report.py: the
    question itself)."""
    agree_once(demo_db, soren_engagement(demo_db).id)
    say_yes_to_consent(monkeypatch)


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


def soren_engagement(db):
    return engagements.pick_current(engagements.list_all(db, client_id=soren(db)))


def open_dialog(qtbot, window, db):
    """Open the report dialog from Søren's page, then show it as the coach's active window."""
    from ui.dialogs.report_dialog import ReportDialog

    window.open_client(soren(db))
    made = []

    def grab(dialog):
        made.append(dialog)
        dialog.hide()  # leave exec(); the dialog object stays for the test

    state = when_modal(grab)
    qtbot.mouseClick(window.client_page.report_button, LEFT)
    assert state["error"] is None and made and isinstance(made[0], ReportDialog)
    dialog = made[0]
    dialog.previews = []
    dialog.on_preview = dialog.previews.append
    activate(qtbot, dialog)
    return dialog


def activate(qtbot, widget):
    widget.show()
    widget.activateWindow()
    widget.windowHandle().requestActivate()
    qtbot.waitUntil(widget.isActiveWindow, timeout=3000)


def wait_preview(qtbot, dialog, action):
    before = len(dialog.previews)
    action()
    qtbot.waitUntil(lambda: len(dialog.previews) > before, timeout=15000)
    return dialog.previews[-1]


def no_question(monkeypatch):
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


@pytest.fixture
def opened_urls(monkeypatch):
    urls = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: urls.append(url.toLocalFile()) or True))
    return urls


# -- drafts: closing never loses words ---------------------------------------------------------


def test_words_typed_survive_closing_and_come_back(qtbot, window, demo_db, monkeypatch):
    asked = no_question(monkeypatch)
    dialog = open_dialog(qtbot, window, demo_db)
    assert QApplication.focusWidget() is dialog.summary  # the coach starts writing at once
    type_text(QApplication.focusWidget(), SUMMARY)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.next_steps
    qtbot.keyClicks(QApplication.focusWidget(), STEPS)
    # Saved as the coach types, before any closing.
    eid = dialog.engagement.id
    qtbot.waitUntil(lambda: (report_drafts.get(demo_db, eid) or None) is not None
                    and report_drafts.get(demo_db, eid).next_steps == STEPS, timeout=3000)
    assert "Draft saved" in dialog.draft_status.text()
    assert "next report starts fresh" in dialog.draft_status.text()

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and asked == []  # closing asks nothing: the words are kept
    draft = report_drafts.get(demo_db, eid)
    assert (draft.coach_summary, draft.next_steps) == (SUMMARY, STEPS)

    again = open_dialog(qtbot, window, demo_db)
    assert again.summary.toPlainText() == SUMMARY
    assert again.next_steps.toPlainText() == STEPS
    assert "is back" in again.draft_status.text()


def test_closing_right_after_typing_keeps_the_last_words(qtbot, window, demo_db, monkeypatch):
    no_question(monkeypatch)
    dialog = open_dialog(qtbot, window, demo_db)
    type_text(QApplication.focusWidget(), "Typed and closed at once")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # before the autosave timer fires
    assert report_drafts.get(demo_db, dialog.engagement.id).coach_summary == \
        "Typed and closed at once"


def test_a_draft_that_cannot_be_saved_says_so_is_retried_and_closing_asks(
        qtbot, window, demo_db, monkeypatch):
    real_save = report_drafts.save
    busy = {"on": True}

    def save(*args, **kwargs):
        if busy["on"]:
            raise StorageError("The draft could not be saved: the practice file is busy or "
                               "cannot be written just now.")
        return real_save(*args, **kwargs)

    monkeypatch.setattr(report_drafts, "save", save)
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel  # stay

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    dialog = open_dialog(qtbot, window, demo_db)
    dialog.draft_retry.setInterval(200)
    type_text(QApplication.focusWidget(), "Words while the file is locked")
    qtbot.waitUntil(lambda: "Not saved yet" in dialog.draft_status.text(), timeout=3000)
    assert "busy" in dialog.draft_status.text() and "Draft saved" not in dialog.draft_status.text()
    assert "Words while" not in dialog.draft_status.text()  # never the coach's words

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked and "Closing now loses them" in asked[0]
    assert dialog.isVisible() and dialog.summary.toPlainText() == "Words while the file is locked"
    assert report_drafts.get(demo_db, dialog.engagement.id) is None

    busy["on"] = False  # the other program lets go: the retry keeps the words
    qtbot.waitUntil(lambda: "Draft saved" in dialog.draft_status.text(), timeout=3000)
    assert report_drafts.get(demo_db, dialog.engagement.id).coach_summary == \
        "Words while the file is locked"
    asked.clear()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and asked == []


def test_the_draft_ends_once_the_report_has_gone_out(qtbot, window, demo_db, monkeypatch,
                                                     tmp_path):
    no_question(monkeypatch)
    dialog = open_dialog(qtbot, window, demo_db)
    type_text(QApplication.focusWidget(), SUMMARY)
    preview = wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.preview_button, LEFT))
    eid = dialog.engagement.id
    assert report_drafts.get(demo_db, eid).coach_summary == SUMMARY  # previewing is not sending
    preview.save_as(str(tmp_path / "sent.pdf"))
    assert report_drafts.get(demo_db, eid) is None
    assert "This report is made" in dialog.draft_status.text()
    (entry,) = report_log.entries(demo_db, eid)
    assert entry.coach_summary == SUMMARY  # the log keeps the words
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert report_drafts.get(demo_db, eid) is None  # closing does not bring it back

    again = open_dialog(qtbot, window, demo_db)
    assert again.summary.toPlainText() == "" and again.log_model.rowCount() == 1


# -- the coach's name before the first report --------------------------------------------------


def fill_name_form(qtbot, seen):
    from ui.dialogs.report_choices import CoachNameDialog

    def fill(form):
        seen.append(form)
        assert isinstance(form, CoachNameDialog)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is form.name, timeout=3000)
        type_text(QApplication.focusWidget(), "Anne Märtin")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is form.credentials
        qtbot.keyClicks(QApplication.focusWidget(), "PCC, ICF")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    return when_modal(fill)


def test_the_name_is_asked_before_the_first_report_and_signs_cover_and_email(
        qtbot, window, demo_db, opened_urls):
    settings_service.set_coach_profile(demo_db, "", "", None)  # a new coach: no name yet
    dialog = open_dialog(qtbot, window, demo_db)
    seen = []
    state = fill_name_form(qtbot, seen)
    preview = wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.preview_button, LEFT))
    assert state["done"] and state["error"] is None, state["error"]
    assert seen and not seen[0].isVisible()
    profile = settings_service.coach_profile(demo_db)
    assert (profile.name, profile.credentials) == ("Anne Märtin", "PCC, ICF")
    cover = " ".join(PdfReader(preview.pdf_path).pages[0].extract_text().split())
    assert "Coach Anne Märtin, PCC, ICF" in cover

    # The e-mail signs off with the name and credentials; the form is not asked again.
    mail_dialog = wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.email_button, LEFT))
    assert len(seen) == 1
    assert mail_dialog.message.toPlainText().endswith("Kind regards,\nAnne Märtin\nPCC, ICF")
    qtbot.mouseClick(mail_dialog.draft_button, LEFT)
    msg = email.message_from_bytes(mail_dialog.draft_path.read_bytes(),
                                   policy=email.policy.default)
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Kind regards,\nAnne Märtin\nPCC, ICF" in body


def test_not_now_lets_the_coach_go_on_without_a_name(qtbot, window, demo_db):
    settings_service.set_coach_profile(demo_db, "", "", None)
    dialog = open_dialog(qtbot, window, demo_db)

    def later(form):
        qtbot.waitUntil(lambda: QApplication.focusWidget() is form.name, timeout=3000)
        later_button = form.buttons.button(form.buttons.StandardButton.Cancel)
        assert later_button.text() == "Not now"
        qtbot.mouseClick(later_button, LEFT)

    state = when_modal(later)
    preview = wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.preview_button, LEFT))
    assert state["done"] and state["error"] is None, state["error"]
    assert preview.page_count() >= 2 and settings_service.coach_profile(demo_db).name == ""
    mail_dialog = wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.email_button, LEFT))
    assert mail_dialog.message.toPlainText().endswith("Kind regards")


# -- no filler to the sponsor ----------------------------------------------------------------


def test_an_empty_summary_sends_no_filler_to_the_sponsor(qtbot, window, demo_db):
    dialog = open_dialog(qtbot, window, demo_db)
    assert dialog.summary.toPlainText() == ""
    preview = wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.preview_button, LEFT))
    txt = pdf_text(preview.pdf_path)
    assert "Engagement at a glance" in txt
    for filler in ("No summary written", "No next steps written", "Coach's summary and next steps",
                   "Not recorded"):
        assert filler not in txt, filler


# -- indicators: chosen one by one, none at first ----------------------------------------------


def shown_boxes(dialog) -> dict[int, object]:
    return {iid: box for iid, box in dialog.indicator_choices.boxes.items()
            if box.isVisibleTo(dialog)}


def test_no_indicator_is_ticked_and_space_ticks_only_the_one_chosen(qtbot, window, demo_db):
    dialog = open_dialog(qtbot, window, demo_db)
    boxes = shown_boxes(dialog)
    names = {i.id: i for i in indicators.list_all(demo_db, include_retired=True)}
    assert len(boxes) >= 3 and not any(b.isChecked() for b in boxes.values())
    sensitive = {iid for iid in boxes if names[iid].sensitive}
    assert {names[i].key for i in sensitive} == {"wellbeing", "intent_to_stay"}
    for iid, box in boxes.items():  # marked, with the reason, and only those
        assert ("🔒 sensitive" in box.text()) == (iid in sensitive)
        if iid in sensitive:
            assert "only when your client has agreed" in box.toolTip()

    chosen = indicators.by_key(demo_db, "engagement")
    box = boxes[chosen.id]
    box.setFocus()
    assert box.hasFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked() and dialog.indicator_choices.chosen_ids() == (chosen.id,)
    preview = wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.preview_button, LEFT))
    txt = pdf_text(preview.pdf_path)
    assert "Talent-retention indicators" in txt and chosen.name in txt
    for iid in boxes:
        if iid != chosen.id:
            assert names[iid].name not in txt, names[iid].name


def test_with_nothing_ticked_the_pdf_has_no_indicator(qtbot, window, demo_db):
    dialog = open_dialog(qtbot, window, demo_db)
    preview = wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.preview_button, LEFT))
    txt = pdf_text(preview.pdf_path)
    assert "Talent-retention" not in txt
    for ind in indicators.list_all(demo_db, include_retired=True):
        assert ind.name not in txt, ind.name


def test_choices_come_back_from_the_draft_and_sensitive_stay_unticked(
        qtbot, window, demo_db, monkeypatch):
    no_question(monkeypatch)
    # The coach marks one more indicator sensitive (as Edit → Indicators… does).
    confidence = indicators.by_key(demo_db, "confidence_in_role")
    indicators.update(demo_db, confidence.id, sensitive=True)
    dialog = open_dialog(qtbot, window, demo_db)
    boxes = shown_boxes(dialog)
    assert "🔒 sensitive" in boxes[confidence.id].text()
    assert not any(b.isChecked() for b in boxes.values())
    trust = indicators.by_key(demo_db, "trust_in_leadership")
    boxes[trust.id].setFocus()
    qtbot.keyClick(boxes[trust.id], Qt.Key.Key_Space)
    section = dialog.section_boxes["actions"]
    section.setFocus()
    qtbot.keyClick(section, Qt.Key.Key_Space)  # and leaves out the action items
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    again = open_dialog(qtbot, window, demo_db)
    boxes = shown_boxes(again)
    assert {iid for iid, b in boxes.items() if b.isChecked()} == {trust.id}
    assert not again.section_boxes["actions"].isChecked()
    assert all(again.section_boxes[k].isChecked() for k in ("glance", "goals", "summary"))


# -- the sponsor's e-mail, corrected in the dialog -------------------------------------------


def retype(qtbot, field, text):
    field.setFocus()
    assert field.hasFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)


def test_a_corrected_email_is_saved_to_the_sponsor_and_said(qtbot, window, demo_db):
    dialog = open_dialog(qtbot, window, demo_db)
    sponsor = dialog.sponsor
    assert not dialog.keep_email.isVisibleTo(dialog)
    retype(qtbot, dialog.recipient_email, "k.vogel@new-example.org")
    assert dialog.keep_email.isVisibleTo(dialog) and dialog.keep_email.isChecked()
    assert sponsor.name in dialog.keep_email.text()
    wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.preview_button, LEFT))
    assert sponsors.get(demo_db, sponsor.id).email == "k.vogel@new-example.org"
    assert dialog.email_note.isVisibleTo(dialog)
    assert dialog.email_note.text() == f"Saved to {sponsor.name}'s details."
    assert not dialog.keep_email.isVisibleTo(dialog)


def test_an_invalid_email_is_said_under_the_field_until_it_is_fixed(qtbot, window, demo_db):
    dialog = open_dialog(qtbot, window, demo_db)
    sponsor = dialog.sponsor
    before = sponsors.get(demo_db, sponsor.id).email
    error = dialog.errors["to"]
    retype(qtbot, dialog.recipient_email, "katrin at example")
    count = len(dialog.previews)
    qtbot.mouseClick(dialog.email_button, LEFT)
    assert error.isVisibleTo(dialog) and "does not look like an e-mail address" in error.text()
    assert len(dialog.previews) == count and dialog.job is None  # no e-mail was prepared
    assert sponsors.get(demo_db, sponsor.id).email == before
    assert dialog.recipient_email.text() == "katrin at example"  # nothing typed is lost
    # A preview needs no address: it goes on, and the error stays said under the field.
    wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.preview_button, LEFT))
    assert error.isVisibleTo(dialog) and sponsors.get(demo_db, sponsor.id).email == before

    retype(qtbot, dialog.recipient_email, "katrin@exampl")
    assert error.isVisibleTo(dialog)  # still wrong: still said, with the new text
    assert "katrin@exampl" not in error.text()  # named, never quoted back
    qtbot.keyClicks(dialog.recipient_email, "e.org")
    assert not error.isVisibleTo(dialog)  # fixed: the red line is gone at once
    mail_dialog = wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.email_button, LEFT))
    assert mail_dialog.to.text() == "katrin@example.org"
    assert sponsors.get(demo_db, sponsor.id).email == "katrin@example.org"


def test_an_address_typed_in_the_email_dialog_can_be_kept_with_the_sponsor(
        qtbot, window, demo_db, opened_urls):
    sponsor_id = soren_engagement(demo_db).sponsor_id
    sponsors.update(demo_db, sponsor_id, email="")
    dialog = open_dialog(qtbot, window, demo_db)
    mail_dialog = wait_preview(qtbot, dialog, lambda: qtbot.mouseClick(dialog.email_button, LEFT))
    assert mail_dialog.missing.isVisibleTo(mail_dialog)
    assert not mail_dialog.keep.isVisibleTo(mail_dialog)
    mail_dialog.to.setFocus()
    qtbot.keyClicks(mail_dialog.to, "priya@example.org")
    assert mail_dialog.keep.isVisibleTo(mail_dialog) and mail_dialog.keep.isChecked()
    qtbot.mouseClick(mail_dialog.draft_button, LEFT)
    assert mail_dialog.draft_path is not None
    assert sponsors.get(demo_db, sponsor_id).email == "priya@example.org"
    assert "Saved to" in mail_dialog.kept_note.text()
    assert dialog.recipient_email.text() == "priya@example.org"


def test_tab_walks_the_choices_then_the_words(qtbot, window, demo_db):
    dialog = open_dialog(qtbot, window, demo_db)
    dialog.date_from.setFocus()
    qtbot.waitUntil(dialog.date_from.hasFocus, timeout=3000)
    seen = []
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
        if seen[-1] is dialog.next_steps:
            break
    names = [w.objectName() for w in seen]
    shown = [b.objectName() for b in shown_boxes(dialog).values()]
    start = names.index("section_glance")
    assert names.index("includeStakeholders") < names.index(shown[0])
    assert [n for n in names if n.startswith("reportIndicator_")] == shown  # in reading order
    assert names[-3:] == ["reportRecipientEmail", "reportSummary", "reportNextSteps"]
    assert start < names.index("reportRecipientEmail")


def test_a_shorter_period_offers_only_what_was_rated_in_it_and_keeps_the_choice(
        qtbot, window, demo_db):
    from datetime import timedelta

    from coachdesk.reports import progress

    dialog = open_dialog(qtbot, window, demo_db)
    boxes = shown_boxes(dialog)
    engagement_box = boxes[indicators.by_key(demo_db, "engagement").id]
    engagement_box.setFocus()
    qtbot.keyClick(engagement_box, Qt.Key.Key_Space)
    # A period with no readings at all (set-up: the dates before the engagement began).
    start = dialog.date_from.value()
    dialog.date_from.set_value(start - timedelta(days=400))
    dialog.date_to.set_value(start - timedelta(days=300))
    assert shown_boxes(dialog) == {} and dialog.indicator_choices.empty.isVisibleTo(dialog)
    assert dialog.indicator_choices.chosen_ids() == ()  # nothing hidden goes in
    dialog.date_to.set_value(start + timedelta(days=90))
    expected = [c.indicator_id for c in progress.indicator_choices(
        demo_db, dialog.engagement.id, dialog.date_from.value(), dialog.date_to.value())]
    assert list(shown_boxes(dialog)) == expected
    assert engagement_box.isChecked()  # the coach's tick came back with it


def test_tab_walks_the_whole_report_dialog_and_comes_back(qtbot, window, demo_db, tmp_path):
    """Tab from the first field reaches Preview, E-mail and Close and comes back round,
    also once an earlier report is listed (its table kept Tab for its own cells: the
    keyboard was trapped there), and Qt accepts the whole Tab order (no box outside the
    dialog, which it refused with a warning)."""
    from datetime import date

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from coachdesk.reports import progress

    engagement = soren_engagement(demo_db)
    data = progress.report_data(demo_db, engagement.id, date(2026, 1, 1), date(2026, 11, 1))
    pdf = progress.build_report_pdf(tmp_path / "earlier.pdf", data)
    report_log.record(demo_db, engagement.id, pdf, data, recipient="sponsor@example.org")

    warnings: list[str] = []
    previous = qInstallMessageHandler(
        lambda kind, _ctx, msg: warnings.append(msg) if kind != QtMsgType.QtDebugMsg else None)
    try:
        dialog = open_dialog(qtbot, window, demo_db)
    finally:
        qInstallMessageHandler(previous)
    assert not [w for w in warnings if "setTabOrder" in w], warnings
    assert dialog.log_table.model().rowCount() == 1
    start = QApplication.focusWidget()
    seen = []
    for _ in range(80):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is start:
            break
        seen.append(now)
    else:
        raise AssertionError("Tab never came back round: it is trapped somewhere")
    assert dialog.preview_button in seen and dialog.email_button in seen
    assert seen.count(dialog.log_table) == 1
