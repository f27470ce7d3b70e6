"""Dashboard (issue 5): who needs attention and why. Being built: see the issue."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..context import AppContext


class DashboardPage(QWidget):
    open_client = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dashboardPage")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Dashboard"))

    def reload(self) -> None:
        pass
