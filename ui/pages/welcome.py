"""First start on an empty practice: explore with demo data, start for real, or bring in the
practice from another computer (a whole-practice export, see ui/dialogs/practice_data.py)."""

from __future__ import annotations

from PySide6.QtCore import SIGNAL, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from coachdesk import encryption

from ..widgets.fields import name_widget

PROTECT_HINT = "Recommended on a laptop: a lost or stolen computer then reveals nothing."


class WelcomePage(QWidget):
    demo_requested = Signal()
    start_requested = Signal()
    #: "Move from another computer…": import a practice export into this empty practice
    move_requested = Signal()

    def __init__(self, db_path: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("welcomePage")
        title = QLabel("Welcome to CoachDesk")
        title.setObjectName("welcomeTitle")
        title.setStyleSheet("font-size: 28px; font-weight: 600;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        intro = QLabel(
            "Your clients, their sponsors and engagements, your session notes and GROW "
            "worksheets, all in one place on this computer.\n"
            "Nothing leaves your machine unless you send it.")
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        intro.setStyleSheet("font-size: 15px;")
        intro.setFixedWidth(640)

        self.demo_button = name_widget(QPushButton("Explore with demo data"), "exploreDemo",
                                       "Explore with demo data")
        self.start_button = name_widget(QPushButton("Start my practice"), "startPractice",
                                        "Start my practice")
        self.move_button = name_widget(QPushButton("Move from another computer…"),
                                       "movePractice", "Move from another computer")
        self.move_button.setToolTip("Bring in the file made on your other computer with "
                                    "File → Export the whole practice…")
        for button in (self.demo_button, self.start_button, self.move_button):
            button.setMinimumSize(260, 56)
            button.setStyleSheet("font-size: 15px;")
        self.start_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.demo_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.start_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.move_button)
        buttons.addStretch(1)

        # Optional, and said before anything is written: the practice is encrypted while it
        # is still empty (ui/encrypt_flow.py), then the chosen button goes on.
        self.protect_box = name_widget(QCheckBox("Protect this practice with a passphrase"),
                                       "protectPractice", "Protect this practice with a passphrase")
        self.protect_box.setStyleSheet("font-size: 14px;")
        self.protect_box.setToolTip("Encrypts the practice file and its backups: a lost laptop "
                                    "or USB stick reveals nothing. You can also do this later "
                                    "in Settings → Privacy & lock.")
        protect_row = QHBoxLayout()
        protect_row.addStretch(1)
        protect_row.addWidget(self.protect_box)
        protect_row.addStretch(1)
        self.protect_hint = QLabel(PROTECT_HINT)
        self.protect_hint.setObjectName("protectPracticeHint")
        self.protect_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.protect_hint.setStyleSheet("color: palette(placeholder-text);")

        hint = QLabel("The demo adds a dozen fictional clients you can edit freely; you can archive "
                      "them later.\nMoving from another computer? On that computer choose File → "
                      "Export the whole practice…, then bring the file here.\n"
                      "Your practice is saved in: " + db_path)
        hint.setObjectName("welcomeHint")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: palette(placeholder-text);")

        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addSpacing(12)
        intro_row = QHBoxLayout()
        intro_row.addStretch(1)
        intro_row.addWidget(intro)
        intro_row.addStretch(1)
        layout.addLayout(intro_row)
        layout.addSpacing(28)
        layout.addLayout(buttons)
        layout.addSpacing(16)
        layout.addLayout(protect_row)
        layout.addWidget(self.protect_hint)
        layout.addSpacing(16)
        layout.addWidget(hint)
        layout.addStretch(3)

        self.demo_button.clicked.connect(lambda: self._protected(self.demo_requested.emit))
        self.start_button.clicked.connect(lambda: self._protected(self.start_requested.emit))
        self.move_button.clicked.connect(self._move_clicked)

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        ctx = getattr(self.window(), "ctx", None)
        offered = ctx is not None and not ctx.read_only and not encryption.is_encrypted(
            ctx.db.path)
        self.protect_box.setVisible(offered)
        self.protect_hint.setVisible(offered)
        if not offered:
            self.protect_box.setChecked(False)

    def _protected(self, go) -> None:
        """With "Protect this practice" ticked, the empty practice is encrypted first; a
        passphrase dialog cancelled (or a conversion that failed) stays here, so a practice
        the coach asked to protect never starts filling unprotected."""
        if self.protect_box.isChecked() and self.protect_box.isVisible():
            from ..encrypt_flow import protect_new_practice

            if not protect_new_practice(self.window()):
                return
            self._protection_done()
        go()

    def _protection_done(self) -> None:
        self.protect_box.setChecked(False)
        self.protect_box.setVisible(False)
        self.protect_hint.setVisible(False)

    def _move_clicked(self) -> None:
        """With "Protect" ticked, the import itself protects the practice before writing
        into it: with the passphrase of a sealed export (typed once, not twice more), else
        a new one (ui/dialogs/practice_protect.py)."""
        window = self.window()
        ctx = getattr(window, "ctx", None)
        if not (self.protect_box.isChecked() and self.protect_box.isVisible()) or ctx is None:
            self._move()
            return
        from ..dialogs.practice_data import import_practice

        import_practice(ctx, window, protect=True)
        if encryption.is_encrypted(ctx.db.path):
            self._protection_done()

    def _move(self) -> None:
        """Whoever listens imports; without a listener, the window's own import action does."""
        if self.receivers(SIGNAL("move_requested()")) > 0:
            self.move_requested.emit()
            return
        window = self.window()
        if hasattr(window, "import_practice"):
            window.import_practice()
