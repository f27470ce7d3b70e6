"""The "Consent" panel of the client's Agreement & invoices tab: what the client agreed
may go to the sponsor, in plain words, with its history and "Change consent…".

The consent in force names its sections and indicators (sensitive ones marked), the day
and how it was given; earlier records are listed below it, newest first, each a sentence.
"Change consent…" opens ``ConsentDialog``; after a save, ``changed`` asks the tab to
reload every panel (the agreement says what the consent says).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from coachdesk import dates
from coachdesk.errors import CoachDeskError
from coachdesk.services import consent, indicators

from ..context import AppContext
from ..dialogs.consent_dialog import SENSITIVE_MARK, ConsentDialog, section_title
from ..theme import css
from ..widgets.fields import name_widget

NONE_YET = ("No consent recorded yet: nothing may go to the sponsor, so no progress report "
            "can be made. Record what your client agreed to share, the day and how.")


def _names(state, library) -> tuple[str, str]:
    """(sections, indicators) of a consent record as plain lists of names."""
    sections = [section_title(k) for k in state.sections if k != "indicators"]
    shown = []
    for iid in state.indicator_ids:
        ind = library.get(iid)
        if ind is None:
            shown.append("an indicator since deleted")
        else:
            shown.append(ind.name + (f" ({SENSITIVE_MARK})" if ind.sensitive else ""))
    return ", ".join(sections) or "none", ", ".join(shown) or "none"


def describe(state, library) -> str:
    """The consent in force in a few plain lines."""
    sections, shown = _names(state, library)
    how = f" ({state.how})" if state.how else ""
    return (f"In force since {dates.short(state.consent_date)}{how}.\n"
            f"Sections the sponsor may see: {sections}.\n"
            f"Indicators: {shown}.")


class ConsentPanel(QGroupBox):
    changed = Signal()
    #: reloaded by the tab when consent is recorded elsewhere (the report dialog)
    hears_consent = True

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("Consent: what the sponsor may see", parent)
        self.ctx = ctx
        self.engagement_id: int | None = None
        self.setObjectName("consentPanel")
        self.summary = name_widget(QLabel(), "consentInForce", "Consent in force")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.history = name_widget(QLabel(), "consentHistory", "Earlier consent")
        self.history.setTextFormat(Qt.TextFormat.PlainText)
        self.history.setWordWrap(True)
        self.history.setStyleSheet("color: palette(placeholder-text);")
        self.change_button = name_widget(QPushButton("Change consent…"), "consentChange",
                                         "Change consent")
        self.change_button.clicked.connect(lambda: self.change())
        row = QHBoxLayout()
        row.addWidget(self.change_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.history)
        layout.addLayout(row)
        self.show_engagement(None)

    def show_engagement(self, engagement_id: int | None) -> None:
        self.engagement_id = engagement_id
        self.setVisible(engagement_id is not None)
        if engagement_id is None:
            return
        try:
            records = consent.history(self.ctx.db, engagement_id)
            library = {i.id: i for i in indicators.list_all(self.ctx.db, include_retired=True)}
        except CoachDeskError as exc:
            self.summary.setText(str(exc))
            self.summary.setStyleSheet(f"color: {css('red')};")
            self.history.hide()
            self.change_button.setEnabled(False)
            return
        if records:
            self.summary.setText(describe(records[0], library))
            self.summary.setStyleSheet("")
            self.change_button.setText("Change consent…")
        else:
            self.summary.setText(NONE_YET)
            self.summary.setStyleSheet(f"color: {css('red')};")
            self.change_button.setText("Record consent…")
        self.change_button.setAccessibleName(self.change_button.text().rstrip("…"))
        earlier = []
        for r in records[1:]:
            sections, shown = _names(r, library)
            earlier.append(f"{dates.short(r.consent_date)}" + (f" ({r.how})" if r.how else "")
                           + f": sections {sections}; indicators {shown}.")
        self.history.setText("Earlier:\n" + "\n".join(earlier) if earlier else "")
        self.history.setVisible(bool(earlier))
        self.change_button.setEnabled(not self.ctx.read_only)

    def change(self) -> ConsentDialog | None:
        """Open the consent dialog; a save reloads every panel (``changed``)."""
        if self.engagement_id is None:
            return None
        dialog = ConsentDialog(self.ctx, self.engagement_id, self)
        if dialog.exec() and dialog.result_object is not None:
            self.show_engagement(self.engagement_id)
            self.changed.emit()
        return dialog
