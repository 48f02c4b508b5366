"""Restricted zones: either side of an edge, and GPS jitter across it, without flapping."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from pantau.alerts.geofence import Geofence, GeofenceRule, check_zone, signed_distance_m
from pantau.alerts.models import Alert
from pantau.alerts.rules import RuleContext
from pantau.errors import PantauError
from pantau.people.models import Person
from pantau.scans.models import Scan

# A square around the Bali Provincial Prison area in Kerobokan (illustrative coordinates).
SQUARE = [[-8.6500, 115.1700], [-8.6500, 115.1800], [-8.6600, 115.1800], [-8.6600, 115.1700]]


def zone(**kw):
    base = {"name": "Zona terbatas", "kind": "polygon", "polygon": SQUARE, "office_code": "NGR"}
    return Geofence(**{**base, **kw})


def scan_at(lat, lon, acc, person=None):
    return Scan(
        id=uuid.uuid4(),
        lat=lat,
        lon=lon,
        accuracy_m=acc,
        person_id=person or uuid.uuid4(),
        device_time=datetime.now(UTC),
        serial="IDTEST000000",
    )


def test_either_side_of_the_polygon_edge():
    z = zone()
    edge_lon = 115.1800
    assert signed_distance_m(z, -8.655, edge_lon - 0.0005) < -50  # 55 m inside
    assert signed_distance_m(z, -8.655, edge_lon + 0.0005) > 50  # 55 m outside
    circle = zone(kind="circle", polygon=None, center_lat=-8.655, center_lon=115.175, radius_m=300)
    assert signed_distance_m(circle, -8.655, 115.175) == pytest.approx(-300, abs=1)
    assert signed_distance_m(circle, -8.655, 115.1800) > 0


def test_jitter_across_the_edge_raises_nothing_and_confident_inside_raises_once(db):
    db.add(zone())
    db.flush()
    rule = GeofenceRule()
    ctx = RuleContext(db, datetime.now(UTC))
    person = uuid.uuid4()
    # Five fixes bouncing around the east edge, each with 30 m accuracy: never all inside.
    jitter = [
        scan_at(-8.655, 115.1800 + d, 30, person) for d in (-0.0001, 0.0001, -0.0002, 0.0002, 0)
    ]
    assert rule.on_scans(ctx, jitter) == []
    inside = [scan_at(-8.655, 115.1750, 20, person), scan_at(-8.6551, 115.1751, 20, person)]
    drafts = rule.on_scans(ctx, inside)
    assert len({d.dedup_key for d in drafts}) == 1  # one subject: the engine stores one alert


def test_zone_shapes_are_checked():
    for bad in [
        {"kind": "circle", "radius_m": 0},
        {"kind": "polygon", "polygon": [[1, 2]]},
        {"kind": "triangle"},
    ]:
        with pytest.raises(PantauError):
            check_zone(bad)


def test_engine_stores_one_alert_for_repeated_sightings(db, cipher):
    from pantau.alerts.services import AlertEngine

    db.add(zone())
    db.flush()
    engine = AlertEngine(db, cipher=cipher, rules=[GeofenceRule()])
    someone = Person(
        nationality="FRA",
        sex="F",
        surname=b"x",
        given_names=b"x",
        birth_date=b"x",
        identity_hash=b"\x01" * 32,
    )
    db.add(someone)
    db.flush()
    person = someone.id
    for _ in range(3):
        engine.on_scans([scan_at(-8.655, 115.175, 10, person)])
    rows = db.scalars(sa.select(Alert).where(Alert.kind == "restricted-zone")).all()
    assert len(rows) == 1 and rows[0].office_code == "NGR"
