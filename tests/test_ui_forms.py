"""Every form dialog, used as a person uses it: the cursor starts in the first field, what
is typed lands there, Tab walks the fields in reading order and reaches the buttons
last, Enter saves, and Esc after typing asks before anything is lost.

The tests run over every form dialog class: each ``FormDialog`` subclass (found by
walking the ``ui`` package) and each hand-built dialog that takes the form contract
(``FormBehaviour``). A new form dialog needs one line in ``FACTORIES`` (how to open it
on the demo practice); a new dialog that is no form needs a line in ``NOT_FORMS``
saying why. ``test_every_dialog_class_is_known`` fails until one of the two is done.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTabBar,
    QWidget,
)
from test_ui_f2_passphrase_close import CLOSE_AT_ONCE
from ui_helpers import answer_discard, keys

import ui
from ui.context import AppContext
from ui.dialogs.base import DISCARD_QUESTION, FormBehaviour, FormDialog, focus_leaves_or_self
from ui.widgets.fields import OptionalDateEdit

# -- the demo practice the dialogs open on ---------------------------------------------------


@dataclass
class Demo:
    ctx: AppContext
    client_id: int
    organization_id: int | None
    engagement_id: int
    goal: object
    stakeholder: object
    pattern: object
    reading: object
    indicator: object


def demo_records(db) -> Demo:
    from coachdesk.services import clients, engagements, goals, indicators, relationships

    for row in clients.list_rows(db):
        client = clients.get(db, row.id)
        rows = engagements.list_all(db, client_id=client.id)
        current = engagements.pick_current(rows)
        if current is None:
            continue
        client_goals = goals.list_for_engagement(db, current.id)
        people = relationships.stakeholders(db, client.id)
        patterns = relationships.patterns(db, client.id)
        readings = indicators.readings_for_client(db, client.id)
        if client_goals and people and patterns and readings:
            return Demo(AppContext(db), client.id, client.organization_id, current.id,
                        client_goals[0], people[0], patterns[0], readings[0],
                        indicators.list_all(db)[0])
    raise AssertionError("the demo practice has no client with goals, stakeholders, "
                         "patterns and readings")


def _email(d: Demo, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from ui.dialogs.email_dialog import EmailDialog

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: True))
    pdf = d.ctx.db.path.parent / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    return EmailDialog(d.ctx, pdf, to="sponsor@example.org", sponsor_name="Ana",
                       client_name="José", period="Nov 2026", coach_name="")


def _import(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


# How to open each form dialog on the demo practice: class path → (demo, monkeypatch) → dialog.
FACTORIES: dict[str, Callable] = {
    "ui.dialogs.people.OrganizationDialog":
        lambda d, mp: _import("ui.dialogs.people.OrganizationDialog")(d.ctx),
    "ui.dialogs.people.SponsorDialog":
        lambda d, mp: _import("ui.dialogs.people.SponsorDialog")(
            d.ctx, organization_id=d.organization_id),
    "ui.dialogs.people.NewClientDialog":
        lambda d, mp: _import("ui.dialogs.people.NewClientDialog")(d.ctx),
    "ui.dialogs.engagement.EngagementDialog":
        lambda d, mp: _import("ui.dialogs.engagement.EngagementDialog")(
            d.ctx, d.client_id, d.organization_id),
    "ui.dialogs.session_dialog.NewSessionDialog":
        lambda d, mp: _import("ui.dialogs.session_dialog.NewSessionDialog")(d.ctx, d.client_id),
    "ui.dialogs.stakeholder_dialog.StakeholderDialog":
        lambda d, mp: _import("ui.dialogs.stakeholder_dialog.StakeholderDialog")(
            d.ctx, d.client_id),
    "ui.dialogs.stakeholder_dialog.PatternDialog":
        lambda d, mp: _import("ui.dialogs.stakeholder_dialog.PatternDialog")(
            d.ctx, d.client_id, d.pattern),
    "ui.dialogs.goal_dialog.GoalDialog":
        lambda d, mp: _import("ui.dialogs.goal_dialog.GoalDialog")(d.ctx, d.engagement_id),
    "ui.dialogs.goal_dialog.RatingDialog":
        lambda d, mp: _import("ui.dialogs.goal_dialog.RatingDialog")(d.ctx, d.goal),
    "ui.dialogs.readings_dialog.QuickEntryDialog":
        lambda d, mp: _import("ui.dialogs.readings_dialog.QuickEntryDialog")(
            d.ctx, d.client_id, d.engagement_id),
    "ui.dialogs.readings_dialog.ReadingDialog":
        lambda d, mp: _import("ui.dialogs.readings_dialog.ReadingDialog")(d.ctx, d.reading),
    "ui.dialogs.indicator_library.IndicatorDialog":
        lambda d, mp: _import("ui.dialogs.indicator_library.IndicatorDialog")(
            d.ctx, d.indicator),
    "ui.dialogs.settings_dialog.SettingsDialog":
        lambda d, mp: _import("ui.dialogs.settings_dialog.SettingsDialog")(d.ctx),
    "ui.dialogs.email_dialog.EmailDialog": _email,
    "ui.dialogs.action_dialog.ActionDialog":
        lambda d, mp: _import("ui.dialogs.action_dialog.ActionDialog")(
            d.ctx, _import("coachdesk.services.actions.list_actions")(d.ctx.db)[0]),
    "ui.dialogs.people_merge.MergeDialog":
        lambda d, mp: _import("ui.dialogs.people_merge.MergeDialog")(
            d.ctx, "sponsor", _import("coachdesk.services.sponsors.list_rows")(d.ctx.db)[:2]),
    "ui.dialogs.report_choices.CoachNameDialog":
        lambda d, mp: _import("ui.dialogs.report_choices.CoachNameDialog")(d.ctx),
    "ui.dialogs.consent_dialog.ConsentDialog":
        lambda d, mp: _import("ui.dialogs.consent_dialog.ConsentDialog")(d.ctx, d.engagement_id),
    "ui.dialogs.consent_dialog.AskConsentDialog":
        lambda d, mp: _import("ui.dialogs.consent_dialog.AskConsentDialog")(
            d.ctx, d.engagement_id, "the section “Action items”", sections=("actions",)),
    "ui.dialogs.new_invoice.NewInvoiceDialog":
        lambda d, mp: _import("ui.dialogs.new_invoice.NewInvoiceDialog")(d.ctx, d.engagement_id),
    "ui.dialogs.invoice_forms.MarkPaidDialog":
        lambda d, mp: _import("ui.dialogs.invoice_forms.MarkPaidDialog")(
            d.ctx, _import("invoice_ui_helpers.issued_invoice")(d.ctx.db, d.engagement_id)),
    "ui.dialogs.invoice_forms.CreditNoteDialog":
        lambda d, mp: _import("ui.dialogs.invoice_forms.CreditNoteDialog")(
            d.ctx, _import("invoice_ui_helpers.issued_invoice")(d.ctx.db, d.engagement_id)),
    # Edit variants (after the '#'): the cursor starts in the first field there too.
    "ui.dialogs.engagement.EngagementDialog#edit":
        lambda d, mp: _import("ui.dialogs.engagement.EngagementDialog")(
            d.ctx, d.client_id, d.organization_id,
            engagement=_import("coachdesk.services.engagements.get")(d.ctx.db, d.engagement_id)),
    "ui.dialogs.stakeholder_dialog.StakeholderDialog#edit":
        lambda d, mp: _import("ui.dialogs.stakeholder_dialog.StakeholderDialog")(
            d.ctx, d.client_id, d.stakeholder),
    "ui.dialogs.goal_dialog.GoalDialog#edit":
        lambda d, mp: _import("ui.dialogs.goal_dialog.GoalDialog")(
            d.ctx, d.engagement_id, d.goal),
}


def _secret_form(path: str, patch: str | None = None):
    """A passphrase form on the (plain) demo practice, the engine call it makes on Save
    (``patch``: "module.function") replaced by one that accepts."""
    def factory(d, mp):
        if patch:
            module, function = patch.rsplit(".", 1)
            mp.setattr(importlib.import_module(module), function, lambda *a, **k: None)
        cls = _import(path)
        if path.endswith("CheckPassphraseDialog"):
            return cls(d.ctx.db.path, "Decrypt this practice", "Type your passphrase.",
                       "Decrypt", allow_recovery=True)
        return cls(d.ctx.db.path) if path.endswith("ChangePassphraseDialog") else cls("x.db")
    return factory


FACTORIES.update({
    "ui.dialogs.new_passphrase.NewPassphraseDialog": _secret_form(
        "ui.dialogs.new_passphrase.NewPassphraseDialog"),
    "ui.dialogs.new_passphrase.ChangePassphraseDialog": _secret_form(
        "ui.dialogs.new_passphrase.ChangePassphraseDialog",
        "coachdesk.practice_crypto.change_passphrase"),
    "ui.dialogs.new_passphrase.CheckPassphraseDialog": _secret_form(
        "ui.dialogs.new_passphrase.CheckPassphraseDialog", "coachdesk.encryption.unlock"),
})

# Dialogs that are not forms (nothing typed to lose, or they guard it their own way).
NOT_FORMS = {
    "ui.dialogs.recovery_key.RecoveryKeyDialog":
        "a key to keep: Done waits for its box, Esc asks its own question",
    "ui.dialogs.busy_work.BusyDialog": "a please-wait that cannot be closed half-way",
    "ui.dialogs.about.AboutDialog": "a text to read",
    "ui.dialogs.crash.CrashDialog": "a message with a copy button",
    "ui.dialogs.indicator_library.IndicatorLibraryDialog": "a list; its form is IndicatorDialog",
    "ui.dialogs.search_dialog.SearchDialog": "a search box: Esc closes it at once",
    "ui.dialogs.report_dialog.ReportDialog":
        "asks its own question about report words that are in no report yet",
    "ui.dialogs.report_earlier.ReportPreviewDialog": "a preview",
    "ui.dialogs.deleted_sessions.DeletedSessionsDialog": "a list to restore from",
    "ui.dialogs.explanation.ExplanationDialog": "a text to read",
    "ui.dialogs.shortcuts.ShortcutsDialog": "a list to read",
    "ui.dialogs.print_preview.PdfPreviewDialog": "a preview",
    "ui.dialogs.print_preview.WorksheetChoiceDialog": "a choice of two, nothing typed",
    "ui.dialogs.client_data.EraseClientDialog": "a confirmation",
    "ui.dialogs.backups_dialog.BackupsDialog": "a list of backups",
    "ui.dialogs.import_clients.ImportClientsDialog": "a file and its columns, nothing typed",
    "ui.dialogs.icf_dialog.IcfLogDialog": "filters for an export",
    "ui.dialogs.retention_review.RetentionReviewDialog": "a review list",
    "ui.dialogs.unlock.UnlockDialog": "a passphrase prompt: Esc cancels at once, nothing to lose",
    "ui.dialogs.export_seal.SealDialog": "a passphrase: nothing to keep, Esc closes at once",
}


def _rate_one(qtbot, dialog) -> None:
    """The quick-entry form saves only what was rated: rate the first ticked indicator."""
    row = next(r for r in dialog.rows.values() if r.check.isChecked())
    row.value.setFocus()
    qtbot.waitUntil(row.value.hasFocus)
    keys(qtbot, "7")


def _choose_level(qtbot, dialog) -> None:
    """A goal's rating has no level chosen for the coach: choose the one observed."""
    button = dialog.level_buttons[1]
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert dialog.level() == 1


