"""A permit's area set through the arrivals API, and bad codes refused with the field named."""

from __future__ import annotations

import pytest

from pantau.people.mrz import build_td3
from pantau.stickers.keys import KeyService
from tests.factories import PASSWORD, TEST_ACTOR, make_account


@pytest.fixture
def officer_headers(app_client, accounts, db, cipher):
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    acc = make_account(accounts, "petugas.area.api", office="NGR")
    token = app_client.post(
        "/api/v1/auth/token",
        data={"username": "petugas.area.api", "password": PASSWORD, "otp": acc.code()},
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _mrz(number):
    from datetime import date

    return build_td3(
        surname="Lee",
        given_names="Min",
        number=number,
        nationality="KOR",
        birth_date=date(1988, 8, 8),
        sex="M",
        expiry_date=date(2032, 1, 1),
    )


def test_arrival_with_an_area_and_with_bad_codes(app_client, officer_headers):
    body = {"mrz": _mrz("M12345678"), "permit": "kitas", "months": 12, "checkpoint": "DPS"}
    res = app_client.post(
        "/api/v1/arrivals",
        json={**body, "allowed_regions": ["5103", "5171"]},
        headers=officer_headers,
    )
    assert res.status_code == 201, res.text
    assert res.json()["stay"]["allowed_regions"] == ["5103", "5171"]
    for bad in (["0000"], ["Kabupaten Badung"]):
        res = app_client.post(
            "/api/v1/arrivals",
            json={**body, "mrz": _mrz("M99999999"), "allowed_regions": bad},
            headers=officer_headers,
        )
        assert res.status_code == 400, res.text
        assert res.json()["detail"]["code"] == "unknown_region", res.text
        assert "allowed_regions" in res.text
