"""Pieces of the report dialog: indicators chosen one by one, the coach's name, the
sponsor's address.

* :class:`IndicatorChoices`: one tick per indicator rated in the report's period, each
  marked "agreed" or "not agreed" by the client's consent (``agreed``); the report dialog
  ticks the agreed ones at the start (``report_consent``), and ``guard`` asks before one
  that is not agreed stays ticked. Sensitive indicators (wellbeing, intent to stay:
  ``Indicator.sensitive``) are marked "🔒 sensitive".
* :class:`CoachNameDialog`: before the first report, the coach's name and credentials for
  the cover and the e-mail's signature (Save / Not now; "Not now" lets the coach go on).
* :class:`SponsorAddress`: the sponsor's e-mail, corrected here and kept with the sponsor.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.services import settings as settings_service
from coachdesk.services import sponsors, validation

from ..context import AppContext
from ..plain import as_plain
from ..widgets.fields import ErrorLabel, name_widget
from .base import FormDialog

SENSITIVE_MARK = "🔒 sensitive"
SENSITIVE_TIP = ("Sensitive: how the client is coping, or whether they may leave, is personal. "
                 "It goes to the sponsor only when your client has agreed to it, as recorded "
                 "in their consent. (Edit → Indicators… says which are sensitive.)")


class IndicatorChoices(QWidget):
    """One tick per indicator of the library; only those rated in the period are shown.

    The boxes are made once, in the library's order, so Tab walks them in reading order;
    a new period only shows, hides and re-places them. The coach's choice is kept across
    periods (an indicator hidden by a shorter period comes back ticked), but only shown
    ones are :meth:`chosen_ids`. ``changed`` is emitted when the coach ticks or unticks.
    """

    changed = Signal()

    def __init__(self, library, parent=None):
        super().__init__(parent)
        self.setObjectName("reportIndicators")
        self._chosen: set[int] = set()
        self._shown: list[int] = []
        self._restoring = False  # ticks set from the draft or a new period are no change
        self._sensitive = {i.id for i in library if getattr(i, "sensitive", False)}
        self._names = {i.id: i.name for i in library}
        self._last: list = []  # the choices shown, to mark them again
        #: the indicator ids the client agreed to share (None: not known, no marks)
        self.agreed: set[int] | None = None
        #: ``guard(indicator_id, name) -> bool``: may the coach's tick stay? (it may ask)
        self.guard = None
        self.intro = QLabel("Ticked: what the client agreed to share. Sensitive ones "
                            f"({SENSITIVE_MARK}) only go when the client agreed to them.")
        self.intro.setObjectName("reportIndicatorsIntro")
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet("color: palette(placeholder-text);")
        self.empty = QLabel("No indicator was rated in this period.")
        self.empty.setObjectName("reportIndicatorsEmpty")
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[int, QCheckBox] = {}
        for ind in library:
            # Parented now (not only when a period shows it), so the dialog's Tab order can
            # name every box: a box in no window yet made Qt refuse the order with a warning.
            box = name_widget(QCheckBox(ind.name, self), f"reportIndicator_{ind.id}",
                              f"Include {ind.name}")
            box.setChecked(False)
            box.toggled.connect(lambda on, iid=ind.id: self._toggled(iid, on))
            box.hide()
            self.boxes[ind.id] = box
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.intro)
        layout.addWidget(self.empty)
        layout.addLayout(self.grid)

    def _toggled(self, indicator_id: int, on: bool) -> None:
        if self._restoring:
            return
        if on and self.guard is not None and not self.guard(
                indicator_id, self._names.get(indicator_id, "")):
            self._tick(self.boxes[indicator_id], False)  # not agreed, and not recorded now
            self.refresh_marks()
            return
        (self._chosen.add if on else self._chosen.discard)(indicator_id)
        self.refresh_marks()
        self.changed.emit()

    def _tick(self, box: QCheckBox, on: bool) -> None:
        self._restoring = True
        try:
            box.setChecked(on)
        finally:
            self._restoring = False

    def show_choices(self, choices) -> None:
        """Show a tick for each ``progress.IndicatorChoice`` (those rated in the period)."""
        for box in self.boxes.values():
            self.grid.removeWidget(box)
            box.hide()
        self._shown = []
        self._last = list(choices)
        for choice in choices:
            box = self.boxes.get(choice.indicator_id)
            if box is None:  # added to the library while the dialog was open: not offered
                continue
            self._label(box, choice)
            self._tick(box, choice.indicator_id in self._chosen)
            self.grid.addWidget(box, len(self._shown), 0)  # one column: long names fit
            box.show()
            self._shown.append(choice.indicator_id)
        self.empty.setVisible(not self._shown)

    def _label(self, box: QCheckBox, choice) -> None:
        count = f"{choice.readings} reading{'s' if choice.readings != 1 else ''}"
        sensitive = choice.sensitive or choice.indicator_id in self._sensitive
        agreed = "" if self.agreed is None else (
            "  · agreed" if choice.indicator_id in self.agreed else "  · not agreed")
        box.setText(f"{choice.name} ({count})" + (f"  {SENSITIVE_MARK}" if sensitive else "")
                    + agreed)
        box.setAccessibleName(f"Include {choice.name}" + (", sensitive" if sensitive else "")
                              + agreed.replace("  ·", ","))
        box.setToolTip(as_plain(SENSITIVE_TIP if sensitive else (choice.description or "")))

    def refresh_marks(self) -> None:
        """Say again which shown indicators are agreed (after consent was recorded)."""
        for choice in self._last:
            box = self.boxes.get(choice.indicator_id)
            if box is not None:
                self._label(box, choice)

    def set_chosen(self, indicator_ids) -> None:
        """The coach's earlier choice (from the draft); emits nothing."""
        self._chosen = {int(i) for i in indicator_ids}
        for iid, box in self.boxes.items():
            self._tick(box, iid in self._chosen)

    def chosen_ids(self) -> tuple[int, ...]:
        """The ticked indicators shown for this period, in the library's order."""
        return tuple(i for i in self._shown if i in self._chosen)

    def all_chosen(self) -> tuple[int, ...]:
        """Every indicator the coach ticked, shown now or not (what the draft keeps)."""
        return tuple(sorted(self._chosen))

    def shown_ids(self) -> tuple[int, ...]:
        return tuple(self._shown)


