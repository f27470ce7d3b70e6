"""SQLModel tables of the business of an engagement (migration 0006): the three-way
coaching agreement, the client's consent to what the sponsor sees, invoices and credit
notes with their lines and yearly counters. Kept beside ``coachdesk.models`` (which
re-exports every name here) so each module stays one room; nothing else lives here.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlmodel import Field, SQLModel

from .models import utcnow

# -- the business of an engagement: agreement, consent, invoices (migration 0006) ------------


class AgreementStatus(str, enum.Enum):
    draft = "draft"
    sent = "sent"
    signed = "signed"


class Agreement(SQLModel, table=True):
    """The three-way coaching agreement (coach, client, sponsor) of one engagement.

    ``pdf_file`` (the last agreement PDF made) and ``signed_file`` (the signed copy the
    coach received back, usually a scan) are relative to the practice's reports folder
    (``services.report_log.reports_dir``), so they travel with the data folder and its
    backups. ``*_sha256`` are the SHA-256 of those files, hex.
    """

    __tablename__ = "agreement"

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", unique=True, index=True)
    status: AgreementStatus = AgreementStatus.draft
    sent_on: date | None = None
    signed_on: date | None = None
    pdf_file: str = ""
    pdf_sha256: str = ""
    signed_file: str = ""
    signed_sha256: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Consent(SQLModel, table=True):
    """What the client agreed may go to the sponsor, as of ``consent_date``.

    Rows are never edited: a change of mind is a new row, so the history of what was
    agreed stays. The newest row (by ``consent_date``, then ``id``) is the one in force.
    ``sections`` are report section keys (``reports.progress_model.SECTIONS`` plus
    "stakeholders") and ``indicator_ids`` indicator ids, both comma-separated; "" is none.
    ``how`` says how consent was given (in the signed agreement, by e-mail, in session).
    """

    __tablename__ = "consent"

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True)
    consent_date: date
    sections: str = ""
    indicator_ids: str = ""
    how: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class InvoiceKind(str, enum.Enum):
    invoice = "invoice"
    credit_note = "credit_note"


class InvoiceStatus(str, enum.Enum):
    """draft (editable, no number) -> issued (numbered, final) -> sent -> paid.

    "Overdue" is not stored: an issued or sent invoice past its due date is overdue.
    """

    draft = "draft"
    issued = "issued"
    sent = "sent"
    paid = "paid"


class Invoice(SQLModel, table=True):
    """An invoice (or a credit note correcting one) to the sponsor's organisation.

    A draft has no number and may change. Issuing gives it the next number of its year
    (``InvoiceCounter``: gap-free, never reused) and freezes it: the buyer's and the
    seller's details are copied in (``bill_to_*``, ``seller_details``) so a later change
    of address does not rewrite an issued invoice, and the totals are stored. An issued
    invoice is never edited or deleted; a credit note (``kind`` credit_note, its own
    series, ``credits_invoice_id`` the invoice it corrects, negative amounts) corrects it.
    ``engagement_id`` is None only when the client was erased: invoices are records the
    law requires a business to keep, so erasure detaches them instead.

    Money is in cents of ``currency`` (ISO 4217); ``vat_rate`` is percent in hundredths
    (2000 = 20 %). ``pdf_file`` is relative to the reports folder.
    """

    __tablename__ = "invoice"

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = Field(default=None, foreign_key="engagement.id", index=True)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    kind: InvoiceKind = InvoiceKind.invoice
    credits_invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    number: str | None = Field(default=None, unique=True, index=True)
    year: int | None = None
    sequence: int | None = None
    status: InvoiceStatus = Field(default=InvoiceStatus.draft, index=True)
    issue_date: date | None = None
    due_date: date | None = Field(default=None, index=True)
    sent_on: date | None = None
    paid_on: date | None = None
    currency: str = "EUR"
    vat_rate: int = 0
    reverse_charge: bool = False
    payment_terms: str = ""
    notes: str = ""
    bill_to_name: str = ""
    bill_to_contact: str = ""
    bill_to_address: str = ""
    bill_to_vat_number: str = ""
    bill_to_email: str = ""
    seller_details: str = ""
    subtotal_cents: int = 0
    vat_cents: int = 0
    total_cents: int = 0
    pdf_file: str = ""
    pdf_sha256: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class InvoiceLine(SQLModel, table=True):
    """One line of an invoice: a session delivered (``session_id``), a package fee or an
    instalment. ``quantity_milli`` is the quantity in thousandths (1500 = 1.5 hours);
    ``amount_cents`` = quantity x unit price, rounded half up to the cent (negative on a
    credit note)."""

    __tablename__ = "invoice_line"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    position: int = 0
    description: str = ""
    quantity_milli: int = 1000
    unit_cents: int = 0
    amount_cents: int = 0
    #: the session billed (no foreign key: a deleted session waits in the trash under its
    #: id and comes back with it, and the invoice line must outlive it either way)
    session_id: int | None = Field(default=None, index=True)


class InvoiceCounter(SQLModel, table=True):
    """The last number used in each series and year: ``series`` "invoice" or
    "credit_note". Raised in the same transaction that issues, so numbers have no gaps."""

    __tablename__ = "invoice_counter"

    series: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last_sequence: int = 0
