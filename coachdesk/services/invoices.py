"""Invoices and credit notes to the organisation that pays for an engagement.

The life of an invoice: a **draft** (no number; lines, currency and VAT may change; may
be deleted) is **issued** (``issue``: the next number of the issue year, and the buyer's
and the seller's details and the totals frozen, all in one transaction), then **sent**
and **paid**. *Overdue* is not stored: an issued or sent invoice whose due date has passed
and that still has money owed on it. An issued invoice is never edited or deleted; it is
corrected by a **credit note** (its own series "CN-2026-0001", negative amounts, naming
the invoice it corrects).

Numbers are sequential per year with no gaps and no reuse (EU VAT Directive 2006/112/EC
art. 226(2): "a sequential number ... which uniquely identifies the invoice"): the year's
counter (``InvoiceCounter``) is raised as the first write of the issuing transaction, so
it holds the practice's write lock until the invoice is committed with its number; a
failure anywhere rolls both back. The money rules are in ``invoice_money``.

Every function takes the ``Database``; "today" comes from ``current_day()`` (tests freeze it)
or a ``today=`` argument. Errors are ``ValidationError`` (with the field) or
``NotFoundError``, in plain sentences that never quote the coach's text.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select as sa_select
from sqlalchemy import text as sa_text

from ..errors import ValidationError
from ..faults import crash_point
from ..models import (
    Client,
    CoachingSession,
    Engagement,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Organization,
    Sponsor,
    utcnow,
)
from ..storage import Database
from . import business
from . import invoice_money as money
from . import validation as v
from ._common import get_or_raise
from .invoice_lines import (  # noqa: F401  (the public API lives here too)
    BillableSession,
    LineInput,
    SessionCounts,
    billable_sessions,
    description,
    instalment_lines,
    one_instalment,
    package_invoiced_on,
    package_line,
    session_counts,
    session_lines,
    session_price,
)
from .invoice_money import REVERSE_CHARGE_NOTE, Totals  # noqa: F401
from .invoice_vat import (  # noqa: F401  (public API)
    OUTSIDE_EU_NOTE,
    VatTreatment,
    is_outside_eu,
    note_for,
    vat_treatment,
)
from .invoice_views import (  # noqa: F401  (the public API lives here too)
    STATES,
    InvoiceView,
    LineView,
    _credited,
    _value,
    _view,
    get,
    list_invoices,
)

NOTES_MAX = 2000
TERMS_MAX = 500
MAX_LINES = 500


def current_day() -> date:
    """The day the invoice rules go by: tests freeze it by replacing this function."""
    return date.today()


# -- drafts ----------------------------------------------------------------------------


def _bill_to(s, engagement: Engagement, organization_id: int | None) -> Organization:
    if organization_id is not None:
        return get_or_raise(s, Organization, int(organization_id), "organization")
    if engagement.sponsor_id is not None:
        sponsor = s.get(Sponsor, engagement.sponsor_id)
        if sponsor is not None and sponsor.organization_id is not None:
            return s.get(Organization, sponsor.organization_id)
    client = s.get(Client, engagement.client_id)
    if client is not None and client.organization_id is not None:
        return s.get(Organization, client.organization_id)
    raise ValidationError("This engagement has no organization to bill: give the sponsor or "
                          "the client an organization first.", "organization_id")


def _copy_buyer(row: Invoice, org: Organization) -> None:
    row.organization_id = org.id
    row.bill_to_name = org.name
    row.bill_to_contact = org.billing_contact or ""
    row.bill_to_address = org.billing_address or ""
    row.bill_to_vat_number = org.vat_number or ""
    row.bill_to_email = org.billing_email or ""


def _clean_lines(lines) -> list[LineInput]:
    out = []
    for line in lines or ():
        try:
            if isinstance(line, dict):
                line = LineInput(**line)
            qty, unit = int(line.quantity_milli), int(line.unit_cents)
            session_id = None if line.session_id is None else int(line.session_id)
        except (TypeError, ValueError, AttributeError, OverflowError):
            raise ValidationError("A line's quantity and price must be numbers.",
                                  "lines") from None
        text = description(line.description)
        if not 0 < qty <= money.MAX_QUANTITY_MILLI:
            raise ValidationError("A line's quantity must be more than zero.", "lines")
        if not 0 <= unit <= money.MAX_CENTS:
            raise ValidationError("A line's price cannot be negative or that large.", "lines")
        out.append(LineInput(text, unit, qty, session_id))
    if not out:
        raise ValidationError("An invoice needs at least one line.", "lines")
    if len(out) > MAX_LINES:
        raise ValidationError(f"An invoice can have at most {MAX_LINES} lines.", "lines")
    return out


def _put_lines(s, row: Invoice, lines: list[LineInput], sign: int = 1) -> None:
    for old in s.exec(sa_select(InvoiceLine).where(InvoiceLine.invoice_id == row.id)).scalars():
        s.delete(old)
    amounts = []
    for pos, line in enumerate(lines, 1):
        amount = money.line_amount(line.quantity_milli, line.unit_cents) * sign
        amounts.append(amount)
        s.add(InvoiceLine(invoice_id=row.id, position=pos, description=line.description,
                          quantity_milli=line.quantity_milli, unit_cents=line.unit_cents * sign,
                          amount_cents=amount, session_id=line.session_id))
    _set_totals(row, amounts)


def _set_totals(row: Invoice, amounts: list[int]) -> None:
    t = money.totals(amounts, row.vat_rate, row.reverse_charge)
    if abs(t.total) > money.MAX_CENTS:
        raise ValidationError("That invoice's total is too large; please check the amounts.",
                              "lines")
    row.subtotal_cents, row.vat_cents, row.total_cents = t.net, t.vat, t.total


def _check_sessions(s, engagement_id: int, lines: list[LineInput], invoice_id: int | None):
    from .invoice_lines import _session_state

    ids = [li.session_id for li in lines if li.session_id is not None]
    if len(ids) != len(set(ids)):
        raise ValidationError("The same session is on two lines.", "lines")
    if not ids:
        return
    own = set(s.exec(sa_select(CoachingSession.id).where(
        CoachingSession.engagement_id == int(engagement_id),
        CoachingSession.id.in_(ids))).scalars())
    if set(ids) - own:
        raise ValidationError("A session on this invoice was deleted or is not a session of "
                              "this engagement: remove its line.", "lines")
    invoiced, drafts = _session_state(s, engagement_id, exclude_invoice=invoice_id)
    if set(ids) & (invoiced | drafts):
        raise ValidationError("A session on this invoice is already invoiced or on another "
                              "draft.", "lines")


def _fields(values: dict, details: business.BusinessDetails) -> dict:
    out = {}
    if "currency" in values:
        out["currency"] = business.currency_code(values["currency"] or details.currency)
    if "vat_rate" in values:
        out["vat_rate"] = business.clean({"vat_rate": values["vat_rate"]}).vat_rate
    if "reverse_charge" in values:
        out["reverse_charge"] = bool(values["reverse_charge"])
    if "payment_terms" in values:
        out["payment_terms"] = v.one_line(values["payment_terms"], "payment_terms",
                                          "The payment terms", limit=TERMS_MAX)
    if "notes" in values:
        out["notes"] = v.refuse_control(v.optional_text(values["notes"]), "notes",
                                        "The note on the invoice").strip()
        if len(out["notes"]) > NOTES_MAX:
            raise ValidationError(f"The note on the invoice is too long (at most {NOTES_MAX:,} "
                                  "characters).", "notes")
    if "due_date" in values:
        out["due_date"] = v.optional_date(values["due_date"], "due_date", "The due date")
    return out


def default_terms(days: int) -> str:
    """"Payment within 30 days of the invoice date, by bank transfer." ("on receipt" for 0)."""
    if days <= 0:
        return "Payment on receipt, by bank transfer."
    return f"Payment within {days} days of the invoice date, by bank transfer."


def suggest_vat(db: Database, engagement_id: int, organization_id: int | None = None,
                buyer_country: str = "") -> VatTreatment:
    """The VAT a new invoice of the engagement should start from (``invoice_vat``): from
    your VAT number (Settings) and the VAT number of the organisation billed
    (``organization_id`` or the engagement's, as ``create_draft`` chooses);
    ``buyer_country`` (two letters) when it has none. ``vat_rate`` None means your default
    rate. Raises NotFoundError; ValidationError ("organization_id") when nobody is billed."""
    details = business.get(db)
    with db.session() as s:
        engagement = get_or_raise(s, Engagement, int(engagement_id), "engagement")
        org = _bill_to(s, engagement, organization_id)
        return vat_treatment(details.vat_number, org.vat_number, buyer_country)


def create_draft(db: Database, engagement_id: int, lines, *, currency: str | None = None,
                 vat_rate=None, reverse_charge: bool | None = None,
                 payment_terms: str | None = None,
                 due_date=None, notes: str = "", organization_id: int | None = None,
                 ) -> InvoiceView:
    """A new draft invoice for the engagement, billed to ``organization_id`` or else the
    organisation of the engagement's sponsor, else the client's organisation.

    ``lines``: ``LineInput``s (or dicts of their fields), e.g. from ``session_lines``,
    ``package_line`` or ``instalment_lines``. ``currency`` defaults to the engagement's,
    ``payment_terms`` to the business details. ``vat_rate`` (hundredths of a percent, or
    text such as "19") and ``reverse_charge`` (no VAT: the buyer is abroad) default to
    ``suggest_vat``: your rate for a buyer in your country or of unknown country, none for
    a business elsewhere in the EU (Article 196 note) or outside it (Article 44 note). ``due_date``: None works it out at issue (issue date + the
    business's payment days). ``notes``: printed on the invoice (never a session note).

    Raises NotFoundError (engagement or organisation), ValidationError: "organization_id"
    (nobody to bill), "lines" (no line, a bad amount, a session already invoiced),
    "currency", "vat_rate", "payment_terms", "notes", "due_date".
    """
    details = business.get(db)
    clean = _clean_lines(lines)
    if vat_rate is None or reverse_charge is None:
        suggested = suggest_vat(db, engagement_id, organization_id)
        if reverse_charge is None:
            reverse_charge = suggested.reverse_charge if vat_rate is None else False
        if vat_rate is None:
            vat_rate = 0 if reverse_charge else details.vat_rate
    values = _fields({"currency": currency, "vat_rate": vat_rate,
                      "reverse_charge": reverse_charge,
                      "payment_terms": default_terms(details.payment_days)
                      if payment_terms is None else payment_terms,
                      "notes": notes, "due_date": due_date}, details)
    with db.session() as s:
        engagement = get_or_raise(s, Engagement, int(engagement_id), "engagement")
        if currency is None:
            values["currency"] = business.currency_code(engagement.currency or details.currency)
        org = _bill_to(s, engagement, organization_id)
        _check_sessions(s, engagement.id, clean, None)
        row = Invoice(engagement_id=engagement.id, kind=InvoiceKind.invoice,
                      status=InvoiceStatus.draft, **values)
        _copy_buyer(row, org)
        s.add(row)
        s.flush()
        _put_lines(s, row, clean)
        s.add(row)
        s.flush()
        return _view(s, row, 0, current_day())


def _draft(s, invoice_id: int) -> Invoice:
    row = get_or_raise(s, Invoice, invoice_id, "invoice")
    if row.status != InvoiceStatus.draft:
        raise ValidationError("An issued invoice cannot be changed or deleted; correct it "
                              "with a credit note.", "status")
    return row


def update_draft(db: Database, invoice_id: int, *, lines=None, **fields) -> InvoiceView:
    """Change a draft: ``lines`` (replaces them all) and any of currency, vat_rate,
    reverse_charge, payment_terms, due_date, notes, organization_id (bills another
    organisation). The buyer's details are read again from the organisation. A draft moved
    to another organisation without a VAT rate or reverse charge given starts again from
    ``suggest_vat`` for it (a French buyer after a German one pays VAT again).

    Raises NotFoundError, ValidationError ("status" when it is no longer a draft; else as
    ``create_draft``)."""
    unknown = set(fields) - {"currency", "vat_rate", "reverse_charge", "payment_terms",
                             "due_date", "notes", "organization_id"}
    if unknown:
        raise ValidationError("That is not a field of an invoice.", sorted(unknown)[0])
    details = business.get(db)
    values = _fields(fields, details)
    clean = _clean_lines(lines) if lines is not None else None
    with db.session() as s:
        row = _draft(s, invoice_id)
        if row.kind == InvoiceKind.credit_note and clean is not None:
            raise ValidationError("A credit note's lines come from its invoice.", "lines")
        for key, value in values.items():
            setattr(row, key, value)
        engagement = s.get(Engagement, row.engagement_id) if row.engagement_id else None
        if engagement is not None:
            org = _bill_to(s, engagement, fields.get("organization_id", row.organization_id))
            moved = org.id != row.organization_id
            _copy_buyer(row, org)
            if moved and "vat_rate" not in values and "reverse_charge" not in values:
                suggested = vat_treatment(details.vat_number, org.vat_number)
                row.reverse_charge = suggested.reverse_charge
                row.vat_rate = 0 if suggested.reverse_charge else details.vat_rate
        if clean is not None:
            if engagement is not None:
                _check_sessions(s, engagement.id, clean, row.id)
            _put_lines(s, row, clean)
        else:
            amounts = list(s.exec(sa_select(InvoiceLine.amount_cents)
                                  .where(InvoiceLine.invoice_id == row.id)).scalars())
            _set_totals(row, amounts)
        row.updated_at = utcnow()
        s.add(row)
        s.flush()
        return _view(s, row, 0, current_day())


def delete_draft(db: Database, invoice_id: int) -> None:
    """Delete a draft and its lines (it never had a number). Raises NotFoundError,
    ValidationError (field "status") for an issued invoice or credit note."""
    with db.session() as s:
        row = _draft(s, invoice_id)
        for line in s.exec(sa_select(InvoiceLine)
                           .where(InvoiceLine.invoice_id == row.id)).scalars():
            s.delete(line)
        s.flush()
        s.delete(row)


# -- issuing ---------------------------------------------------------------------------

SERIES_PREFIX = {"invoice": "", "credit_note": "CN-"}


def number_for(kind: str, year: int, sequence: int) -> str:
    """"2026-0001" for an invoice, "CN-2026-0001" for a credit note (four digits at least;
    the 10,000th of a year reads "2026-10000")."""
    return f"{SERIES_PREFIX[kind]}{year}-{sequence:04d}"


def _next_sequence(s, kind: str, year: int) -> int:
    """Raise the year's counter and return the new number: the first write of the
    transaction, so the write lock is taken before the counter is read."""
    s.execute(sa_text("INSERT INTO invoice_counter (series, year, last_sequence) "
                      "VALUES (:series, :year, 1) ON CONFLICT (series, year) "
                      "DO UPDATE SET last_sequence = last_sequence + 1"),
              {"series": kind, "year": year})
    sequence = int(s.execute(sa_text("SELECT last_sequence FROM invoice_counter "
                                     "WHERE series = :series AND year = :year"),
                             {"series": kind, "year": year}).scalar_one())
    # A counter behind the numbers already used (a practice imported or repaired by hand)
    # catches up: a number is never given twice.
    used = s.execute(sa_text("SELECT MAX(sequence) FROM invoice WHERE kind = :series "
                             "AND year = :year AND number IS NOT NULL"),
                     {"series": kind, "year": year}).scalar()
    if used is not None and used >= sequence:
        sequence = int(used) + 1
        s.execute(sa_text("UPDATE invoice_counter SET last_sequence = :n "
                          "WHERE series = :series AND year = :year"),
                  {"n": sequence, "series": kind, "year": year})
    return sequence


def _check_issuable(row: Invoice, seller: business.BusinessDetails, on: date) -> None:
    if not seller.complete_for_invoice:
        raise ValidationError("Your business name and address are needed on an invoice: add "
                              "them in Settings, under Business & invoices.", "seller")
    if not row.bill_to_name.strip() or not row.bill_to_address.strip():
        raise ValidationError("The organization billed needs a billing address before the "
                              "invoice can be issued: add it to the organization.",
                              "bill_to_address")
    outside = is_outside_eu(row.reverse_charge, row.bill_to_vat_number)
    if row.reverse_charge and not row.bill_to_vat_number.strip():
        raise ValidationError("An invoice without VAT to a business abroad must show the "
                              "buyer's VAT or tax number: add it to the organization.",
                              "bill_to_vat_number")
    if row.reverse_charge and not outside and not seller.vat_number:
        raise ValidationError("A reverse-charge invoice must show your own VAT number: add it "
                              "in Settings, under Business & invoices.", "seller")
    if row.due_date is not None and row.due_date < on:
        raise ValidationError("The due date cannot be before the issue date.", "due_date")


def issue(db: Database, invoice_id: int, issue_date=None) -> InvoiceView:
    """Give a draft its number and freeze it, in one transaction: the next number of the
    issue year's series, the buyer's details read again from the organisation, the
    seller's details from ``business.get``, the due date (the draft's, else the issue date
    plus the business's payment days) and the totals.

    ``issue_date``: a date or ISO text; today when None. Raises NotFoundError,
    ValidationError ("status": not a draft; "seller": business name, address or VAT number
    missing; "bill_to_address" / "bill_to_vat_number": buyer details missing; "due_date";
    "issue_date"), PracticeBusyError when another program holds the practice's write lock
    (nothing was written and no number used).
    """
    on = v.optional_date(issue_date, "issue_date", "The issue date") or current_day()
    with db.session() as s:
        row = _draft(s, invoice_id)  # a read: refused early, before any lock is taken
        kind = _value(row.kind)
        sequence = _next_sequence(s, kind, on.year)  # the write lock from here to commit
        crash_point("invoice-issue:counter-raised")
        s.refresh(row)
        row = _draft(s, invoice_id)  # still a draft now that nobody else can write
        seller = business.get_in(s)
        if row.organization_id is not None:
            org = s.get(Organization, row.organization_id)
            if org is not None and kind == "invoice":
                _copy_buyer(row, org)
        if row.due_date is None:
            row.due_date = on + timedelta(days=seller.payment_days) if kind == "invoice" \
                else None
        _check_issuable(row, seller, on)
        amounts = list(s.exec(sa_select(InvoiceLine.amount_cents)
                              .where(InvoiceLine.invoice_id == row.id)).scalars())
        if not amounts:
            raise ValidationError("An invoice needs at least one line.", "lines")
        _set_totals(row, amounts)
        if row.engagement_id is not None and kind == "invoice":
            lines = [LineInput("x", 0, 1000, sid) for sid in s.exec(
                sa_select(InvoiceLine.session_id).where(InvoiceLine.invoice_id == row.id,
                                                        InvoiceLine.session_id.is_not(None))
            ).scalars()]
            _check_sessions(s, row.engagement_id, lines, row.id)
        row.number = number_for(kind, on.year, sequence)
        row.year, row.sequence = on.year, sequence
        row.status = InvoiceStatus.issued
        row.issue_date = on
        row.seller_details = seller.to_json()
        row.updated_at = utcnow()
        s.add(row)
        s.flush()
        crash_point("invoice-issue:before-commit")
        return _view(s, row, _credited(s, [row.id]).get(row.id, 0), current_day())


def mark_sent(db: Database, invoice_id: int, on=None) -> InvoiceView:
    """Record that the invoice went to the buyer on ``on`` (today when None). A paid
    invoice keeps its status; the date is kept. Raises ValidationError ("status" for a
    draft; "sent_on" for a day before the issue date)."""
    day = v.optional_date(on, "sent_on", "The day it was sent") or current_day()
    with db.session() as s:
        row = get_or_raise(s, Invoice, invoice_id, "invoice")
        if row.status == InvoiceStatus.draft:
            raise ValidationError("Issue the invoice before sending it.", "status")
        if day < row.issue_date:
            raise ValidationError("It cannot have been sent before it was issued.", "sent_on")
        row.sent_on = day
        if row.status == InvoiceStatus.issued:
            row.status = InvoiceStatus.sent
        row.updated_at = utcnow()
        s.add(row)
        s.flush()
        return _view(s, row, _credited(s, [row.id]).get(row.id, 0), current_day())


def mark_paid(db: Database, invoice_id: int, on=None) -> InvoiceView:
    """Record the payment on ``on`` (today when None; not before the issue date, not after
    today). Raises ValidationError ("status" for a draft or a credit note; "paid_on").
    ``mark_unpaid`` undoes it."""
    day = v.optional_date(on, "paid_on", "The day it was paid") or current_day()
    if day > current_day():
        raise ValidationError("The payment date cannot be in the future: record the payment "
                              "once the money has arrived.", "paid_on")
    with db.session() as s:
        row = get_or_raise(s, Invoice, invoice_id, "invoice")
        if row.status == InvoiceStatus.draft:
            raise ValidationError("Issue the invoice before recording its payment.", "status")
        if row.kind == InvoiceKind.credit_note:
            raise ValidationError("A credit note is not paid; the invoice it corrects is.",
                                  "status")
        if day < row.issue_date:
            raise ValidationError("The payment date cannot be before the issue date.",
                                  "paid_on")
        row.status = InvoiceStatus.paid
        row.paid_on = day
        row.updated_at = utcnow()
        s.add(row)
        s.flush()
        return _view(s, row, _credited(s, [row.id]).get(row.id, 0), current_day())


def mark_unpaid(db: Database, invoice_id: int) -> InvoiceView:
    """Undo ``mark_paid`` (a payment recorded by mistake): back to sent (or issued when it
    was never sent), the paid date cleared. Raises NotFoundError, ValidationError
    ("status") when it is not marked as paid."""
    with db.session() as s:
        row = get_or_raise(s, Invoice, invoice_id, "invoice")
        if row.status != InvoiceStatus.paid:
            raise ValidationError("This invoice is not marked as paid.", "status")
        row.status = InvoiceStatus.sent if row.sent_on else InvoiceStatus.issued
        row.paid_on = None
        row.updated_at = utcnow()
        s.add(row)
        s.flush()
        return _view(s, row, _credited(s, [row.id]).get(row.id, 0), current_day())


def record_pdf(db: Database, invoice_id: int, relative_path: str, sha256: str) -> None:
    """Remember where the invoice's PDF is kept (relative to the reports folder)."""
    with db.session() as s:
        row = get_or_raise(s, Invoice, invoice_id, "invoice")
        row.pdf_file, row.pdf_sha256 = relative_path, sha256
        s.add(row)


from .invoice_credit import credit_note  # noqa: E402,F401  (public API)
from .invoice_summary import CurrencyTotals, outstanding  # noqa: E402,F401  (public API)
from .invoice_cover import draft_warnings  # noqa: E402,F401  (public API)
