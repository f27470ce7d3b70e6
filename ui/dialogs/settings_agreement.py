"""Settings, the "Agreement" tab: the clause texts of the coaching agreement and the
professional code it names.

Each clause is a text with placeholders (listed at the top of the tab) and a "Restore
default" button that puts CoachDesk's own wording back in the field. Nothing is written
until the dialog's Save: the tab's values are checked with every other tab's before
anything is written, and saved after them (``AgreementSettings`` wraps the dialog's
``submit``, so adding the tab is one line in ``settings_dialog``).
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import ValidationError
from coachdesk.services import agreement_templates as tpl

from ..widgets.text import FocusOutPlainTextEdit


class AgreementSettings:
    """Adds the "Agreement" tab to ``dialog`` (a ``SettingsDialog``) and saves it with it.

    ``edits`` maps each clause key to its text field, ``restore_buttons`` to its
    "Restore default" button; ``code`` is the professional code's field."""

    def __init__(self, dialog):
        # No strong reference back to the dialog: it holds this tab (through ``submit``),
        # and a cycle would leave the dialog to Python's collector, which may delete it at
        # any moment later
        self._dialog = weakref.ref(dialog)
        self.ctx = dialog.ctx
        db = dialog.ctx.db
        dialog._new_tab("Agreement")
        intro = QLabel("The clauses of the coaching agreement you make for each engagement "
                       "(client page, Agreement & invoices). Words starting with $ are "
                       "filled in from the engagement:")
        intro.setWordWrap(True)
        dialog.form.addRow(intro)
        names = QLabel("\n".join(f"${key} — {words}" for key, words in tpl.PLACEHOLDERS.items()))
        names.setObjectName("agreementPlaceholders")
        names.setAccessibleName("Placeholders")
        names.setTextFormat(Qt.TextFormat.PlainText)
        names.setWordWrap(True)  # a long line wraps instead of widening the tab
        names.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        names.setStyleSheet("color: palette(placeholder-text);")
        dialog.form.addRow(names)
        self.code = dialog.add_field("Professional code", "professional_code",
                                     QLineEdit(tpl.professional_code(db)),
                                     "settingsAgreementCode")
        self.code.setPlaceholderText(tpl.DEFAULT_CODE)
        self.code.setToolTip("Named in the agreement as the code you follow, e.g. "
                             "“the ICF Code of Ethics” or “the EMCC Global Code of Ethics”.")
        self.edits: dict[str, FocusOutPlainTextEdit] = {}
        self.restore_buttons: dict[str, QPushButton] = {}
        texts = tpl.templates(db)
        for clause in tpl.CLAUSES:
            edit = FocusOutPlainTextEdit()
            edit.setPlainText(texts[clause.key])
            edit.setFixedHeight(110)
            button = QPushButton("Restore default")
            button.setObjectName(f"settingsAgreementRestore_{clause.key}")
            button.setAccessibleName(f"Restore the default “{clause.title}”")
            button.clicked.connect(lambda _=False, key=clause.key: self.restore(key))
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(edit, 1)
            side = QVBoxLayout()
            side.addWidget(button)
            side.addStretch(1)
            box.addLayout(side)
            row.setFocusProxy(edit)  # a refusal puts the cursor in the clause's text
            dialog.add_field(clause.title, f"clause_{clause.key}", row,
                             f"settingsAgreementClause_{clause.key}")
            edit.setObjectName(f"settingsAgreementText_{clause.key}")
            edit.setAccessibleName(clause.title)
            self.edits[clause.key] = edit
            self.restore_buttons[clause.key] = button
        self._submit = type(dialog).submit  # the dialog's own, called on the dialog
        dialog.submit = self.submit

    def restore(self, key: str) -> None:
        """Put CoachDesk's wording of clause ``key`` back in its field (saved with Save)."""
        edit = self.edits[key]
        edit.setPlainText(tpl.clause(key).default)
        edit.setFocus()

    def values(self) -> dict[str, str]:
        return {key: edit.toPlainText() for key, edit in self.edits.items()}

    def submit(self):
        """Check this tab, let the dialog check and save every other tab, then save it. A
        clause refused (too long, an unknown placeholder) is scrolled into view once the
        dialog has put its message under it and the cursor in it."""
        try:
            texts = tpl.check_clauses(self.values())
        except ValidationError as exc:
            edit = self.edits.get(str(exc.field or "").removeprefix("clause_"))
            error = self._dialog().errors.get(exc.field)
            if edit is not None:
                QTimer.singleShot(0, edit, lambda: _scroll_to(edit, error))
            raise
        tpl.check_code(self.code.text())
        saved = self._submit(self._dialog())
        db = self.ctx.db
        tpl.set_templates(db, texts)
        tpl.set_professional_code(db, self.code.text())
        return saved


def _scroll_to(edit: QWidget, error: QWidget | None) -> None:
    """Scroll the tab so ``edit`` and the message under it (``error``) show."""
    area = edit.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    if area is None:
        return
    if area.widget() is not None and area.widget().layout() is not None:
        area.widget().layout().activate()  # the message's lines are laid out first
    if error is not None and error.isVisibleTo(area):
        area.ensureWidgetVisible(error, 20, 10)
    area.ensureWidgetVisible(edit, 20, 20)
