"""The client's relationships: stakeholders, motivational value systems, blocking patterns.

Motivational value systems follow Relationship Awareness Theory (Elias Porter) and
its Strength Deployment Inventory: three motivations, recorded as three numbers
that add up to 100:

* **Blue**, altruistic-nurturing: motivated by the protection, growth and welfare
  of others;
* **Red**, assertive-directing: motivated by task accomplishment and achieving
  results;
* **Green**, analytic-autonomizing: motivated by meaningful order and thinking
  things through.

``mvs_region`` names the region of the triangle a blend falls in (the seven SDI
regions, with the thresholds below); ``triangle_point`` places it for drawing.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import select

from ..errors import ValidationError
from ..models import (
    BlockingPattern,
    Client,
    ClientMotivation,
    RelationshipTrend,
    Stakeholder,
    StakeholderRelation,
)
from ..storage import Database
from . import validation as v
from ._common import apply_changes, get_or_raise

RELATION_LABELS = {
    StakeholderRelation.manager: "Manager",
    StakeholderRelation.peer: "Peer",
    StakeholderRelation.direct_report: "Direct report",
    StakeholderRelation.sponsor: "Sponsor",
    StakeholderRelation.other: "Other",
}
TREND_LABELS = {
    RelationshipTrend.improving: "Improving",
    RelationshipTrend.steady: "Steady",
    RelationshipTrend.worsening: "Worsening",
}

# -- motivational value systems ----------------------------------------------------------

#: The Hub (flexible-cohering): all three motivations between these bounds
#: (inclusive). Each at 20 or more and none above 46: a blend with no strong pull.
HUB_MIN = 20.0
HUB_MAX = 46.0
#: Outside the Hub, a motivation "counts" when it is above an equal share (33⅓):
#: one such motivation gives a single-colour region, two give a blend.
DOMINANT_ABOVE = 100.0 / 3
#: The three numbers must add up to 100, give or take this (rounding in a form).
SUM_TOLERANCE = 0.5


class MvsRegion(str, enum.Enum):
    blue = "Blue"
    red = "Red"
    green = "Green"
    red_blue = "Red-Blue"
    red_green = "Red-Green"
    blue_green = "Blue-Green"
    hub = "Hub"


REGION_DESCRIPTIONS = {
    MvsRegion.blue: "Altruistic-nurturing: motivated by the protection, growth and welfare of others.",
    MvsRegion.red: "Assertive-directing: motivated by task accomplishment and achieving results.",
    MvsRegion.green: "Analytic-autonomizing: motivated by meaningful order and thinking things "
                     "through.",
    MvsRegion.red_blue: "Assertive-nurturing: motivated by the growth of others through "
                        "leadership, persuasion and direction.",
    MvsRegion.red_green: "Judicious-competing: motivated by intelligent assertiveness, fairness "
                         "in competition and sound strategy.",
    MvsRegion.blue_green: "Cautious-supporting: motivated by developing self-sufficiency in self "
                          "and others, and by thoughtful help.",
    MvsRegion.hub: "Flexible-cohering: motivated by flexibility, collaboration and belonging; "
                   "adapts to what the situation asks.",
}


def check_mvs(blue, red, green) -> tuple[float, float, float]:
    """Three numbers from 0 to 100 adding up to 100, or a ValidationError saying what is wrong."""
    values = []
    for raw, field, label in ((blue, "blue", "Blue"), (red, "red", "Red"),
                              (green, "green", "Green")):
        try:
            number = float(raw.strip().replace(",", ".") if isinstance(raw, str) else raw)
        except (TypeError, ValueError):
            raise ValidationError(f"{label} must be a number from 0 to 100.", field) from None
        if not math.isfinite(number) or not 0 <= number <= 100:
            raise ValidationError(f"{label} must be a number from 0 to 100.", field)
        values.append(number)
    total = sum(values)
    if abs(total - 100) > SUM_TOLERANCE:
        raise ValidationError(f"Blue, Red and Green must add up to 100; they add up to {total:g}.",
                              "blue")
    return values[0], values[1], values[2]


def mvs_region(blue: float, red: float, green: float) -> MvsRegion:
    """The region of the SDI triangle: Hub, a single colour, or a blend of two.

    1. Hub when every motivation is between ``HUB_MIN`` and ``HUB_MAX``;
    2. otherwise the motivations above ``DOMINANT_ABOVE`` (33⅓) name the region:
       one of them gives Blue, Red or Green, two give Red-Blue, Red-Green or
       Blue-Green.
    """
    scores = {"blue": float(blue), "red": float(red), "green": float(green)}
    if all(HUB_MIN <= x <= HUB_MAX for x in scores.values()):
        return MvsRegion.hub
    high = {name for name, x in scores.items() if x > DOMINANT_ABOVE}
    if len(high) == 1:
        return MvsRegion(high.pop().capitalize())
    if high == {"red", "blue"}:
        return MvsRegion.red_blue
    if high == {"red", "green"}:
        return MvsRegion.red_green
    if high == {"blue", "green"}:
        return MvsRegion.blue_green
    return MvsRegion.hub  # all equal (the numbers did not add up to 100, or exactly a third each)


#: Corners of the drawing triangle (side 1, y pointing up): Red at the bottom left,
#: Green at the bottom right, Blue at the top. A point 100 % Blue sits on the Blue corner.
CORNERS = {"blue": (0.5, math.sqrt(3) / 2), "red": (0.0, 0.0), "green": (1.0, 0.0)}


def triangle_point(blue: float, red: float, green: float, y_down: bool = False) -> tuple[float, float]:
    """Where a blend sits in an equilateral triangle of side 1 (see ``CORNERS``).

    The point is the weighted average of the corners (barycentric coordinates).
    With ``y_down`` the y axis points down, as in Qt's widgets: the triangle then
    spans y from 0 (top corner) to √3/2 (bottom side).
    """
    total = float(blue) + float(red) + float(green)
    if total <= 0:
        raise ValueError("the three motivations add up to nothing")
    weights = {"blue": blue / total, "red": red / total, "green": green / total}
    x = sum(weights[k] * CORNERS[k][0] for k in CORNERS)
    y = sum(weights[k] * CORNERS[k][1] for k in CORNERS)
    return (x, math.sqrt(3) / 2 - y) if y_down else (x, y)


@dataclass
class Mvs:
    blue: float
    red: float
    green: float

    @property
    def region(self) -> MvsRegion:
        return mvs_region(self.blue, self.red, self.green)

    def point(self, y_down: bool = False) -> tuple[float, float]:
        return triangle_point(self.blue, self.red, self.green, y_down)


def set_client_mvs(db: Database, client_id: int, blue, red, green,
                   notes: str | None = None) -> ClientMotivation:
    blue, red, green = check_mvs(blue, red, green)
    with db.session() as s:
        get_or_raise(s, Client, client_id, "client")
        row = s.exec(select(ClientMotivation).where(ClientMotivation.client_id == client_id)).first()
        values = {"blue": blue, "red": red, "green": green}
        if notes is not None:
            values["notes"] = v.optional_text(notes)
        if row is None:
            row = ClientMotivation(client_id=client_id, **values)
        else:
            apply_changes(row, values)
        s.add(row)
        s.flush()
        return row


def client_mvs(db: Database, client_id: int) -> ClientMotivation | None:
    with db.session() as s:
        return s.exec(select(ClientMotivation).where(ClientMotivation.client_id == client_id)).first()


def clear_client_mvs(db: Database, client_id: int) -> None:
    with db.session() as s:
        row = s.exec(select(ClientMotivation).where(ClientMotivation.client_id == client_id)).first()
        if row is not None:
            s.delete(row)


def set_stakeholder_mvs(db: Database, stakeholder_id: int, blue, red, green) -> Stakeholder:
    """Record a stakeholder's blend; three empty values (None or "") clear it."""
    if all(x in (None, "") for x in (blue, red, green)):
        values = {"mvs_blue": None, "mvs_red": None, "mvs_green": None}
    else:
        b, r, g = check_mvs(blue, red, green)
        values = {"mvs_blue": b, "mvs_red": r, "mvs_green": g}
    with db.session() as s:
        row = get_or_raise(s, Stakeholder, stakeholder_id, "stakeholder")
        apply_changes(row, values)
        s.add(row)
        return row


