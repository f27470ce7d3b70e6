"""The client's "Agreement & invoices" tab: the business side of one engagement.

An engagement chooser on top, then one panel per part of the business, each its own
module so it can grow on its own: the three-way coaching agreement, the client's consent
to what the sponsor sees, and the invoices with sessions delivered against invoiced.

A panel is a QWidget built as ``Panel(ctx, parent)`` with ``show_engagement(engagement_id)``
(``None`` when the client has no engagement) and may have ``leave()``; ``changed`` (a
Signal, optional) asks the tab to reload every panel, e.g. after consent changes what the
agreement will say. Consent recorded elsewhere (the report dialog) reaches the tab through
``ctx.data_changed("consent")``: the panels whose ``hears_consent`` is True reload (``reload()`` when a panel has it, which
keeps its message, else ``show_engagement``). Showing a client or an engagement starts at
the top of the tab.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from ..context import AppContext
from ..widgets.fields import name_widget
from .client_goals import fill_engagement_chooser

#: (module in ui.pages, class): the panels, top to bottom
PANELS: list[tuple[str, str]] = [
    ("business_agreement", "AgreementPanel"),
    ("business_consent", "ConsentPanel"),
    ("business_invoices", "Panel"),
]


class BusinessTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.client = None
        self.engagement_id: int | None = None
        self.setObjectName("businessTab")

        self.engagement_combo = name_widget(QComboBox(), "businessEngagement", "Engagement")
        self.engagement_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        chooser = QHBoxLayout()
        label = QLabel("&Engagement:")
        label.setBuddy(self.engagement_combo)
        chooser.addWidget(label)
        chooser.addWidget(self.engagement_combo)
        chooser.addStretch(1)
        self.empty_label = name_widget(
            QLabel("This client has no engagement yet. Add one on the Profile && sessions tab; "
                   "its agreement and invoices are kept here."), "businessEmpty",
            "No engagement")
        self.empty_label.setWordWrap(True)

        self.panels: list[QWidget] = []
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        for module, cls in PANELS:
            make = getattr(importlib.import_module(f"{__package__}.{module}"), cls)
            panel = make(ctx, self)
            self.panels.append(panel)
            body_layout.addWidget(panel)
            changed = getattr(panel, "changed", None)
            if changed is not None:
                changed.connect(self.reload)
        body_layout.addStretch(1)
        scroll = self.scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.empty_label)
        layout.addWidget(scroll, 1)
        self.engagement_combo.currentIndexChanged.connect(self._engagement_changed)
        ctx.data_changed.connect(self._data_changed)

    def _data_changed(self, what: str) -> None:
        if what != "consent" or self.client is None or self.engagement_id is None:
            return
        for panel in self.panels:
            if not getattr(panel, "hears_consent", False):
                continue
            if hasattr(panel, "reload"):
                panel.reload()
            else:
                panel.show_engagement(self.engagement_id)

    def show_client(self, client) -> None:
        self.client = client
        self.engagement_id = None
        self.load_engagements()

    def leave(self) -> None:
        for panel in self.panels:
            if hasattr(panel, "leave"):
                panel.leave()

    def load_engagements(self) -> None:
        """Fill the chooser, keeping the engagement on screen if it is still there."""
        if self.client is None:
            return
        rows, _keep = fill_engagement_chooser(self.ctx, self.engagement_combo, self.client.id,
                                              self.engagement_id)
        self.empty_label.setVisible(not rows)
        self.engagement_combo.setEnabled(bool(rows))
        self._engagement_changed()

    def show_engagement(self, engagement_id: int) -> None:
        """Choose ``engagement_id`` in the chooser (e.g. from the engagements list)."""
        index = self.engagement_combo.findData(engagement_id)
        if index >= 0:
            self.engagement_combo.setCurrentIndex(index)

    def _engagement_changed(self, *_):
        self.engagement_id = self.engagement_combo.currentData()
        self.reload()
        self.scroll.verticalScrollBar().setValue(0)  # not the previous client's place

    def reload(self) -> None:
        for panel in self.panels:
            panel.show_engagement(self.engagement_id)