def _choose_views(qtbot, dialog) -> None:
    """A new stakeholder's influence, relationship and trend are the coach's to choose:
    Down in each chooses its first."""
    for combo in (dialog.influence, dialog.quality, dialog.trend):
        combo.setFocus()
        qtbot.waitUntil(combo.hasFocus)
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentData() is not None


def _say_how(qtbot, dialog) -> None:
    """Consent needs how it was given: Down in the How box picks its first suggestion."""
    dialog.how.setFocus()
    qtbot.waitUntil(dialog.how.hasFocus)
    qtbot.keyClick(dialog.how, Qt.Key.Key_Down)
    assert dialog.how.text()


def _passphrase_twice(qtbot, dialog) -> None:
    """A new passphrase needs ten characters, typed the same twice."""
    first = dialog.secret_fields[0]
    if dialog.objectName() == "newPassphraseDialog":
        first.setText(first.text() + " and more words")
        dialog.repeat_edit.setText(first.text())
    else:
        dialog.new_edit.setText("Zoë and more words")
        dialog.repeat_edit.setText("Zoë and more words")


# Forms whose first field alone does not make them valid: what a coach would add first.
MAKE_VALID: dict[str, Callable] = {
    "ui.dialogs.new_passphrase.NewPassphraseDialog": _passphrase_twice,
    "ui.dialogs.new_passphrase.ChangePassphraseDialog": _passphrase_twice,
    "ui.dialogs.readings_dialog.QuickEntryDialog": _rate_one,
    "ui.dialogs.goal_dialog.RatingDialog": _choose_level,
    "ui.dialogs.stakeholder_dialog.StakeholderDialog": _choose_views,
    "ui.dialogs.consent_dialog.ConsentDialog": _say_how,
    "ui.dialogs.consent_dialog.AskConsentDialog": _say_how,
}


