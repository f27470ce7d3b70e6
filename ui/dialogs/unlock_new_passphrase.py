"""The unlock dialog's second page: a new passphrase, after the recovery key opened the
practice (``ui/dialogs/unlock.py``).

The same rule and words as every other new passphrase (``coachdesk.passphrase_rules``):
at least ``MIN_LENGTH`` characters with the hint saying why, typed twice, and "Show what
I type". The page only reads and checks the fields; the dialog saves the passphrase
(``practice_crypto.change_passphrase``) and empties the fields when it closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from coachdesk.errors import ValidationError
from coachdesk.passphrase_rules import LENGTH_HINT, check_new_passphrase

from ..widgets.secret_field import SecretField
from ..widgets.wrap_label import WrapLabel

#: said when Save is pressed with the first field empty
EMPTY = "Type the new passphrase, or choose Not now."


class NewPassphrasePage(QWidget):
    """The explanation (``explain``, set by the dialog), ``new_field`` and ``again_field``
    (dots), the length hint under the first, and "Show what I type" (``show_box``)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("newPassphrasePage")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 6, 0, 0)
        self.explain = WrapLabel()
        self.explain.setObjectName("newPassphraseExplanation")
        self.explain.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(self.explain)
        form = QFormLayout()
        self.new_field = SecretField()  # no letter typed with Alt or Ctrl held
        self.new_field.setObjectName("newPassphrase")
        self.new_field.setAccessibleName("New passphrase")
        self.again_field = SecretField()
        self.again_field.setObjectName("newPassphraseAgain")
        self.again_field.setAccessibleName("New passphrase again")
        for field in (self.new_field, self.again_field):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMinimumWidth(field.fontMetrics().horizontalAdvance("M" * 30))
        form.addRow("&New passphrase:", self.new_field)
        self.hint = WrapLabel()
        self.hint.setObjectName("unlockNewPassphraseHint")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setText(LENGTH_HINT)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        form.addRow("", self.hint)
        form.addRow("&Type it again:", self.again_field)
        self.show_box = QCheckBox("&Show what I type")
        self.show_box.setObjectName("unlockNewPassphraseShow")
        self.show_box.setAccessibleName("Show what I type")
        self.show_box.toggled.connect(self._show)
        form.addRow("", self.show_box)
        box.addLayout(form)

    def _show(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for field in (self.new_field, self.again_field):
            field.setEchoMode(mode)

    def checked(self) -> str:
        """The new passphrase, or ``ValidationError`` with the sentence to say: empty,
        too short (the second field is emptied) or not the same twice (likewise). The
        cursor goes back to the first field, its text selected."""
        new, again = self.new_field.text(), self.again_field.text()
        try:
            if not new:
                raise ValidationError(EMPTY, "passphrase")
            return check_new_passphrase(new, again)
        except ValidationError:
            self.again_field.clear()
            self.new_field.setFocus()
            self.new_field.selectAll()
            raise

    def clear(self) -> None:
        """Empty both fields and hide what was typed again (the secret goes)."""
        for field in (self.new_field, self.again_field):
            field.clear()
        self.show_box.setChecked(False)
