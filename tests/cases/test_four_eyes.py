"""Four eyes that hold (issue 11): a proposal (deportation, stay cancellation, entry ban, lifting or
shortening a ban) is approved only by a supervisor of the proposing office or of the national
centre, never by the proposer; another office gets 404 as for anything else of that office.

Bad input tried, each a clear 4xx with nothing changed: approval by the proposer, by an officer of
the same office (not a supervisor), by an officer and a supervisor of another office, a second
approval; a ban with no end, one longer than ten years, a lifelong ban approved by an office
supervisor; a lift with no reason."""

from __future__ import annotations

import pytest

from pantau.stickers.keys import KeyService
from tests.desk import arrive, bearer, console, token_for
from tests.factories import TEST_ACTOR, make_account


@pytest.fixture
def office(app_client, accounts, db, cipher):
    """Ngurah Rai's desk with a foreigner in the country; officers and supervisors of Ngurah Rai,
    Soekarno-Hatta and the national centre (PST)."""
    KeyService(db, cipher=cipher).init(["DPS", "CGK"], actor=TEST_ACTOR)
    h = {
        name: bearer(app_client, accounts, name, role=role, office=code)
        for name, role, code in [
            ("petugas.ngr", "officer", "NGR"),
            ("petugas2.ngr", "officer", "NGR"),
            ("spv.ngr", "supervisor", "NGR"),
            ("spv2.ngr", "supervisor", "NGR"),
            ("petugas.sha", "officer", "SHA"),
            ("spv.sha", "supervisor", "SHA"),
            ("spv.pst", "supervisor", "PST"),
        ]
    }
    arrival = arrive(app_client, h["petugas.ngr"])
    assert arrival.status_code == 201, arrival.text
    return {"h": h, "arrival": arrival.json()}


def propose(client, headers, person_id, kind="deportation", **details):
    res = client.post(
        "/api/v1/actions",
        headers=headers,
        json={
            "kind": kind,
            "person_id": person_id,
            "reason": "Working without a permit, UU 6/2011 Pasal 75",
            "details": details,
        },
    )
    assert res.status_code == 201, res.text
    return res.json()


def decide(client, headers, action_id, decision="approve"):
    return client.post(f"/api/v1/actions/{action_id}/{decision}", headers=headers)


def status_of(client, headers, action_id):
    rows = client.get("/api/v1/actions", headers=headers).json()
    return next((r["status"] for r in rows if r["id"] == action_id), "not pending")


@pytest.mark.parametrize("kind", ["deportation", "permit-cancellation"])
def test_only_a_supervisor_of_the_office_or_the_centre_approves(app_client, office, kind):
    """Reproduction: an officer of Soekarno-Hatta, who cannot even see Ngurah Rai's case, approved
    Ngurah Rai's deportation by its id, and it executed."""
    h, person = office["h"], office["arrival"]["person_id"]
    action = propose(app_client, h["petugas.ngr"], person, kind)
    assert action["status"] == "proposed"
    for who, status, code in [
        ("petugas.sha", 404, "unknown_action"),  # another office: as if it did not exist
        ("spv.sha", 404, "unknown_action"),
        ("petugas.ngr", 403, "four_eyes"),  # the proposer
        ("petugas2.ngr", 403, "supervisor_required"),  # same office, not a supervisor
    ]:
        res = decide(app_client, h[who], action["id"])
        assert res.status_code == status, (who, res.text)
        assert res.json()["detail"]["code"] == code, who
        assert status_of(app_client, h["spv.ngr"], action["id"]) == "proposed", who
    sticker = office["arrival"]["sticker"]["serial"]
    view = app_client.get(f"/api/v1/stickers/{sticker}/view", headers=h["spv.ngr"]).json()
    assert view["stay_status"] == "active"  # nothing executed

    done = decide(app_client, h["spv.ngr"], action["id"])
    assert done.status_code == 200 and done.json()["status"] == "executed", done.text
    twice = decide(app_client, h["spv.pst"], action["id"])
    assert twice.status_code == 409 and twice.json()["detail"]["code"] == "already_decided"


def test_the_national_centre_approves_any_office(app_client, office):
    h, person = office["h"], office["arrival"]["person_id"]
    action = propose(app_client, h["petugas.ngr"], person, "permit-cancellation")
    assert status_of(app_client, h["spv.pst"], action["id"]) == "proposed"
    assert status_of(app_client, h["spv.sha"], action["id"]) == "not pending"  # not listed
    done = decide(app_client, h["spv.pst"], action["id"], "reject")
    assert done.status_code == 200 and done.json()["status"] == "rejected"


def test_a_supervisor_cannot_approve_their_own_proposal(app_client, office):
    h, person = office["h"], office["arrival"]["person_id"]
    action = propose(app_client, h["spv.ngr"], person)
    own = decide(app_client, h["spv.ngr"], action["id"])
    assert own.status_code == 403 and own.json()["detail"]["code"] == "four_eyes"
    assert decide(app_client, h["spv2.ngr"], action["id"]).json()["status"] == "executed"


def test_every_step_is_on_the_person_page(app_client, accounts, office):
    h, person = office["h"], office["arrival"]["person_id"]
    action = propose(app_client, h["petugas.ngr"], person, "permit-cancellation")
    decide(app_client, h["spv.ngr"], action["id"])
    acc = make_account(accounts, "spv3.ngr", role="supervisor", office="NGR")
    token_for(app_client, acc)
    console(app_client, acc, steps_ahead=1)
    page = app_client.get(f"/console/people/{person}").text
    assert "petugas.ngr" in page and "spv.ngr" in page
