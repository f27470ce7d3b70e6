"""Stakeholders, motivational value systems (Relationship Awareness) and blocking patterns."""

from __future__ import annotations

import math
from datetime import date

import pytest
from sqlmodel import func, select

from coachdesk.errors import NotFoundError, ValidationError
from coachdesk.models import (
    BlockingPattern,
    ClientMotivation,
    RelationshipTrend,
    Stakeholder,
    StakeholderRelation,
)
from coachdesk.services import clients, relationships
from coachdesk.services.relationships import MvsRegion, mvs_region, triangle_point

HOSTILE = "<b>&amp; \"double\" 'single' 🙂🚀 مرحبا بالعالم 你好，世界 </b>"


def counts(db) -> tuple[int, ...]:
    with db.session() as s:
        return tuple(s.exec(select(func.count()).select_from(m)).one()
                     for m in (Stakeholder, ClientMotivation, BlockingPattern))


def refused(db, call, *args, field=None, **kwargs) -> str:
    before = counts(db)
    with pytest.raises(ValidationError) as info:
        call(db, *args, **kwargs)
    message = str(info.value)
    assert message[:1].isupper() and message.endswith("."), message
    if field is not None:
        assert info.value.field == field
    assert counts(db) == before
    return message


@pytest.fixture
def client(db):
    return clients.create(db, "Rashid Al-Amin (راشد الأمين)", start_date=date(2026, 1, 5))


# -- the regions and the triangle --------------------------------------------------------


@pytest.mark.parametrize("blue, red, green, region", [
    (100, 0, 0, MvsRegion.blue),
    (0, 100, 0, MvsRegion.red),
    (0, 0, 100, MvsRegion.green),
    (60, 20, 20, MvsRegion.blue),  # blue above 46: out of the Hub; only blue above 33⅓
    (47, 33, 20, MvsRegion.blue),
    (20, 50, 30, MvsRegion.red),
    (15, 35, 50, MvsRegion.red_green),
    (45, 45, 10, MvsRegion.red_blue),  # green below 20: out of the Hub; two above 33⅓
    (50, 0, 50, MvsRegion.blue_green),
    (10, 45, 45, MvsRegion.red_green),
    (34, 33, 33, MvsRegion.hub),
    (40, 40, 20, MvsRegion.hub),  # every one within 20-46
    (46, 34, 20, MvsRegion.hub),  # the bounds are inclusive
    (100 / 3, 100 / 3, 100 / 3, MvsRegion.hub),
    (19, 41, 40, MvsRegion.red_green),  # blue just below the Hub's floor
])
def test_mvs_region(blue, red, green, region):
    assert mvs_region(blue, red, green) == region
    assert region.value in {"Blue", "Red", "Green", "Red-Blue", "Red-Green", "Blue-Green", "Hub"}


def test_every_region_has_a_description():
    assert set(relationships.REGION_DESCRIPTIONS) == set(MvsRegion)
    assert all(text.endswith(".") for text in relationships.REGION_DESCRIPTIONS.values())


def test_triangle_point_places_corners_centre_and_edges():
    h = math.sqrt(3) / 2
    assert triangle_point(100, 0, 0) == pytest.approx((0.5, h))  # Blue at the top
    assert triangle_point(0, 100, 0) == pytest.approx((0.0, 0.0))  # Red bottom left
    assert triangle_point(0, 0, 100) == pytest.approx((1.0, 0.0))  # Green bottom right
    assert triangle_point(100 / 3, 100 / 3, 100 / 3) == pytest.approx((0.5, h / 3))  # centroid
    assert triangle_point(0, 50, 50) == pytest.approx((0.5, 0.0))  # middle of Red-Green side
    assert triangle_point(50, 50, 0) == pytest.approx((0.25, h / 2))
    # y pointing down (Qt): the top corner is at y = 0, the bottom side at √3/2.
    assert triangle_point(100, 0, 0, y_down=True) == pytest.approx((0.5, 0.0))
    assert triangle_point(0, 100, 0, y_down=True) == pytest.approx((0.0, h))
    # Numbers that do not add up to 100 are taken as proportions.
    assert triangle_point(2, 1, 1) == pytest.approx(triangle_point(50, 25, 25))
    with pytest.raises(ValueError):
        triangle_point(0, 0, 0)


