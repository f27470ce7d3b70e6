"""Talent-retention indicators: the library the coach rates against, and the readings.

The library starts with a default set (inserted by migration 0003; ``ensure_defaults``
puts back any that are missing). The coach can add, rename, reorder and retire
indicators; an indicator that has readings can only be retired, never deleted, so
no history disappears. Default indicators are never deleted either (the risk
signal looks them up by their ``key``), only retired.

Readings belong to a client (and usually one of their engagements). Each has a
source (the coach's observation, the client's self-rating, the sponsor, 360
feedback) and a ``private_comment`` that stays with the coach.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import select

from .. import dates
from ..errors import ValidationError
from ..models import Client, Engagement, Indicator, IndicatorReading, ReadingSource
from ..storage import Database
from . import validation as v
from ._common import apply_changes, get_or_raise
from .indicator_defaults import DEFAULT_INDICATORS, DefaultIndicator  # noqa: F401 (re-exported)

SCALE_LIMIT = 1000  # scales run between -1000 and 1000: anything wider is a typing slip

SOURCE_LABELS = {
    ReadingSource.coach_observation: "Coach's observation",
    ReadingSource.self_rating: "Client's self-rating",
    ReadingSource.sponsor: "Sponsor",
    ReadingSource.feedback_360: "360 feedback",
}


def fmt(value: float) -> str:
    """7.0 -> '7', 7.5 -> '7.5': how values read in messages and labels."""
    return f"{value:g}"


def scale_label(ind: Indicator) -> str:
    direction = "higher is better" if ind.higher_is_better else "lower is better"
    return f"{ind.scale_min} to {ind.scale_max}, {direction}"


# -- the library -----------------------------------------------------------------------


def list_all(db: Database, include_retired: bool = False) -> list[Indicator]:
    """The library in the coach's order; retired ones only when asked for."""
    stmt = select(Indicator)
    if not include_retired:
        stmt = stmt.where(Indicator.retired == False)  # noqa: E712
    with db.session() as s:
        return list(s.exec(stmt.order_by(Indicator.position, Indicator.id)))


def get(db: Database, indicator_id: int) -> Indicator:
    with db.session() as s:
        return get_or_raise(s, Indicator, indicator_id, "indicator")


def by_key(db: Database, key: str) -> Indicator | None:
    """A default indicator by its stable key ("intent_to_stay"), whatever it is called now."""
    with db.session() as s:
        return s.exec(select(Indicator).where(Indicator.key == key)).first()


def ensure_defaults(db: Database) -> int:
    """Add any default indicator that is missing (by key); return how many were added.

    Safe to call at any time: defaults the coach renamed, rescaled or retired are
    left exactly as they are.
    """
    with db.session() as s:
        present = set(s.exec(select(Indicator.key).where(Indicator.key.is_not(None))).all())
        last = s.exec(sa_select(func.max(Indicator.position))).scalar()
        position = -1 if last is None else last
        added = 0
        for d in DEFAULT_INDICATORS:
            if d.key in present:
                continue
            position += 1
            s.add(Indicator(key=d.key, name=d.name, description=d.description,
                            scale_min=d.scale_min, scale_max=d.scale_max,
                            higher_is_better=d.higher_is_better, sensitive=d.sensitive,
                            position=position))
            added += 1
        return added


def _whole(value, field: str, label: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label} must be a whole number.", field) from None
    if not math.isfinite(number) or number != int(number):
        raise ValidationError(f"{label} must be a whole number.", field)
    if abs(number) > SCALE_LIMIT:
        raise ValidationError(f"{label} must be between -{SCALE_LIMIT} and {SCALE_LIMIT}.", field)
    return int(number)


def _clean(s, values: dict, indicator_id: int | None) -> dict:
    out: dict = {}
    if "name" in values:
        name = v.name(values["name"], "name", "The indicator's name")
        clash = s.exec(select(Indicator.id, Indicator.name)).all()
        for other_id, other in clash:
            if other_id != indicator_id and v.fold(other.strip()) == v.fold(name):
                raise ValidationError(f"There is already an indicator called “{other}”.", "name")
        out["name"] = name
    if "description" in values:
        out["description"] = v.optional_text(values["description"])
    if "scale_min" in values:
        out["scale_min"] = _whole(values["scale_min"], "scale_min", "The lowest value of the scale")
    if "scale_max" in values:
        out["scale_max"] = _whole(values["scale_max"], "scale_max", "The highest value of the scale")
    if "higher_is_better" in values:
        out["higher_is_better"] = bool(values["higher_is_better"])
    if "sensitive" in values:
        out["sensitive"] = bool(values["sensitive"])
    return out


