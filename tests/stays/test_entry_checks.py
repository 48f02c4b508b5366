"""Entry checks like a real TPI (issue 11): expired and short passports refused with the reason,
a person already in the country asked about, refusals recorded with an official-style reason code
that feeds the statistics.

Bad input tried: the ICAO specimen passport (expired 2012); three months left on a visit; an
unknown refusal code; "other" with no text; a second arrival without an answer to the question."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pantau.stickers.keys import KeyService
from tests.desk import arrive, bearer, mrz
from tests.factories import TEST_ACTOR

# The ICAO 9303 part 4 specimen: ERIKSSON, ANNA MARIA, L898902C3, expired 15 April 2012.
SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)


@pytest.fixture
def officer(app_client, accounts, db, cipher):
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    return bearer(app_client, accounts, "petugas.dps", office="NGR")


def refusals(client, headers):
    return client.get("/api/v1/statistics/refusals?period=year", headers=headers).json()


def test_an_expired_passport_is_refused_with_the_reason(app_client, officer):
    """Reproduction: the ICAO specimen, expired in 2012, was admitted with no word."""
    res = arrive(app_client, officer, mrz=SPECIMEN)
    assert res.status_code == 403, res.text
    detail = res.json()["detail"]
    assert detail["code"] == "passport_expired" and "2012-04-15" in detail["message"]
    assert detail["refusal_id"]
    rows = refusals(app_client, officer)
    assert [(r["nationality"], r["reason"], r["refusals"]) for r in rows] == [
        ("UTO", "invalid-document", 1)
    ]


@pytest.mark.parametrize(("permit", "status"), [("visa-exemption", 403), ("kitas", 201)])
def test_minimum_validity_at_arrival_per_permit(app_client, officer, permit, status):
    """Reproduction: a passport with three months left was admitted for a visit. Visits need six
    months (a setting); a KITAS only a passport that has not expired."""
    short = mrz(expiry=date.today() + timedelta(days=90))
    res = arrive(app_client, officer, mrz=short, permit=permit)
    assert res.status_code == status, res.text
    if status == 403:
        detail = res.json()["detail"]
        assert detail["code"] == "passport_validity"
        assert "6" in detail["message"]


def test_a_person_already_in_the_country_gets_a_question(app_client, officer):
    """Reproduction: a second arrival while a stay was active silently marked the first as
    departed."""
    first = arrive(app_client, officer).json()
    res = arrive(app_client, officer, arrived_at=None)
    assert res.status_code == 409, res.text
    detail = res.json()["detail"]
    assert detail["code"] == "stay_open" and detail["stay"]["id"] == first["stay"]["id"]
    view = app_client.get(
        f"/api/v1/stickers/{first['sticker']['serial']}/view", headers=officer
    ).json()
    assert view["stay_status"] == "active"  # nothing changed
    confirmed = arrive(app_client, officer, arrived_at=None, close_open_stay=True)
    assert confirmed.status_code == 201, confirmed.text
    view = app_client.get(
        f"/api/v1/stickers/{first['sticker']['serial']}/view", headers=officer
    ).json()
    assert view["stay_status"] == "departed"


REASONS = [
    "entry-ban",
    "invalid-document",
    "no-visa",
    "false-statement",
    "no-return-or-means",
    "public-order-health",
    "other",
]


def test_refusals_are_recorded_with_a_reason_code(app_client, officer):
    codes = app_client.get("/api/v1/refusal-reasons", headers=officer).json()
    assert [c["code"] for c in codes] == REASONS
    assert all(c["label_en"] and c["label_id"] for c in codes)
    for number, reason, nationality in [
        ("PA0000001", "no-visa", "AUS"),
        ("PA0000002", "no-visa", "AUS"),
        ("PA0000003", "no-return-or-means", "CHN"),
    ]:
        res = app_client.post(
            "/api/v1/refusals",
            headers=officer,
            json={
                "checkpoint": "DPS",
                "mrz": mrz(number, nationality=nationality),
                "reason": reason,
            },
        )
        assert res.status_code == 201, res.text
    other = app_client.post(
        "/api/v1/refusals",
        headers=officer,
        json={
            "checkpoint": "DPS",
            "mrz": mrz("PA0000004"),
            "reason": "other",
            "text": "Wanted by Interpol (red notice)",
        },
    )
    assert other.status_code == 201, other.text
    rows = {(r["nationality"], r["reason"]): r["refusals"] for r in refusals(app_client, officer)}
    assert rows == {("AUS", "no-visa"): 2, ("CHN", "no-return-or-means"): 1, ("AUS", "other"): 1}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"reason": "looked-suspicious"}, "unknown_refusal_reason"),
        ({"reason": "other"}, "refusal_text_required"),
        ({"reason": "other", "text": "  "}, "refusal_text_required"),
    ],
)
def test_bad_refusals_are_refused(app_client, officer, body, code):
    res = app_client.post(
        "/api/v1/refusals", headers=officer, json={"checkpoint": "DPS", "mrz": mrz(), **body}
    )
    assert res.status_code == 400, res.text
    detail = res.json()["detail"]
    assert detail["code"] == code and detail["message"]
    assert refusals(app_client, officer) == []


def test_statistics_page_shows_refusals_by_reason_and_nationality(app_client, accounts, officer):
    from tests.desk import console
    from tests.factories import make_account

    for number in ("PA0000001", "PA0000002"):
        app_client.post(
            "/api/v1/refusals",
            headers=officer,
            json={"checkpoint": "DPS", "mrz": mrz(number), "reason": "false-statement"},
        )
    acc = make_account(accounts, "spv.pst", role="supervisor", office="PST")
    console(app_client, acc, steps_ahead=0)
    page = app_client.get("/console/statistics").text
    assert "Keterangan palsu" in page  # the reason's Indonesian label
    assert "AUS" in page