def test_hub_points_sit_inside_the_centre():
    cx, cy = triangle_point(100 / 3, 100 / 3, 100 / 3)
    for b, r, g in [(40, 40, 20), (46, 34, 20), (20, 40, 40)]:
        x, y = triangle_point(b, r, g)
        assert math.hypot(x - cx, y - cy) < 0.2


# -- motivational value systems stored -----------------------------------------------------


def test_client_mvs_set_get_replace_clear(db, client):
    assert relationships.client_mvs(db, client.id) is None
    row = relationships.set_client_mvs(db, client.id, 50, "30", 20, notes=HOSTILE)
    assert (row.blue, row.red, row.green, row.notes) == (50, 30, 20, HOSTILE)
    again = relationships.set_client_mvs(db, client.id, 33.4, 33.3, 33.3)
    assert again.id == row.id  # one per client: replaced, not added
    got = relationships.client_mvs(db, client.id)
    assert (got.blue, got.notes) == (33.4, HOSTILE)  # notes left as they were
    assert relationships.Mvs(got.blue, got.red, got.green).region == MvsRegion.hub
    relationships.clear_client_mvs(db, client.id)
    assert relationships.client_mvs(db, client.id) is None
    relationships.clear_client_mvs(db, client.id)  # nothing to clear: fine


@pytest.mark.parametrize("values, field, message", [
    ((50, 30, 10), "blue", "Blue, Red and Green must add up to 100; they add up to 90."),
    ((50, 30, 30), "blue", "Blue, Red and Green must add up to 100; they add up to 110."),
    ((-10, 60, 50), "blue", "Blue must be a number from 0 to 100."),
    ((0, 120, -20), "red", "Red must be a number from 0 to 100."),
    ((50, 50, "lots"), "green", "Green must be a number from 0 to 100."),
    ((50, 50, float("nan")), "green", "Green must be a number from 0 to 100."),
])
def test_mvs_validation(db, client, values, field, message):
    assert refused(db, relationships.set_client_mvs, client.id, *values, field=field) == message


def test_mvs_rounding_in_a_form_is_accepted(db, client):
    row = relationships.set_client_mvs(db, client.id, 33.3, 33.3, 33.3)
    assert row.blue == 33.3


def test_stakeholder_mvs(db, client):
    boss = relationships.add_stakeholder(db, client.id, "Dr Tom O'Brien", relation="manager")
    assert relationships.stakeholder_mvs(boss) is None
    relationships.set_stakeholder_mvs(db, boss.id, 10, 70, 20)
    mvs = relationships.stakeholder_mvs(relationships.get_stakeholder(db, boss.id))
    assert (mvs.blue, mvs.red, mvs.green, mvs.region) == (10, 70, 20, MvsRegion.red)
    assert mvs.point() == pytest.approx(triangle_point(10, 70, 20))
    refused(db, relationships.set_stakeholder_mvs, boss.id, 10, 70, 10, field="blue")
    cleared = relationships.set_stakeholder_mvs(db, boss.id, None, "", None)
    assert relationships.stakeholder_mvs(cleared) is None


# -- stakeholders -------------------------------------------------------------------------


