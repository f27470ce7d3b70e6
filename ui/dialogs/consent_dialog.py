"""Recording the client's consent: what the sponsor may see.

* :class:`ConsentDialog` ("Change consent…"): a tick for every report section and every
  indicator of the library, the day consent was given and how. It starts from the consent
  in force; with none, nothing is ticked, and a sensitive indicator (🔒: wellbeing, intent
  to stay) is never ticked for the coach in a new consent. Saving adds a record (the
  history stays).
* "How" starts empty in both (a change of mind is given anew, not as the last one was),
  offers suggestions in a combo box (:func:`how_choices`: "In the signed … agreement" only
  when the agreement is signed) and must be filled: an empty one is refused under it.
* :class:`AskConsentDialog`: the question the report dialog asks when the coach ticks
  something the client has not agreed to: "… Record their consent now?", with the day and
  how. "Record consent" adds a record (the consent in force plus that one thing); "No"
  leaves it out.

Both write through ``coachdesk.services.consent`` and say nothing of the coach's words in
the log.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from coachdesk import dates
from coachdesk.errors import ValidationError
from coachdesk.reports.progress_model import SECTION_TITLES
from coachdesk.services import agreements, consent, indicators

from ..context import AppContext
from ..plain import as_plain
from ..widgets.fields import OptionalDateEdit, name_widget
from .base import FormDialog

log = logging.getLogger(__name__)

SENSITIVE_MARK = "🔒 sensitive"
#: the sections a consent names one by one ("indicators" follows the indicators ticked)
CONSENT_SECTIONS = tuple(k for k in consent.SECTION_KEYS if k != "indicators")
SECTION_HINTS = {
    "glance": "Sessions held, planned and cancelled, and hours.",
    "summary": "What you write for the sponsor in the report.",
    "goals": "The agreed objectives and how far each has moved.",
    "stakeholders": "Names, roles and how you see each relationship.",
    "actions": "The client's and your action items.",
    "sessions": "The shared summary of each session (never your private notes).",
}
HOW_SIGNED = "In the signed {kind} agreement"
HOW_CHOICES = ("In the three-way meeting", "By e-mail", "In a session")
HOW_MISSING = ("Please say how the client agreed, e.g. by e-mail or in the three-way "
               "meeting.")


def how_choices(ctx: AppContext, engagement_id: int) -> list[str]:
    """The suggestions for "How": "In the signed coaching (mentoring) agreement" first when
    the engagement's agreement is signed, then :data:`HOW_CHOICES`."""
    from coachdesk.models import Engagement

    out = list(HOW_CHOICES)
    try:
        signed = agreements.get(ctx.db, engagement_id).status == "signed"
        with ctx.db.session() as s:
            e = s.get(Engagement, engagement_id)
            kind = (e.kind.value if hasattr(e.kind, "value") else str(e.kind)) if e else ""
    except Exception:  # noqa: BLE001 - only suggestions: without them the field still works
        log.exception("reading the agreement for the consent suggestions failed")
        return out
    if signed:
        out.insert(0, HOW_SIGNED.format(kind="mentoring" if kind == "mentoring"
                                        else "coaching"))
    return out


def how_field(ctx: AppContext, engagement_id: int) -> QComboBox:
    """An editable combo box for "How", empty, with :func:`how_choices` to pick from."""
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItems(how_choices(ctx, engagement_id))
    box.setCurrentIndex(-1)
    box.setEditText("")
    box.lineEdit().setMaxLength(consent.HOW_MAX)
    box.lineEdit().setPlaceholderText("How the client agreed: choose or type")
    box.lineEdit().setObjectName("consentHowText")
    return box


def section_title(key: str) -> str:
    return SECTION_TITLES.get(key, key)


def consent_words(state) -> str:
    """'agreed on 12 Mar 2026, in the signed agreement' (the day, and how when known)."""
    words = f"agreed on {dates.short(state.consent_date)}"
    how = (state.how or "").strip()
    if how:
        # "In the signed agreement" reads "in the signed agreement" mid-sentence; "ICF …" not
        words += ", " + (how[0].lower() + how[1:] if how[1:2].islower() else how)
    return words


def new_record(ctx: AppContext, engagement_id: int, before, sections, ids, day, how: str):
    """Record a consent that is in force at once: a day before the one in force would
    leave the older record in force, so it is refused under the day."""
    if not (how or "").strip():
        raise ValidationError(HOW_MISSING, "how")
    if before is not None and day is not None and day < before.consent_date:
        raise ValidationError("The consent in force was given on "
                              f"{dates.short(before.consent_date)}; a change is given on "
                              "that day or later.", "consent_date")
    state = consent.record(ctx.db, engagement_id, sections, ids, day, how.strip())
    ctx.notify("consent")
    return state


