"""The indicator library (issue 5). Being built: see the issue."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from ..context import AppContext


class IndicatorLibraryDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Indicators")
        QVBoxLayout(self).addWidget(QLabel("Indicators"))