def _check_scale(low: int, high: int) -> None:
    if high <= low:
        raise ValidationError("The highest value of the scale must be above the lowest "
                              f"(the scale runs from {low} to {high} now).", "scale_max")


def create(db: Database, name: str, description: str = "", scale_min: int = 1,
           scale_max: int = 10, higher_is_better: bool = True,
           sensitive: bool = False) -> Indicator:
    """A coach's own indicator, added at the end of the library. A ``sensitive`` one
    (wellbeing-type) is never preselected for a sponsor's report."""
    with db.session() as s:
        values = _clean(s, {"name": name, "description": description, "scale_min": scale_min,
                            "scale_max": scale_max, "higher_is_better": higher_is_better,
                            "sensitive": sensitive}, None)
        _check_scale(values["scale_min"], values["scale_max"])
        last = s.exec(sa_select(func.max(Indicator.position))).scalar()
        indicator = Indicator(**values, position=0 if last is None else last + 1)
        s.add(indicator)
        s.flush()
        return indicator


def update(db: Database, indicator_id: int, **changes) -> Indicator:
    """Rename, describe, rescale, change direction, or mark it ``sensitive`` (or not).

    A new scale must still hold every reading already taken on this indicator. A
    sensitive indicator is never preselected for a sponsor's report.
    """
    unknown = set(changes) - {"name", "description", "scale_min", "scale_max", "higher_is_better",
                              "sensitive"}
    if unknown:
        raise ValidationError(f"Unknown indicator field: {', '.join(sorted(unknown))}.")
    with db.session() as s:
        indicator = get_or_raise(s, Indicator, indicator_id, "indicator")
        values = _clean(s, changes, indicator_id)
        low = values.get("scale_min", indicator.scale_min)
        high = values.get("scale_max", indicator.scale_max)
        _check_scale(low, high)
        if (low, high) != (indicator.scale_min, indicator.scale_max):
            lowest, highest = s.exec(
                sa_select(func.min(IndicatorReading.value), func.max(IndicatorReading.value))
                .where(IndicatorReading.indicator_id == indicator_id)).one()
            if lowest is not None and (lowest < low or highest > high):
                raise ValidationError(
                    f"{indicator.name} already has readings from {fmt(lowest)} to {fmt(highest)}; "
                    f"a scale of {low} to {high} would not hold them.", "scale_min"
                    if lowest < low else "scale_max")
        apply_changes(indicator, values)
        s.add(indicator)
        return indicator


def rename(db: Database, indicator_id: int, name: str) -> Indicator:
    return update(db, indicator_id, name=name)


def retire(db: Database, indicator_id: int) -> Indicator:
    """Hide it from new ratings; its readings and charts stay."""
    return _set_retired(db, indicator_id, True)


def unretire(db: Database, indicator_id: int) -> Indicator:
    return _set_retired(db, indicator_id, False)


def _set_retired(db: Database, indicator_id: int, retired: bool) -> Indicator:
    with db.session() as s:
        indicator = get_or_raise(s, Indicator, indicator_id, "indicator")
        apply_changes(indicator, {"retired": retired})
        s.add(indicator)
        return indicator


def reading_counts(db: Database) -> dict[int, int]:
    """How many readings each indicator has (indicators without any are left out)."""
    with db.session() as s:
        return dict(s.exec(sa_select(IndicatorReading.indicator_id, func.count())
                           .group_by(IndicatorReading.indicator_id)).all())


def can_delete(db: Database, indicator_id: int) -> bool:
    with db.session() as s:
        indicator = get_or_raise(s, Indicator, indicator_id, "indicator")
        return indicator.key is None and not _used(s, indicator_id)


def _used(s, indicator_id: int) -> int:
    return s.exec(sa_select(func.count()).select_from(IndicatorReading)
                  .where(IndicatorReading.indicator_id == indicator_id)).scalar()


