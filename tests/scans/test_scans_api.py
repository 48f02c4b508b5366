"""Scan ingestion: each scan stored once, per-scan verdicts and errors, role limits."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from pantau.people.mrz import build_td3
from pantau.scans.models import Scan
from pantau.stickers.keys import KeyService
from tests.factories import PASSWORD, TEST_ACTOR, make_account


def bearer(client, acc, username):
    data = {"username": username, "password": PASSWORD, "otp": acc.code() if acc.secret else ""}
    return {
        "Authorization": f"Bearer {client.post('/api/v1/auth/token', data=data).json()['access_token']}"
    }


@pytest.fixture
def world(app_client, accounts, db, cipher):
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    officer = bearer(app_client, make_account(accounts, "petugas.dps", office="NGR"), "petugas.dps")
    hotel = bearer(
        app_client,
        make_account(accounts, "hotel.kuta", role="accommodation", with_otp=False),
        "hotel.kuta",
    )
    mrz = build_td3(
        surname="Lee",
        given_names="Min",
        number="M12345678",
        nationality="KOR",
        birth_date=date(1988, 1, 2),
        sex="M",
        expiry_date=date(2032, 1, 1),
    )
    now = datetime.now(UTC)
    arrival = app_client.post(
        "/api/v1/arrivals",
        headers=officer,
        json={
            "mrz": mrz,
            "permit": "visa-exemption",
            "checkpoint": "DPS",
            "arrived_at": (now - timedelta(days=2)).isoformat(),
        },
    ).json()
    return {"officer": officer, "hotel": hotel, "sticker": arrival["sticker"], "now": now}


def scan(qr, **kw):
    now = datetime.now(UTC)
    return {
        "id": str(uuid.uuid4()),
        "qr_text": qr,
        "device_time": now.isoformat(),
        "fix_time": now.isoformat(),
        "lat": -8.72,
        "lon": 115.17,
        "accuracy_m": 12.5,
        "kind": "check",
        "device": "phone-1",
        **kw,
    }


def test_scan_stored_once_and_resend_returns_the_original(app_client, world, db):
    one = scan(world["sticker"]["qr_text"])
    first = app_client.post("/api/v1/scans", json={"scans": [one]}, headers=world["officer"]).json()
    assert first["stored"] == 1 and first["results"][0]["verdict"] == "valid"
    again = app_client.post(
        "/api/v1/scans", json={"scans": [one, one]}, headers=world["officer"]
    ).json()
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert again["results"][0]["verdict"] == "valid"
    assert db.scalar(sa.select(sa.func.count()).select_from(Scan)) == 1
    row = db.scalar(sa.select(Scan).where(Scan.id == uuid.UUID(one["id"])))
    assert row.serial == world["sticker"]["serial"] and row.accuracy_m == 12.5
    assert row.received_at >= row.device_time - timedelta(seconds=5)


def test_bad_scans_are_answered_one_by_one(app_client, world):
    qr = world["sticker"]["qr_text"]
    far_future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    years_ago = (datetime.now(UTC) - timedelta(days=800)).isoformat()
    batch = [
        scan(qr),
        scan(qr, lat=95.0),
        scan(qr, lon="east"),
        scan(qr, accuracy_m=-1),
        scan(qr, device_time=far_future),
        scan(qr, device_time=years_ago),
        scan(qr, kind="teleport"),
        scan(qr, id="not-a-uuid"),
        scan(qr, device_time="2026-11-28T10:00:00"),  # no offset
        scan("HC1:NOT-OURS"),
        scan(qr[:-6] + "AAAAAA"),
    ]
    res = app_client.post("/api/v1/scans", json={"scans": batch}, headers=world["officer"]).json()
    statuses = [r["status"] for r in res["results"]]
    assert statuses == ["stored"] + ["rejected"] * 8 + ["stored", "stored"]
    fields = [r["errors"][0]["field"] for r in res["results"][1:9]]
    assert fields == [
        "lat",
        "lon",
        "accuracy_m",
        "device_time",
        "device_time",
        "kind",
        "id",
        "device_time",
    ]
    # Stickers that are not ours, or forged, are stored too, flagged by their verdict.
    assert res["results"][9]["verdict"] == "not-pantau"
    assert res["results"][10]["verdict"] == "not-genuine"


def test_clock_slightly_off_is_kept_and_flagged(app_client, world, db):
    ahead = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()
    one = scan(world["sticker"]["qr_text"], device_time=ahead)
    res = app_client.post("/api/v1/scans", json=one, headers=world["officer"]).json()
    assert res["results"][0]["flags"] == ["clock-ahead"]
    assert (
        db.scalar(sa.select(Scan).where(Scan.id == uuid.UUID(one["id"])))
        .device_time.isoformat()
        .startswith(ahead[:16])
    )


def test_batch_limits(app_client, world):
    too_many = [scan(world["sticker"]["qr_text"]) for _ in range(1001)]
    assert (
        app_client.post(
            "/api/v1/scans", json={"scans": too_many}, headers=world["officer"]
        ).status_code
        == 413
    )
    assert (
        app_client.post("/api/v1/scans", json={"scans": []}, headers=world["officer"]).status_code
        == 422
    )
    assert (
        app_client.post("/api/v1/scans", json={"scans": [1, "x"]}, headers=world["officer"]).json()[
            "rejected"
        ]
        == 2
    )


def test_hotel_check_in_gets_a_receipt_and_sees_validity_only(app_client, world):
    one = scan(world["sticker"]["qr_text"], kind="check-in")
    res = app_client.post("/api/v1/scans", json=one, headers=world["hotel"]).json()["results"][0]
    assert res["receipt"].startswith("APOA-")
    view = app_client.get(
        f"/api/v1/stickers/{world['sticker']['serial']}/view", headers=world["hotel"]
    ).json()
    assert set(view) == {"serial", "status", "stay_status", "last_day", "valid"}
    assert (
        app_client.get(
            f"/api/v1/scans?sticker={world['sticker']['serial']}", headers=world["hotel"]
        ).status_code
        == 403
    )
    officer_view = app_client.get(
        f"/api/v1/stickers/{world['sticker']['serial']}/view", headers=world["officer"]
    ).json()
    assert officer_view["name"] == "MIN LEE" and "movements" in officer_view


def test_list_a_stickers_scans(app_client, world):
    for _ in range(3):
        app_client.post(
            "/api/v1/scans", json=scan(world["sticker"]["qr_text"]), headers=world["officer"]
        )
    rows = app_client.get(
        f"/api/v1/scans?sticker={world['sticker']['serial']}", headers=world["officer"]
    ).json()
    assert len(rows) == 3 and rows[0]["scanner_role"] == "officer"


def test_no_anonymous_scans(app_client, world):
    assert app_client.post("/api/v1/scans", json=scan("x")).status_code == 401
