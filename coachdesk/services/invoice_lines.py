"""What there is to invoice on an engagement: sessions delivered and not yet invoiced, and
the lines an invoice can be made of (sessions, a package fee, instalments).

A session is *billable* when it was delivered (held, cancelled late or a no-show: the ones
that count against the agreement) and neither it nor its engagement is pro bono. It is
*invoiced* while a line of an issued invoice names it and no issued credit note has taken
it back; it is *on a draft* while a draft names it (so two drafts do not bill it twice).

A **package fee or instalments covers the sessions**: once an issued invoice of the
engagement carries a package line (no session, and a description with "programme",
"program", "package" or "instalment" in it: what ``package_line`` and ``instalment_lines``
write; a line such as "Travel expenses" is not one) and credit notes have not taken all of
it back, the engagement's first ``sessions_agreed`` billable
sessions (all of them when no number was agreed) are *covered*: no longer "to invoice" and
not offered for session lines. Sessions beyond those agreed stay to invoice. A session line
can still be typed on purpose; ``invoice_cover.draft_warnings`` then warns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select

from .. import dates
from ..errors import ValidationError
from ..hours import minutes_as_hours
from ..models import CoachingSession, Engagement, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from ..storage import Database
from . import invoice_money as money
from . import validation as v
from ._common import get_or_raise
from .sessions import COUNTS_AGAINST_AGREEMENT, STATUS_LABELS

DESCRIPTION_MAX = 500


@dataclass(frozen=True)
class LineInput:
    """One line to put on a draft. ``quantity_milli``: thousandths (1000 = 1);
    ``unit_cents``: the price of one; the amount is computed (``invoice_money.line_amount``).
    ``session_id``: the session billed, or None for a fee or an instalment."""

    description: str
    unit_cents: int
    quantity_milli: int = 1000
    session_id: int | None = None


@dataclass(frozen=True)
class BillableSession:
    """A delivered session not yet invoiced. ``status`` is the SessionStatus value;
    ``label`` reads "Coaching session, 03/03/2026 (1 h)" (what the line will say; the date
    as the practice's date setting writes it)."""

    id: int
    session_date: date
    duration_minutes: int
    status: str
    label: str


@dataclass(frozen=True)
class SessionCounts:
    """Sessions of one engagement: ``delivered`` (held, cancelled late, no-show; pro bono
    included), ``billable`` (delivered and not pro bono), ``invoiced`` (on an issued
    invoice, net of credit notes; a session deleted after it was invoiced still counts,
    until a credit note takes it back), ``on_draft`` (on a draft only) and ``to_invoice``
    (billable, neither invoiced nor on a draft)."""

    delivered: int
    billable: int
    invoiced: int
    on_draft: int
    to_invoice: int
    #: billable sessions covered by a package fee or instalments (see the module)
    covered: int = 0
    #: the issue date of the first invoice with that package fee, when there is one
    package_invoiced_on: date | None = None

    @property
    def sentence(self) -> str:
        """"8 sessions delivered, 6 invoiced, 2 to invoice"; with a package: "6 sessions
        delivered, covered by the package fee invoiced on 2 Sep 2026" (or "8 sessions
        delivered, 6 covered by the package fee invoiced on 2 Sep 2026, 2 to invoice")."""
        word = "session" if self.delivered == 1 else "sessions"
        text = f"{self.delivered} {word} delivered"
        if self.package_invoiced_on is not None:
            when = dates.short(self.package_invoiced_on)
            if self.covered and self.covered == self.delivered:
                text += f", covered by the package fee invoiced on {when}"
            else:
                text += f", {self.covered} covered by the package fee invoiced on {when}"
        if self.invoiced or self.package_invoiced_on is None:
            text += f", {self.invoiced} invoiced"
        if self.on_draft:
            text += f", {self.on_draft} on a draft"
        if self.to_invoice or self.package_invoiced_on is None:
            text += f", {self.to_invoice} to invoice"
        return text


def description(value, field: str = "description") -> str:
    return v.one_line(value, field, "The line's description", required=True,
                      limit=DESCRIPTION_MAX)


def session_label(row: CoachingSession, kind: str = "coaching") -> str:
    """What an invoice line says about a session (never its notes): "Coaching session, 12
    Jan 2026 (1 h)", "Mentoring session, ..." for a mentoring engagement (``kind``)."""
    when = dates.short(row.session_date)  # as the practice writes dates
    extra = "" if row.status == "held" else f", {STATUS_LABELS.get(row.status, '').lower()}"
    word = "Mentoring" if getattr(kind, "value", kind) == "mentoring" else "Coaching"
    return f"{word} session, {when} ({minutes_as_hours(row.duration_minutes)} h{extra})"


def _session_state(s, engagement_id: int, exclude_invoice: int | None = None):
    """(invoiced ids, on-draft ids) for the engagement's sessions."""
    rows = s.exec(
        sa_select(InvoiceLine.session_id, Invoice.kind, Invoice.status, Invoice.id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.engagement_id == int(engagement_id),
               InvoiceLine.session_id.is_not(None))).all()
    net: Counter = Counter()
    drafts: set[int] = set()
    for session_id, kind, status, invoice_id in rows:
        if invoice_id == exclude_invoice:
            continue
        if status == InvoiceStatus.draft:
            if kind == InvoiceKind.invoice:
                drafts.add(session_id)
            continue
        net[session_id] += 1 if kind == InvoiceKind.invoice else -1
    invoiced = {sid for sid, n in net.items() if n > 0}
    return invoiced, drafts - invoiced


PACKAGE_WORDS = ("programme", "program", "package", "instalment")


def is_package_text(text: str) -> bool:
    """Whether a line without a session is a package fee or an instalment (see the
    module): its description has one of ``PACKAGE_WORDS``."""
    low = str(text or "").lower()
    return any(word in low for word in PACKAGE_WORDS)


def is_package_line(line) -> bool:
    """Whether a ``LineInput`` (or an ``InvoiceLine``) is a package fee or instalment."""
    return line.session_id is None and is_package_text(line.description)


def package_invoiced_on(s, engagement_id: int) -> date | None:
    """The issue date of the engagement's first issued invoice with a line that is not a
    session (package fee, instalment), when such lines are not all credited back; else
    None. Inside an open session."""
    rows = [(amount, kind, day) for amount, kind, day, text in s.exec(
        sa_select(InvoiceLine.amount_cents, Invoice.kind, Invoice.issue_date,
                  InvoiceLine.description)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.engagement_id == int(engagement_id), InvoiceLine.session_id.is_(None),
               Invoice.status != InvoiceStatus.draft)).all() if is_package_text(text)]
    if sum(amount for amount, _kind, _day in rows) <= 0:
        return None
    days = [day for amount, kind, day in rows
            if kind == InvoiceKind.invoice and amount > 0 and day is not None]
    return min(days) if days else None