def delete(db: Database, indicator_id: int) -> None:
    """Delete an indicator never used; a used or default one must be retired instead."""
    with db.session() as s:
        indicator = get_or_raise(s, Indicator, indicator_id, "indicator")
        used = _used(s, indicator_id)
        if used:
            readings = "one reading" if used == 1 else f"{used} readings"
            raise ValidationError(
                f"{indicator.name} already has {readings}, so it cannot be deleted; retire it "
                "instead to hide it from new ratings and keep its history.", "indicator_id")
        if indicator.key is not None:
            raise ValidationError(
                f"{indicator.name} is one of the default indicators and cannot be deleted; retire "
                "it instead to hide it from new ratings.", "indicator_id")
        s.delete(indicator)
        s.flush()
        _renumber(s, [i.id for i in _ordered(s)])


def _ordered(s) -> list[Indicator]:
    return list(s.exec(select(Indicator).order_by(Indicator.position, Indicator.id)))


def _renumber(s, ids: list[int]) -> None:
    by_id = {i.id: i for i in _ordered(s)}
    for position, indicator_id in enumerate(ids):
        indicator = by_id[indicator_id]
        if indicator.position != position:
            indicator.position = position  # order is not an edit: updated_at stays
            s.add(indicator)


def set_order(db: Database, indicator_ids: list[int]) -> list[Indicator]:
    """Put the library in this order. Ids left out keep their relative order after these."""
    with db.session() as s:
        current = [i.id for i in _ordered(s)]
        wanted = list(dict.fromkeys(indicator_ids))
        missing = [i for i in wanted if i not in current]
        if missing:
            raise ValidationError("One of those indicators no longer exists (it may have been "
                                  "removed).", "indicator_id")
        _renumber(s, wanted + [i for i in current if i not in wanted])
    return list_all(db, include_retired=True)


def move(db: Database, indicator_id: int, steps: int) -> list[Indicator]:
    """Move up (negative steps) or down (positive) among the active indicators.

    Retired indicators are passed over, so "up" always moves past a visible one.
    """
    with db.session() as s:
        ordered = _ordered(s)
        ids = [i.id for i in ordered]
        if indicator_id not in ids:
            raise ValidationError("That indicator no longer exists (it may have been removed).",
                                  "indicator_id")
        visible = [i.id for i in ordered if not i.retired or i.id == indicator_id]
        at = visible.index(indicator_id)
        target = max(0, min(len(visible) - 1, at + steps))
        if target != at:
            visible.pop(at)
            visible.insert(target, indicator_id)
            # Retired indicators keep their slots; the visible ones are laid into the rest.
            slots = iter(visible)
            ids = [i.id if (i.retired and i.id != indicator_id) else next(slots) for i in ordered]
            _renumber(s, ids)
    return list_all(db, include_retired=True)


# -- readings ------------------------------------------------------------------------


def _value(raw, indicator: Indicator, field: str) -> float:
    text = raw.strip().replace(",", ".") if isinstance(raw, str) else raw
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValidationError(f"{indicator.name} needs a number from {indicator.scale_min} to "
                              f"{indicator.scale_max}.", field) from None
    if not math.isfinite(value):
        raise ValidationError(f"{indicator.name} needs a number from {indicator.scale_min} to "
                              f"{indicator.scale_max}.", field)
    if value < indicator.scale_min or value > indicator.scale_max:
        raise ValidationError(f"{indicator.name} is rated {indicator.scale_min} to "
                              f"{indicator.scale_max}; {fmt(value)} is outside that.", field)
    return value


def _engagement_for(s, client_id: int, engagement_id) -> int | None:
    if engagement_id in (None, ""):
        return None
    engagement = s.get(Engagement, engagement_id)
    if engagement is None:
        raise ValidationError("That engagement no longer exists (it may have been removed).",
                              "engagement_id")
    if engagement.client_id != client_id:
        raise ValidationError("That engagement belongs to another client.", "engagement_id")
    return engagement.id


def _indicator_for_rating(s, indicator_id, field: str) -> Indicator:
    indicator = s.get(Indicator, indicator_id) if indicator_id is not None else None
    if indicator is None:
        raise ValidationError("That indicator no longer exists (it may have been removed).", field)
    if indicator.retired:
        raise ValidationError(f"{indicator.name} is retired; bring it back into use before "
                              "rating it.", field)
    return indicator


