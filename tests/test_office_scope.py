"""Office scope on writes and person reads (issue #12): each finding of the independent test,
reproduced over HTTP. An object of another office answers 404, as a missing one would, and
nothing changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from pantau.audit.models import AuditEvent
from pantau.cases.models import Action
from pantau.people.mrz import build_td3
from pantau.stays.models import Stay, StayStatus
from pantau.stickers.models import Sticker, StickerStatus
from tests.world import build_world, console, login


@pytest.fixture
def world(db, accounts, cipher):
    return build_world(db, accounts, cipher)


@pytest.fixture
def mdn(world):
    return world["MDN"].logins["officer"]


def _unchanged(db, office):
    db.expire_all()
    stay = db.get(Stay, office.stay.id)
    sticker = db.get(Sticker, office.sticker.serial)
    return stay.status is StayStatus.ACTIVE and sticker.status is StickerStatus.ACTIVE


@pytest.mark.parametrize("kind", ["permit-cancellation", "deportation"])
def test_an_officer_of_another_office_cannot_approve(app_client, db, world, mdn, kind):
    """Finding: an MDN officer approved a permit cancellation proposed at NGR (and a deportation):
    executed, sticker revoked, stay cancelled."""
    ngr = world["NGR"]
    proposed = app_client.post(
        "/api/v1/actions",
        headers=ngr.logins["officer"].bearer,
        json={
            "kind": kind,
            "person_id": str(ngr.person_id),
            "reason": "False statements, Pasal 75",
        },
    )
    assert proposed.status_code == 201, proposed.text
    action_id = proposed.json()["id"]
    for decision in ("approve", "reject"):
        res = app_client.post(f"/api/v1/actions/{action_id}/{decision}", headers=mdn.bearer)
        assert res.status_code == 404, res.text
        assert res.json()["detail"]["code"] == "unknown_action"
    assert db.get(Action, proposed.json()["id"]).status == "proposed"
    assert _unchanged(db, ngr)
    # The same through the console's form.
    page = app_client.post(
        f"/console/actions/{action_id}/approve",
        headers=console(app_client, mdn),
        follow_redirects=False,
    )
    assert page.status_code == 404
    assert _unchanged(db, ngr)
    # NGR's supervisor may (issue 11: only a supervisor of the office or the centre decides).
    ok = app_client.post(
        f"/api/v1/actions/{action_id}/approve", headers=ngr.logins["supervisor"].bearer
    )
    assert ok.status_code == 200 and ok.json()["status"] == "executed"


def test_an_officer_of_another_office_cannot_extend_a_stay_or_register_at_its_checkpoint(
    app_client, db, world, accounts
):
    """Finding: an SHA officer extended an NGR stay and registered an arrival at NGR's checkpoint
    (DPS) through the API. Tried: the stay by id, the checkpoint in upper and lower case."""
    sha = login(accounts, "officer.sha", "officer", "SHA")
    ngr = world["NGR"]
    res = app_client.post(
        f"/api/v1/stays/{ngr.stay.id}/extend",
        headers=sha.bearer,
        json={"months": None, "fee": 500_000, "receipt_number": "SIMPONI-1"},
    )
    assert res.status_code == 404 and res.json()["detail"]["code"] == "unknown_stay"
    db.expire_all()
    assert db.get(Stay, ngr.stay.id).extensions == 0
    mrz = build_td3(
        surname="Berg",
        given_names="Lena",
        number="N0001112",
        nationality="NOR",
        birth_date=date(1990, 1, 1),
        sex="F",
        expiry_date=date(2032, 1, 1),
    )
    for checkpoint in ("DPS", "dps"):
        res = app_client.post(
            "/api/v1/arrivals",
            headers=sha.bearer,
            json={"mrz": mrz, "permit": "voa", "checkpoint": checkpoint},
        )
        assert res.status_code == 404, res.text
        assert res.json()["detail"]["code"] == "unknown_checkpoint"
    assert db.scalar(sa.select(sa.func.count()).select_from(Stay)) == 2  # the world's two
    # At their own checkpoint they may; NGR's officer extends NGR's stay.
    own = app_client.post(
        "/api/v1/arrivals",
        headers=sha.bearer,
        json={"mrz": mrz, "permit": "voa", "checkpoint": "CGK"},
    )
    assert own.status_code == 201, own.text
    ext = app_client.post(
        f"/api/v1/stays/{ngr.stay.id}/extend",
        headers=ngr.logins["officer"].bearer,
        json={"months": None, "fee": 500_000, "receipt_number": "SIMPONI-1"},
    )
    assert ext.status_code == 200, ext.text


def test_an_officer_of_another_office_cannot_fine_its_person_or_cite_its_case(
    app_client, db, world, mdn
):
    """Finding: an MDN officer put an executed overstay fee on an NGR person citing an NGR case.
    Tried: with the NGR case, with no case, and with an MDN case but the NGR person."""
    ngr = world["NGR"]
    before = db.scalar(sa.select(sa.func.count()).select_from(Action))
    for case_id in (str(ngr.case.id), None, str(world["MDN"].case.id)):
        res = app_client.post(
            "/api/v1/actions",
            headers=mdn.bearer,
            json={
                "kind": "overstay-fee",
                "person_id": str(ngr.person_id),
                "reason": "Overstay of 3 days, PP 28/2019",
                "case_id": case_id,
                "details": {"days": 3},
            },
        )
        assert res.status_code == 404, (case_id, res.text)
    assert db.scalar(sa.select(sa.func.count()).select_from(Action)) == before
    # MDN's own person, citing NGR's case: the case is another office's.
    res = app_client.post(
        "/api/v1/actions",
        headers=mdn.bearer,
        json={
            "kind": "overstay-fee",
            "person_id": str(world["MDN"].person_id),
            "reason": "Overstay of 3 days, PP 28/2019",
            "case_id": str(ngr.case.id),
        },
    )
    assert res.status_code == 404 and res.json()["detail"]["code"] == "unknown_case"


def test_another_office_reads_no_sticker_scans_and_no_person_page(app_client, db, world, mdn):
    """Finding: officers of any office read any person's page (name, track) and any sticker's
    scans. The person page of another office's person asks for a purpose instead."""
    ngr = world["NGR"]
    res = app_client.get(f"/api/v1/scans?sticker={ngr.sticker.serial}", headers=mdn.bearer)
    assert res.status_code == 404
    for fmt in ("svg", "png", "pdf"):
        res = app_client.get(f"/api/v1/stickers/{ngr.sticker.serial}.{fmt}", headers=mdn.bearer)
        assert res.status_code == 404
    view = app_client.get(f"/api/v1/stickers/{ngr.sticker.serial}/view", headers=mdn.bearer)
    assert view.status_code == 200 and "movements" not in view.json()
    console(app_client, mdn)
    page = app_client.get(f"/console/people/{ngr.person_id}")
    assert page.status_code == 403
    assert "WORLDNGR" not in page.text and 'name="purpose"' in page.text
    reads = db.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.tag == "people:person:read", AuditEvent.target == f"person:{ngr.person_id}"
        )
    ).all()
    assert reads == []
    # The own office reads both.
    own = ngr.logins["officer"]
    assert (
        app_client.get(
            f"/api/v1/scans?sticker={ngr.sticker.serial}", headers=own.bearer
        ).status_code
        == 200
    )
    console(app_client, own)
    page = app_client.get(f"/console/people/{ngr.person_id}")
    assert page.status_code == 200 and "WORLDNGR" in page.text


