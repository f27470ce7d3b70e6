"""Merge duplicate sponsors or organizations: choose which to keep, read what moves, merge.

The plan comes from the engine (``merge_plan``) and is shown in plain sentences
before anything changes; Merge then runs ``merge`` in one transaction.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from coachdesk.errors import CoachDeskError
from coachdesk.services import organizations, sponsors

from ..context import AppContext
from ..plain import as_plain
from .base import FormDialog

#: kind -> (service, noun, what is counted on a row, its label)
KINDS = {
    "sponsor": (sponsors, "sponsor", "engagements", "engagement"),
    "organization": (organizations, "organization", "clients", "client"),
}


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def keep_text(row, detail: str, n: int, counted_label: str) -> str:
    """One "Keep" choice: 'Katrin Vogel (k.vogel@…) — 2 engagements' when another has a
    name alike, else 'Katrin Vogel — Nordlicht — k.vogel@… — 2 engagements'."""
    count = f"{n} {counted_label}{'s' if n != 1 else ''}"
    if detail:
        head = f"{_short(row.name)} ({_short(detail, 40)})"
        return head if counted_label in detail else f"{head} — {count}"
    parts = [getattr(row, "organization", ""), getattr(row, "email", ""), count]
    return " — ".join([_short(row.name)] + [_short(d, 40) for d in parts if d])


class MergeDialog(FormDialog):
    """``rows`` are two or more list rows (``SponsorRow`` or ``OrganizationRow``)."""

    def __init__(self, ctx: AppContext, kind: str, rows: list, parent=None):
        self.service, self.noun, self.counted, counted_label = KINDS[kind]
        super().__init__(f"Merge {len(rows)} {self.noun}s", "mergeDialog", parent)
        self.ctx = ctx
        self.kind = kind
        self.rows = list(rows)
        self.keep = self.add_field("Keep", "keep_id", QComboBox(), "mergeKeep")
        # Names alike ("Katrin Vogel" twice) are told apart the way the plan says them.
        told = self.service.tell_apart(ctx.db, [r.id for r in self.rows])
        for r in self.rows:
            self.keep.addItem(keep_text(r, told.get(r.id, ""), getattr(r, self.counted),
                                        counted_label), r.id)
            self.keep.setItemData(self.keep.count() - 1, as_plain(r.name),
                                  Qt.ItemDataRole.ToolTipRole)
        # The one most in use stays by default (ties: the oldest record).
        best = max(range(len(self.rows)),
                   key=lambda i: (getattr(self.rows[i], self.counted), -self.rows[i].id))
        self.keep.setCurrentIndex(best)
        self.plan = QLabel()
        self.plan.setObjectName("mergePlan")
        self.plan.setAccessibleName("What the merge will do")
        self.plan.setTextFormat(Qt.TextFormat.PlainText)  # names are shown as typed
        self.plan.setWordWrap(True)
        self.plan.setMinimumWidth(420)
        self.form.addRow(self.plan)
        self.save_button.setText("Merge")
        self.save_button.setAccessibleName("Merge")
        self.keep.currentIndexChanged.connect(self.show_plan)
        self.show_plan()

    def is_changed(self) -> bool:
        # Choosing which record to keep is not typed work: Esc and Cancel close without
        # asking whether to discard it.
        return False

    def keep_id(self) -> int:
        return self.keep.currentData()

    def other_ids(self) -> list[int]:
        return [r.id for r in self.rows if r.id != self.keep_id()]

    def show_plan(self) -> None:
        self.clear_errors()
        try:
            plan = self.service.merge_plan(self.ctx.db, self.keep_id(), self.other_ids())
        except CoachDeskError as exc:
            self.plan.clear()
            self.show_error(exc)
            self.save_button.setEnabled(False)
            return
        self.plan.setText("\n".join(f"• {line}" for line in plan.sentences(limit=80)))
        self.save_button.setEnabled(True)

    def submit(self):
        kept = self.service.merge(self.ctx.db, self.keep_id(), self.other_ids())
        self.ctx.notify(self.kind)
        return kept
