"""GET /api/v1/alerts with its filters; actions over HTTP; the console inbox."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from pantau.people.services import Traveller
from pantau.stays.models import Permit
from pantau.stickers.keys import KeyService
from pantau.wiring import alert_engine, stay_service
from tests.factories import PASSWORD, TEST_ACTOR, make_account


def test_list_filter_and_resolve(app_client, db, accounts, cipher):
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    people = stay_service(db, cipher, TEST_ACTOR)
    t = Traveller("ROE", "JANE", "CAN", date(1979, 2, 3), "F", "C1234567", "P", "CAN", None)
    out = people.register_arrival(
        t,
        permit=Permit.VISA_EXEMPTION,
        checkpoint_code="DPS",
        actor=TEST_ACTOR,
        arrived_at=datetime(2026, 1, 1, 3, tzinfo=UTC),
    )
    alert_engine(db, cipher).sweep()
    acc = make_account(accounts, "petugas.ngr", office="NGR")
    token = app_client.post(
        "/api/v1/auth/token",
        data={"username": "petugas.ngr", "password": PASSWORD, "otp": acc.code()},
    ).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    rows = app_client.get(
        f"/api/v1/alerts?person={out.person.id}&kind=overstay&status=open", headers=h
    ).json()
    assert len(rows) == 1 and rows[0]["office_code"] == "NGR"
    assert app_client.get("/api/v1/alerts?office=MDN", headers=h).json() == []
    assert app_client.get("/api/v1/alerts?status=bogus", headers=h).status_code == 422
    bad = app_client.post(f"/api/v1/alerts/{rows[0]['id']}/explode", json={}, headers=h)
    assert bad.status_code == 404  # one route per action: an unknown action is no route
    done = app_client.post(
        f"/api/v1/alerts/{rows[0]['id']}/resolve", json={"reason": "paid"}, headers=h
    )
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    next_code = acc.code(datetime.fromtimestamp(time.time() + 30, UTC))  # the first is used up
    app_client.post(
        "/login", data={"username": "petugas.ngr", "password": PASSWORD, "otp": next_code}
    )
    page = app_client.get("/console/alerts?status=resolved")
    assert page.status_code == 200 and "overstay" in page.text.lower()
