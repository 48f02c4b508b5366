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


def test_a_cluster_opens_as_its_sightings_with_places_and_local_times(
    db, accounts, cipher, app_client
):
    """A cell of the live map lists its scans: regency and province by name, time in WITA, a link
    to the person. Bad inputs tried: a box upside down (south north of north), a latitude of 91."""
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    officer = make_account(accounts, "spv.cells", office="PST", role="supervisor")
    people = stay_service(db, cipher, TEST_ACTOR)
    t = Traveller("LEE", "MAY", "SGP", date(1980, 1, 2), "F", "K7654321", "P", "SGP", None)
    out = people.register_arrival(
        t,
        permit=Permit.VOA,
        checkpoint_code="DPS",
        actor=TEST_ACTOR,
        arrived_at=datetime.now(UTC) - timedelta(days=1),
    )
    seen = datetime.now(UTC)  # not before the sticker was signed
    wita = (seen + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M WITA")  # Bali is UTC+8
    ScanService(db, verifier=DbStickerVerifier(db)).ingest(
        [
            {
                "id": str(uuid.uuid4()),
                "qr_text": out.sticker.qr_text,
                "device_time": seen.isoformat(),
                "lat": -8.5069,  # Ubud, Gianyar
                "lon": 115.2625,
                "accuracy_m": 10,
                "kind": "check",
                "device": "t",
            }
        ],
        scanner=officer.officer,
    )
    token = app_client.post(
        "/api/v1/auth/token",
        data={"username": "spv.cells", "password": PASSWORD, "otp": officer.code()},
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    hours = 1
    cells = app_client.get(f"/api/v1/map/scans?hours={hours}&zoom=9", headers=auth).json()
    cell = next(c for c in cells["cells"] if abs(c["lat"] + 8.5069) < 1e-3)
    size = cells["cell"]
    box = {
        "south": cell["gy"] * size,
        "north": (cell["gy"] + 1) * size,
        "west": cell["gx"] * size,
        "east": (cell["gx"] + 1) * size,
        "hours": hours,
    }
    got = app_client.get("/api/v1/map/sightings", params=box, headers=auth)
    assert got.status_code == 200
    [s] = got.json()["sightings"]
    assert s["place"] == "Kabupaten Gianyar, Bali"
    assert s["local"] == wita
    assert s["person"] == str(out.person.id), (s["verdict"], s["kind"])
    assert track(db, out.person.id)[-1]["place"] == "Kabupaten Gianyar, Bali"
    upside = {**box, "south": box["north"] + 1}
    bad = app_client.get("/api/v1/map/sightings", params=upside, headers=auth)
    assert bad.status_code == 422 and "selatan" in bad.json()["detail"]["message"]
    bad = app_client.get("/api/v1/map/sightings", params={**box, "north": 91}, headers=auth)
    assert bad.status_code == 422


def test_base_map_is_public_compressed_and_cached(app_client):
    """Natural Earth land at three scales, no account needed (the report form draws it). Bad
    inputs tried: a scale that does not exist."""
    small = app_client.get("/maps/base/110m.geojson", headers={"Accept-Encoding": "gzip"})
    assert small.status_code == 200
    assert small.headers["content-encoding"] == "gzip"
    names = {f["properties"]["name"] for f in small.json()["features"]}
    assert {"Indonesia", "Malaysia", "Papua New Guinea", "Timor-Leste"} <= names
    again = app_client.get(
        "/maps/base/110m.geojson", headers={"If-None-Match": small.headers["etag"]}
    )
    assert again.status_code == 304
    fine = app_client.get("/maps/base/10m.geojson")
    assert len(fine.content) > 10 * len(small.content)  # more detail when zoomed in
    assert app_client.get("/maps/base/1m.geojson").status_code == 422
    labels = app_client.get("/maps/labels.json").json()
    if labels["provinces"]:  # with the boundaries installed
        assert "Bali" in {p["name"] for p in labels["provinces"]}
        assert "Denpasar" in {c["name"] for c in labels["cities"]}


def test_places_and_clocks():
    from pantau.reference.places import checkpoint_name, local_time, zone_of_region

    at = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    assert [zone_of_region(c) for c in ("3171", "5104", "7371", "9471", None)] == [
        "WIB",
        "WITA",
        "WITA",
        "WIT",
        "WIB",
    ]
    assert local_time(at, "WIT") == "2026-01-01 09:30 WIT"
    assert checkpoint_name("CGK", "Soekarno-Hatta, Tangerang", "airport").startswith("Bandara")
    assert checkpoint_name("XXX", "Sekupang", "seaport") == "Pelabuhan Sekupang"