def _same_day(s, client_id: int, indicator_id: int, day: date, source: ReadingSource,
              but: int | None = None) -> IndicatorReading | None:
    """The reading already there for this client, indicator, day and source (the newest,
    should an earlier version have left several), other than reading ``but``."""
    stmt = select(IndicatorReading).where(IndicatorReading.client_id == client_id,
                                          IndicatorReading.indicator_id == indicator_id,
                                          IndicatorReading.reading_date == day,
                                          IndicatorReading.source == source)
    if but is not None:
        stmt = stmt.where(IndicatorReading.id != but)
    return s.exec(stmt.order_by(IndicatorReading.id.desc())).first()


def _put(s, new: IndicatorReading) -> tuple[IndicatorReading, bool]:
    """Store ``new``, or put its value into the reading of the same day and source.

    Rating an indicator again on the same day from the same source corrects the rating:
    two readings would show a change ("▲ 6 → 7") that nobody observed. The correction
    takes the new value, the new private comment if one was written (an empty one keeps
    the comment already there) and the engagement if one was given. True when replaced.
    """
    old = _same_day(s, new.client_id, new.indicator_id, new.reading_date, new.source)
    if old is None:
        s.add(new)
        return new, False
    changes: dict = {"value": new.value}
    if new.private_comment:
        changes["private_comment"] = new.private_comment
    if new.engagement_id is not None:
        changes["engagement_id"] = new.engagement_id
    apply_changes(old, changes)
    s.add(old)
    return old, True


@dataclass
class SavedReadings:
    """What quick entry stored: the readings, and the ids of those that replaced the
    reading already there for their day and source (``replaced``)."""

    readings: list[IndicatorReading]
    replaced: set[int]


def add_reading(db: Database, client_id: int, indicator_id: int, reading_date, value,
                source=ReadingSource.coach_observation, engagement_id: int | None = None,
                private_comment: str = "") -> IndicatorReading:
    """One reading; a value outside the indicator's scale is refused. A reading of the
    same indicator, day and source already there is corrected instead (see ``_put``)."""
    with db.session() as s:
        get_or_raise(s, Client, client_id, "client")
        indicator = _indicator_for_rating(s, indicator_id, "indicator_id")
        reading, _replaced = _put(s, IndicatorReading(
            client_id=client_id,
            engagement_id=_engagement_for(s, client_id, engagement_id),
            indicator_id=indicator.id,
            reading_date=v.required_date(reading_date, "reading_date", "The date of the reading"),
            value=_value(value, indicator, "value"),
            source=v.enum_value(ReadingSource, source, "source", "The source"),
            private_comment=v.optional_text(private_comment)))
        s.flush()
        return reading


def add_readings(db: Database, client_id: int, engagement_id: int | None, reading_date,
                 source, values: dict[int, object],
                 comments: dict[int, str] | None = None) -> list[IndicatorReading]:
    """Quick entry after a session: several indicators rated at once, all or nothing
    (``record_readings`` also tells which ones corrected a reading of the same day)."""
    return record_readings(db, client_id, engagement_id, reading_date, source, values,
                           comments).readings


def record_readings(db: Database, client_id: int, engagement_id: int | None, reading_date,
                    source, values: dict[int, object],
                    comments: dict[int, str] | None = None) -> SavedReadings:
    """Quick entry after a session: several indicators rated at once, all or nothing.

    ``values`` maps indicator id to value; empty values (None or "") are skipped,
    so a form can send every row it shows. A refusal names the offending
    indicator in ``field`` as ``"indicator_<id>"``. An indicator already rated that
    day from that source gets the new value instead of a second reading, in the same
    transaction (its id is in ``replaced``).
    """
    comments = comments or {}
    with db.session() as s:
        get_or_raise(s, Client, client_id, "client")
        engagement = _engagement_for(s, client_id, engagement_id)
        day = v.required_date(reading_date, "reading_date", "The date of the readings")
        kind = v.enum_value(ReadingSource, source, "source", "The source")
        rows = []
        for indicator_id, raw in values.items():
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            field = f"indicator_{indicator_id}"
            indicator = _indicator_for_rating(s, indicator_id, field)
            rows.append(IndicatorReading(
                client_id=client_id, engagement_id=engagement, indicator_id=indicator.id,
                reading_date=day, value=_value(raw, indicator, field), source=kind,
                private_comment=v.optional_text(comments.get(indicator_id))))
        if not rows:
            raise ValidationError("Please rate at least one indicator.", "values")
        stored, replaced = [], set()
        for row in rows:  # every value is checked before anything is written
            reading, was_there = _put(s, row)
            stored.append(reading)
            if was_there:
                replaced.add(reading.id)
        s.flush()
        return SavedReadings(stored, replaced)


