"""The ICF coaching log: the client hours a credential application asks for.

One row per client (or per client and engagement) and per kind of coaching
(individual, or group of a given size) over a period, built from *held*
sessions only: planned, cancelled and no-show sessions are not coaching hours.
A session's hours are its duration; they count as pro bono when the session or
its engagement is marked pro bono, and as paid otherwise.

``write_csv`` writes the log with the column headings of the ICF credential
application's coaching log, as UTF-8 with a byte-order mark so that Excel shows
accents and non-Latin names as typed.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import select

from ..errors import ValidationError
from ..files import atomic_write
from ..models import Client, CoachingSession, Engagement, SessionStatus
from ..storage import Database

HEADER = [
    "Client Name",
    "Contact Information",
    "Individual/Group",
    "Number in Group",
    "Start Date",
    "End Date",
    "Paid Hours",
    "Pro-Bono Hours",
]
ENGAGEMENT_HEADER = "Engagement"

INDIVIDUAL, GROUP = "Individual", "Group"


@dataclass
class IcfRow:
    client_id: int
    client_name: str
    email: str
    phone: str
    is_group: bool
    group_size: int | None  # number in the group; None for individual coaching
    start_date: date  # first held session in the period
    end_date: date  # last held session in the period
    paid_minutes: int
    pro_bono_minutes: int
    sessions: int
    engagement_id: int | None = None  # set when the log is per engagement
    engagement_label: str = ""

    @property
    def contact(self) -> str:
        return "; ".join(part for part in (self.email.strip(), self.phone.strip()) if part)

    @property
    def kind(self) -> str:
        return GROUP if self.is_group else INDIVIDUAL

    @property
    def paid_hours(self) -> float:
        return self.paid_minutes / 60

    @property
    def pro_bono_hours(self) -> float:
        return self.pro_bono_minutes / 60


@dataclass
class IcfTotals:
    paid_minutes: int
    pro_bono_minutes: int
    clients: int

    @property
    def paid_hours(self) -> float:
        return self.paid_minutes / 60

    @property
    def pro_bono_hours(self) -> float:
        return self.pro_bono_minutes / 60

    @property
    def hours(self) -> float:
        return (self.paid_minutes + self.pro_bono_minutes) / 60


def coaching_log(db: Database, date_from: date | None = None, date_to: date | None = None, *,
                 client_id: int | None = None, engagement_id: int | None = None,
                 per_engagement: bool = False) -> list[IcfRow]:
    """The log's rows over ``date_from`` … ``date_to`` (both inclusive, either open).

    ``per_engagement`` gives one row per engagement instead of one per client;
    ``client_id``/``engagement_id`` narrow the log to one client or engagement.
    Rows are sorted by client name, then start date; a client with both
    individual and group sessions gets a row for each.
    """
    if date_from and date_to and date_from > date_to:
        raise ValidationError("The period's start is after its end.", "date_from")
    with db.session() as s:
        stmt = (
            select(CoachingSession, Engagement, Client)
            .join(Engagement, Engagement.id == CoachingSession.engagement_id)
            .join(Client, Client.id == CoachingSession.client_id)
            .where(CoachingSession.status == SessionStatus.held)
        )
        if date_from:
            stmt = stmt.where(CoachingSession.session_date >= date_from)
        if date_to:
            stmt = stmt.where(CoachingSession.session_date <= date_to)
        if client_id is not None:
            if s.get(Client, client_id) is None:
                raise ValidationError(f"There is no client {client_id}.", "client")
            stmt = stmt.where(CoachingSession.client_id == client_id)
        if engagement_id is not None:
            if s.get(Engagement, engagement_id) is None:
                raise ValidationError(f"There is no engagement {engagement_id}.", "engagement")
            stmt = stmt.where(CoachingSession.engagement_id == engagement_id)
        result = s.exec(stmt.order_by(CoachingSession.session_date, CoachingSession.id)).all()

    rows: dict[tuple, IcfRow] = {}
    for sess, eng, client in result:
        size = max(sess.participants, 1) if sess.is_group else None
        eng_key = eng.id if per_engagement else None
        key = (client.id, eng_key, sess.is_group, size)
        row = rows.get(key)
        if row is None:
            row = rows[key] = IcfRow(
                client_id=client.id, client_name=client.name, email=client.email or "",
                phone=client.phone or "", is_group=sess.is_group, group_size=size,
                start_date=sess.session_date, end_date=sess.session_date,
                paid_minutes=0, pro_bono_minutes=0, sessions=0,
                engagement_id=eng_key,
                engagement_label=(f"{eng.kind.value.capitalize()} from {eng.start_date.isoformat()}"
                                  if per_engagement else ""),
            )
        minutes = max(sess.duration_minutes or 0, 0)
        if sess.pro_bono or eng.pro_bono:
            row.pro_bono_minutes += minutes
        else:
            row.paid_minutes += minutes
        row.sessions += 1
        row.start_date = min(row.start_date, sess.session_date)
        row.end_date = max(row.end_date, sess.session_date)
    return sorted(rows.values(),
                  key=lambda r: (_sort_name(r.client_name), r.client_id, r.start_date,
                                 r.engagement_id or 0, r.is_group, r.group_size or 0))


def _sort_name(name: str) -> str:
    # "Élodie" sorts with the Es, not after "Z".
    return "".join(ch for ch in unicodedata.normalize("NFKD", name.casefold())
                   if not unicodedata.combining(ch))


def totals(rows: list[IcfRow]) -> IcfTotals:
    return IcfTotals(paid_minutes=sum(r.paid_minutes for r in rows),
                     pro_bono_minutes=sum(r.pro_bono_minutes for r in rows),
                     clients=len({r.client_id for r in rows}))


def _hours(minutes: int) -> str:
    # Hours with two decimals (90 min -> "1.50"); the dot is what the ICF form expects.
    return f"{minutes / 60:.2f}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula (a name typed '=1+1' stays text)."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(rows: list[IcfRow]) -> list[list[str]]:
    """The header and the rows as the CSV holds them."""
    per_engagement = any(r.engagement_id is not None for r in rows)
    header = HEADER + ([ENGAGEMENT_HEADER] if per_engagement else [])
    out = [header]
    for r in rows:
        line = [
            _cell(r.client_name),
            _cell(r.contact),
            r.kind,
            str(r.group_size) if r.is_group else "",
            r.start_date.isoformat(),
            r.end_date.isoformat(),
            _hours(r.paid_minutes),
            _hours(r.pro_bono_minutes),
        ]
        if per_engagement:
            line.append(_cell(r.engagement_label))
        out.append(line)
    return out


def write_csv(path: Path | str, rows: list[IcfRow]) -> Path:
    """Write the log as CSV (UTF-8 with BOM, comma-separated, CRLF), atomically."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise ValidationError(f"{path} is a folder; give a file name ending in .csv.", "out")
    with atomic_write(path, encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(csv_rows(rows))
    return path
