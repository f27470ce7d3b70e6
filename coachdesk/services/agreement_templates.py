"""The clause texts of the three-way coaching agreement, as templates the coach may edit.

Each clause is plain text with ``string.Template`` placeholders (``$client_name``,
``$sponsor_name`` …: :data:`PLACEHOLDERS`), filled from the engagement when the agreement
is made (``services.agreements``) with ``safe_substitute``: a placeholder CoachDesk does
not know stays visible as typed, so a slip shows in the preview instead of vanishing.
The filled text is printed as text, never read as markup.

The coach's edits are kept in the practice (the setting ``agreement_clauses``, JSON, only
the clauses that differ from the defaults), so a clause left alone follows a better
default in a later version. The professional code named in the agreement is a setting of
its own (``agreement_professional_code``), "the ICF Code of Ethics" unless changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from ..errors import ValidationError
from ..storage import Database
from . import validation as v
from .settings import get_json, get_setting, put_json, put_setting

CLAUSES_KEY = "agreement_clauses"
CODE_KEY = "agreement_professional_code"
DEFAULT_CODE = "the ICF Code of Ethics"
#: characters per clause: pages of text, never a pasted book
CLAUSE_MAX = 20_000
CODE_MAX = 200


@dataclass(frozen=True)
class Clause:
    """One clause: ``key`` (stable), ``title`` (its heading in the PDF and in Settings) and
    ``default`` (the text CoachDesk proposes)."""

    key: str
    title: str
    default: str


CLAUSES: tuple[Clause, ...] = (
    Clause("parties", "The parties", (
        "This agreement is made between $coach_name, the coach; $client_name, the client; "
        "and $sponsor_name for $organization, the sponsor, who commissions the $kind and "
        "pays for it. It sets out what the three of us agree, so that each knows what to "
        "expect of the others.")),
    Clause("coaching", "What coaching is", (
        "Coaching is a partnership in which the coach helps the client think, decide and act "
        "on goals the client chooses. The coach asks questions and offers observations; the "
        "client finds the answers and remains responsible for their decisions and results. "
        "Coaching is not therapy, counselling or consulting.")),
    Clause("mentoring", "What mentoring is", (
        "Mentoring is a partnership in which the mentor shares their own experience and "
        "advice to help the client grow in their role. The client decides what to take from "
        "it and remains responsible for their decisions and results. Mentoring is not "
        "therapy or counselling.")),
    Clause("scope", "Scope", (
        "The engagement runs from $start_date to $end_date and includes $sessions_agreed "
        "sessions, $hours_agreed in all. Sessions take place in person, by video or by "
        "telephone, as the coach and the client agree; the client and the coach set the "
        "dates together. At the start, the client, the sponsor and the coach agree the "
        "objectives of the $kind; they may review them together along the way.")),
    Clause("fees", "Fees and payment", (
        "The fee for the engagement is $fee_and_vat. The coach invoices the sponsor's "
        "organisation, $organization; invoices are $payment_terms. Travel and room "
        "costs for sessions in person, if any, are agreed in advance.")),
    Clause("cancellation", "Cancellation and rescheduling", (
        "A session may be moved or cancelled without charge up to 48 hours before it "
        "starts. A session cancelled later, or missed, counts as held, unless the coach "
        "agrees otherwise because of illness or an emergency. The coach will offer another "
        "time for any session the coach has to move.")),
    Clause("confidentiality", "Confidentiality", (
        "What the client says in the sessions stays between the client and the coach. The "
        "coach's notes are the coach's own working notes and are never shared with the "
        "sponsor or the organisation. The sponsor receives progress reports that contain "
        "only what the client has agreed to share, listed below; the client sees each report "
        "before or when the sponsor does. Anything else the sponsor wishes to know, the "
        "sponsor asks the client.")),
    Clause("limits", "The limits of confidentiality", (
        "The coach will break confidentiality only where there is a serious risk of harm to "
        "the client or to others, where the law requires it (for example a court order or a "
        "legal duty to report), or where the client agrees. Where possible, the coach will "
        "first talk with the client about what will be disclosed and to whom.")),
    Clause("code", "Professional code", (
        "The coach follows $professional_code and works under regular supervision. In "
        "supervision the coach may discuss the work without naming the client or the "
        "organisation.")),
    Clause("term", "Term and termination", (
        "This agreement starts when it is signed and ends on $end_date or when the sessions "
        "agreed have been held, whichever comes first. Any of the three parties may end it "
        "early by telling the others in writing; sessions already held are paid for, and "
        "the coach confirms in writing what happens to any that remain. Confidentiality "
        "continues after the agreement ends.")),
    Clause("signatures", "Signatures", (
        "By signing below, the coach, the client and the sponsor agree to the terms of this "
        "agreement.")),
)
CLAUSE_KEYS = tuple(c.key for c in CLAUSES)
_BY_KEY = {c.key: c for c in CLAUSES}

#: the placeholders a clause may use, with what each becomes (shown in Settings)
PLACEHOLDERS: dict[str, str] = {
    "client_name": "the client's name",
    "sponsor_name": "the sponsor's name",
    "sponsor_role": "the sponsor's role",
    "organization": "the organisation (the client's, else the sponsor's)",
    "engagement_kind": "“coaching” or “mentoring”",
    "kind": "the same as $engagement_kind",
    "Kind": "“Coaching” or “Mentoring”",
    "sessions_agreed": "the number of sessions agreed",
    "hours_agreed": "the hours agreed, e.g. “12 hours”",
    "start_date": "the engagement's first day",
    "end_date": "the engagement's last day",
    "fee": "the fee and currency, e.g. “EUR 4,800.00”, or “no fee (pro bono)”",
    "fee_and_vat": "the fee, “plus VAT at the applicable rate” if you charge VAT",
    "payment_days": "the days to pay an invoice (Business & invoices)",
    "payment_terms": "“payable within 30 days of their date” (or “on receipt”)",
    "coach_name": "your name (Settings, Reports & e-mail)",
    "coach_credentials": "your credentials (Settings, Reports & e-mail)",
    "professional_code": "the professional code you follow (below)",
    "today": "the day the agreement is made",
}


def clause(key: str) -> Clause:
    """The clause ``key``; a ValidationError on "clauses" for an unknown one."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise ValidationError("That is not a clause of the agreement.", "clauses") from None