def _all_subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _all_subclasses(sub)
    return found


def _import_all_ui() -> None:
    for info in pkgutil.walk_packages(ui.__path__, "ui."):
        importlib.import_module(info.name)


def _path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def form_dialog_classes() -> list[str]:
    _import_all_ui()
    forms = {_path(c) for c in _all_subclasses(FormDialog) | _all_subclasses(FormBehaviour)
             if c.__module__.startswith("ui.") and c is not FormDialog}
    return sorted(forms | set(FACTORIES))


# -- the checks ---------------------------------------------------------------------------------


@pytest.fixture
def open_form(qtbot, demo_db, monkeypatch):
    demo = demo_records(demo_db)

    def opener(path: str) -> QDialog:
        dialog = FACTORIES[path](demo, monkeypatch)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        return dialog

    return opener


def dialog_buttons(dialog: QDialog) -> list[QWidget]:
    return [b for box in dialog.findChildren(QDialogButtonBox) for b in box.buttons()]


def tab_cycle(qtbot, dialog: QDialog) -> list[QWidget]:
    """Press Tab until the cursor is back where it started; the widgets it stopped at."""
    start = QApplication.focusWidget()
    cycle = [start]
    for _ in range(200):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is start:
            return cycle
        assert now is not None and dialog.isAncestorOf(now), "Tab left the dialog"
        assert now not in cycle, f"Tab went round without coming back to {start.objectName()}"
        cycle.append(now)
    raise AssertionError("Tab never came back to the first field")


