"""Permits tied to regencies: "seen outside the permitted area" at its edges, on the real GADM 4.1
boundaries (fetched by `make install`), through real stickers and scans."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from shapely.geometry import Point
from shapely.ops import nearest_points

from pantau.alerts.models import Alert
from pantau.alerts.rules import OutsideAreaRule
from pantau.errors import PantauError
from pantau.people.services import Traveller
from pantau.reference.regions import region_index
from pantau.scans.services import ScanService
from pantau.stays.models import Permit, Stay
from pantau.stickers.keys import KeyService
from pantau.stickers.services import DbStickerVerifier
from pantau.wiring import alert_engine, stay_service
from tests.factories import TEST_ACTOR, make_account

BADUNG = "5103"
KUTA = (-8.7220, 115.1720)
DENPASAR = (-8.6500, 115.2160)
SURABAYA = (-7.2575, 112.7521)
KIND = OutsideAreaRule.kind


@pytest.fixture(scope="module")
def edge():
    """Points at a chosen distance outside Kabupaten Badung, on a line from its boundary towards
    central Denpasar (found by bisection on the same distance the rule uses)."""
    index = region_index()
    assert index is not None, "boundaries missing: run `make install` (it fetches them with npm)"
    area = index.area([BADUNG])
    b, _ = nearest_points(area.boundary, Point(DENPASAR[1], DENPASAR[0]))

    def at(metres: float) -> tuple[float, float]:
        if metres <= 0:  # inside: straight on past the boundary point, away from Denpasar
            dlat, dlon = b.y - DENPASAR[0], b.x - DENPASAR[1]
            norm = (dlat**2 + dlon**2) ** 0.5
            step = -metres / 111_320 / norm
            return b.y + dlat * step, b.x + dlon * step
        lo_t, hi_t = 0.0, 1.0
        for _ in range(50):
            mid = (lo_t + hi_t) / 2
            lat = b.y + (DENPASAR[0] - b.y) * mid
            lon = b.x + (DENPASAR[1] - b.x) * mid
            if (index.outside_m([BADUNG], lat, lon) or 0.0) < metres:
                lo_t = mid
            else:
                hi_t = mid
        return lat, lon

    return at


@pytest.fixture
def area_world(db, accounts, cipher):
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    officer = make_account(accounts, "petugas.area", office="NGR").officer
    people = stay_service(db, cipher, TEST_ACTOR)
    engine = alert_engine(db, cipher)
    scans = ScanService(
        db, verifier=DbStickerVerifier(db), hooks=[lambda s, rows: engine.on_scans(rows)]
    )
    t = Traveller("KOWALSKI", "ANNA", "POL", date(1985, 2, 3), "F", "EA1234567", "P", "POL", None)
    out = people.register_arrival(
        t,
        permit=Permit.KITAS,
        checkpoint_code="DPS",
        actor=TEST_ACTOR,
        arrived_at=datetime.now(UTC) - timedelta(days=3),
        months=12,
        allowed_regions=[BADUNG],
    )
    clock = [datetime.now(UTC)]  # the sticker is valid from its issue, just now

    def scan(where, acc=20.0):
        clock[0] += timedelta(seconds=2)
        item = {
            "id": str(uuid.uuid4()),
            "qr_text": out.sticker.qr_text,
            "device_time": clock[0].isoformat(),
            "lat": where[0],
            "lon": where[1],
            "accuracy_m": acc,
            "kind": "check",
            "device": "t",
        }
        [res] = scans.ingest([item], scanner=officer)
        assert res.status == "stored" and res.verdict == "valid", res
        return list(db.scalars(sa.select(Alert).where(Alert.kind == KIND)))

    return {"scan": scan, "stay": out.stay, "people": people}


def test_the_edge_points_are_where_they_claim(edge):
    index = region_index()
    for metres in (150.0, 1000.0):
        assert index.outside_m([BADUNG], *edge(metres)) == pytest.approx(metres, abs=1.0)
    assert index.outside_m([BADUNG], *edge(-60.0)) == 0.0
    inside = edge(-60.0)
    assert area_boundary_m(inside) == pytest.approx(60.0, abs=15.0)


def area_boundary_m(where):
    index = region_index()
    a, _ = nearest_points(index.area([BADUNG]).boundary, Point(where[1], where[0]))
    from pantau.reference.geo import distance_km

    return distance_km((a.y, a.x), where) * 1000


def test_inside_the_permitted_regency_raises_nothing(area_world):
    assert area_world["stay"].allowed_regions == [BADUNG]
    assert area_world["scan"](KUTA) == []


def test_just_outside_within_accuracy_and_margin_raises_nothing(area_world, edge):
    assert area_world["scan"](edge(150.0), acc=50.0) == []
    assert area_world["scan"](edge(500.0), acc=250.0) == []  # 500 <= 250 + 300


def test_clearly_outside_raises_one_alert_and_repeats_add_evidence(area_world, edge):
    [alert] = area_world["scan"](edge(1000.0), acc=20.0)
    assert alert.stay_id == area_world["stay"].id and alert.details["km"] == 1.0
    assert alert.office_code == "DEN"  # seen in Kota Denpasar: its office
    assert "Kabupaten Badung" in alert.summary
    [again] = area_world["scan"](edge(1100.0), acc=20.0)
    [again] = area_world["scan"](SURABAYA, acc=20.0)
    assert again.id == alert.id and len(again.evidence) == 3


def test_jitter_back_and_forth_across_the_edge_raises_nothing(area_world, edge):
    for i in range(12):
        found = area_world["scan"](edge(-60.0) if i % 2 else edge(250.0), acc=30.0)
        assert found == []


def test_unknown_region_codes_are_refused_and_nothing_is_stored(db, area_world):
    before = db.scalar(sa.select(sa.func.count()).select_from(Stay))
    t = Traveller("NOVAK", "JAN", "CZE", date(1979, 4, 5), "M", "CZ7654321", "P", "CZE", None)
    for bad in (["9999"], ["5103", "Badung"]):
        with pytest.raises(PantauError) as err:
            area_world["people"].register_arrival(
                t,
                permit=Permit.KITAS,
                checkpoint_code="DPS",
                actor=TEST_ACTOR,
                months=12,
                allowed_regions=bad,
            )
        assert err.value.code == "unknown_region" and err.value.field == "allowed_regions"
    assert db.scalar(sa.select(sa.func.count()).select_from(Stay)) == before
