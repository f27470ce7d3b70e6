"""An organisation's billing details (where invoices go): kept as typed, tidied, and
refused in plain words that never quote what was typed."""

from __future__ import annotations

import pytest

from coachdesk.errors import ValidationError
from coachdesk.services import organizations


def test_billing_details_are_kept_and_changed_alone(db):
    org = organizations.create(db, "Nordlicht Energie GmbH", billing_contact="Accounts payable",
                               billing_email="ap@nordlicht.example",
                               billing_address="  Hafenstraße 12 \r\n\n20457  Hamburg\nGermany\n\n",
                               vat_number="de 123 456 789")
    org = organizations.get(db, org.id)
    assert org.billing_contact == "Accounts payable"
    assert org.billing_email == "ap@nordlicht.example"
    assert org.billing_address == "Hafenstraße 12\n\n20457 Hamburg\nGermany"
    assert org.vat_number == "DE123456789"  # as the business details keep one
    organizations.update(db, org.id, vat_number="NL123456789B01")
    org = organizations.get(db, org.id)
    assert org.vat_number == "NL123456789B01" and org.billing_contact == "Accounts payable"
    organizations.update(db, org.id, billing_address="", vat_number="")
    org = organizations.get(db, org.id)
    assert (org.billing_address, org.vat_number, org.name) == ("", "", "Nordlicht Energie GmbH")


@pytest.mark.parametrize("typed", ["CHE-123.456.789 MWST", "GB123456789", "ATU12345678",
                                   "FR 12 345678901", "12-3456789"])
def test_vat_numbers_of_several_countries_are_accepted(db, typed):
    org = organizations.create(db, "Org", vat_number=typed)
    kept = organizations.get(db, org.id).vat_number
    assert kept == "".join(c for c in typed.upper() if c.isalnum())


@pytest.mark.parametrize("typed,field,words", [
    ("DE 123 <b>", "vat_number", "4 to 20 letters and digits"),
    ("QQ1", "vat_number", "4 to 20 letters and digits"),
    ("DE" + "1" * 30, "vat_number", "4 to 20 letters and digits"),
    ("DE12345\x00", "vat_number", "control character"),
])
def test_a_wrong_vat_number_is_refused_without_quoting_it(db, typed, field, words):
    with pytest.raises(ValidationError) as caught:
        organizations.create(db, "Org", vat_number=typed)
    assert caught.value.field == field and words in str(caught.value)
    assert typed not in str(caught.value)
    assert organizations.list_all(db) == []


def test_a_wrong_billing_email_or_address_is_refused_and_nothing_changes(db):
    org = organizations.create(db, "Org", billing_email="ap@org.example")
    with pytest.raises(ValidationError) as caught:
        organizations.update(db, org.id, billing_email="accounts at org", vat_number="DE123456789")
    assert caught.value.field == "billing_email" and "accounts" not in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        organizations.update(db, org.id, billing_address="x" * 3000)
    assert caught.value.field == "billing_address"
    with pytest.raises(ValidationError):
        organizations.update(db, org.id, billing_address="Street\x1b 1")
    kept = organizations.get(db, org.id)
    assert (kept.billing_email, kept.vat_number, kept.billing_address) == \
        ("ap@org.example", "", "")


def test_hostile_text_in_the_address_is_kept_as_typed(db):
    hostile = '<b>&"\' 😀\nليلى 陈静'
    org = organizations.create(db, "Org", billing_address=hostile, billing_contact=hostile)
    kept = organizations.get(db, org.id)
    assert kept.billing_address == hostile
    assert kept.billing_contact == hostile.replace("\n", " ")


def test_merging_organisations_moves_their_invoices_and_keeps_what_was_issued(db):
    from datetime import date

    from coachdesk.services import business, clients, engagements, invoices

    business.save(db, name="Coach", address="Street 1\nTown")
    keep = organizations.create(db, "Nordlicht Energie GmbH", billing_address="Kept Street 1")
    twin = organizations.create(db, "Nordlicht Energie", billing_address="Old Street 9")
    client = clients.create(db, "Ana Lima", organization_id=twin.id)
    engagement = engagements.create(db, client.id, date(2026, 1, 5))
    line = [invoices.LineInput("Coaching programme", 100000)]
    issued = invoices.issue(db, invoices.create_draft(db, engagement.id, line).id)
    draft = invoices.create_draft(db, engagement.id, line)
    organizations.merge(db, keep.id, [twin.id])
    assert invoices.get(db, issued.id).organization_id == keep.id
    assert invoices.get(db, draft.id).organization_id == keep.id
    assert invoices.get(db, issued.id).bill_to_address == "Old Street 9"  # as issued
