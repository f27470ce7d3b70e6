"""The indicator library and readings: defaults, editing, retiring, ordering, validation."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlmodel import func, select

from coachdesk.errors import NotFoundError, ValidationError
from coachdesk.models import Indicator, IndicatorReading, ReadingSource
from coachdesk.services import clients, engagements, indicators

HOSTILE = "<b>&amp; \"double\" 'single' 🙂🚀 مرحبا بالعالم 你好，世界 </b>"


def counts(db) -> tuple[int, int]:
    with db.session() as s:
        return (s.exec(select(func.count()).select_from(Indicator)).one(),
                s.exec(select(func.count()).select_from(IndicatorReading)).one())


def refused(db, call, *args, field=None, **kwargs) -> str:
    """The call must be refused with a readable sentence and write nothing."""
    before = counts(db)
    with pytest.raises(ValidationError) as info:
        call(db, *args, **kwargs)
    message = str(info.value)
    assert message[:1].isupper() and message.endswith("."), message
    assert "\n" not in message and "Traceback" not in message
    if field is not None:
        assert info.value.field == field
    assert counts(db) == before
    return message


@pytest.fixture
def client(db):
    return clients.create(db, "Søren Madsen", start_date=date(2026, 1, 5))


@pytest.fixture
def engagement(db, client):
    return engagements.create(db, client.id, date(2026, 1, 5), status="active")


@pytest.fixture
def stay(db):
    return indicators.by_key(db, "intent_to_stay")


# -- the library --------------------------------------------------------------------


def test_a_new_practice_has_the_default_library_in_order(db):
    library = indicators.list_all(db)
    assert [i.key for i in library] == [d.key for d in indicators.DEFAULT_INDICATORS]
    assert len(library) == 9
    names = [i.name for i in library]
    assert names[:3] == ["Engagement at work", "Commitment to the organization", "Intent to stay"]
    assert "Readiness for the next role" in names
    for ind in library:
        assert ind.description.endswith(".") and len(ind.description) > 60
        assert ind.higher_is_better and not ind.retired
        assert ind.scale_min < ind.scale_max
    assert [i.position for i in library] == list(range(9))
    ready = indicators.by_key(db, "readiness_next_role")
    assert (ready.scale_min, ready.scale_max) == (1, 5)
    # The migration's frozen copy and the service's list agree today.
    assert indicators.ensure_defaults(db) == 0
    assert counts(db)[0] == 9


def test_ensure_defaults_puts_back_what_is_missing_and_leaves_the_rest(db, stay):
    indicators.rename(db, stay.id, "Will stay")
    indicators.retire(db, indicators.by_key(db, "wellbeing").id)
    con = sqlite3.connect(db.path)
    con.execute("DELETE FROM indicator WHERE key = 'commitment'")
    con.commit()
    con.close()
    assert indicators.ensure_defaults(db) == 1
    assert indicators.ensure_defaults(db) == 0
    assert indicators.get(db, stay.id).name == "Will stay"  # not renamed back
    assert indicators.by_key(db, "wellbeing").retired  # not brought back
    commitment = indicators.by_key(db, "commitment")
    assert commitment.name == "Commitment to the organization"
    assert commitment.position == 9  # appended at the end


def test_create_a_coach_indicator(db):
    ind = indicators.create(db, "  Stress level  ", "How stretched they feel.", 0, 100,
                            higher_is_better=False)
    assert (ind.name, ind.scale_min, ind.scale_max, ind.higher_is_better) == (
        "Stress level", 0, 100, False)
    assert ind.key is None and ind.position == 9
    assert indicators.list_all(db)[-1].id == ind.id
    assert indicators.scale_label(ind) == "0 to 100, lower is better"


@pytest.mark.parametrize("kwargs, field, words", [
    ({"name": "  "}, "name", "cannot be empty"),
    ({"name": "intent TO stay"}, "name", "already an indicator called “Intent to stay”"),
    ({"name": "X", "scale_min": 5, "scale_max": 5}, "scale_max", "must be above the lowest"),
    ({"name": "X", "scale_min": 10, "scale_max": 1}, "scale_max", "must be above the lowest"),
    ({"name": "X", "scale_min": 1.5}, "scale_min", "whole number"),
    ({"name": "X", "scale_max": "ten"}, "scale_max", "whole number"),
    ({"name": "X", "scale_max": float("inf")}, "scale_max", "whole number"),
    ({"name": "X", "scale_max": 10**9}, "scale_max", "between"),
])
def test_create_refuses_bad_input(db, kwargs, field, words):
    message = refused(db, indicators.create, field=field, **kwargs)
    assert words in message


def test_rename_update_and_scale_that_must_hold_the_readings(db, client, stay):
    indicators.rename(db, stay.id, "Intent to stay (12 months)")
    assert indicators.get(db, stay.id).name == "Intent to stay (12 months)"
    assert indicators.by_key(db, "intent_to_stay").id == stay.id  # the key survives a rename
    indicators.add_reading(db, client.id, stay.id, date(2026, 2, 1), 9)
    indicators.add_reading(db, client.id, stay.id, date(2026, 3, 1), 2)
    message = refused(db, indicators.update, stay.id, scale_min=1, scale_max=5, field="scale_max")
    assert message == ("Intent to stay (12 months) already has readings from 2 to 9; a scale of "
                       "1 to 5 would not hold them.")
    refused(db, indicators.update, stay.id, scale_min=3, field="scale_min")
    wider = indicators.update(db, stay.id, scale_min=0, scale_max=10, description=HOSTILE)
    assert (wider.scale_min, wider.scale_max, wider.description) == (0, 10, HOSTILE)
    refused(db, indicators.update, stay.id, colour="red")
    refused(db, indicators.rename, stay.id, "Engagement at work", field="name")
    # Renaming to itself, or changing only the case, is not a clash.
    assert indicators.rename(db, stay.id, "intent to stay (12 MONTHS)").name == \
        "intent to stay (12 MONTHS)"


def test_retire_hides_from_the_active_list_and_from_new_ratings(db, client, stay):
    indicators.add_reading(db, client.id, stay.id, date(2026, 2, 1), 6)
    retired = indicators.retire(db, stay.id)
    assert retired.retired
    assert stay.id not in [i.id for i in indicators.list_all(db)]
    assert stay.id in [i.id for i in indicators.list_all(db, include_retired=True)]
    message = refused(db, indicators.add_reading, client.id, stay.id, date(2026, 3, 1), 5,
                      field="indicator_id")
    assert message == "Intent to stay is retired; bring it back into use before rating it."
    # Its history stays.
    assert len(indicators.readings_for_client(db, client.id)) == 1
    indicators.unretire(db, stay.id)
    indicators.add_reading(db, client.id, stay.id, date(2026, 3, 1), 5)


def test_delete_only_unused_coach_indicators(db, client, stay):
    mine = indicators.create(db, "Visibility with the board")
    assert indicators.can_delete(db, mine.id)
    assert not indicators.can_delete(db, stay.id)
    indicators.delete(db, mine.id)
    with pytest.raises(NotFoundError):
        indicators.get(db, mine.id)

    used = indicators.create(db, "Political savvy", scale_min=1, scale_max=5)
    indicators.add_reading(db, client.id, used.id, date(2026, 2, 1), 3)
    assert not indicators.can_delete(db, used.id)
    message = refused(db, indicators.delete, used.id, field="indicator_id")
    assert message == ("Political savvy already has one reading, so it cannot be deleted; retire "
                       "it instead to hide it from new ratings and keep its history.")
    message = refused(db, indicators.delete, stay.id, field="indicator_id")
    assert "default indicators" in message and "retire it instead" in message
    # Positions stay dense after a deletion.
    assert [i.position for i in indicators.list_all(db, include_retired=True)] == list(range(10))


def test_move_and_set_order(db):
    library = indicators.list_all(db)
    ids = [i.id for i in library]
    after = indicators.move(db, ids[2], -1)
    assert [i.id for i in after][:3] == [ids[0], ids[2], ids[1]]
    after = indicators.move(db, ids[2], -5)  # clamps at the top
    assert after[0].id == ids[2]
    after = indicators.move(db, ids[2], +100)  # and at the bottom
    assert after[-1].id == ids[2]
    assert [i.position for i in after] == list(range(9))

    # A retired indicator in between is passed over: "up" moves past a visible one.
    fresh = indicators.set_order(db, ids)
    assert [i.id for i in fresh] == ids
    indicators.retire(db, ids[1])
    after = indicators.move(db, ids[2], -1)
    visible = [i.id for i in after if not i.retired]
    assert visible[:2] == [ids[2], ids[0]]
    assert [i.id for i in after].index(ids[1]) == 1  # the retired one kept its slot

    # set_order with only some ids: the rest follow in their current order.
    after = indicators.set_order(db, [ids[8], ids[7]])
    assert [i.id for i in after][:2] == [ids[8], ids[7]]
    assert len(after) == 9
    refused(db, indicators.set_order, [123456], field="indicator_id")
    refused(db, indicators.move, 123456, 1, field="indicator_id")


# -- readings -------------------------------------------------------------------------


def test_add_reading_and_the_out_of_scale_message(db, client, engagement, stay):
    reading = indicators.add_reading(db, client.id, stay.id, "2026-02-01", "7,5",
                                     source="self_rating", engagement_id=engagement.id,
                                     private_comment=HOSTILE)
    got = indicators.get_reading(db, reading.id)
    assert (got.value, got.reading_date, got.source, got.engagement_id, got.private_comment) == (
        7.5, date(2026, 2, 1), ReadingSource.self_rating, engagement.id, HOSTILE)
    message = refused(db, indicators.add_reading, client.id, stay.id, date(2026, 2, 2), 12,
                      field="value")
    assert message == "Intent to stay is rated 1 to 10; 12 is outside that."
    assert refused(db, indicators.add_reading, client.id, stay.id, date(2026, 2, 2), 0.5) == \
        "Intent to stay is rated 1 to 10; 0.5 is outside that."
    assert refused(db, indicators.add_reading, client.id, stay.id, date(2026, 2, 2), "high",
                   field="value") == "Intent to stay needs a number from 1 to 10."
    refused(db, indicators.add_reading, client.id, stay.id, date(2026, 2, 2), float("nan"),
            field="value")
    refused(db, indicators.add_reading, client.id, stay.id, "31/02/2026", 5, field="reading_date")
    refused(db, indicators.add_reading, client.id, stay.id, None, 5, field="reading_date")
    refused(db, indicators.add_reading, client.id, stay.id, date(2026, 2, 2), 5, source="gossip",
            field="source")
    refused(db, indicators.add_reading, client.id, 99999, date(2026, 2, 2), 5,
            field="indicator_id")
    other = clients.create(db, "Zoë Whitfield")
    assert refused(db, indicators.add_reading, other.id, stay.id, date(2026, 2, 2), 5,
                   engagement_id=engagement.id, field="engagement_id") == \
        "That engagement belongs to another client."
    # The ends of the scale are inside it.
    indicators.add_reading(db, client.id, stay.id, date(2026, 2, 3), 1)
    indicators.add_reading(db, client.id, stay.id, date(2026, 2, 4), 10)


def test_quick_entry_is_all_or_nothing(db, client, engagement):
    library = {i.key: i for i in indicators.list_all(db)}
    values = {library["engagement"].id: 7, library["intent_to_stay"].id: "4",
              library["wellbeing"].id: None, library["confidence_in_role"].id: " "}
    rows = indicators.add_readings(db, client.id, engagement.id, date(2026, 3, 12), "coach_observation",
                                   values, comments={library["intent_to_stay"].id: "Mentioned a "
                                                     "recruiter call"})
    assert sorted(r.value for r in rows) == [4.0, 7.0]  # the empty ones were skipped
    assert all(r.engagement_id == engagement.id and r.reading_date == date(2026, 3, 12)
               for r in rows)
    assert counts(db)[1] == 2

    bad = {library["engagement"].id: 7, library["readiness_next_role"].id: 7}
    message = refused(db, indicators.add_readings, client.id, engagement.id, date(2026, 4, 1),
                      "sponsor", bad, field=f"indicator_{library['readiness_next_role'].id}")
    assert message == "Readiness for the next role is rated 1 to 5; 7 is outside that."
    assert counts(db)[1] == 2  # the good value before the bad one was not written either
    assert refused(db, indicators.add_readings, client.id, None, date(2026, 4, 1), "sponsor",
                   {library["engagement"].id: ""}) == "Please rate at least one indicator."
    refused(db, indicators.add_readings, client.id, None, date(2026, 4, 1), "hearsay",
            {library["engagement"].id: 5}, field="source")


def test_update_delete_list_and_latest_values(db, client, engagement, stay):
    engage = indicators.by_key(db, "engagement")
    first = indicators.add_reading(db, client.id, stay.id, date(2026, 1, 10), 8)
    second = indicators.add_reading(db, client.id, stay.id, date(2026, 2, 10), 6)
    indicators.add_reading(db, client.id, engage.id, date(2026, 2, 10), 7)
    latest = {lv.indicator_id: lv for lv in indicators.latest_values(db, client.id)}
    assert list(latest) == [engage.id, stay.id]  # library order
    assert (latest[stay.id].value, latest[stay.id].previous_value, latest[stay.id].change) == (
        6, 8, -2)
    assert latest[engage.id].previous_value is None and latest[engage.id].change is None

    updated = indicators.update_reading(db, second.id, value=3, source="sponsor",
                                        private_comment=HOSTILE, engagement_id=engagement.id)
    assert (updated.value, updated.source, updated.private_comment) == (
        3, ReadingSource.sponsor, HOSTILE)
    assert refused(db, indicators.update_reading, second.id, value=11) == \
        "Intent to stay is rated 1 to 10; 11 is outside that."
    refused(db, indicators.update_reading, second.id, mood="low")
    # A reading moved before the other changes which one is latest.
    indicators.update_reading(db, second.id, reading_date=date(2026, 1, 1))
    assert indicators.readings_for_client(db, client.id, indicator_id=stay.id)[0].id == first.id
    assert {lv.indicator_id: lv.value for lv in indicators.latest_values(db, client.id)}[stay.id] == 8
    assert [r.id for r in indicators.readings_for_client(db, client.id,
                                                         engagement_id=engagement.id)] == [second.id]
    indicators.delete_reading(db, first.id)
    assert [r.id for r in indicators.readings_for_client(db, client.id, indicator_id=stay.id)] == [
        second.id]
    with pytest.raises(NotFoundError):
        indicators.delete_reading(db, first.id)


def test_hostile_text_round_trips(db, client):
    ind = indicators.create(db, HOSTILE, description=HOSTILE * 3)
    reading = indicators.add_reading(db, client.id, ind.id, date(2026, 2, 1), 5,
                                     private_comment=HOSTILE)
    assert indicators.get(db, ind.id).name == HOSTILE.strip()
    assert indicators.get(db, ind.id).description == HOSTILE * 3
    assert indicators.get_reading(db, reading.id).private_comment == HOSTILE
    with pytest.raises(ValidationError) as info:  # a name at the start: no capital letter
        indicators.add_reading(db, client.id, ind.id, date(2026, 2, 1), 42)
    assert str(info.value) == f"{HOSTILE} is rated 1 to 10; 42 is outside that."


def test_source_labels_cover_every_source():
    assert set(indicators.SOURCE_LABELS) == set(ReadingSource)
    assert indicators.fmt(7.0) == "7" and indicators.fmt(7.25) == "7.25"


# -- rated again on the same day: a correction, not a change --------------------------------


def test_rating_again_the_same_day_and_source_replaces_the_value(db, client, engagement, stay):
    first = indicators.add_reading(db, client.id, stay.id, date(2026, 11, 29), 6,
                                   engagement_id=engagement.id, private_comment="Hesitant")
    again = indicators.add_reading(db, client.id, stay.id, date(2026, 11, 29), 7)
    assert again.id == first.id and counts(db)[1] == 1
    stored = indicators.get_reading(db, first.id)
    # The new value; an empty comment keeps the one written, and so does the engagement.
    assert (stored.value, stored.private_comment, stored.engagement_id) == (
        7, "Hesitant", engagement.id)
    assert stored.updated_at >= stored.created_at
    indicators.add_reading(db, client.id, stay.id, date(2026, 11, 29), 8, private_comment=HOSTILE)
    assert indicators.get_reading(db, first.id).private_comment == HOSTILE
    # No change nobody observed: the latest value has no "before" of the same day.
    latest = {lv.indicator_id: lv for lv in indicators.latest_values(db, client.id)}[stay.id]
    assert (latest.value, latest.previous_value, latest.change) == (8, None, None)


def test_another_source_or_another_day_stays_a_reading_of_its_own(db, client, stay):
    indicators.add_reading(db, client.id, stay.id, date(2026, 11, 29), 6)
    indicators.add_reading(db, client.id, stay.id, date(2026, 11, 29), 3, source="self_rating")
    indicators.add_reading(db, client.id, stay.id, date(2026, 11, 30), 7)
    other = clients.create(db, "Another client")
    indicators.add_reading(db, other.id, stay.id, date(2026, 11, 29), 2)
    rows = indicators.readings_for_client(db, client.id)
    assert sorted((r.reading_date.day, r.source.value, r.value) for r in rows) == [
        (29, "coach_observation", 6), (29, "self_rating", 3), (30, "coach_observation", 7)]
    assert counts(db)[1] == 4


def test_quick_entry_says_which_readings_replaced_the_ones_of_that_day(db, client, engagement):
    library = {i.key: i for i in indicators.list_all(db)}
    stay, engage, trust = (library[k] for k in ("intent_to_stay", "engagement",
                                                "trust_in_leadership"))
    day = date(2026, 11, 29)
    indicators.add_readings(db, client.id, engagement.id, day, "coach_observation",
                            {stay.id: 6, engage.id: 5}, {stay.id: "First impression"})
    indicators.add_reading(db, client.id, trust.id, day, 4, source="sponsor")
    saved = indicators.record_readings(db, client.id, engagement.id, day, "coach_observation",
                                       {stay.id: 7, trust.id: 5})
    assert len(saved.readings) == 2 and counts(db)[1] == 4  # trust: a new coach's reading
    by_indicator = {r.indicator_id: r for r in saved.readings}
    assert saved.replaced == {by_indicator[stay.id].id}
    rows = indicators.readings_for_client(db, client.id, indicator_id=stay.id)
    assert [(r.value, r.private_comment) for r in rows] == [(7, "First impression")]
    # All or nothing still: a refused value leaves the one of that day as it was.
    refused(db, indicators.record_readings, client.id, engagement.id, day, "coach_observation",
            {stay.id: 9, engage.id: 11}, field=f"indicator_{engage.id}")
    assert indicators.readings_for_client(db, client.id, indicator_id=stay.id)[0].value == 7


def test_a_reading_moved_onto_a_day_that_has_one_from_its_source_is_refused(db, client, stay):
    kept = indicators.add_reading(db, client.id, stay.id, date(2026, 11, 29), 6)
    moved = indicators.add_reading(db, client.id, stay.id, date(2026, 11, 20), 4)
    told = indicators.add_reading(db, client.id, stay.id, date(2026, 11, 29), 2, source="sponsor")
    message = refused(db, indicators.update_reading, moved.id, reading_date=date(2026, 11, 29),
                      field="reading_date")
    assert message == ("Intent to stay already has a reading from this source on 29 Nov 2026: "
                       "correct or delete that one instead.")
    refused(db, indicators.update_reading, told.id, source="coach_observation", field="source")
    assert indicators.get_reading(db, kept.id).value == 6
    assert indicators.get_reading(db, moved.id).reading_date == date(2026, 11, 20)
    # Its own day and source, or another source: fine.
    indicators.update_reading(db, kept.id, reading_date=date(2026, 11, 29), value=7)
    indicators.update_reading(db, moved.id, reading_date=date(2026, 11, 29), source="self_rating")
