"""The dashboard's money line: what the practice is owed and what of it is overdue, per
currency (amounts of different currencies are never added together).

Two buttons a coach can Tab to and press: "€5,355.00 outstanding (3 invoices)" and
"€1,071.00 overdue (1)", red when anything is overdue; each opens the Invoices page filtered
(``open_invoices`` carries the filter: "outstanding" or "overdue"). Hidden while the
practice has no issued invoice, so a coach who does not invoice here never sees it.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from coachdesk.errors import CoachDeskError
from coachdesk.services import invoices

from ..models.invoice_table import money
from ..theme import css
from ..widgets.fields import name_widget

log = logging.getLogger(__name__)


def _amounts(totals, cents: str, count: str) -> str:
    shown = [t for t in totals if getattr(t, count)]
    return " · ".join(money(getattr(t, cents), t.currency) for t in shown)


class MoneyStrip(QWidget):
    open_invoices = Signal(str)  # the Invoices page's filter

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dashboardMoney")
        label = QLabel("Invoices:")
        label.setStyleSheet("font-weight: 600;")
        self.outstanding = name_widget(QPushButton(), "dashOutstanding",
                                       "Outstanding invoices")
        self.overdue = name_widget(QPushButton(), "dashOverdue", "Overdue invoices")
        for button, key in ((self.outstanding, "outstanding"), (self.overdue, "overdue")):
            button.setFlat(True)
            button.setToolTip("Show these invoices on the Invoices page")
            button.clicked.connect(lambda _c=False, k=key: self.open_invoices.emit(k))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(label)
        layout.addWidget(self.outstanding)
        layout.addWidget(self.overdue)
        layout.addStretch(1)
        self.hide()

    def refresh(self, today: date | None = None) -> None:
        """Read what is owed (as of ``today``) and show it; hidden when nothing was ever
        issued, or when the practice cannot be read just now."""
        try:
            totals = invoices.outstanding(self.ctx.db, today)
            issued = bool(totals) or any(not v.is_draft for v in
                                         invoices.list_invoices(self.ctx.db, today=today))
        except CoachDeskError as exc:
            log.info("dashboard money not shown: %s", type(exc).__name__)
            self.hide()
            return
        self.setVisible(issued)
        count = sum(t.outstanding_count for t in totals)
        late = sum(t.overdue_count for t in totals)
        if count:
            self.outstanding.setText(
                f"{_amounts(totals, 'outstanding_cents', 'outstanding_count')} outstanding "
                f"({count} invoice{'s' if count != 1 else ''})")
        else:
            self.outstanding.setText("nothing outstanding")
        self.outstanding.setEnabled(bool(count))
        self.overdue.setVisible(bool(late))
        self.overdue.setText(f"{_amounts(totals, 'overdue_cents', 'overdue_count')} overdue "
                             f"({late})" if late else "")
        self.overdue.setStyleSheet(f"color: {css('red')}; font-weight: 600;" if late else "")
        self.outstanding.setAccessibleName(self.outstanding.text())
        self.overdue.setAccessibleName(self.overdue.text() or "Overdue invoices")
