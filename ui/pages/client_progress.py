"""The client's Indicators tab (issue 5). Being built: see the issue."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..context import AppContext


class ProgressTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.client = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Indicators"))

    def show_client(self, client) -> None:
        self.client = client

    def leave(self) -> None:
        pass