def test_stakeholder_crud_and_order(db, client):
    boss = relationships.add_stakeholder(db, client.id, HOSTILE, role=HOSTILE, relation="manager",
                                         influence=5, relationship_quality="2", trend="worsening",
                                         notes=HOSTILE)
    got = relationships.get_stakeholder(db, boss.id)
    assert (got.name, got.role, got.relation, got.influence, got.relationship_quality,
            got.trend, got.notes) == (HOSTILE.strip(), HOSTILE.strip(),
                                      StakeholderRelation.manager, 5, 2,
                                      RelationshipTrend.worsening, HOSTILE)
    peer = relationships.add_stakeholder(db, client.id, "Ängla Berg", relation="peer", influence=3)
    report = relationships.add_stakeholder(db, client.id, "Aaron Cole",
                                           relation=StakeholderRelation.direct_report, influence=3)
    defaults = relationships.get_stakeholder(db, peer.id)
    assert (defaults.relationship_quality, defaults.trend) == (3, RelationshipTrend.steady)
    # Most influential first, then by name (accents ignored).
    assert [s.id for s in relationships.stakeholders(db, client.id)] == [boss.id, report.id, peer.id]
    updated = relationships.update_stakeholder(db, peer.id, trend="improving", influence=4,
                                               role="Head of Finance")
    assert (updated.trend, updated.influence, updated.role) == (
        RelationshipTrend.improving, 4, "Head of Finance")
    relationships.delete_stakeholder(db, report.id)
    assert [s.id for s in relationships.stakeholders(db, client.id)] == [boss.id, peer.id]
    with pytest.raises(NotFoundError):
        relationships.get_stakeholder(db, report.id)
    with pytest.raises(NotFoundError):
        relationships.add_stakeholder(db, 99999, "Nobody")
    assert set(relationships.RELATION_LABELS) == set(StakeholderRelation)
    assert set(relationships.TREND_LABELS) == set(RelationshipTrend)


@pytest.mark.parametrize("kwargs, field, words", [
    ({"name": ""}, "name", "cannot be empty"),
    ({"relation": "cousin"}, "relation", "must be one of"),
    ({"influence": 0}, "influence", "from 1 to 5"),
    ({"influence": 6}, "influence", "from 1 to 5"),
    ({"influence": 2.5}, "influence", "from 1 to 5"),
    ({"relationship_quality": "good"}, "relationship_quality", "from 1 to 5"),
    ({"trend": "down"}, "trend", "must be one of"),
])
def test_stakeholder_validation(db, client, kwargs, field, words):
    kwargs = {"name": "Katrin Vogel", **kwargs}
    message = refused(db, relationships.add_stakeholder, client.id, kwargs.pop("name"),
                      field=field, **kwargs)
    assert words in message
    assert refused(db, relationships.add_stakeholder, client.id, "X", age=40).startswith("Unknown")


# -- blocking patterns ---------------------------------------------------------------------


def test_blocking_patterns(db, client):
    first = relationships.add_pattern(db, client.id, "Takes over when the team is slow",
                                      when_it_shows="Deadlines, board weeks",
                                      what_it_costs="The team stops proposing; he works nights")
    second = relationships.add_pattern(db, client.id, HOSTILE, HOSTILE, HOSTILE)
    third = relationships.add_pattern(db, client.id, "Says yes to every request")
    assert [p.position for p in relationships.patterns(db, client.id)] == [0, 1, 2]
    got = relationships.patterns(db, client.id)[1]
    assert (got.pattern, got.when_it_shows, got.what_it_costs) == (HOSTILE.strip(), HOSTILE,
                                                                   HOSTILE)
    assert [p.id for p in relationships.move_pattern(db, third.id, -1)] == [
        first.id, third.id, second.id]
    updated = relationships.update_pattern(db, first.id, what_it_costs="")
    assert updated.what_it_costs == "" and updated.pattern.startswith("Takes over")
    refused(db, relationships.update_pattern, first.id, pattern="  ", field="pattern")
    refused(db, relationships.add_pattern, client.id, "", field="pattern")
    refused(db, relationships.update_pattern, first.id, mood="x")
    relationships.delete_pattern(db, second.id)
    assert [p.id for p in relationships.patterns(db, client.id)] == [first.id, third.id]
    other = clients.create(db, "Grace Mensah")
    assert relationships.patterns(db, other.id) == []
