"""Heat map by regency: counts per regency with the live map's filters, and the boundaries served
from the fetched GADM 4.1 data (no internet tiles), cached by ETag."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from pantau.people.services import Traveller
from pantau.scans.services import ScanService
from pantau.stays.models import Permit
from pantau.stickers.keys import KeyService
from pantau.stickers.services import DbStickerVerifier
from pantau.wiring import stay_service
from tests.factories import PASSWORD, TEST_ACTOR, make_account


def test_counts_per_regency_filtered_and_boundaries_served(db, accounts, cipher, app_client):
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    officer = make_account(accounts, "spv.heat", office="PST", role="supervisor")
    people = stay_service(db, cipher, TEST_ACTOR)
    stickers = []
    for i, nat in enumerate(["SGP", "AUS"]):
        t = Traveller("TAN", f"P{i}", nat, date(1970, 7, 7), "M", f"K{i}234567", "P", nat, None)
        out = people.register_arrival(
            t,
            permit=Permit.VOA,
            checkpoint_code="DPS",
            actor=TEST_ACTOR,
            arrived_at=datetime.now(UTC) - timedelta(days=1),
        )
        stickers.append(out.sticker.qr_text)
    now = datetime.now(UTC)
    seen = [
        (stickers[0], -8.7220, 115.1720),  # Kuta, Badung
        (stickers[0], -8.7230, 115.1730),  # Kuta again
        (stickers[1], -8.7240, 115.1740),  # another person in Kuta
        (stickers[1], -8.6500, 115.2160),  # Denpasar
        (stickers[1], -5.0, 110.0),  # at sea: no regency, not on the heat map
    ]
    ScanService(db, verifier=DbStickerVerifier(db)).ingest(
        [
            {
                "id": str(uuid.uuid4()),
                "qr_text": qr,
                "device_time": (now + timedelta(seconds=i)).isoformat(),
                "lat": lat,
                "lon": lon,
                "accuracy_m": 10,
                "kind": "check",
                "device": "t",
            }
            for i, (qr, lat, lon) in enumerate(seen)
        ],
        scanner=officer.officer,
    )
    token = app_client.post(
        "/api/v1/auth/token",
        data={"username": "spv.heat", "password": PASSWORD, "otp": officer.code()},
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    res = app_client.get("/api/v1/map/regions?hours=2", headers=auth)
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["boundaries"] is True
    assert body["regions"] == {
        "5103": {"scans": 3, "persons": 2},
        "5171": {"scans": 1, "persons": 1},
    }
    only_sgp = app_client.get("/api/v1/map/regions?hours=2&nationality=SGP", headers=auth).json()
    assert only_sgp["regions"] == {"5103": {"scans": 2, "persons": 1}}
    assert app_client.get("/api/v1/map/regions?hours=0", headers=auth).status_code == 422
    assert app_client.get("/api/v1/map/regions?permit=nope", headers=auth).status_code == 422

    geo = app_client.get("/api/v1/map/regions.geojson", headers=auth)
    assert geo.status_code == 200 and geo.headers["content-type"] == "application/geo+json"
    assert geo.headers["content-encoding"] == "gzip" and len(geo.content) > 100_000
    data = geo.json()
    assert data["attribution"] == "GADM 4.1" and len(data["features"]) > 490
    badung = next(f for f in data["features"] if f["id"] == "5103")
    assert badung["properties"] == {"code": "5103", "name": "Kabupaten Badung", "province": "Bali"}
    again = app_client.get(
        "/api/v1/map/regions.geojson", headers={**auth, "If-None-Match": geo.headers["etag"]}
    )
    assert again.status_code == 304
    assert app_client.get("/api/v1/map/regions.geojson").status_code == 401
