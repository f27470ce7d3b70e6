"""Invoice arithmetic: whole cents, Decimal, half up.

The rules (and where they come from):

- Every amount is an integer number of cents. A line's amount is quantity x unit price,
  rounded half up (away from zero) to the cent: ``decimal.ROUND_HALF_UP``.
- VAT is computed once, on the invoice's net total (the taxable amount, EU VAT Directive
  2006/112/EC art. 73 and art. 226(8)-(10): the invoice shows the taxable amount per rate,
  the rate and the VAT payable), and rounded half up to the cent. Not line by line: three
  lines of 33.33 at 19 % give a net of 99.99 and VAT 19.00 (18.9981), where per-line
  rounding would give 18.99.
- Reverse charge (art. 196: the customer, a business in another Member State, accounts for
  the VAT): no VAT is charged, the invoice says so (art. 226(11a)) and shows the buyer's
  VAT number (art. 226(4)).
- Instalments: N parts that add up exactly to the total; each is total // N and the odd
  cents go on the last.
- A credit note is the same arithmetic on negative amounts; half up rounds away from zero,
  so a full credit note is the invoice's exact mirror.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..errors import ValidationError

REVERSE_CHARGE_NOTE = ("Reverse charge: VAT to be accounted for by the recipient, "
                       "Article 196 of Council Directive 2006/112/EC")
#: the largest amount a line or an invoice may reach: a hundred billion (a typing slip beyond)
MAX_CENTS = 10**13
#: quantities in thousandths: 1000 = 1, 1500 = 1.5 hours
MAX_QUANTITY_MILLI = 10**7
MAX_INSTALMENTS = 120


@dataclass(frozen=True)
class Totals:
    """An invoice's money in cents: ``net`` (the sum of the lines), ``vat``, ``total``."""

    net: int
    vat: int
    total: int


def round_cents(amount: Decimal) -> int:
    """A Decimal amount of cents rounded half up (away from zero) to a whole cent."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_amount(quantity_milli: int, unit_cents: int) -> int:
    """quantity (thousandths) x unit price (cents), in cents, half up: 1500 x 3333 -> 5000
    (49.995 rounds up to 50.00)."""
    return round_cents(Decimal(int(quantity_milli)) * Decimal(int(unit_cents)) / 1000)


def vat_of(net_cents: int, vat_rate: int, reverse_charge: bool = False) -> int:
    """The VAT on ``net_cents`` at ``vat_rate`` hundredths of a percent (1900 = 19 %),
    half up to the cent; 0 under reverse charge."""
    if reverse_charge:
        return 0
    return round_cents(Decimal(int(net_cents)) * Decimal(int(vat_rate)) / 10000)


def totals(line_amounts, vat_rate: int, reverse_charge: bool = False) -> Totals:
    """Net, VAT and total of lines whose amounts (cents) are ``line_amounts``."""
    net = sum(int(a) for a in line_amounts)
    vat = vat_of(net, vat_rate, reverse_charge)
    return Totals(net, vat, net + vat)


def split_instalments(total_cents: int, parts: int) -> list[int]:
    """``total_cents`` in ``parts`` amounts that add up exactly: 10000 in 3 ->
    [3333, 3333, 3334]. Raises ValidationError (field "instalments") unless 1 <= parts <=
    120, or (field "amount") when the total is not positive."""
    try:
        parts = int(parts)
    except (TypeError, ValueError):
        raise ValidationError("The number of instalments must be a whole number.",
                              "instalments") from None
    if not 1 <= parts <= MAX_INSTALMENTS:
        raise ValidationError(f"The number of instalments must be from 1 to {MAX_INSTALMENTS}.",
                              "instalments")
    total_cents = int(total_cents)
    if total_cents <= 0:
        raise ValidationError("The amount must be more than zero.", "amount")
    each = total_cents // parts
    return [each] * (parts - 1) + [total_cents - each * (parts - 1)]


def per_session_cents(fee_cents: int | None, sessions_agreed: int) -> int | None:
    """The price of one session from an engagement's fee (the total agreed, as the
    engagement form says) and its sessions agreed, half up to the cent; None when either
    is missing."""
    if fee_cents is None or not sessions_agreed or sessions_agreed <= 0:
        return None
    return round_cents(Decimal(int(fee_cents)) / int(sessions_agreed))
