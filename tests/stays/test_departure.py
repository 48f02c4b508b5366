"""The whole stay at the checkpoint desk (issue 11): an exit scan by immigration staff at a
checkpoint closes the stay, the departure reaches the status list, the sweep never raises an
overstay against someone who left, and other roles cannot send exit scans.

Bad input tried: an exit scan by an accommodation account and by a TIMPORA partner (403, nothing
stored); an exit scan far from any checkpoint (stored, stay left open, flagged); a second exit
scan of a departed sticker (no change); a departure page with an unreadable MRZ and with a
passport never seen (4xx with the reason, nothing changed)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pantau.alerts.services import AlertEngine
from pantau.stickers.keys import KeyService
from tests.desk import (
    DPS,
    KUTA,
    arrive,
    bearer,
    console,
    days_ago,
    mrz,
    post_scans,
    scan,
    status_cache,
    token_for,
)
from tests.factories import TEST_ACTOR, make_account

UBUD = (-8.5069, 115.2625)  # 28 km from the airport: no checkpoint there


@pytest.fixture
def desk(app_client, accounts, db, cipher):
    KeyService(db, cipher=cipher).init(["DPS", "CGK"], actor=TEST_ACTOR)
    officer = bearer(app_client, accounts, "petugas.dps", office="NGR")
    res = arrive(app_client, officer)
    assert res.status_code == 201, res.text
    return {"officer": officer, "arrival": res.json(), "client": app_client}


def view(client, headers, serial):
    res = client.get(f"/api/v1/stickers/{serial}/view", headers=headers)
    assert res.status_code == 200, res.text
    return res.json()


def test_exit_scan_by_the_desk_officer_closes_the_stay(app_client, desk, db, cipher):
    """Reproduction: the exit scan was stored as a scan only; the stay stayed active and the sweep
    raised "Overstay ... fee" after its last day against someone who had gone."""
    sticker, officer = desk["arrival"]["sticker"], desk["officer"]
    res = post_scans(app_client, officer, scan(sticker["qr_text"], at=DPS, kind="exit"))
    assert res.status_code == 200, res.text
    result = res.json()["results"][0]
    assert result["status"] == "stored" and result["departure"] == "DPS"
    shown = view(app_client, officer, sticker["serial"])
    assert shown["stay_status"] == "departed" and shown["valid"] is False

    # A sweep well after the old last day raises nothing against the departed stay.
    last_day = desk["arrival"]["stay"]["last_day"]
    later = days_ago(-40)
    assert later.date().isoformat() > last_day
    AlertEngine(db, cipher=cipher).sweep(now=later)
    person = desk["arrival"]["person_id"]
    alerts = app_client.get(f"/api/v1/alerts?person={person}", headers=officer).json()
    assert [a for a in alerts if a["kind"] in ("overstay", "permit-ending")] == []

    # An offline phone learns the departure from the status list.
    _, cache = status_cache(app_client, officer)
    assert sticker["serial"] in cache.revoked
    assert cache.reasons[sticker["serial"]] == "departed"

    # A later scan says the holder departed; a second exit scan changes nothing.
    again = post_scans(app_client, officer, scan(sticker["qr_text"], at=DPS)).json()
    assert again["results"][0]["verdict"] == "departed"
    twice = post_scans(app_client, officer, scan(sticker["qr_text"], at=DPS, kind="exit")).json()
    assert twice["results"][0]["verdict"] == "departed"
    assert twice["results"][0]["departure"] is None


@pytest.mark.parametrize(("role", "office"), [("accommodation", "NGR"), ("partner", "DEN")])
def test_exit_scans_from_other_roles_are_refused(app_client, accounts, desk, role, office):
    """Reproduction: an accommodation account could send `exit` scans. Hotels and partners record
    where a person stays, never a departure (DOMAIN.md): a clear 403, nothing stored."""
    other = bearer(app_client, accounts, f"{role}.x", role=role, office=office, with_otp=False)
    sticker = desk["arrival"]["sticker"]
    res = post_scans(app_client, other, scan(sticker["qr_text"], at=KUTA, kind="exit"))
    assert res.status_code == 403, res.text
    detail = res.json()["detail"]
    assert detail["code"] == "exit_not_allowed"
    assert "departure" in detail["message"].lower() or "keberangkatan" in detail["message"].lower()
    stored = app_client.get(
        f"/api/v1/scans?sticker={sticker['serial']}", headers=desk["officer"]
    ).json()
    assert stored == []
    assert view(app_client, desk["officer"], sticker["serial"])["stay_status"] == "active"
    # Their ordinary scans still work.
    ok = post_scans(app_client, other, scan(sticker["qr_text"], at=KUTA, kind="check"))
    assert ok.status_code == 200 and ok.json()["stored"] == 1


def test_exit_scan_away_from_any_checkpoint_does_not_close_the_stay(app_client, desk):
    sticker, officer = desk["arrival"]["sticker"], desk["officer"]
    res = post_scans(app_client, officer, scan(sticker["qr_text"], at=UBUD, kind="exit")).json()
    result = res["results"][0]
    assert result["status"] == "stored" and result["departure"] is None
    assert "exit-away-from-checkpoint" in result["flags"]
    assert view(app_client, officer, sticker["serial"])["stay_status"] == "active"


def test_departure_page_by_mrz(app_client, accounts, db, cipher):
    """The console records a departure from the passport's MRZ (no sticker at hand)."""
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    acc = make_account(accounts, "petugas.dps", office="NGR")
    headers = token_for(app_client, acc)
    arrival = arrive(app_client, headers).json()
    csrf = console(app_client, acc, page="/console/departures")
    form = app_client.get("/console/departures").text
    assert 'name="mrz"' in form and 'name="qr_text"' in form
    res = app_client.post(
        "/console/departures", data={"csrf_token": csrf, "checkpoint": "DPS", "mrz": mrz()}
    )
    assert res.status_code == 200, res.text
    assert "Keberangkatan dicatat" in res.text  # "Departure recorded", default language
    shown = view(app_client, headers, arrival["sticker"]["serial"])
    assert shown["stay_status"] == "departed"

    unknown = app_client.post(
        "/console/departures",
        data={"csrf_token": csrf, "checkpoint": "DPS", "mrz": mrz("PZ0000001")},
    )
    assert unknown.status_code == 404
    assert "Tidak ada izin tinggal" in unknown.text
    garbled = app_client.post(
        "/console/departures", data={"csrf_token": csrf, "checkpoint": "DPS", "mrz": "P<AUS"}
    )
    assert garbled.status_code in (400, 422)