def unknown_placeholders(text: str) -> list[str]:
    """The ``$names`` (and ``${names}``) in ``text`` that are not in :data:`PLACEHOLDERS`,
    in order, each once. ``$$`` and a ``$`` not followed by a name (``$500``) are text."""
    out: list[str] = []
    for m in Template.pattern.finditer(text):
        name = m.group("named") or m.group("braced")
        if name and name not in PLACEHOLDERS and name not in out:
            out.append(name)
    return out


def check_clauses(texts: dict[str, str]) -> dict[str, str]:
    """Every clause of ``texts`` (key -> text) cleaned for storing: line breaks kept, ends
    stripped. Raises ValidationError (field ``clause_<key>``) for an unknown clause, a
    control character such as NUL, more than ``CLAUSE_MAX`` characters, or a placeholder
    CoachDesk does not know (the message names it and lists the known ones). An empty text
    means "the default"."""
    out: dict[str, str] = {}
    for key, text in texts.items():
        c = clause(key)
        field = f"clause_{key}"
        clean = v.storable(str(text or "")).replace("\r\n", "\n").replace("\r", "\n")
        clean = v.refuse_control(clean, field, f"The clause “{c.title}”").strip()
        if len(clean) > CLAUSE_MAX:
            raise ValidationError(f"The clause “{c.title}” is too long (at most "
                                  f"{CLAUSE_MAX:,} characters); please shorten it.", field)
        unknown = unknown_placeholders(clean)
        if unknown:
            names = ", ".join(f"${n}" for n in unknown)
            known = ", ".join(f"${n}" for n in PLACEHOLDERS)
            what = "a placeholder" if len(unknown) == 1 else "placeholders"
            raise ValidationError(f"The clause “{c.title}” uses {what} CoachDesk does not know: "
                                  f"{names}. Please use one of {known} (or write $$ for a "
                                  "dollar sign).", field)
        out[key] = clean
    return out


def templates(db: Database) -> dict[str, str]:
    """Every clause's template (key -> text), in agreement order: the coach's where edited,
    else the default. A stored value that is not text is ignored."""
    stored = get_json(db, CLAUSES_KEY)
    stored = stored if isinstance(stored, dict) else {}
    out = {}
    for c in CLAUSES:
        text = stored.get(c.key)
        out[c.key] = text if isinstance(text, str) and text.strip() else c.default
    return out


def set_templates(db: Database, texts: dict[str, str]) -> dict[str, str]:
    """Save the clause templates given (others unchanged); a text equal to the default (or
    empty) is stored as "the default". Returns every template as :func:`templates` does.
    Raises ValidationError as :func:`check_clauses`; nothing is saved then."""
    clean = check_clauses(texts)
    stored = get_json(db, CLAUSES_KEY)
    stored = {k: t for k, t in (stored if isinstance(stored, dict) else {}).items()
              if k in _BY_KEY and isinstance(t, str)}
    for key, text in clean.items():
        if not text or text == _BY_KEY[key].default:
            stored.pop(key, None)
        else:
            stored[key] = text
    put_json(db, CLAUSES_KEY, stored or None)
    return templates(db)


def check_code(value) -> str:
    """The professional code as one line ("" means the default); ValidationError on
    "professional_code" when too long or holding a control character."""
    return v.one_line(value, "professional_code", "The professional code", limit=CODE_MAX)


def professional_code(db: Database) -> str:
    """The code of ethics the coach follows, as the agreement names it."""
    return (get_setting(db, CODE_KEY) or "").strip() or DEFAULT_CODE


def set_professional_code(db: Database, value) -> str:
    clean = check_code(value)
    put_setting(db, CODE_KEY, clean if clean and clean != DEFAULT_CODE else None)
    return professional_code(db)
