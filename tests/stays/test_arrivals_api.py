"""Arrival at the checkpoint through the API: sticker issued and verifiable offline, bans refused
and counted, returning persons matched, extensions and departures on the status list."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa
from cryptography import x509

from pantau.audit.models import AuditEvent
from pantau.people.models import Person
from pantau.people.mrz import build_td3
from pantau.stickers.documents import StatusCache, TrustList
from pantau.stickers.keys import KeyService
from pantau.stickers.token import Outcome
from pantau.stickers.verify import binding_matches, verify_token
from tests.factories import PASSWORD, TEST_ACTOR, make_account

MRZ = build_td3(
    surname="Smith",
    given_names="Jane",
    number="PA1234567",
    nationality="AUS",
    birth_date=date(1990, 5, 17),
    sex="F",
    expiry_date=date(2031, 1, 1),
)


WITA = timezone(timedelta(hours=8))


def recent_arrival() -> datetime:
    """Yesterday 10:00 at Ngurah Rai: stickers are signed when issued (now), so a test that verifies
    one "today" must arrive close to today, whatever the date the suite runs on."""
    return datetime.combine(datetime.now(WITA).date() - timedelta(days=1), time(10), WITA)


@pytest.fixture
def officer_headers(app_client, accounts, db, cipher):
    KeyService(db, cipher=cipher).init(["DPS", "CGK"], actor=TEST_ACTOR)
    acc = make_account(accounts, "petugas.dps", office="NGR")
    token = app_client.post(
        "/api/v1/auth/token",
        data={"username": "petugas.dps", "password": PASSWORD, "otp": acc.code()},
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def arrive(client, headers, mrz=MRZ, **extra):
    body = {
        "mrz": mrz,
        "permit": "voa",
        "checkpoint": "DPS",
        "arrived_at": "2026-11-28T10:00:00+08:00",
        **extra,
    }
    return client.post("/api/v1/arrivals", json=body, headers=headers)


def trust_and_status(client, headers, since=0):
    root = x509.load_pem_x509_certificate(client.get("/api/v1/trust-list/root").content)
    trust = TrustList.from_document(client.get("/api/v1/trust-list", headers=headers).json(), root)
    cache = StatusCache()
    cache.apply(client.get(f"/api/v1/status-list?since={since}", headers=headers).json(), root)
    return trust, cache


def test_arrival_issues_a_sticker_that_verifies_offline(app_client, officer_headers, db):
    arrived = recent_arrival()
    res = arrive(app_client, officer_headers, arrived_at=arrived.isoformat())
    assert res.status_code == 201, res.text
    body = res.json()
    # VOA, 30 days, the arrival day is day 1.
    assert body["stay"]["last_day"] == (arrived.date() + timedelta(days=29)).isoformat()
    trust, cache = trust_and_status(app_client, officer_headers)
    result = verify_token(body["sticker"]["qr_text"], trust, cache, at=datetime.now(UTC))
    assert result.outcome is Outcome.VALID and result.claims.serial == body["sticker"]["serial"]
    assert binding_matches(
        result.claims, document_number="PA1234567", nationality="AUS", birth_date=date(1990, 5, 17)
    )
    # The person's name and passport number are not stored in clear.
    person = db.get(Person, body["person_id"])
    assert b"SMITH" not in person.surname
    tags = db.scalars(sa.select(AuditEvent.tag).where(AuditEvent.target == f"person:{person.id}"))
    assert "people:arrival:register" in list(tags)


def test_same_passport_is_the_same_person(app_client, officer_headers):
    first = arrive(app_client, officer_headers).json()
    # The first stay has no recorded departure: the officer confirms it ended.
    again = arrive(
        app_client, officer_headers, arrived_at="2027-02-01T10:00:00+08:00", close_open_stay=True
    ).json()
    assert again["person_id"] == first["person_id"] and again["new_person"] is False


def test_new_passport_is_offered_as_a_possible_match(app_client, officer_headers):
    first = arrive(app_client, officer_headers).json()
    renewed = build_td3(
        surname="Smith",
        given_names="Jane",
        number="PB7654321",
        nationality="AUS",
        birth_date=date(1990, 5, 17),
        sex="F",
        expiry_date=date(2036, 1, 1),
    )
    res = arrive(app_client, officer_headers, mrz=renewed)
    assert res.status_code == 409
    detail = res.json()["detail"]
    assert detail["code"] == "possible_match"
    assert detail["candidates"][0]["person_id"] == first["person_id"]
    assert "SMITH" not in res.text  # the question shows no name
    confirmed = arrive(
        app_client, officer_headers, mrz=renewed, match=first["person_id"], close_open_stay=True
    )
    assert confirmed.status_code == 201 and confirmed.json()["person_id"] == first["person_id"]


def test_banned_person_is_refused_and_counted(app_client, officer_headers):
    ban = app_client.post(
        "/api/v1/bans",
        headers=officer_headers,
        json={
            "surname": "SMITH",
            "given_names": "JANE",
            "nationality": "AUS",
            "passport_number": "PA1234567",
            "starts_on": "2026-01-01",
            "ends_on": None,
            "legal_basis": "UU 63/2024 Pasal 102",
            "reason": "deported 2025",
        },
    )
    assert ban.status_code == 201, ban.text
    res = arrive(app_client, officer_headers)
    assert res.status_code == 403
    assert res.json()["detail"]["code"] == "entry_banned"
    stats = app_client.get("/api/v1/statistics/refusals", headers=officer_headers).json()
    row = {"period": "2026-11", "nationality": "AUS", "checkpoint": "DPS", "refusals": 1}
    assert {**row, "reason": "entry-ban"} in stats


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (
            {"mrz": MRZ.replace("PA1234567", "PA1234568"), "permit": "voa", "checkpoint": "DPS"},
            422,
            "document_number_check",
        ),
        ({"mrz": MRZ, "permit": "voa", "checkpoint": "XXX"}, 404, "checkpoint"),
        ({"mrz": MRZ, "permit": "kitas", "checkpoint": "DPS", "months": 7}, 400, "months"),
        ({"permit": "voa", "checkpoint": "DPS"}, 422, "mrz"),
    ],
)
def test_bad_arrivals_are_refused_with_the_field(app_client, officer_headers, body, status, field):
    res = app_client.post("/api/v1/arrivals", json=body, headers=officer_headers)
    assert res.status_code == status, res.text
    assert res.json()["detail"]["field"] == field


def test_unknown_permit_is_a_422(app_client, officer_headers):
    res = app_client.post(
        "/api/v1/arrivals",
        headers=officer_headers,
        json={"mrz": MRZ, "permit": "tourist", "checkpoint": "DPS"},
    )
    assert res.status_code == 422 and "permit" in res.text


def test_extension_and_departure_reach_the_status_list(app_client, officer_headers):
    arrived = recent_arrival()
    body = arrive(app_client, officer_headers, arrived_at=arrived.isoformat()).json()
    stay_id, serial = body["stay"]["id"], body["sticker"]["serial"]
    extended = arrived.date() + timedelta(days=59)  # VOA: one extension of 30 days
    paid = {"fee": 500_000, "receipt_number": "SIMPONI-0001"}
    ext = app_client.post(f"/api/v1/stays/{stay_id}/extend", json=paid, headers=officer_headers)
    assert ext.status_code == 200 and ext.json()["last_day"] == extended.isoformat()
    again = app_client.post(f"/api/v1/stays/{stay_id}/extend", json=paid, headers=officer_headers)
    assert again.status_code == 400 and again.json()["detail"]["code"] == "no_extension"
    trust, cache = trust_and_status(app_client, officer_headers)
    assert cache.last_day[serial] == extended
    # Past the first 30 days, within the extension: the phone's cached status list says valid.
    later = datetime.combine(arrived.date() + timedelta(days=32), time(12), WITA)
    result = verify_token(body["sticker"]["qr_text"], trust, cache, at=later)
    assert result.valid and result.last_day == extended
    dep = app_client.post(
        "/api/v1/departures",
        headers=officer_headers,
        json={"checkpoint": "DPS", "qr_text": body["sticker"]["qr_text"]},
    )
    assert dep.status_code == 200 and dep.json()["status"] == "departed"
    twice = app_client.post(
        "/api/v1/departures",
        headers=officer_headers,
        json={"checkpoint": "DPS", "qr_text": body["sticker"]["qr_text"]},
    )
    assert twice.status_code == 409


def test_accommodation_cannot_register_arrivals(app_client, accounts, officer_headers):
    make_account(accounts, "hotel.x", role="accommodation", with_otp=False)
    token = app_client.post(
        "/api/v1/auth/token", data={"username": "hotel.x", "password": PASSWORD}
    ).json()["access_token"]
    res = app_client.post(
        "/api/v1/arrivals",
        headers={"Authorization": f"Bearer {token}"},
        json={"mrz": MRZ, "permit": "voa", "checkpoint": "DPS"},
    )
    assert res.status_code == 403


def test_extensions_count_from_the_local_arrival_day(app_client, officer_headers):
    """Arrived at 00:30 WITA on 28 November (16:30 UTC on the 27th): a visit visa's 180 days count
    from the 28th, the day on the checkpoint's calendar, not the UTC date."""
    body = arrive(
        app_client, officer_headers, permit="visit-visa", arrived_at="2026-11-28T00:30:00+08:00"
    )
    assert body.status_code in (200, 201), body.text
    stay = body.json()["stay"]
    assert stay["last_day"] == "2027-01-26"  # day 60, counting the 28th as day 1
    last = None
    for _ in range(2):
        res = app_client.post(
            f"/api/v1/stays/{stay['id']}/extend",
            json={"fee": 2_000_000, "receipt_number": "SIMPONI-0002"},
            headers=officer_headers,
        )
        assert res.status_code == 200, res.text
        last = res.json()["last_day"]
    assert last == "2027-05-26"  # day 180 from 28 November, not from the 27th