def _covered(s, engagement: Engagement, billable: list[CoachingSession]) -> set[int]:
    """Ids of the billable sessions a package invoice covers (see the module)."""
    if package_invoiced_on(s, engagement.id) is None:
        return set()
    agreed = engagement.sessions_agreed or 0
    chosen = billable[:agreed] if agreed > 0 else billable
    return {r.id for r in chosen}


def _delivered(s, engagement_id: int) -> list[CoachingSession]:
    return list(s.exec(sa_select(CoachingSession)
                       .where(CoachingSession.engagement_id == int(engagement_id),
                              CoachingSession.status.in_(list(COUNTS_AGAINST_AGREEMENT)))
                       .order_by(CoachingSession.session_date, CoachingSession.id)).scalars())


def _billable(engagement: Engagement, rows: list[CoachingSession]) -> list[CoachingSession]:
    if engagement.pro_bono:
        return []
    return [r for r in rows if not r.pro_bono]


def billable_sessions(db: Database, engagement_id: int,
                      exclude_invoice: int | None = None) -> list[BillableSession]:
    """The engagement's delivered sessions that are neither invoiced nor on a draft
    (``exclude_invoice``: a draft being edited, whose own sessions stay offered), oldest
    first. Raises NotFoundError for an unknown engagement."""
    with db.session() as s:
        engagement = get_or_raise(s, Engagement, int(engagement_id), "engagement")
        invoiced, drafts = _session_state(s, engagement.id, exclude_invoice)
        billable = _billable(engagement, _delivered(s, engagement.id))
        taken = invoiced | drafts | _covered(s, engagement, billable)
        return [BillableSession(r.id, r.session_date, r.duration_minutes,
                                getattr(r.status, "value", str(r.status)),
                                session_label(r, engagement.kind))
                for r in billable if r.id not in taken]


