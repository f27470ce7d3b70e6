"""The client's Relationships tab (issue 5). Being built: see the issue."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..context import AppContext


class RelationshipsTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.client = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Relationships"))

    def show_client(self, client) -> None:
        self.client = client

    def leave(self) -> None:
        pass