def rect_in(dialog: QDialog, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(dialog, widget.rect().topLeft()), widget.size())


def reads_after(dialog: QDialog, a: QWidget, b: QWidget) -> bool:
    """Whether ``b`` comes after ``a`` as a person reads: to its right on the same line,
    or on a line below."""
    ra, rb = rect_in(dialog, a), rect_in(dialog, b)
    same_line = rb.top() < ra.bottom() and ra.top() < rb.bottom()
    if same_line:
        return rb.center().x() > ra.center().x()
    return rb.top() >= ra.bottom() - 2


def name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def text_of(widget: QWidget) -> str | None:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    return None


def first_text_field(dialog: QDialog, cycle: list[QWidget]) -> QWidget:
    for widget in cycle:
        if isinstance(widget, (QLineEdit, QPlainTextEdit)) and not widget.isReadOnly():
            return widget
    raise AssertionError(f"{dialog.objectName()} has no field to type in")


FORMS = form_dialog_classes()
ASKING = [p for p in FORMS if p not in CLOSE_AT_ONCE]  # passphrases close at once


def test_every_dialog_class_is_known():
    """A new dialog is either a form (a line in FACTORIES) or says why not (NOT_FORMS)."""
    _import_all_ui()
    missing = [p for p in FORMS if p not in FACTORIES]
    assert not missing, f"add these form dialogs to FACTORIES in {__file__}: {missing}"
    dialogs = {_path(c) for c in _all_subclasses(QDialog)
               if c.__module__.startswith("ui.") and c is not FormDialog}
    unknown = sorted(dialogs - set(FACTORIES) - set(NOT_FORMS))
    assert not unknown, ("new dialogs: add each to FACTORIES (a form) or NOT_FORMS (why it "
                         f"is no form): {unknown}")
    assert "ui.dialogs.people.NewClientDialog" in FORMS and len(FORMS) >= 14


