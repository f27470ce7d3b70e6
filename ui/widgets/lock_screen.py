"""What a locked window shows: "CoachDesk is locked", the practice file's name, a field for
the passphrase (or the recovery key) and Unlock. Nothing of the practice is on it.

The widget only collects the secret and shows the answer; ``ui.lock.Locker`` checks it.
``submitted`` is emitted with no argument: the secret is read once with ``take_secret()``
by the one who checks it, never carried in a signal, a message or a log.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..theme import css
from .secret_field import SecretField, recovery_mode

TITLE = "CoachDesk is locked"
PASSPHRASE_HINT = ("Enter your passphrase to go on working. Everything you typed is kept "
                   "and comes back as you left it.")
SHORT_HINT = "Enter your passphrase to go on working."
RECOVERY_HINT = ("Type the recovery key you printed when the practice was protected "
                 "(11 groups of 5 letters and digits).")
EMPTY = "Type your passphrase first, then press Enter."
EMPTY_RECOVERY = "Type the recovery key first, then press Enter."
CHECKING = "Checking…"
#: On the main window while a dialog in front has the passphrase field (one field only).
IN_FRONT = "Unlock it in the window in front."
QUIT = "&Quit CoachDesk…"
QUIT_QUESTION = ("Quit CoachDesk without unlocking? Your pages were saved before locking and "
                 "will be there next time. Only what you typed in a window you had not saved "
                 "yet (such as a new client) is lost if you quit now; unlock instead to keep "
                 "it.")


def on_lock_screen(obj) -> bool:
    """``obj`` is a lock screen or one of its widgets (its field must take typing and its
    shortcuts must work while everything else is locked or read-only)."""
    widget = obj if isinstance(obj, QWidget) else None
    while widget is not None:
        if isinstance(widget, LockScreen):
            return True
        widget = widget.parentWidget()
    return False


class LockScreen(QWidget):
    """``practice_name``: the file's name (no folder, no client). ``compact``: the smaller
    version that covers a dialog left open when the window locked.

    ``quit_confirmed`` is emitted when the coach asked to quit and said yes (the question
    is asked on the screen itself: a message box would be covered by the lock)."""

    submitted = Signal()
    quit_confirmed = Signal()
    #: the screen needs another size (the recovery key's wider field): its window may grow
    room_changed = Signal()

    def __init__(self, practice_name: str, parent=None, *, compact: bool = False):
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAccessibleName(TITLE)
        self.setAutoFillBackground(True)  # nothing under it shows through
        self.recovery = False

        self.title = QLabel(TITLE)
        self.title.setObjectName("lockTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * (1.3 if compact else 1.8))
        font.setBold(True)
        self.title.setFont(font)
        self.practice = QLabel(f"Practice file: {practice_name}")
        self.practice.setObjectName("lockPracticeName")
        self.practice.setTextFormat(Qt.TextFormat.PlainText)  # a file name may hold "<"
        self.compact = compact
        self.hint = QLabel(SHORT_HINT if compact else PASSPHRASE_HINT)
        self.hint.setObjectName("lockHint")
        self.hint.setWordWrap(True)
        for label in (self.title, self.practice, self.hint):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)

        self.field = SecretField()
        self.field.setObjectName("lockPassphrase")
        self.field.setAccessibleName("Passphrase")
        self.field.setPlaceholderText("Passphrase")
        self.field.returnPressed.connect(self.submitted)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setObjectName("lockUnlock")
        self.unlock_button.setAccessibleName("Unlock")
        # Not a default button: in a covered dialog it would take "default" from the dialog's
        # own button for good; Enter in the field is heard through returnPressed.
        self.unlock_button.setAutoDefault(False)
        self.unlock_button.clicked.connect(self.submitted)
        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(self.unlock_button)

        self.message = QLabel()
        self.message.setObjectName("lockMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.message.hide()
        self.switch = QPushButton("Use the &recovery key instead")
        self.switch.setObjectName("lockUseRecoveryKey")
        self.switch.setAccessibleName("Use the recovery key instead")
        self.switch.setFlat(True)
        self.switch.setAutoDefault(False)
        link = QFont(self.switch.font())
        link.setUnderline(True)  # a flat button reads as plain text without it
        self.switch.setFont(link)
        self.switch.setCursor(Qt.CursorShape.PointingHandCursor)
        self.switch.clicked.connect(self.toggle_recovery)
        self.quit_button = QPushButton(QUIT)
        self.quit_button.setObjectName("lockQuit")
        self.quit_button.setAccessibleName("Quit CoachDesk")
        self.quit_button.setFlat(True)
        self.quit_button.setAutoDefault(False)
        self.quit_button.setFont(link)
        self.quit_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.quit_button.clicked.connect(self.ask_quit)
        self.quit_panel = self._quit_panel()

        self.box = box = QFrame()
        box.setObjectName("lockBox")
        box.setMaximumWidth(520)
        column = QVBoxLayout(box)
        column.setSpacing(10)
        for widget in (self.title, self.practice, self.hint):
            column.addWidget(widget)
        column.addSpacing(6)
        self.entry = QWidget()  # the field and Unlock: hidden while a dialog in front asks
        self.entry.setObjectName("lockEntry")
        row.setContentsMargins(0, 0, 0, 0)
        self.entry.setLayout(row)
        column.addWidget(self.entry)
        column.addWidget(self.message)
        column.addWidget(self.switch, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.quit_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.quit_panel)
        self.passive = False

        outer = QVBoxLayout(self)
        margin = 12 if compact else 40
        outer.setContentsMargins(margin, margin, margin, margin)
        outer.addStretch(1)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(box, 4)
        centred.addStretch(1)
        outer.addLayout(centred)
        outer.addStretch(2)
        self.setFocusProxy(self.field)

    def _quit_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("lockQuitPanel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        question = QLabel(QUIT_QUESTION)
        question.setObjectName("lockQuitQuestion")
        question.setWordWrap(True)
        yes = QPushButton("Quit CoachDesk")
        yes.setObjectName("lockQuitConfirm")
        yes.setAccessibleName("Quit CoachDesk")
        yes.setAutoDefault(False)
        yes.clicked.connect(self.quit_confirmed)
        stay = QPushButton("Stay")
        stay.setObjectName("lockQuitStay")
        stay.setAccessibleName("Stay")
        stay.setAutoDefault(False)
        stay.clicked.connect(self.stay)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(stay)
        buttons.addWidget(yes)
        column = QVBoxLayout(panel)
        column.addWidget(question)
        column.addLayout(buttons)
        panel.hide()
        return panel

    # -- what the locker asks ------------------------------------------------------------
    def needed_size(self, width: int) -> QSize:
        """The room this screen needs at ``width`` pixels (at least its narrowest), with a
        two-line message and the question to quit shown."""
        said = (self.message.text(), self.message.styleSheet(), self.message.isHidden())
        self.message.setText("Two lines of a message\nfor the room they take")
        self.message.show()
        was_hidden = self.quit_panel.isHidden()
        self.quit_panel.show()
        layout = self.layout()
        width = max(width, layout.totalMinimumSize().width())
        height = max(layout.totalHeightForWidth(width), layout.totalMinimumSize().height())
        if was_hidden:
            self.quit_panel.hide()
        self.message.setText(said[0])  # what was said stays said
        self.message.setStyleSheet(said[1])
        self.message.setHidden(said[2])
        return QSize(width, height)

    def ask_quit(self) -> None:
        """The question to quit, on the screen; its Stay button has the focus."""
        self.quit_panel.show()
        self.quit_button.hide()
        self.room_changed.emit()
        self.quit_panel.findChild(QPushButton, "lockQuitStay").setFocus(
            Qt.FocusReason.OtherFocusReason)

    def stay(self) -> None:
        self.quit_panel.hide()
        self.quit_button.setVisible(not self.passive)
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_passive(self, passive: bool) -> None:
        """``passive``: a dialog in front takes the passphrase, so this screen shows only
        that CoachDesk is locked and where to unlock it (one passphrase field on screen)."""
        if passive == self.passive:
            return
        self.passive = passive
        for widget in (self.entry, self.switch):
            widget.setVisible(not passive)
        self.quit_button.setVisible(not passive and self.quit_panel.isHidden())
        if passive:
            self.quit_panel.hide()
            self.say("")
            self.hint.setText(IN_FRONT)
        else:
            self.hint.setText(self._hint_text())

    def _hint_text(self) -> str:
        return RECOVERY_HINT if self.recovery \
            else SHORT_HINT if self.compact else PASSPHRASE_HINT

    def take_secret(self) -> str:
        """The text typed (the field keeps it until the answer, to be selected if wrong)."""
        return self.field.text()

    def toggle_recovery(self) -> None:
        """Passphrase ⇄ recovery key; the field is emptied, the message goes."""
        self.recovery = not self.recovery
        self.field.clear()
        recovery_mode(self.field, self.recovery)  # plain text, fixed width, the whole key
        if not self.recovery:
            self.field.setPlaceholderText("Passphrase")
        self.field.setAccessibleName("Recovery key" if self.recovery else "Passphrase")
        row, margins = self.entry.layout(), self.box.layout().contentsMargins()
        self.box.setMaximumWidth(max(520, self.field.minimumWidth() + row.spacing()
                                     + self.unlock_button.sizeHint().width()
                                     + margins.left() + margins.right()))
        self.hint.setText(self._hint_text())
        self.room_changed.emit()
        self.switch.setText("Use the &passphrase instead" if self.recovery
                            else "Use the &recovery key instead")
        self.switch.setAccessibleName(self.switch.text().replace("&", ""))
        self.say("")
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def busy(self, checking: bool) -> None:
        """While the secret is checked: nothing can be typed or pressed twice."""
        self.field.setReadOnly(checking)
        self.unlock_button.setEnabled(not checking)
        self.switch.setEnabled(not checking)
        self.quit_button.setEnabled(not checking)
        if checking:
            self.say(CHECKING, error=False)

    def say(self, text: str, *, error: bool = True) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {css('red')};" if error and text else "")
        self.message.setVisible(bool(text))

    def wrong(self, text: str) -> None:
        """A plain red sentence; the text typed selected, so typing again replaces it."""
        self.busy(False)
        self.say(text)
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.field.selectAll()

    def empty_message(self) -> str:
        return EMPTY_RECOVERY if self.recovery else EMPTY

    def reset(self) -> None:
        """Unlocked: the secret leaves the field, the screen is as new for next time."""
        self.field.clear()
        self.busy(False)
        self.say("")
        self.set_passive(False)
        self.quit_panel.hide()
        self.quit_button.show()
        if self.recovery:
            self.toggle_recovery()