def session_counts(db: Database, engagement_id: int) -> SessionCounts:
    """Delivered vs invoiced sessions of the engagement (see ``SessionCounts``)."""
    with db.session() as s:
        engagement = get_or_raise(s, Engagement, int(engagement_id), "engagement")
        delivered = _delivered(s, engagement.id)
        billable_rows = _billable(engagement, delivered)
        billable = {r.id for r in billable_rows}
        invoiced, drafts = _session_state(s, engagement.id)
        # ``invoiced`` keeps a session billed and later made pro bono or deleted: the money
        # was asked for all the same (a credit note takes it back)
        covered = _covered(s, engagement, billable_rows) - invoiced
        on_draft = drafts & (billable - covered)
        return SessionCounts(len(delivered), len(billable), len(invoiced), len(on_draft),
                             len(billable - invoiced - on_draft - covered), len(covered),
                             package_invoiced_on(s, engagement.id))


def session_price(db: Database, engagement_id: int) -> int | None:
    """The price of one session in cents: the engagement's fee (the total agreed) divided
    by its sessions agreed, half up; None when the engagement has no fee or no number of
    sessions (the coach types a price then), or is pro bono."""
    with db.session() as s:
        e = get_or_raise(s, Engagement, int(engagement_id), "engagement")
        return None if e.pro_bono else money.per_session_cents(e.fee_cents, e.sessions_agreed)


def session_lines(db: Database, engagement_id: int, session_ids=None,
                  unit_cents: int | None = None) -> list[LineInput]:
    """One line per session: the given ``session_ids`` (each must be billable and not
    yet invoiced or on a draft) or, when None, every billable session not yet invoiced.
    ``unit_cents`` defaults to ``session_price``. Raises ValidationError: field
    "session_ids" for a session that cannot be billed, "unit_cents" when there is no
    price, "session_ids" when nothing is left to invoice."""
    offered = {b.id: b for b in billable_sessions(db, engagement_id)}
    if session_ids is None:
        chosen = list(offered.values())
    else:
        ids = []
        for raw in session_ids:
            try:
                ids.append(int(raw))
            except (TypeError, ValueError):
                raise ValidationError("A session number must be a whole number.",
                                      "session_ids") from None
        missing = [i for i in ids if i not in offered]
        if missing:
            raise ValidationError(f"Session {missing[0]} cannot be invoiced: it is not a "
                                  "delivered session of this engagement, is pro bono, or is "
                                  "already invoiced or on a draft.", "session_ids")
        chosen = [offered[i] for i in dict.fromkeys(ids)]
    if not chosen:
        raise ValidationError("There is no delivered session left to invoice on this "
                              "engagement.", "session_ids")
    price = session_price(db, engagement_id) if unit_cents is None else unit_cents
    if price is None:
        raise ValidationError("This engagement has no fee per session: type the price of "
                              "one session.", "unit_cents")
    return [LineInput(b.label, int(price), 1000, b.id) for b in chosen]


def package_line(db: Database, engagement_id: int, amount_cents: int | None = None,
                 text: str = "") -> list[LineInput]:
    """One line for the whole package: ``amount_cents`` or the engagement's fee. Raises
    ValidationError (field "amount") when there is neither."""
    with db.session() as s:
        e = get_or_raise(s, Engagement, int(engagement_id), "engagement")
        fee, agreed, kind = e.fee_cents, e.sessions_agreed, e.kind
    amount = fee if amount_cents is None else amount_cents
    if amount is None or int(amount) <= 0:
        raise ValidationError("Type the package amount: the engagement has no fee.", "amount")
    label = text or (f"Coaching programme: {agreed} sessions" if agreed
                     else "Coaching programme")
    if kind == "mentoring" and not text:
        label = label.replace("Coaching", "Mentoring")
    return [LineInput(description(label), int(amount))]


def instalment_lines(total_cents: int, parts: int, text: str = "Coaching programme",
                     ) -> list[LineInput]:
    """``parts`` lines that add up exactly to ``total_cents`` (the odd cents on the last),
    each "Coaching programme, instalment 2 of 3". Raises ValidationError as
    ``invoice_money.split_instalments``."""
    amounts = money.split_instalments(total_cents, parts)
    base = description(text)
    n = len(amounts)
    return [LineInput(f"{base}, instalment {i} of {n}" if n > 1 else base, a)
            for i, a in enumerate(amounts, 1)]


def one_instalment(total_cents: int, parts: int, which: int,
                   text: str = "Coaching programme") -> list[LineInput]:
    """Only instalment ``which`` (1-based) of ``instalment_lines``: one invoice per
    instalment. Raises ValidationError (field "instalments") for a part out of range."""
    lines = instalment_lines(total_cents, parts, text)
    if not 1 <= int(which) <= len(lines):
        raise ValidationError(f"Choose an instalment from 1 to {len(lines)}.", "instalments")
    return [lines[int(which) - 1]]