def test_extension_page_records_office_fee_and_receipt(app_client, accounts, db, cipher):
    """An extension at an office with its fee and receipt number; the new last day reaches the
    status list. A missing receipt number is refused and nothing changes."""
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    acc = make_account(accounts, "petugas.dps", office="NGR")
    headers = token_for(app_client, acc)
    arrival = arrive(app_client, headers, permit="voa").json()
    stay_id, serial = arrival["stay"]["id"], arrival["sticker"]["serial"]
    page = f"/console/stays/{stay_id}/extend"
    csrf = console(app_client, acc, page=page)
    missing = app_client.post(page, data={"csrf_token": csrf, "fee": "500000", "receipt": ""})
    assert missing.status_code == 400 and "kuitansi" in missing.text.lower()
    res = app_client.post(
        page,
        data={"csrf_token": csrf, "fee": "500000", "receipt": "SIMPONI-820112", "office": "NGR"},
        follow_redirects=False,
    )
    assert res.status_code in (200, 303), res.text
    old = arrival["stay"]["last_day"]
    _, cache = status_cache(app_client, headers)
    assert cache.last_day[serial] == days_ago(2).date() + timedelta(days=59), old
    person_page = app_client.get(f"/console/people/{arrival['person_id']}").text
    assert "SIMPONI-820112" in person_page


def test_extension_api_needs_the_fee_and_receipt(app_client, desk):
    stay_id = desk["arrival"]["stay"]["id"]
    res = app_client.post(f"/api/v1/stays/{stay_id}/extend", json={}, headers=desk["officer"])
    assert res.status_code == 422 and "receipt" in res.text
