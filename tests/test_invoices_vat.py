"""Which VAT a new invoice starts from, by who sells and who buys (EU VAT Directive
2006/112/EC Articles 44 and 196), and the note each case prints."""

from __future__ import annotations

import pytest
from invoice_helpers import practice, set_billing

from coachdesk.errors import ValidationError
from coachdesk.services import business
from coachdesk.services import invoices as inv
from coachdesk.services.invoice_vat import country_of, vat_treatment


@pytest.mark.parametrize("seller, buyer, country, kind, rate, reverse", [
    ("FR61123456789", "FR40123456789", "", "domestic", None, False),
    ("FR61123456789", "DE813456789", "", "eu_reverse_charge", 0, True),
    ("FR61123456789", "EL123456789", "", "eu_reverse_charge", 0, True),   # Greece is EL
    ("DE813456789", "GR123456789", "", "eu_reverse_charge", 0, True),    # GR read as EL
    ("FR61123456789", "GB123456789", "", "outside_eu", 0, True),
    ("FR61123456789", "XI123456789", "", "outside_eu", 0, True),         # NI: a UK service
    ("FR61123456789", "CHE-123.456.789 MWST", "", "outside_eu", 0, True),
    ("FR61123456789", "", "US", "outside_eu", 0, True),
    ("FR61123456789", "", "", "unknown", None, False),
    ("", "DE813456789", "", "unknown", None, False),                      # seller has none
    ("FR61123456789", "", "DE", "unknown", None, False),                 # EU, no number
])
def test_treatment_by_buyer(seller, buyer, country, kind, rate, reverse):
    t = vat_treatment(seller, buyer, country)
    assert (t.kind, t.vat_rate, t.reverse_charge) == (kind, rate, reverse)
    if kind == "eu_reverse_charge":
        assert "Article 196" in t.note
    elif kind == "outside_eu":
        assert "Article 196" not in t.note and "outside the EU" in t.note \
            and "Article 44" in t.note
    else:
        assert t.note == ""
    assert bool(t.hint) == (kind == "unknown")


def test_country_of_reads_the_prefix():
    assert [country_of(x) for x in ("de 813 456 789", "el1", "123456", "", None, "CHE-1")] == \
        ["DE", "EL", "", "", "", "CH"]


@pytest.mark.parametrize("buyer_vat, reverse, rate, note", [
    ("DE999999999", True, 0, "Article 196"),
    ("GB123456789", True, 0, "place of supply outside the EU"),
    ("FR40123456789", False, 1900, None),
])
def test_new_drafts_start_from_the_suggestion(db, buyer_vat, reverse, rate, note):
    p = practice(db, held=0, buyer_vat=buyer_vat)
    assert inv.suggest_vat(db, p.engagement_id).reverse_charge is reverse
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)])
    assert (draft.reverse_charge, draft.vat_rate) == (reverse, rate)
    printed = inv.note_for(draft.reverse_charge, draft.bill_to_vat_number)
    assert (note in printed) if note else printed == ""
    # the coach may override
    mine = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)],
                            reverse_charge=False)
    assert (mine.reverse_charge, mine.vat_rate) == (False, 1900)


def test_outside_eu_needs_no_seller_vat_number_but_eu_reverse_charge_does(db):
    p = practice(db, held=0, buyer_vat="GB123456789")
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)],
                             reverse_charge=True)
    business.save(db, vat_number="")
    assert inv.issue(db, draft.id, "2026-02-01").vat_cents == 0
    set_billing(db, p.org_id, vat_number="DE999999999")
    other = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)],
                             reverse_charge=True)
    with pytest.raises(ValidationError) as err:
        inv.issue(db, other.id, "2026-02-01")
    assert err.value.field == "seller"