def test_break_the_glass_needs_a_purpose_is_audited_and_shown_to_the_office_supervisor(
    app_client, db, world, mdn
):
    """A cross-office read of a person: a purpose is required (empty or too short is refused),
    the read is audited with it, and NGR's supervisor sees it on their console home."""
    ngr = world["NGR"]
    url = f"/console/people/{ngr.person_id}/purpose"
    console(app_client, mdn)
    for bad in ("", "   ", "x"):
        res = app_client.post(url, data={"csrf_token": mdn.csrf, "purpose": bad})
        assert res.status_code == 422 and "WORLDNGR" not in res.text
    res = app_client.post(
        url,
        data={"csrf_token": mdn.csrf, "purpose": "Seen at Kualanamu with a forged visa"},
        follow_redirects=False,
    )
    assert res.status_code == 303
    page = app_client.get(f"/console/people/{ngr.person_id}")
    assert page.status_code == 200 and "WORLDNGR" in page.text
    event = db.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.tag == "people:person:break-glass",
            AuditEvent.target == f"person:{ngr.person_id}",
        )
    )
    assert event is not None and event.actor == mdn.officer.username
    assert event.details["purpose"] == "Seen at Kualanamu with a forged visa"
    assert "NGR" in event.details["offices"]
    console(app_client, ngr.logins["supervisor"])
    home = app_client.get("/console")
    assert "Seen at Kualanamu with a forged visa" in home.text and "officer.mdn" in home.text
    # Not shown to another office's supervisor.
    console(app_client, world["MDN"].logins["supervisor"])
    home = app_client.get("/console")
    assert "Seen at Kualanamu" not in home.text
    # A missing person: 404 after the purpose, as for any unknown id.
    import uuid

    console(app_client, mdn)
    res = app_client.post(
        f"/console/people/{uuid.uuid4()}/purpose",
        data={"csrf_token": mdn.csrf, "purpose": "Checking a name from a tip"},
    )
    assert res.status_code == 404


def test_a_sighting_in_the_working_area_brings_a_person_into_scope(app_client, db, world, mdn):
    """A person scanned in Medan (MDN's working area) belongs to MDN as well: an MDN officer
    reads their page and their sticker's scans without a purpose."""
    ngr = world["NGR"]
    import uuid

    scan = {
        "id": str(uuid.uuid4()),
        "qr_text": ngr.sticker.qr_text,
        "device_time": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "lat": 3.5952,
        "lon": 98.6722,
        "accuracy_m": 10,
        "kind": "check",
        "device": "field",
    }
    stored = app_client.post("/api/v1/scans", headers=mdn.bearer, json=scan)
    assert stored.status_code == 200, stored.text
    if stored.json()["results"][0].get("region_code") is None:
        from sqlalchemy import select

        from pantau.scans.models import Scan

        if db.scalar(select(Scan.region_code).where(Scan.id == scan["id"])) is None:
            pytest.skip("no boundaries loaded: the scan is not placed in a regency")
    res = app_client.get(f"/api/v1/scans?sticker={ngr.sticker.serial}", headers=mdn.bearer)
    assert res.status_code == 200 and len(res.json()) == 1
