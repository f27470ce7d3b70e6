"""First start on an empty practice: explore with demo data, or start for real."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..widgets.fields import name_widget


class WelcomePage(QWidget):
    demo_requested = Signal()
    start_requested = Signal()

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
        for button in (self.demo_button, self.start_button):
            button.setMinimumSize(240, 56)
            button.setStyleSheet("font-size: 15px;")
        self.start_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.demo_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.start_button)
        buttons.addStretch(1)

        hint = QLabel("The demo adds a dozen fictional clients you can edit freely; you can archive "
                      "them later.\nYour practice is saved in: " + db_path)
        hint.setObjectName("welcomeHint")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: palette(mid);")

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
        layout.addSpacing(20)
        layout.addWidget(hint)
        layout.addStretch(3)

        self.demo_button.clicked.connect(self.demo_requested)
        self.start_button.clicked.connect(self.start_requested)
