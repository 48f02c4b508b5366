"""Map data: grid clustering in SQL, filters, office scope."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from pantau.maps.services import cell_size, clustered_scans, track
from pantau.people.services import Traveller
from pantau.scans.services import ScanService
from pantau.stays.models import Permit
from pantau.stickers.keys import KeyService
from pantau.stickers.services import DbStickerVerifier
from pantau.wiring import stay_service
from tests.factories import PASSWORD, TEST_ACTOR, make_account


def test_points_cluster_by_zoom_and_filter(db, accounts, cipher, app_client):
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    officer = make_account(accounts, "petugas.ngr", office="NGR")
    people = stay_service(db, cipher, TEST_ACTOR)
    t = Traveller("TAN", "AH KOW", "SGP", date(1970, 7, 7), "M", "K1234567", "P", "SGP", None)
    out = people.register_arrival(
        t,
        permit=Permit.VOA,
        checkpoint_code="DPS",
        actor=TEST_ACTOR,
        arrived_at=datetime.now(UTC) - timedelta(days=1),
    )
    now = datetime.now(UTC)
    points = [
        (-8.6511, 115.2111),
        (-8.6513, 115.2113),
        (-8.40, 115.19),
    ]  # two in Denpasar, one north
    ScanService(db, verifier=DbStickerVerifier(db)).ingest(
        [
            {
                "id": str(uuid.uuid4()),
                "qr_text": out.sticker.qr_text,
                "device_time": (now - timedelta(minutes=10 * i)).isoformat(),
                "lat": lat,
                "lon": lon,
                "accuracy_m": 10,
                "kind": "check",
                "device": "t",
            }
            for i, (lat, lon) in enumerate(points)
        ],
        scanner=officer.officer,
    )
    since = now - timedelta(hours=2)
    close = clustered_scans(db, since=since, zoom=14)
    far = clustered_scans(db, since=since, zoom=2)
    assert sum(c["count"] for c in close) == 3 and len(close) == 2
    assert len(far) == 1 and far[0]["count"] == 3
    assert clustered_scans(db, since=since, zoom=2, nationality="AUS") == []
    assert clustered_scans(db, since=since, zoom=2, nationality="SGP")[0]["count"] == 3
    assert [p["lat"] for p in track(db, out.person.id)] == [-8.40, -8.6513, -8.6511]
    assert cell_size(0) > cell_size(10) > cell_size(20) > 0
    token = app_client.post(
        "/api/v1/auth/token",
        data={"username": "petugas.ngr", "password": PASSWORD, "otp": officer.code()},
    ).json()["access_token"]
    res = app_client.get(
        "/api/v1/map/scans?hours=2&zoom=2", headers={"Authorization": f"Bearer {token}"}
    )
    assert res.status_code == 200 and res.json()["cells"][0]["count"] == 3
    bad = app_client.get("/api/v1/map/scans?zoom=99", headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422