@pytest.mark.parametrize("path", FORMS)
def test_typing_starts_in_the_first_field_and_tab_reads_in_order(qtbot, open_form, path):
    dialog = open_form(path)
    first = QApplication.focusWidget()
    assert first is not None and dialog.isAncestorOf(first), "no field has the cursor"
    buttons = dialog_buttons(dialog)
    assert first not in buttons, f"{path} opens with the cursor on {name(first)}"
    assert not isinstance(first, (QTabBar, QAbstractButton)) or first.isCheckable()

    # What the coach types lands in the first field.
    before = text_of(first)
    keys(qtbot, "Zoë")
    assert QApplication.focusWidget() is first
    if isinstance(first.parentWidget(), OptionalDateEdit):
        assert text_of(first) == "Zoë"  # a date shown whole is typed over whole
    elif before is not None:
        assert text_of(first) == before + "Zoë"  # an edit form's text is kept, not replaced

    cycle = tab_cycle(qtbot, dialog)
    # The buttons come last: one block at the end (a tab bar above may follow, wrapping).
    at = [n for n, w in enumerate(cycle) if w in buttons]
    assert at, f"Tab never reached the buttons of {path}"
    assert at == list(range(at[0], at[0] + len(at))), "the buttons are not together"
    fields, after = cycle[:at[0]], cycle[at[-1] + 1:]
    for widget in after:
        assert isinstance(widget, QTabBar), f"{name(widget)} comes after the buttons"
    assert [b for b in cycle if b in buttons] == sorted(
        (b for b in cycle if b in buttons), key=lambda b: rect_in(dialog, b).left())
    # The fields in reading order, and the first one is the first a person reads.
    for a, b in zip(fields, fields[1:], strict=False):
        assert reads_after(dialog, a, b), f"Tab goes from {name(a)} back to {name(b)}"
    for widget in after:
        assert reads_after(dialog, widget, first)
    # Every stop has a name for tests and screen readers.
    for widget in cycle:
        assert widget.objectName() and widget.accessibleName(), f"{name(widget)} is unnamed"


@pytest.mark.parametrize("path", FORMS)
def test_form_labels_put_the_cursor_in_their_field(qtbot, open_form, path):
    dialog = open_form(path)
    labels = [lab for lab in dialog.findChildren(QLabel) if lab.buddy() is not None
              and lab.isVisibleTo(dialog) and lab.buddy().isEnabled()
              and lab.buddy().isVisibleTo(dialog)]
    forms = [lab for form in dialog.findChildren(QFormLayout) for row in range(form.rowCount())
             if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
             and isinstance(lab := item.widget(), QLabel) and lab.text().strip()
             and form.itemAt(row, QFormLayout.ItemRole.FieldRole) is not None
             and focus_leaves_or_self(form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
                                      or QWidget())]
    assert all(lab.buddy() is not None for lab in forms), "a form label without its field"
    assert labels, f"no label of {path} has a buddy"
    letters = []
    for label in labels:
        text = label.text()
        if "&" in text.replace("&&", ""):
            letters.append(text[text.index("&") + 1].lower())
        qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
        buddy = label.buddy()
        if isinstance(buddy, QRadioButton) and label in forms:  # "Level": the chosen one
            buddy = (buddy.group().checkedButton() if buddy.group() else None) or buddy
        elif isinstance(buddy, QRadioButton):  # a choice's own words choose it
            assert buddy.isChecked()
        assert buddy.hasFocus(), f"clicking “{text}” leaves {name(buddy)}"
    assert len(letters) == len(set(letters)), f"two labels share an Alt+letter: {letters}"
    # Alt+letter from anywhere in the form puts the cursor in the label's field.
    for label in reversed(forms):
        text = label.text()
        if not label.isVisibleTo(dialog) or "&" not in text.replace("&&", ""):
            continue
        letter = text[text.index("&") + 1].lower()
        qtbot.keyClick(QApplication.focusWidget(), letter, Qt.KeyboardModifier.AltModifier)
        assert label.buddy().hasFocus(), f"Alt+{letter} does not reach {name(label.buddy())}"


@pytest.mark.parametrize("ctrl", [False, True], ids=["Enter", "Ctrl+Enter"])
@pytest.mark.parametrize("path", FORMS)
def test_enter_saves_a_valid_form(qtbot, open_form, path, ctrl):
    dialog = open_form(path)
    first = QApplication.focusWidget()
    if isinstance(first, QLineEdit) and not first.text():
        keys(qtbot, "Zoë")  # the name a form needs
    if path in MAKE_VALID:
        MAKE_VALID[path](qtbot, dialog)
        first.setFocus()
        qtbot.waitUntil(first.hasFocus)
    modifier = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, modifier)
    if "EmailDialog" in path:
        assert dialog.draft_path is not None and dialog.draft_path.exists()
        return
    general = getattr(dialog, "general_error", None)
    assert not dialog.isVisible(), (f"Enter did not save {path}: "
                                    f"{[e.text() for e in dialog.findChildren(QLabel) if e.objectName().endswith('Error') and e.isVisible()]}"
                                    f"{general.text() if general else ''}")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_object is not None


