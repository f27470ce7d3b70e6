"""The report dialog and the client's consent (issue 16): it starts from the consent in
force, says what goes and why, asks before an unagreed tick stays, and with no consent
offers to record it. The canary: an indicator without consent, ticked by the coach who then
says No, is in no byte of the report the dialog makes."""

from __future__ import annotations

from datetime import date

import pdf_bytes
import pytest
from PySide6.QtCore import Qt
from ui_helpers import type_text, when_modal

from coachdesk.services import clients, consent, engagements, indicators, report_log
from ui.context import AppContext
from ui.dialogs.consent_dialog import AskConsentDialog, ConsentDialog
from ui.dialogs.report_dialog import ReportDialog

CANARY_NAME = "QZUICANARY Fernweh"


def engagement_of(db, prefix: str) -> int:
    cid = next(r for r in clients.list_rows(db) if r.name.startswith(prefix)).id
    return engagements.pick_current(engagements.list_all(db, client_id=cid)).id


@pytest.fixture
def open_dialog(qtbot, demo_db):
    def opener(eid: int) -> ReportDialog:
        dialog = ReportDialog(AppContext(demo_db), eid)
        qtbot.addWidget(dialog)
        dialog.previews = []
        dialog.on_preview = dialog.previews.append
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return opener


def press(qtbot, box) -> None:
    """Tick or untick a box as a person does from the keyboard: focus it, press Space."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def answer(qtbot, how: str | None, seen: list):
    """Watch for the "Record their consent now?" question: type ``how`` and record, or
    press No (``how`` None)."""
    def act(dialog):
        seen.append((type(dialog).__name__, dialog.findChild(object, "askConsentQuestion")
                     .text() if isinstance(dialog, AskConsentDialog) else ""))
        if how is None:
            qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel),
                             Qt.MouseButton.LeftButton)
        else:
            dialog.how.setFocus()
            type_text(dialog.how, how)  # as typed (offscreen, a modal may not take focus)
            qtbot.keyClick(dialog.how, Qt.Key.Key_Return)  # Enter records

    return when_modal(act)


def test_the_dialog_starts_from_the_consent_and_says_why(open_dialog, demo_db):
    eid = engagement_of(demo_db, "José")
    state = consent.current(demo_db, eid)
    dialog = open_dialog(eid)
    ticked = {k for k, b in dialog.section_boxes.items() if b.isChecked()}
    assert ticked == set(state.sections) - {"indicators"}
    assert not dialog.include_stakeholders.isChecked()
    assert set(dialog.indicator_choices.chosen_ids()) == set(state.indicator_ids)
    line = dialog.consent.line.text()
    assert "as the client agreed on" in line and "in the signed coaching agreement" in line
    assert f"{len(ticked)} sections and {len(state.indicator_ids)} indicators" in line
    assert not dialog.consent.record_button.isVisibleTo(dialog)
    # Each tick says whether it was agreed; sensitive ones are marked and not ticked.
    for ind in indicators.list_all(demo_db):
        box = dialog.indicator_choices.boxes[ind.id]
        if not box.isVisibleTo(dialog):
            continue
        assert ("· agreed" in box.text()) == (ind.id in state.indicator_ids), box.text()
        if ind.sensitive:
            assert "🔒 sensitive" in box.text() and not box.isChecked()
    assert "not agreed" in dialog.include_stakeholders.text()


def test_ticking_an_unagreed_indicator_asks_and_no_leaves_it_out(qtbot, open_dialog, demo_db):
    eid = engagement_of(demo_db, "José")
    before = consent.history(demo_db, eid)
    wellbeing = indicators.by_key(demo_db, "wellbeing").id
    dialog = open_dialog(eid)
    box = dialog.indicator_choices.boxes[wellbeing]
    seen = []
    state = answer(qtbot, None, seen)
    press(qtbot, box)
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None
    assert seen[0][0] == "AskConsentDialog"
    assert seen[0][1] == ("The client has not agreed to share the indicator “Wellbeing and "
                          "resilience” with the sponsor. Record their consent now?")
    assert not box.isChecked() and wellbeing not in dialog.indicator_choices.chosen_ids()
    assert consent.history(demo_db, eid) == before  # nothing recorded


def test_yes_records_a_new_consent_with_the_day_and_how(qtbot, open_dialog, demo_db):
    eid = engagement_of(demo_db, "José")
    was = consent.current(demo_db, eid)
    dialog = open_dialog(eid)
    actions = dialog.section_boxes["actions"]
    if actions.isChecked():  # the demo's mix: untick it, and take it out of the consent
        consent.record(demo_db, eid, set(was.sections) - {"actions"}, was.indicator_ids)
        dialog.consent.reload()
        dialog.consent.start(had_draft=False)
        was = consent.current(demo_db, eid)
    assert not actions.isChecked()
    seen = []
    state = answer(qtbot, "By e-mail on Monday", seen)
    press(qtbot, actions)
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None and "the section “Action items”" in seen[0][1]
    assert actions.isChecked()
    now = consent.current(demo_db, eid)
    assert now.id != was.id and now.how == "By e-mail on Monday"
    assert now.consent_date == date.today()
    assert set(now.sections) == set(was.sections) | {"actions"}
    assert now.indicator_ids == was.indicator_ids  # nothing else changed
    assert "by e-mail on Monday" in dialog.consent.line.text()
    assert "not agreed" not in actions.text()


def test_with_no_consent_the_dialog_says_so_and_records_it(qtbot, open_dialog, demo_db):
    from coachdesk.demo import CLIENTS

    eid = engagement_of(demo_db, CLIENTS[2][0][:6])  # the demo client who agreed nothing yet
    assert consent.current(demo_db, eid) is None
    dialog = open_dialog(eid)
    assert "not recorded yet, so no report can be made" in dialog.consent.line.text()
    assert not any(b.isChecked() for b in dialog.section_boxes.values())
    assert dialog.preview() is None
    assert "consent is recorded" in dialog.status.text()
    assert dialog.consent.record_button.isVisibleTo(dialog)

    def record(form):
        assert isinstance(form, ConsentDialog)
        # Nothing is ticked for the coach in a new consent, and no sensitive one ever.
        assert not any(b.isChecked() for b in (*form.section_boxes.values(),
                                                *form.indicator_boxes.values()))
        for key in ("glance", "summary", "sessions"):
            form.section_boxes[key].setChecked(True)
        form.how.setFocus()
        type_text(form.how, "In the three-way meeting")
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    state = when_modal(record)
    qtbot.mouseClick(dialog.consent.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None
    assert consent.current(demo_db, eid).sections == ("glance", "summary", "sessions")
    assert {k for k, b in dialog.section_boxes.items() if b.isChecked()} == {
        "glance", "summary", "sessions"}
    assert "in the three-way meeting" in dialog.consent.line.text()
    assert not dialog.consent.record_button.isVisibleTo(dialog)


def test_a_draft_keeps_only_what_is_still_agreed(qtbot, open_dialog, demo_db):
    from coachdesk.services import report_drafts

    eid = engagement_of(demo_db, "José")
    state = consent.current(demo_db, eid)
    stay = indicators.by_key(demo_db, "intent_to_stay").id
    report_drafts.save(demo_db, eid, coach_summary="Kept words.", next_steps="",
                       sections=("glance", "goals", "stakeholders"),
                       indicator_ids=(*state.indicator_ids, stay))
    dialog = open_dialog(eid)
    assert dialog.summary.toPlainText() == "Kept words."
    assert {k for k, b in dialog.section_boxes.items() if b.isChecked()} == {"glance", "goals"}
    assert not dialog.include_stakeholders.isChecked()  # not agreed: left out, not asked
    assert stay not in dialog.indicator_choices.chosen_ids()


def test_canary_ticked_then_no_is_in_no_byte_of_the_dialogs_report(qtbot, open_dialog,
                                                                     demo_db):
    eid = engagement_of(demo_db, "José")
    cid = engagements.get(demo_db, eid).client_id
    canary = indicators.create(demo_db, CANARY_NAME, scale_min=-1000, scale_max=1000).id
    for day, value in ((date.today().replace(day=1), -613.5), (date.today(), 987.5)):
        indicators.add_reading(demo_db, cid, canary, day, value, engagement_id=eid,
                               private_comment="QZUICANARY comment")
    dialog = open_dialog(eid)
    box = dialog.indicator_choices.boxes[canary]
    assert box.isVisibleTo(dialog) and not box.isChecked()
    seen = []
    state = answer(qtbot, None, seen)
    press(qtbot, box)  # the coach tries to tick it, and says No
    qtbot.waitUntil(lambda: state["done"])
    assert seen and not box.isChecked()
    # Even forced past the dialog's own check, the engine refuses it.
    dialog.indicator_choices._chosen.add(canary)
    dialog._say("")
    dialog.preview()
    qtbot.waitUntil(lambda: "not agreed to share 1 of the chosen indicators"
                    in dialog.status.text(), timeout=15000)
    assert "QZUICANARY" not in dialog.status.text()
    dialog.indicator_choices._chosen.discard(canary)
    before = len(dialog.previews)
    dialog.preview()
    qtbot.waitUntil(lambda: len(dialog.previews) > before, timeout=15000)
    preview = dialog.previews[-1]
    assert preview.save_as(str(preview.pdf_path) + ".saved.pdf")
    (entry,) = report_log.entries(demo_db, eid)
    for pdf in (preview.pdf_path, entry.pdf_path):
        assert "Engagement at work" in pdf_bytes.text(pdf)  # what was agreed is there
        pdf_bytes.assert_absent(pdf, CANARY_NAME, "QZUICANARY", "Fernweh", "613.5", "987.5")


def test_an_earlier_report_the_consent_no_longer_covers_is_for_the_record_only(
        qtbot, open_dialog, demo_db, tmp_path):
    from coachdesk.reports import progress

    eid = engagement_of(demo_db, "José")
    state = consent.current(demo_db, eid)
    data = progress.report_data(demo_db, eid, coach_summary="Steady.",
                                indicator_ids=state.indicator_ids)
    entry = report_log.record(demo_db, eid, progress.build_report_pdf(tmp_path / "r.pdf", data),
                              data)
    dialog = open_dialog(eid)
    still = dialog.open_earlier(entry.id)
    qtbot.addWidget(still)
    assert still.save_button.isEnabled() and still.print_button.isEnabled()
    assert still.findChild(object, "earlierReportConsent") is None
    # The client withdraws the indicators: that report must not go out again.
    consent.record(demo_db, eid, state.sections, (), date.today())
    held = dialog.open_earlier(entry.id)
    qtbot.addWidget(held)
    assert not held.save_button.isEnabled() and not held.print_button.isEnabled()
    note = held.findChild(object, "earlierReportConsent")
    assert note is not None and "consent has changed since this report was made" in note.text()
