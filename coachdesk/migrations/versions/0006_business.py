"""The business of an engagement: the three-way coaching agreement, the client's consent
to what the sponsor sees, invoices and credit notes with gap-free yearly numbers, and a
billing contact and address per organisation.

Revision ID: 0006_business
Revises: 0005_corrections
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_business"
down_revision = "0005_corrections"
branch_labels = None
depends_on = None

_str = sqlmodel.sql.sqltypes.AutoString
_BILLING = ("billing_contact", "billing_email", "billing_address", "vat_number")


def _stamps() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch copy of "organization" would have to drop a
    # table that clients and sponsors point at.
    for name in _BILLING:
        op.add_column("organization",
                      sa.Column(name, _str(), nullable=False, server_default=sa.text("''")))

    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"), nullable=False),
        sa.Column("status", sa.Enum("draft", "sent", "signed", name="agreementstatus"),
                  nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("pdf_file", _str(), nullable=False),
        sa.Column("pdf_sha256", _str(), nullable=False),
        sa.Column("signed_file", _str(), nullable=False),
        sa.Column("signed_sha256", _str(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_agreement_engagement_id", "agreement", ["engagement_id"], unique=True)

    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"), nullable=False),
        sa.Column("consent_date", sa.Date(), nullable=False),
        sa.Column("sections", _str(), nullable=False),
        sa.Column("indicator_ids", _str(), nullable=False),
        sa.Column("how", _str(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_consent_engagement_id", "consent", ["engagement_id"])

    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"), nullable=True),
        sa.Column("organization_id", sa.Integer(), sa.ForeignKey("organization.id"),
                  nullable=True),
        sa.Column("kind", sa.Enum("invoice", "credit_note", name="invoicekind"), nullable=False),
        sa.Column("credits_invoice_id", sa.Integer(), sa.ForeignKey("invoice.id"),
                  nullable=True),
        sa.Column("number", _str(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum("draft", "issued", "sent", "paid", name="invoicestatus"),
                  nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("currency", _str(), nullable=False),
        sa.Column("vat_rate", sa.Integer(), nullable=False),
        sa.Column("reverse_charge", sa.Boolean(), nullable=False),
        sa.Column("payment_terms", _str(), nullable=False),
        sa.Column("notes", _str(), nullable=False),
        sa.Column("bill_to_name", _str(), nullable=False),
        sa.Column("bill_to_contact", _str(), nullable=False),
        sa.Column("bill_to_address", _str(), nullable=False),
        sa.Column("bill_to_vat_number", _str(), nullable=False),
        sa.Column("bill_to_email", _str(), nullable=False),
        sa.Column("seller_details", _str(), nullable=False),
        sa.Column("subtotal_cents", sa.Integer(), nullable=False),
        sa.Column("vat_cents", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("pdf_file", _str(), nullable=False),
        sa.Column("pdf_sha256", _str(), nullable=False),
        *_stamps(),
    )
    for column in ("engagement_id", "organization_id", "credits_invoice_id", "status",
                   "due_date"):
        op.create_index(f"ix_invoice_{column}", "invoice", [column])
    op.create_index("ix_invoice_number", "invoice", ["number"], unique=True)

    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoice.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", _str(), nullable=False),
        sa.Column("quantity_milli", sa.Integer(), nullable=False),
        sa.Column("unit_cents", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_invoice_line_invoice_id", "invoice_line", ["invoice_id"])
    op.create_index("ix_invoice_line_session_id", "invoice_line", ["session_id"])

    op.create_table(
        "invoice_counter",
        sa.Column("series", _str(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("invoice_counter")
    op.drop_index("ix_invoice_line_session_id", table_name="invoice_line")
    op.drop_index("ix_invoice_line_invoice_id", table_name="invoice_line")
    op.drop_table("invoice_line")
    op.drop_index("ix_invoice_number", table_name="invoice")
    for column in ("engagement_id", "organization_id", "credits_invoice_id", "status",
                   "due_date"):
        op.drop_index(f"ix_invoice_{column}", table_name="invoice")
    op.drop_table("invoice")
    op.drop_index("ix_consent_engagement_id", table_name="consent")
    op.drop_table("consent")
    op.drop_index("ix_agreement_engagement_id", table_name="agreement")
    op.drop_table("agreement")
    with op.batch_alter_table("organization") as batch:
        for name in reversed(_BILLING):
            batch.drop_column(name)