@pytest.mark.parametrize("path", ASKING)
def test_esc_after_typing_asks_before_anything_is_lost(qtbot, open_form, path):
    dialog = open_form(path)
    cycle = tab_cycle(qtbot, dialog)
    if not any(isinstance(w, (QLineEdit, QPlainTextEdit)) and not w.isReadOnly() for w in cycle):
        # Nothing to type (a choice and its confirmation, e.g. which record a merge keeps):
        # Esc closes at once.
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
        return
    field = first_text_field(dialog, cycle)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert field.hasFocus()
    keys(qtbot, "Zoë")
    typed = text_of(field)
    assert "Zoë" in typed

    asked: list[str] = []
    answer_discard(qtbot, "keepEditingButton", asked)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert asked == [DISCARD_QUESTION]
    assert dialog.isVisible() and text_of(field) == typed, "Keep editing kept nothing"

    answer_discard(qtbot, "discardButton", asked)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 2 and not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


@pytest.mark.parametrize("path", ASKING)
def test_cancel_and_the_close_button_ask_too(qtbot, open_form, path):
    from PySide6.QtGui import QCloseEvent

    dialog = open_form(path)
    cycle = tab_cycle(qtbot, dialog)
    if not any(isinstance(w, (QLineEdit, QPlainTextEdit)) and not w.isReadOnly() for w in cycle):
        pytest.skip("nothing to type in this form (Esc closing it at once is tested above)")
    field = first_text_field(dialog, cycle)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    keys(qtbot, "Zoë")
    asked: list[str] = []
    cancel = next(b for b in dialog_buttons(dialog) if b.objectName() in (
        "dialogCancel", "emailClose"))
    answer_discard(qtbot, "keepEditingButton", asked)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert asked == [DISCARD_QUESTION] and dialog.isVisible()
    # The window's close button: the window system's close event, as a title bar sends it.
    answer_discard(qtbot, "keepEditingButton", asked)
    QApplication.sendEvent(dialog.windowHandle(), QCloseEvent())
    assert len(asked) == 2 and dialog.isVisible() and "Zoë" in text_of(field)
    answer_discard(qtbot, "discardButton", asked)
    QApplication.sendEvent(dialog.windowHandle(), QCloseEvent())
    assert len(asked) == 3 and not dialog.isVisible()


@pytest.mark.parametrize("path", FORMS)
def test_enter_makes_a_new_line_in_a_long_text_and_ctrl_enter_saves(qtbot, open_form, path):
    dialog = open_form(path)
    first = QApplication.focusWidget()
    if isinstance(first, QLineEdit) and not first.text():
        keys(qtbot, "Zoë")
    texts = [w for w in tab_cycle(qtbot, dialog) if isinstance(w, QPlainTextEdit)
             and not w.isReadOnly()]
    if not texts:
        pytest.skip("no text of several lines in this form")
    if path in MAKE_VALID:
        MAKE_VALID[path](qtbot, dialog)
    text = texts[0]
    qtbot.mouseClick(text.viewport(), Qt.MouseButton.LeftButton)
    assert text.hasFocus()
    keys(qtbot, "one")
    qtbot.keyClick(text, Qt.Key.Key_Return)
    keys(qtbot, "two")
    assert "one\ntwo" in text.toPlainText() and dialog.isVisible()
    qtbot.keyClick(text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    if "EmailDialog" in path:
        assert dialog.draft_path is not None
        return
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted


@pytest.mark.parametrize("path", FORMS)
def test_a_refused_save_shows_why_under_the_field_and_puts_the_cursor_there(
        qtbot, open_form, path):
    dialog = open_form(path)
    first = QApplication.focusWidget()
    if not (isinstance(first, QLineEdit) and not first.text()):
        pytest.skip("the form opens valid: no required field is empty")
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert dialog.isVisible(), "an empty required field was saved"
    errors = [e for e in dialog.findChildren(QLabel) if e.objectName().endswith("Error")
              and e.isVisible() and e.text()]
    assert errors, "no sentence says why"
    box = errors[0].parentWidget()
    assert box.isAncestorOf(first), "the sentence is not under the field"
    assert first.hasFocus()
    keys(qtbot, "Zoë")  # corrected where the cursor is, and saved
    assert errors[0].isHidden(), "the sentence stays after the field was corrected"
    if path in MAKE_VALID:
        MAKE_VALID[path](qtbot, dialog)
        first.setFocus()
        qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.result_object is not None


@pytest.mark.parametrize("path", FORMS)
def test_an_untouched_form_closes_at_once(qtbot, open_form, path):
    dialog = open_form(path)
    asked: list[str] = []
    answer_discard(qtbot, "discardButton", asked)  # would answer, were a question asked
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible() and not asked
    QApplication.processEvents()
