"""The coach's business details: who sends the invoices, and how they are paid.

Kept as one JSON setting (``business_details``) in the practice, so a practice copied to
another computer invoices the same way. Issuing an invoice copies these details into it
(``Invoice.seller_details``): a later change of address or bank never rewrites an issued
invoice.

Only what an invoice shows belongs here (EU VAT Directive 2006/112/EC, article 226: the
supplier's full name and address and VAT identification number; payment details are the
custom of the trade). Nothing secret: the practice file is copied into backups.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..errors import ValidationError
from ..storage import Database
from . import settings
from . import validation as v

KEY = "business_details"
NAME_MAX = 200
ADDRESS_MAX = 1000
FOOTER_MAX = 2000
LATE_TERMS_MAX = 1000
#: the longest payment term: a year and a half
PAYMENT_DAYS_MAX = 540
#: VAT in hundredths of a percent (2000 = 20 %); no VAT anywhere reaches 100 %
VAT_RATE_MAX = 9999


@dataclass(frozen=True)
class BusinessDetails:
    """The seller on every invoice.

    ``address`` may hold several lines (``\\n``). ``iban`` is kept without spaces, upper
    case; ``bic`` upper case. ``currency`` is an ISO 4217 code. ``vat_rate`` is the default
    VAT in hundredths of a percent (1900 = 19 %, 50 = 0.5 %). ``payment_days``: an invoice
    is due this many days after its issue date. ``footer``: free text printed at the foot
    of every invoice (company register, a thank-you). ``late_payment_terms``: printed
    under the payment terms, "" for none. In France a B2B invoice must state the
    late-payment penalty rate and the fixed €40 recovery fee (Code de commerce L441-10,
    D441-5), e.g. "Late payment: penalties at three times the French legal interest rate
    and a fixed recovery fee of €40."; other countries have similar rules (Directive
    2011/7/EU).
    """

    name: str = ""
    address: str = ""
    vat_number: str = ""
    account_holder: str = ""
    iban: str = ""
    bic: str = ""
    currency: str = "EUR"
    vat_rate: int = 0
    payment_days: int = 30
    footer: str = ""
    late_payment_terms: str = ""

    @property
    def iban_grouped(self) -> str:
        """The IBAN in groups of four, as printed ("DE89 3704 0044 ...")."""
        return " ".join(self.iban[i:i + 4] for i in range(0, len(self.iban), 4))

    @property
    def complete_for_invoice(self) -> bool:
        """Whether an invoice can be issued: a business name and an address."""
        return bool(self.name.strip() and self.address.strip())

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> BusinessDetails:
        """The details in ``text`` (as ``to_json`` wrote them); defaults for anything
        missing or unreadable (never raises)."""
        try:
            data = json.loads(text or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        known = {f.name: f.type for f in fields(cls)}
        values = {}
        for key, value in data.items():
            if key not in known:
                continue
            default = getattr(cls(), key)
            if isinstance(default, int) and not isinstance(value, bool):
                try:
                    values[key] = int(value)
                except (TypeError, ValueError):
                    continue
            elif isinstance(default, str) and isinstance(value, str):
                values[key] = value
        return cls(**values)


# -- validators the Settings tab and the invoice forms share ------------------------------


def currency_code(value, field: str = "currency") -> str:
    """An ISO 4217 code in upper case ("eur" -> "EUR"); a ValidationError on ``field``
    unless Babel knows it as a currency."""
    from babel.numbers import is_currency

    code = str(value or "").strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha() or not is_currency(code):
        raise ValidationError("The currency must be a three-letter ISO code such as EUR, GBP "
                              "or CHF.", field)
    return code


def parse_rate(value, field: str = "vat_rate") -> int:
    """A VAT rate in hundredths of a percent: "19" or 19 -> 1900, "0.5" or "0,5" -> 50,
    "7.7 %" -> 770, "" -> 0; an int is taken as whole percent. A ValidationError on
    ``field`` for anything else, a negative rate, more than two decimals or 100 % and
    above."""
    if value is None or value == "":
        return 0
    raw = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        rate = Decimal(raw)
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite():
        raise ValidationError("The VAT rate must be a percentage such as 20 or 5.5.", field)
    if rate < 0:
        raise ValidationError("The VAT rate cannot be negative.", field)
    hundredths = rate * 100
    if hundredths != hundredths.to_integral_value():
        raise ValidationError("The VAT rate can have at most two decimals (such as 5.25).", field)
    if hundredths > VAT_RATE_MAX:
        raise ValidationError("The VAT rate must be below 100 %.", field)
    return int(hundredths.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_text(hundredths: int) -> str:
    """1900 -> "19", 50 -> "0.5", 775 -> "7.75" (no percent sign)."""
    text = f"{Decimal(int(hundredths)) / 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")
_BIC_SHAPE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def iban(value, field: str = "iban") -> str:
    """An IBAN without spaces, upper case ("" allowed); a ValidationError on ``field``
    when its shape or its ISO 13616 check digits (mod 97) are wrong."""
    text = re.sub(r"[\s-]", "", str(value or "")).upper()
    if not text:
        return ""
    if not _IBAN_SHAPE.match(text):
        raise ValidationError("This does not look like an IBAN: two letters, two digits, then "
                              "up to 30 letters and digits.", field)
    moved = text[4:] + text[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    if int(digits) % 97 != 1:
        raise ValidationError("This IBAN's check digits do not match: a character may be "
                              "mistyped.", field)
    return text


def bic(value, field: str = "bic") -> str:
    """A BIC (SWIFT code) of 8 or 11 characters, upper case ("" allowed)."""
    text = re.sub(r"\s", "", str(value or "")).upper()
    if text and not _BIC_SHAPE.match(text):
        raise ValidationError("A BIC has 8 or 11 letters and digits, such as DEUTDEFF.", field)
    return text


def vat_number(value, field: str = "vat_number") -> str:
    """A VAT identification number, spaces and dots removed, upper case ("" allowed); a
    ValidationError on ``field`` unless it is 4 to 20 letters and digits."""
    text = re.sub(r"[\s.\-]", "", str(value or "")).upper()
    if text and not re.fullmatch(r"[A-Z0-9]{4,20}", text):
        raise ValidationError("A VAT number has 4 to 20 letters and digits, such as "
                              "DE123456789.", field)
    return text


def _multiline(value, field: str, label: str, limit: int) -> str:
    text = v.refuse_control(v.optional_text(value).replace("\r\n", "\n").replace("\r", "\n"),
                            field, label)
    text = "\n".join(line.strip() for line in text.split("\n")).strip()
    if len(text) > limit:
        raise ValidationError(f"{label} is too long (at most {limit:,} characters).", field)
    return text


def clean(values: dict, base: BusinessDetails | None = None) -> BusinessDetails:
    """The details in ``values`` (keys as ``BusinessDetails``; missing keys keep ``base``)
    checked and normalised. Every field is checked before the first error is raised, so
    the first bad field in form order is reported. Raises ValidationError naming the field
    ("name", "address", "vat_number", "account_holder", "iban", "bic", "currency",
    "vat_rate", "payment_days", "footer", "late_payment_terms")."""
    base = base or BusinessDetails()
    out = {}
    checks = {
        "name": lambda x: v.one_line(x, "name", "The business name", limit=NAME_MAX),
        "address": lambda x: _multiline(x, "address", "The address", ADDRESS_MAX),
        "vat_number": lambda x: vat_number(x, "vat_number"),
        "account_holder": lambda x: v.one_line(x, "account_holder", "The account holder",
                                               limit=NAME_MAX),
        "iban": lambda x: iban(x, "iban"),
        "bic": lambda x: bic(x, "bic"),
        "currency": lambda x: currency_code(x, "currency"),
        "vat_rate": lambda x: x if isinstance(x, int) and 0 <= x <= VAT_RATE_MAX
        and not isinstance(x, bool) else parse_rate(x, "vat_rate"),
        "payment_days": lambda x: v.non_negative_int(x, "payment_days", "The payment days",
                                                     PAYMENT_DAYS_MAX),
        "footer": lambda x: _multiline(x, "footer", "The invoice footer", FOOTER_MAX),
        "late_payment_terms": lambda x: _multiline(x, "late_payment_terms",
                                                   "The late payment terms", LATE_TERMS_MAX),
    }
    for key, check in checks.items():
        if key in values:
            out[key] = check(values[key])
    return replace(base, **out)


def get(db: Database) -> BusinessDetails:
    """The saved details (defaults when nothing was saved yet)."""
    return BusinessDetails.from_json(settings.get_setting(db, KEY))


def save(db: Database, **values) -> BusinessDetails:
    """Check ``values`` (see ``clean``; keys not given keep their saved value) and save
    them. Returns what was saved. Raises ValidationError naming the field; nothing is
    saved then."""
    details = clean(values, get(db))
    settings.put_setting(db, KEY, details.to_json())
    return details


def format_money(cents: int, currency: str, locale: str = "en_GB") -> str:
    """``cents`` of ``currency`` as a reader expects it: 123456, "EUR" -> "€1,234.56"
    (Babel's ``format_currency``; the currency's own number of decimals is ignored: amounts
    are always kept in hundredths)."""
    from babel.numbers import format_currency

    return format_currency(Decimal(int(cents)) / 100, currency, locale=locale,
                           currency_digits=False, format_type="standard",
                           decimal_quantization=True, format="¤#,##0.00")


def plain_amount(cents: int) -> str:
    """123456 -> "1234.56", -5 -> "-0.05": a plain decimal with a dot (for CSV)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{part:02d}"


def get_in(session) -> BusinessDetails:
    """``get`` inside an open session (the issuing transaction reads the details it
    freezes)."""
    from ..models import Setting

    row = session.get(Setting, KEY)
    return BusinessDetails.from_json(row.value if row is not None else None)