def _boxes_grid(boxes: list[QCheckBox], columns: int = 2) -> QWidget:
    holder = QWidget()
    grid = QGridLayout(holder)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setVerticalSpacing(2)
    rows = (len(boxes) + columns - 1) // columns
    for i, box in enumerate(boxes):  # down the first column, then the next
        grid.addWidget(box, i % rows, i // rows)
    return holder


class ConsentDialog(FormDialog):
    """Record a new consent for the engagement (``result_object``: the ConsentState)."""

    def __init__(self, ctx: AppContext, engagement_id: int, parent=None,
                 today: date | None = None):
        super().__init__("Consent: what the sponsor may see", "consentDialog", parent)
        self.ctx, self.engagement_id = ctx, engagement_id
        self.state = consent.current(ctx.db, engagement_id)
        intro = QLabel("Tick what your client agreed may go to the sponsor in a report. "
                       "Anything not ticked is never shared. Sensitive indicators "
                       f"({SENSITIVE_MARK}) are never ticked for you.")
        intro.setObjectName("consentIntro")
        intro.setWordWrap(True)
        self.layout().insertWidget(0, intro)
        self.day = self.add_field("&Agreed on", "consent_date",
                                  OptionalDateEdit(allow_empty=False), "consentDate")
        self.day.set_value(today or date.today())
        self.how_box = self.add_field("&How", "how", how_field(ctx, engagement_id),
                                      "consentHow")
        self.how: QLineEdit = self.how_box.lineEdit()  # starts empty: a change is given anew

        self.section_boxes: dict[str, QCheckBox] = {}
        for key in CONSENT_SECTIONS:
            box = name_widget(QCheckBox(section_title(key)), f"consentSection_{key}",
                              section_title(key))
            box.setToolTip(SECTION_HINTS.get(key, ""))
            box.setChecked(self.state is not None and self.state.allows_section(key))
            self.section_boxes[key] = box
        self.form.addRow(QLabel("Sections"), _boxes_grid(list(self.section_boxes.values())))

        agreed = set(self.state.indicator_ids) if self.state is not None else set()
        library = [i for i in indicators.list_all(ctx.db, include_retired=True)
                   if not i.retired or i.id in agreed]
        self.indicator_boxes: dict[int, QCheckBox] = {}
        for ind in library:
            text = ind.name + (f"  {SENSITIVE_MARK}" if ind.sensitive else "")
            box = name_widget(QCheckBox(text), f"consentIndicator_{ind.id}",
                              f"{ind.name}, sensitive" if ind.sensitive else ind.name)
            box.setToolTip(as_plain(ind.description or ""))  # the coach's words: as text
            # Starts from the consent in force; a new consent ticks no sensitive one.
            box.setChecked(ind.id in agreed)
            self.indicator_boxes[ind.id] = box
        none = QLabel("The library has no indicators yet (Edit → Indicators…).")
        none.setObjectName("consentNoIndicators")
        self.form.addRow(QLabel("Indicators"),
                         _boxes_grid(list(self.indicator_boxes.values()))
                         if self.indicator_boxes else none)
        self.save_button.setText("Record consent")
        self.save_button.setAccessibleName("Record consent")
        self.setMinimumWidth(620)
        self.mark_clean()

    def chosen(self) -> tuple[tuple[str, ...], tuple[int, ...]]:
        return (tuple(k for k, b in self.section_boxes.items() if b.isChecked()),
                tuple(i for i, b in self.indicator_boxes.items() if b.isChecked()))

    def submit(self):
        """Record the ticks as a new consent; ValidationError keeps the form open."""
        sections, ids = self.chosen()
        return new_record(self.ctx, self.engagement_id, self.state, sections, ids,
                          self.day.value(), self.how.text())


class AskConsentDialog(FormDialog):
    """"The client has not agreed to share … Record their consent now?" with the day and
    how. Record consent adds ``sections``/``indicator_ids`` to the consent in force
    (``result_object``: the new ConsentState); No (or Esc) records nothing."""

    def __init__(self, ctx: AppContext, engagement_id: int, what: str, sections=(),
                 indicator_ids=(), parent=None, today: date | None = None):
        super().__init__("Record consent?", "askConsentDialog", parent)
        self.ctx, self.engagement_id = ctx, engagement_id
        self.sections, self.indicator_ids = tuple(sections), tuple(indicator_ids)
        self.state = consent.current(ctx.db, engagement_id)
        question = QLabel(f"The client has not agreed to share {what} with the sponsor. "
                          "Record their consent now?")
        question.setObjectName("askConsentQuestion")
        question.setTextFormat(Qt.TextFormat.PlainText)
        question.setWordWrap(True)
        self.layout().insertWidget(0, question)
        self.day = self.add_field("&Agreed on", "consent_date",
                                  OptionalDateEdit(allow_empty=False), "askConsentDate")
        self.day.set_value(today or date.today())
        self.how_box = self.add_field("&How", "how", how_field(ctx, engagement_id),
                                      "askConsentHow")
        self.how: QLineEdit = self.how_box.lineEdit()
        self.save_button.setText("Record consent")
        self.save_button.setAccessibleName("Record consent")
        no = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        no.setText("No")
        no.setAccessibleName("No")
        self.setMinimumWidth(480)
        self.mark_clean()

    def submit(self):
        before = self.state
        sections = set(before.sections if before else ()) | set(self.sections)
        ids = set(before.indicator_ids if before else ()) | set(self.indicator_ids)
        return new_record(self.ctx, self.engagement_id, before, sections, ids,
                          self.day.value(), self.how.text())