def stakeholder_mvs(row: Stakeholder) -> Mvs | None:
    if row.mvs_blue is None or row.mvs_red is None or row.mvs_green is None:
        return None
    return Mvs(row.mvs_blue, row.mvs_red, row.mvs_green)


# -- stakeholders ----------------------------------------------------------------------

STAKEHOLDER_FIELDS = ("name", "role", "relation", "influence", "relationship_quality", "trend",
                      "notes")


def _one_to_five(value, field: str, label: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not math.isfinite(number) or number != int(number) or not 1 <= number <= 5:
        raise ValidationError(f"{label} must be a whole number from 1 to 5.", field)
    return int(number)


def _clean_stakeholder(values: dict) -> dict:
    unknown = set(values) - set(STAKEHOLDER_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown stakeholder field: {', '.join(sorted(unknown))}.")
    out: dict = {}
    if "name" in values:
        out["name"] = v.name(values["name"], "name", "The stakeholder's name")
    if "role" in values:
        out["role"] = v.one_line(values["role"], "role", "The role")
    if "relation" in values:
        out["relation"] = v.enum_value(StakeholderRelation, values["relation"], "relation",
                                       "The relation")
    if "influence" in values:
        out["influence"] = _one_to_five(values["influence"], "influence", "The influence")
    if "relationship_quality" in values:
        out["relationship_quality"] = _one_to_five(values["relationship_quality"],
                                                   "relationship_quality",
                                                   "The quality of the relationship")
    if "trend" in values:
        out["trend"] = v.enum_value(RelationshipTrend, values["trend"], "trend", "The trend")
    if "notes" in values:
        out["notes"] = v.optional_text(values["notes"])
    return out


def add_stakeholder(db: Database, client_id: int, name: str, **fields) -> Stakeholder:
    """``fields``: role, relation, influence (1-5), relationship_quality (1-5), trend, notes."""
    values = _clean_stakeholder({"name": name, **fields})
    with db.session() as s:
        get_or_raise(s, Client, client_id, "client")
        row = Stakeholder(client_id=client_id, **values)
        s.add(row)
        s.flush()
        return row


def update_stakeholder(db: Database, stakeholder_id: int, **changes) -> Stakeholder:
    values = _clean_stakeholder(changes)
    with db.session() as s:
        row = get_or_raise(s, Stakeholder, stakeholder_id, "stakeholder")
        apply_changes(row, values)
        s.add(row)
        return row


def delete_stakeholder(db: Database, stakeholder_id: int) -> None:
    with db.session() as s:
        s.delete(get_or_raise(s, Stakeholder, stakeholder_id, "stakeholder"))


def get_stakeholder(db: Database, stakeholder_id: int) -> Stakeholder:
    with db.session() as s:
        return get_or_raise(s, Stakeholder, stakeholder_id, "stakeholder")


def stakeholders(db: Database, client_id: int) -> list[Stakeholder]:
    """The people around the client, most influential first, then by name."""
    with db.session() as s:
        rows = list(s.exec(select(Stakeholder).where(Stakeholder.client_id == client_id)))
    rows.sort(key=lambda r: (-r.influence, v.fold(r.name), r.id))
    return rows


# -- blocking behaviour patterns ------------------------------------------------------------

PATTERN_FIELDS = ("pattern", "when_it_shows", "what_it_costs")


def _clean_pattern(values: dict) -> dict:
    unknown = set(values) - set(PATTERN_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown pattern field: {', '.join(sorted(unknown))}.")
    out: dict = {}
    if "pattern" in values:
        out["pattern"] = v.required_text(values["pattern"], "pattern", "The pattern")
    for key in ("when_it_shows", "what_it_costs"):
        if key in values:
            out[key] = v.optional_text(values[key])
    return out


def add_pattern(db: Database, client_id: int, pattern: str, when_it_shows: str = "",
                what_it_costs: str = "") -> BlockingPattern:
    values = _clean_pattern({"pattern": pattern, "when_it_shows": when_it_shows,
                             "what_it_costs": what_it_costs})
    with db.session() as s:
        get_or_raise(s, Client, client_id, "client")
        last = s.exec(sa_select(func.max(BlockingPattern.position))
                      .where(BlockingPattern.client_id == client_id)).scalar()
        row = BlockingPattern(client_id=client_id, position=0 if last is None else last + 1,
                              **values)
        s.add(row)
        s.flush()
        return row


def update_pattern(db: Database, pattern_id: int, **changes) -> BlockingPattern:
    values = _clean_pattern(changes)
    with db.session() as s:
        row = get_or_raise(s, BlockingPattern, pattern_id, "pattern")
        apply_changes(row, values)
        s.add(row)
        return row


def delete_pattern(db: Database, pattern_id: int) -> None:
    with db.session() as s:
        s.delete(get_or_raise(s, BlockingPattern, pattern_id, "pattern"))


def patterns(db: Database, client_id: int) -> list[BlockingPattern]:
    with db.session() as s:
        return list(s.exec(select(BlockingPattern).where(BlockingPattern.client_id == client_id)
                           .order_by(BlockingPattern.position, BlockingPattern.id)))


def move_pattern(db: Database, pattern_id: int, steps: int) -> list[BlockingPattern]:
    """Move a pattern up (negative steps) or down (positive) in the client's list."""
    with db.session() as s:
        row = get_or_raise(s, BlockingPattern, pattern_id, "pattern")
        client_id = row.client_id
        rows = list(s.exec(select(BlockingPattern).where(BlockingPattern.client_id == client_id)
                           .order_by(BlockingPattern.position, BlockingPattern.id)))
        at = [r.id for r in rows].index(pattern_id)
        rows.insert(max(0, min(len(rows) - 1, at + steps)), rows.pop(at))
        for position, r in enumerate(rows):
            if r.position != position:
                r.position = position
                s.add(r)
    return patterns(db, client_id)