class CoachNameDialog(FormDialog):
    """Your name and credentials, for the report's cover and the e-mail's signature."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("Your name on the report", "coachNameDialog", parent)
        self.ctx = ctx
        self.profile = settings_service.coach_profile(ctx.db)
        intro = QLabel("The report's cover and the e-mail to the sponsor carry your name. "
                       "You can change it later in Edit → Settings → Reports & e-mail.")
        intro.setObjectName("coachNameIntro")
        intro.setWordWrap(True)
        self.layout().insertWidget(0, intro)
        self.name = self.add_field("Your name", "name", QLineEdit(self.profile.name),
                                   "coachNameField")
        self.name.setPlaceholderText("Anne Martin")
        self.credentials = self.add_field("Credentials", "credentials",
                                          QLineEdit(self.profile.credentials),
                                          "coachCredentialsField")
        self.credentials.setPlaceholderText("e.g. PCC, ICF")
        later = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        later.setText("Not now")
        later.setAccessibleName("Not now")
        self.save_button.setDefault(True)
        self._tab_order()
        self.setMinimumWidth(460)
        self.name.setFocus()

    def _tab_order(self) -> None:
        """Fields first, then Save, then Not now, whatever order they were made in."""
        later = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        QWidget.setTabOrder(self.name, self.credentials)
        QWidget.setTabOrder(self.credentials, self.save_button)
        QWidget.setTabOrder(self.save_button, later)

    def submit(self):
        """Save the name and credentials (the logo stays); a ValidationError keeps the form
        open with the message under its field."""
        if not self.name.text().strip():
            raise ValidationError("Please type your name, or press Not now.", "name")
        name, credentials = self.name.text(), self.credentials.text()
        try:
            profile = settings_service.set_coach_profile(self.ctx.db, name, credentials,
                                                         self.profile.logo_path or None)
        except ValidationError as exc:
            if exc.field != "logo_path":
                raise
            # The logo's file has gone since it was chosen: the name must not wait for it.
            profile = settings_service.set_coach_profile(self.ctx.db, name, credentials, None)
            self.ctx.say("Your logo's file could not be found, so reports are made without "
                         "it; choose it again in Edit → Settings → Reports & e-mail.")
        self.ctx.notify("settings")
        return profile


class SponsorAddress(QWidget):
    """The sponsor's e-mail in the report dialog: checked as typed, kept with the sponsor.

    A new valid address is saved to the sponsor's details when the coach goes on (the tick
    "Also save to …'s details", on by default, shows as soon as the address differs); an
    invalid one is said under the field, and the message goes as soon as it is fixed."""

    def __init__(self, ctx: AppContext, sponsor, parent=None):
        super().__init__(parent)
        self.ctx, self.sponsor = ctx, sponsor
        name = sponsor.name[:60] if sponsor else ""
        self.field = name_widget(QLineEdit(sponsor.email if sponsor else ""),
                                 "reportRecipientEmail", "Sponsor's e-mail")
        self.field.setPlaceholderText("sponsor@example.org (none on file)")
        self.error = ErrorLabel("reportRecipient")
        self.keep = name_widget(QCheckBox(f"Also save to {name}'s details"), "reportKeepEmail",
                                "Also save the address to the sponsor's details")
        self.keep.setChecked(True)
        self.keep.hide()
        self.note = name_widget(QLabel(), "reportEmailSaved", "Sponsor's e-mail saved")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widget in (self.field, self.error, self.keep, self.note):
            layout.addWidget(widget)
        self.field.textEdited.connect(self.edited)

    def problem(self) -> str | None:
        try:
            validation.email(self.field.text(), "to")
        except ValidationError as exc:
            return str(exc)
        return None

    def _differs(self, typed: str) -> bool:
        return bool(self.sponsor and typed and typed != (self.sponsor.email or "").strip())

    def edited(self, *_) -> None:
        if self.error.isVisibleTo(self):
            self.error.show_error(self.problem())
        self.note.hide()
        self.keep.setVisible(self._differs(self.field.text().strip()))

    def save(self, address: str) -> str:
        """Save ``address`` to the sponsor; the sentence that says so (CoachDeskError if not)."""
        self.sponsor = sponsors.update(self.ctx.db, self.sponsor.id, email=address)
        self.field.setText(self.sponsor.email)
        self.edited()
        self.ctx.notify("sponsor")
        return f"Saved to {self.sponsor.name}'s details."

    def check_and_keep(self) -> bool:
        """The coach goes on: False (said under the field) when the address is not one; a new
        valid address is saved to the sponsor when the tick is on, and that is said."""
        problem = self.problem()
        self.error.show_error(problem)
        if problem:
            return False
        typed = self.field.text().strip()
        if not self._differs(typed) or not self.keep.isChecked():
            return True
        try:
            sentence = self.save(typed)
        except CoachDeskError as exc:
            self.error.show_error(f"Not saved to {self.sponsor.name}'s details: {exc}")
            return True  # the address itself is fine for this report
        self.note.setText(sentence)
        self.note.show()
        return True
