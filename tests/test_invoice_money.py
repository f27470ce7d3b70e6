"""Invoice arithmetic: whole cents, half up, VAT on the net total, instalments that add
up exactly, business details validated."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachdesk.errors import ValidationError
from coachdesk.services import business
from coachdesk.services import invoice_money as money


def test_vat_is_computed_once_on_the_net_total():
    # 3 x 33.33 at 19 %: net 99.99, VAT 18.9981 -> 19.00 (per line it would be 3 x 6.33 = 18.99)
    t = money.totals([3333, 3333, 3333], 1900)
    assert (t.net, t.vat, t.total) == (9999, 1900, 11899)


@pytest.mark.parametrize("net, rate, vat", [
    (100, 50, 1),        # 0.5 % of 1.00 = 0.005 -> 0.01 (half up)
    (99, 50, 0),         # 0.00495 -> 0.00
    (300, 50, 2),        # 0.015 -> 0.02
    (12345, 0, 0),       # 0-rate
    (1, 2000, 0),        # 0.002 -> 0.00
    (3, 2000, 1),        # 0.006 -> 0.01
    (250, 2000, 50),
    (10**12, 2100, 21 * 10**10),
])
def test_vat_rounds_half_up_to_the_cent(net, rate, vat):
    assert money.vat_of(net, rate) == vat


def test_negative_amounts_round_away_from_zero_so_credit_notes_mirror_invoices():
    assert money.vat_of(-100, 50) == -1
    assert money.totals([-3333] * 3, 1900).total == -money.totals([3333] * 3, 1900).total


def test_reverse_charge_charges_no_vat():
    t = money.totals([50000], 1900, reverse_charge=True)
    assert (t.net, t.vat, t.total) == (50000, 0, 50000)
    assert "Article 196 of Council Directive 2006/112/EC" in money.REVERSE_CHARGE_NOTE


def test_line_amount_is_quantity_times_price_half_up():
    assert money.line_amount(1500, 3333) == 5000    # 49.995 -> 50.00
    assert money.line_amount(1000, 45000) == 45000
    assert money.line_amount(333, 100) == 33         # 0.333 -> 0.33


def test_instalments_add_up_exactly_with_the_odd_cent_on_the_last():
    assert money.split_instalments(10000, 3) == [3333, 3333, 3334]
    assert money.split_instalments(2, 3) == [0, 0, 2]
    with pytest.raises(ValidationError) as err:
        money.split_instalments(10000, 0)
    assert err.value.field == "instalments"
    with pytest.raises(ValidationError):
        money.split_instalments(0, 2)


@given(st.integers(1, 10**12), st.integers(1, 120))
def test_instalments_always_add_up(total, parts):
    amounts = money.split_instalments(total, parts)
    assert sum(amounts) == total and len(amounts) == parts
    assert max(amounts) - min(amounts) < parts


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=20), st.integers(0, 9999))
def test_vat_matches_decimal_arithmetic(amounts, rate):
    t = money.totals(amounts, rate)
    exact = Decimal(sum(amounts)) * rate / 10000
    assert abs(Decimal(t.vat) - exact) <= Decimal("0.5")
    assert t.total == t.net + t.vat


def test_per_session_price_from_the_fee_agreed():
    assert money.per_session_cents(450000, 10) == 45000
    assert money.per_session_cents(100000, 3) == 33333
    assert money.per_session_cents(None, 10) is None
    assert money.per_session_cents(450000, 0) is None


# -- business details ------------------------------------------------------------------------


def test_business_details_are_validated_and_kept(db):
    saved = business.save(db, name="  Anne Martin Coaching ", address="1 Rue\r\n75002 Paris ",
                          vat_number="fr 12 345 678 901", iban="de89 3704 0044 0532 0130 00",
                          bic="cobadeffxxx", currency="chf", vat_rate="7,7 %", payment_days="14",
                          footer="Thanks")
    assert saved.name == "Anne Martin Coaching"
    assert saved.address == "1 Rue\n75002 Paris"
    assert saved.vat_number == "FR12345678901"
    assert saved.iban == "DE89370400440532013000"
    assert saved.iban_grouped == "DE89 3704 0044 0532 0130 00"
    assert (saved.bic, saved.currency, saved.vat_rate, saved.payment_days) == \
        ("COBADEFFXXX", "CHF", 770, 14)
    assert business.get(db) == saved
    assert business.save(db, footer="") .name == "Anne Martin Coaching"  # others kept


@pytest.mark.parametrize("field, value", [
    ("iban", "DE89 3704 0044 0532 0130 01"),  # a check digit wrong
    ("iban", "12345"),
    ("iban", "GB00 SECRET WORD 1234 5678"),
    ("bic", "DEUT"),
    ("currency", "EURO"),
    ("currency", "XYZ"),
    ("vat_rate", "-1"),
    ("vat_rate", "100"),
    ("vat_rate", "19.125"),
    ("vat_rate", "nineteen"),
    ("payment_days", "-3"),
    ("vat_number", "DE 12<3>"),
    ("name", "x" * 201),
    ("address", "a\x00b"),
])
def test_bad_business_details_are_refused_naming_the_field_not_the_value(db, field, value):
    before = business.get(db)
    with pytest.raises(ValidationError) as err:
        business.save(db, **{field: value})
    assert err.value.field == field
    assert business.get(db) == before


def test_messages_never_quote_what_was_typed(db):
    for field, value in (("iban", "XX99SECRETCANARY1234"), ("vat_number", "CANARY<>VALUE"),
                         ("currency", "CANARY")):
        with pytest.raises(ValidationError) as err:
            business.save(db, **{field: value})
        assert "CANARY" not in str(err.value).upper()


def test_unreadable_saved_details_fall_back_to_defaults():
    assert business.BusinessDetails.from_json("{not json") == business.BusinessDetails()
    assert business.BusinessDetails.from_json('{"vat_rate": "x", "name": 5}') == \
        business.BusinessDetails()


def test_amounts_show_with_their_currency():
    assert business.format_money(123456, "EUR") == "€1,234.56"
    assert business.format_money(-5, "GBP") == "-£0.05"
    assert business.plain_amount(-123456) == "-1234.56"
    assert business.plain_amount(7) == "0.07"
    assert business.rate_text(50) == "0.5" and business.rate_text(1900) == "19"
