"""The report dialog's consent: it starts from what the client agreed, says what will be
shared and why, and asks before anything else goes in.

:class:`ReportConsent` is given the report dialog and works its ticks:

* at the start (:meth:`start`), the sections and indicators ticked are those the consent
  in force lists (a draft keeps its own choice, less anything no longer agreed);
* every section and indicator says "agreed" or "not agreed"; a line above them says what
  will be shared and why ("… as the client agreed on 12 Mar 2026, in the signed
  agreement");
* ticking something not agreed asks :class:`consent_dialog.AskConsentDialog`; "Record
  consent" adds a consent record and the tick stays, "No" unticks it;
* with no consent at all the line says so, every tick is refused the same way, and
  "Record consent…" opens the full :class:`consent_dialog.ConsentDialog`.

The engine refuses an unconsented report anyway (``progress.report_data``); this is
where the coach sees why, before building.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from coachdesk.errors import CoachDeskError
from coachdesk.services import consent

from ..theme import css
from ..widgets.fields import name_widget
from .consent_dialog import AskConsentDialog, ConsentDialog, consent_words, section_title

NOT_AGREED = "not agreed"


class ReportConsent(QObject):
    def __init__(self, dialog):
        super().__init__(dialog)
        self.dialog = dialog
        self.ctx, self.engagement_id = dialog.ctx, dialog.engagement.id
        self.state = None
        self._asking = False
        self.box = QWidget()
        self.box.setObjectName("reportConsentBox")
        self.line = name_widget(QLabel(), "reportConsent", "What will be shared, and why")
        self.line.setTextFormat(Qt.TextFormat.PlainText)
        self.line.setWordWrap(True)
        self.record_button = name_widget(QPushButton("Record consent…"),
                                         "reportRecordConsent", "Record the client's consent")
        self.record_button.clicked.connect(self.record_all)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.record_button)
        row.addStretch(1)
        layout = QVBoxLayout(self.box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line)
        layout.addLayout(row)
        self.reload()

    # -- what the consent says ---------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.state = consent.current(self.ctx.db, self.engagement_id)
        except CoachDeskError as exc:  # said on the line; the engine refuses the report too
            self.state = None
            self.show_marks()
            self.line.setText(str(exc))
            return
        self.show_marks()

    def allows_section(self, key: str) -> bool:
        return self.state is not None and self.state.allows_section(key)

    def allows_indicator(self, indicator_id: int) -> bool:
        return self.state is not None and self.state.allows_indicator(indicator_id)

    def section_boxes(self) -> dict[str, QCheckBox]:
        return {**self.dialog.section_boxes, "stakeholders": self.dialog.include_stakeholders}

    def show_marks(self) -> None:
        """Each tick says whether it was agreed; the line says what goes and why."""
        for key, box in self.section_boxes().items():
            base = box.property("baseText") or box.text()
            box.setProperty("baseText", base)
            agreed = self.allows_section(key)
            box.setText(base if agreed else f"{base}  · {NOT_AGREED}")
            box.setAccessibleName(section_title(key) + ("" if agreed else f", {NOT_AGREED}"))
        choices = self.dialog.indicator_choices
        choices.agreed = set(self.state.indicator_ids) if self.state else set()
        choices.refresh_marks()
        self.record_button.setVisible(self.state is None and not self.ctx.read_only)
        self.say_what_goes()

    def say_what_goes(self) -> None:
        if self.state is None:
            self.line.setText("The client's consent to share anything with the sponsor is not "
                              "recorded yet, so no report can be made. Record it first: what "
                              "they agreed, the day and how.")
            self.line.setStyleSheet(f"color: {css('red')};")
            return
        boxes = self.section_boxes()
        sections = sum(1 for k, b in boxes.items() if b.isChecked())
        ids = len(self.dialog.indicator_choices.chosen_ids())
        plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"  # noqa: E731
        self.line.setText(f"{plural(sections, 'section')} and {plural(ids, 'indicator')} go "
                          f"to the sponsor, as the client {consent_words(self.state)}. "
                          "Ticking anything else asks to record their consent.")
        self.line.setStyleSheet("")

    # -- the start ---------------------------------------------------------------------------
    def start(self, had_draft: bool) -> None:
        """Tick what the consent lists (no draft), or keep the draft's ticks that are still
        agreed; nothing not agreed stays ticked."""
        self._asking = True  # these ticks are CoachDesk's, not the coach's: nothing is asked
        try:
            for key, box in self.section_boxes().items():
                if not had_draft:
                    box.setChecked(self.allows_section(key) and key != "stakeholders")
                elif box.isChecked() and not self.allows_section(key):
                    box.setChecked(False)
            choices = self.dialog.indicator_choices
            wanted = (choices.all_chosen() if had_draft
                      else (self.state.indicator_ids if self.state else ()))
            choices.set_chosen(i for i in wanted if self.allows_indicator(i))
        finally:
            self._asking = False
        self.show_marks()

    # -- the coach ticks ---------------------------------------------------------------------
    def section_ticked(self, key: str, on: bool) -> None:
        if on and not self._asking and not self.allows_section(key):
            if not self.ask(f"the section “{section_title(key)}”", sections=(key,)):
                box = self.section_boxes()[key]
                self._asking = True
                try:
                    box.setChecked(False)
                finally:
                    self._asking = False
        self.say_what_goes()

    def indicator_may_be_ticked(self, indicator_id: int, name: str) -> bool:
        """The guard of ``IndicatorChoices``: True when agreed, or agreed now."""
        if self._asking or self.allows_indicator(indicator_id):
            return True
        return self.ask(f"the indicator “{name}”", indicator_ids=(indicator_id,))

    def ask(self, what: str, sections=(), indicator_ids=()) -> bool:
        """"The client has not agreed to share … Record their consent now?"; True once it
        is recorded. With no consent at all, the whole consent is asked for."""
        if self.ctx.read_only:
            self.dialog._say("The client has not agreed to share that, and this practice is "
                             "read-only, so their consent cannot be recorded here.", "red")
            return False
        self._asking = True
        try:
            dialog = AskConsentDialog(self.ctx, self.engagement_id, what, sections,
                                      indicator_ids, self.dialog, today=self.dialog.today)
            recorded = bool(dialog.exec()) and dialog.result_object is not None
        finally:
            self._asking = False
        if recorded:
            self.reload()
            self.dialog._say(f"Consent recorded: the client {consent_words(self.state)}.")
        return recorded and all(self.allows_section(k) for k in sections) and all(
            self.allows_indicator(i) for i in indicator_ids)

    def record_all(self) -> None:
        """No consent yet: record it in full, then start from it."""
        dialog = ConsentDialog(self.ctx, self.engagement_id, self.dialog, today=self.dialog.today)
        if dialog.exec() and dialog.result_object is not None:
            self.reload()
            self.start(had_draft=False)
            self.dialog._say(f"Consent recorded: the client {consent_words(self.state)}.")
