"""Alert rules at their edges, on a real database with real stickers and scans."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from pantau.accounts.models import Officer
from pantau.alerts.models import Alert
from pantau.alerts.rules import ImpossibleTravelRule, OverstayRule, RuleContext
from pantau.alerts.services import AlertEngine, AlertService
from pantau.errors import PantauError
from pantau.people.services import Traveller
from pantau.scans.models import Scan
from pantau.scans.services import ScanService
from pantau.stays.models import Permit
from pantau.stickers.keys import KeyService
from pantau.stickers.services import DbStickerVerifier
from pantau.wiring import alert_engine, stay_service
from tests.factories import TEST_ACTOR, make_account

TZ = {"DPS": ("WITA", 8), "CGK": ("WIB", 7), "DJJ": ("WIT", 9)}


@pytest.fixture
def world(db, accounts, cipher):
    KeyService(db, cipher=cipher).init(["DPS", "CGK", "DJJ", "KNO"], actor=TEST_ACTOR)
    officer = make_account(accounts, "petugas.x", office="NGR").officer
    people = stay_service(db, cipher, TEST_ACTOR)
    engine = alert_engine(db, cipher)
    scans = ScanService(
        db, verifier=DbStickerVerifier(db), hooks=[lambda s, rows: engine.on_scans(rows)]
    )

    def arrive(checkpoint="DPS", arrived=datetime(2026, 3, 1, 2, 0, tzinfo=UTC), n=1):
        t = Traveller("DOE", "JOHN", "USA", date(1980, 1, n), "M", f"X{n:07d}", "P", "USA", None)
        return people.register_arrival(
            t,
            permit=Permit.VISA_EXEMPTION,
            checkpoint_code=checkpoint,
            actor=TEST_ACTOR,
            arrived_at=arrived,
        )

    def scan(out, at, lat, lon, acc=20.0):
        item = {
            "id": str(uuid.uuid4()),
            "qr_text": out.sticker.qr_text,
            "device_time": at.isoformat(),
            "lat": lat,
            "lon": lon,
            "accuracy_m": acc,
            "kind": "check",
            "device": "t",
        }
        return scans.ingest([item], scanner=officer)[0]

    return {"arrive": arrive, "scan": scan, "engine": engine, "officer": officer, "db": db}


def alerts(db, kind):
    return list(db.scalars(sa.select(Alert).where(Alert.kind == kind)))


@pytest.mark.parametrize("checkpoint", list(TZ))
def test_overstay_starts_at_local_midnight_after_the_last_day(world, checkpoint):
    out = world["arrive"](checkpoint)
    last = out.stay.last_day
    assert last == date(2026, 3, 30)
    offset = TZ[checkpoint][1]
    at_2330 = datetime(2026, 3, 30, 23, 30, tzinfo=UTC) - timedelta(hours=offset)
    at_0030 = datetime(2026, 3, 31, 0, 30, tzinfo=UTC) - timedelta(hours=offset)
    world["engine"].sweep(now=at_2330)
    assert alerts(world["db"], "overstay") == []  # still the last day, locally
    assert len(alerts(world["db"], "permit-ending")) == 1
    world["engine"].sweep(now=at_0030)
    [alert] = alerts(world["db"], "overstay")
    assert alert.details["days"] == 1 and alert.details["fee"] == 1_000_000
    assert alert.office_code == out.stay.office_code
    world["engine"].sweep(now=at_0030 + timedelta(days=1))  # a second sweep updates, never doubles
    [again] = alerts(world["db"], "overstay")
    assert again.id == alert.id and again.details["days"] == 2


def test_overstay_of_sixty_days_calls_for_deportation(world):
    out = world["arrive"]()
    draft = OverstayRule()._draft(
        RuleContext(world["db"], datetime(2026, 5, 29, 6, tzinfo=UTC)), out.stay, []
    )
    assert (
        draft.details["days"] == 60 and draft.details["deportation"] and draft.details["fee"] == 0
    )


def _scan_row(lat, lon, at, acc=20.0):
    return Scan(lat=lat, lon=lon, device_time=at, accuracy_m=acc)


@pytest.mark.parametrize(("minutes", "impossible"), [(110, False), (30, True)])
def test_jakarta_denpasar_flight(minutes, impossible):
    rule = ImpossibleTravelRule()
    t0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    cgk = _scan_row(-6.1256, 106.6559, t0)
    dps = _scan_row(-8.7482, 115.1672, t0 + timedelta(minutes=minutes))
    speed = rule.required_kmh(cgk, dps)
    assert (speed > rule.max_kmh) is impossible


def test_gps_jitter_in_one_town_is_not_travel():
    rule = ImpossibleTravelRule()
    t0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    a = _scan_row(-8.70, 115.17, t0, acc=3000)
    b = _scan_row(-8.72, 115.18, t0 + timedelta(seconds=20), acc=3000)
    assert rule.required_kmh(a, b) is None


def test_copied_sticker_in_medan_and_denpasar_raises_one_alert_at_the_right_office(world):
    out = world["arrive"](arrived=datetime.now(UTC) - timedelta(days=2))
    t0 = datetime.now(UTC) - timedelta(hours=3)
    world["scan"](out, t0, 3.5952, 98.6722)  # Medan
    world["scan"](out, t0 + timedelta(hours=1), -8.6705, 115.2126)  # Denpasar, an hour later
    world["scan"](out, t0 + timedelta(hours=1, minutes=5), -8.6710, 115.2130)  # and again
    found = alerts(world["db"], "impossible-travel")
    assert len(found) == 1
    assert found[0].office_code == "DEN"  # its working area holds Kota Denpasar, where it was seen
    assert len(found[0].evidence) >= 2


def test_revoked_and_departed_stickers_seen(world, cipher):
    out = world["arrive"](arrived=datetime.now(UTC) - timedelta(days=2), n=2)
    people = stay_service(world["db"], cipher, TEST_ACTOR)
    people.depart(out.stay, checkpoint_code="CGK", actor=TEST_ACTOR)
    res = world["scan"](out, datetime.now(UTC), -8.65, 115.21)
    assert res.verdict == "departed"
    assert len(alerts(world["db"], "seen-after-departure")) == 1
    other = world["arrive"](arrived=datetime.now(UTC) - timedelta(days=2), n=3)
    people.stickers.revoke(other.sticker, reason="deported", actor=TEST_ACTOR)
    world["scan"](other, datetime.now(UTC), -8.65, 115.21)
    assert len(alerts(world["db"], "revoked-sticker-seen")) == 1


def test_a_failing_rule_does_not_stop_the_others(world, db):
    class Broken(OverstayRule):
        kind = "broken"

        def sweep(self, ctx):
            raise RuntimeError("boom")

    out = world["arrive"]()
    engine = AlertEngine(db, rules=[Broken(), OverstayRule()])
    stored = engine.sweep(now=datetime(2026, 4, 5, 5, tzinfo=UTC))
    assert [a.kind for a in stored] == ["overstay"] and stored[0].stay_id == out.stay.id


def test_workflow_and_office_scope(world, db, accounts):
    world["arrive"]()
    world["engine"].sweep(now=datetime(2026, 4, 5, 5, tzinfo=UTC))
    [alert] = alerts(db, "overstay")
    service = AlertService(db)
    elsewhere: Officer = make_account(accounts, "petugas.mdn", office="MDN").officer
    assert service.list(elsewhere) == []
    with pytest.raises(PantauError):
        service.act(alert.id, "resolve", officer=elsewhere, actor=TEST_ACTOR)
    mine = world["officer"]
    with pytest.raises(PantauError) as exc:
        service.act(alert.id, "dismiss", officer=mine, actor=TEST_ACTOR, reason="")
    assert exc.value.code == "reason_required"
    service.act(alert.id, "acknowledge", officer=mine, actor=TEST_ACTOR)
    done = service.act(alert.id, "resolve", officer=mine, actor=TEST_ACTOR, reason="fee paid")
    assert done.status == "resolved" and done.closed_by == mine.id
    with pytest.raises(PantauError) as exc:
        service.act(alert.id, "acknowledge", officer=mine, actor=TEST_ACTOR)
    assert exc.value.code == "bad_transition"
