"""Which VAT an invoice for coaching should carry, from who sells and who buys.

Coaching is a service. For a service to a **business** (B2B), the place of supply is where
the buyer is established (EU VAT Directive 2006/112/EC, Article 44). So:

- **domestic**: buyer and seller in the same Member State: the seller's own VAT at its
  usual rate (the business details' default rate).
- **EU reverse charge**: buyer a business in another Member State: no VAT on the invoice;
  the buyer accounts for it (Article 196) and the invoice says so (Article 226(11a)) and
  shows both VAT numbers (Article 226(3)-(4)).
- **outside the EU**: buyer established outside the EU (UK, Switzerland, US ...): the
  supply is outside the scope of EU VAT (Article 44); no VAT, and the invoice says "VAT not
  applicable: place of supply outside the EU (Article 44, Directive 2006/112/EC)". The
  Article 196 note would be wrong there.
- **unknown**: not enough to tell (no VAT number, or a seller without one): the default
  rate, and a plain hint to check.

A country is read from a VAT number's two-letter prefix: every EU VAT identification
number starts with its Member State's code (Article 215), Greece's being "EL" (ISO "GR"
is read as Greece too). A number without an EU prefix is therefore not an EU VAT number.
"GB" is the United Kingdom, outside the EU since 2021. "XI" (Northern Ireland) is inside
the EU VAT area for goods only (Windsor Framework); a coaching service to a Northern
Ireland business is a UK service, so XI is treated as outside the EU. Swiss numbers
("CHE-123.456.789 MWST") read as "CH". These are suggestions the coach may override
(special cases: a buyer with a fixed establishment elsewhere, a private person, the
coach's own exemption such as France's "franchise en base").

An invoice keeps the treatment in two fields: ``vat_rate`` and ``reverse_charge`` ("no
VAT: the place of supply is the buyer's country"). ``note_for`` then tells which note to
print from the buyer's VAT number: Article 196 for an EU buyer, Article 44 otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .invoice_money import REVERSE_CHARGE_NOTE

#: the 27 Member States by VAT prefix (Greece is EL)
EU_VAT_PREFIXES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
    .split())
OUTSIDE_EU_NOTE = ("VAT not applicable: place of supply outside the EU "
                   "(Article 44, Directive 2006/112/EC)")

DOMESTIC, EU_REVERSE_CHARGE, OUTSIDE_EU, UNKNOWN = ("domestic", "eu_reverse_charge",
                                                    "outside_eu", "unknown")


@dataclass(frozen=True)
class VatTreatment:
    """A suggestion for a new invoice.

    ``kind``: "domestic", "eu_reverse_charge", "outside_eu" or "unknown". ``vat_rate``:
    hundredths of a percent, or None for the business's default rate. ``reverse_charge``:
    True when no VAT is charged because the buyer is abroad. ``note``: what the invoice
    prints about VAT ("" for none). ``hint``: one plain sentence for the coach ("" when
    there is nothing to check)."""

    kind: str
    vat_rate: int | None
    reverse_charge: bool
    note: str
    hint: str


def country_of(vat_number: str | None) -> str:
    """The two-letter country of a VAT number ("DE123456789" -> "DE", "el 123" -> "EL",
    "GR..." -> "EL", "CHE-123.456.789" -> "CH"); "" when it starts with no letters."""
    text = re.sub(r"[\s.\-]", "", str(vat_number or "")).upper()
    if len(text) < 2 or not text[:2].isalpha() or not text[:2].isascii():
        return ""
    code = text[:2]
    return "EL" if code == "GR" else code


def _country(code: str | None) -> str:
    code = str(code or "").strip().upper()[:2]
    return "EL" if code == "GR" else code


def in_eu(country: str) -> bool:
    """Whether a two-letter VAT country (EL for Greece) is an EU Member State."""
    return _country(country) in EU_VAT_PREFIXES


def vat_treatment(seller_vat_number: str | None, buyer_vat_number: str | None = "",
                  buyer_country: str | None = "") -> VatTreatment:
    """Suggest the VAT of an invoice for coaching to a business (see the module's rules).

    ``buyer_country``: a two-letter code, used when the buyer has no VAT number (a US
    company). Never raises.
    """
    seller = country_of(seller_vat_number)
    buyer = country_of(buyer_vat_number) or _country(buyer_country)
    if buyer and not in_eu(buyer):
        return VatTreatment(OUTSIDE_EU, 0, True, OUTSIDE_EU_NOTE, "")
    if not buyer:
        return VatTreatment(UNKNOWN, None, False, "",
                            "Add the organization's VAT number to check which VAT applies; "
                            "your usual rate is used for now.")
    if not seller or not in_eu(seller):
        return VatTreatment(UNKNOWN, None, False, "",
                            "Add your own VAT number in Settings to check which VAT applies; "
                            "your usual rate is used for now.")
    if buyer == seller:
        return VatTreatment(DOMESTIC, None, False, "", "")
    if not str(buyer_vat_number or "").strip():
        return VatTreatment(UNKNOWN, None, False, "",
                            "A business in another EU country is normally billed without "
                            "VAT (reverse charge): add its VAT number to the organization.")
    return VatTreatment(EU_REVERSE_CHARGE, 0, True, REVERSE_CHARGE_NOTE, "")


def note_for(reverse_charge: bool, buyer_vat_number: str | None) -> str:
    """The VAT note an invoice prints: "" when VAT is charged; the Article 196 note for a
    buyer with an EU VAT number; else the "place of supply outside the EU" note."""
    if not reverse_charge:
        return ""
    return REVERSE_CHARGE_NOTE if in_eu(country_of(buyer_vat_number)) else OUTSIDE_EU_NOTE


def is_outside_eu(reverse_charge: bool, buyer_vat_number: str | None) -> bool:
    """Whether a no-VAT invoice is so because the buyer is outside the EU."""
    return note_for(reverse_charge, buyer_vat_number) == OUTSIDE_EU_NOTE