READING_FIELDS = ("reading_date", "value", "source", "engagement_id", "private_comment")


def update_reading(db: Database, reading_id: int, **changes) -> IndicatorReading:
    unknown = set(changes) - set(READING_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown reading field: {', '.join(sorted(unknown))}.")
    with db.session() as s:
        reading = get_or_raise(s, IndicatorReading, reading_id, "reading")
        indicator = s.get(Indicator, reading.indicator_id)
        values: dict = {}
        if "reading_date" in changes:
            values["reading_date"] = v.required_date(changes["reading_date"], "reading_date",
                                                     "The date of the reading")
        if "value" in changes:
            values["value"] = _value(changes["value"], indicator, "value")
        if "source" in changes:
            values["source"] = v.enum_value(ReadingSource, changes["source"], "source", "The source")
        if "engagement_id" in changes:
            values["engagement_id"] = _engagement_for(s, reading.client_id, changes["engagement_id"])
        if "private_comment" in changes:
            values["private_comment"] = v.optional_text(changes["private_comment"])
        day, source = (values.get("reading_date", reading.reading_date),
                       values.get("source", reading.source))
        if (day, source) != (reading.reading_date, reading.source) and _same_day(
                s, reading.client_id, reading.indicator_id, day, source, but=reading.id):
            # Two readings of one day and source would show a change nobody observed.
            raise ValidationError(
                f"{indicator.name} already has a reading from this source on "
                f"{dates.short(day)}: correct or delete that one instead.",
                "source" if source != reading.source else "reading_date")
        apply_changes(reading, values)
        s.add(reading)
        return reading


def delete_reading(db: Database, reading_id: int) -> None:
    with db.session() as s:
        s.delete(get_or_raise(s, IndicatorReading, reading_id, "reading"))


def get_reading(db: Database, reading_id: int) -> IndicatorReading:
    with db.session() as s:
        return get_or_raise(s, IndicatorReading, reading_id, "reading")


def readings_for_client(db: Database, client_id: int, indicator_id: int | None = None,
                        engagement_id: int | None = None) -> list[IndicatorReading]:
    """A client's readings, newest first."""
    stmt = select(IndicatorReading).where(IndicatorReading.client_id == client_id)
    if indicator_id is not None:
        stmt = stmt.where(IndicatorReading.indicator_id == indicator_id)
    if engagement_id is not None:
        stmt = stmt.where(IndicatorReading.engagement_id == engagement_id)
    with db.session() as s:
        return list(s.exec(stmt.order_by(IndicatorReading.reading_date.desc(),
                                         IndicatorReading.id.desc())))


@dataclass
class LatestValue:
    """The most recent reading of one indicator for one client, and the one before it."""

    indicator_id: int
    name: str
    scale_min: int
    scale_max: int
    higher_is_better: bool
    value: float
    reading_date: date
    source: ReadingSource
    previous_value: float | None
    previous_date: date | None

    @property
    def change(self) -> float | None:
        return None if self.previous_value is None else self.value - self.previous_value


def latest_values(db: Database, client_id: int) -> list[LatestValue]:
    """Per indicator with readings: the latest value, in the library's order."""
    with db.session() as s:
        library = {i.id: i for i in _ordered(s)}
        rows = s.exec(select(IndicatorReading).where(IndicatorReading.client_id == client_id)
                      .order_by(IndicatorReading.reading_date.desc(),
                                IndicatorReading.id.desc())).all()
    latest: dict[int, list[IndicatorReading]] = {}
    for r in rows:
        pair = latest.setdefault(r.indicator_id, [])
        if len(pair) < 2:
            pair.append(r)
    out = []
    for indicator_id, indicator in library.items():
        pair = latest.get(indicator_id)
        if not pair:
            continue
        now, before = pair[0], (pair[1] if len(pair) > 1 else None)
        out.append(LatestValue(indicator_id, indicator.name, indicator.scale_min,
                               indicator.scale_max, indicator.higher_is_better, now.value,
                               now.reading_date, now.source,
                               before.value if before else None,
                               before.reading_date if before else None))
    return out

