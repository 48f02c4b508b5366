"""Four eyes that hold (issue 11): a proposal (deportation, stay cancellation, entry ban, lifting or
shortening a ban) is approved only by a supervisor of the proposing office or of the national
centre, never by the proposer; another office gets 404 as for anything else of that office.

Bad input tried, each a clear 4xx with nothing changed: approval by the proposer, by an officer of
the same office (not a supervisor), by an officer and a supervisor of another office, a second
approval; a ban with no end, one longer than ten years, a lifelong ban approved by an office
supervisor; a lift with no reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from pantau.audit.models import AuditEvent
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


def ban_body(**extra):
    return {
        "surname": "SMITH",
        "given_names": "JANE",
        "nationality": "AUS",
        "passport_number": "PA1234567",
        "starts_on": date.today().isoformat(),
        "ends_on": (date.today() + timedelta(days=365 * 2)).isoformat(),
        "legal_basis": "UU 63/2024 Pasal 102",
        "reason": "Overstay of 75 days, deported",
        **extra,
    }


def test_an_entry_ban_waits_for_a_second_person(app_client, office):
    """Reproduction: any single officer put anyone on the entry-ban list for life at once."""
    h = office["h"]
    ban = app_client.post("/api/v1/bans", headers=h["petugas.ngr"], json=ban_body())
    assert ban.status_code == 201, ban.text
    ban = ban.json()
    assert ban["state"] == "proposed" and ban["action_id"]
    # Not in force yet: the person is not refused at the border.
    departed = app_client.post(
        "/api/v1/departures",
        headers=h["petugas.ngr"],
        json={"checkpoint": "DPS", "stay_id": office["arrival"]["stay"]["id"]},
    )
    assert departed.status_code == 200, departed.text
    again = arrive(app_client, h["petugas.ngr"])
    assert again.status_code == 201, again.text
    app_client.post(
        "/api/v1/departures",
        headers=h["petugas.ngr"],
        json={"checkpoint": "DPS", "stay_id": again.json()["stay"]["id"]},
    )
    own = decide(app_client, h["petugas.ngr"], ban["action_id"])
    assert own.status_code == 403
    assert decide(app_client, h["spv.ngr"], ban["action_id"]).status_code == 200
    bans = app_client.get("/api/v1/bans", headers=h["spv.ngr"]).json()
    assert next(b for b in bans if b["id"] == ban["id"])["state"] == "active"
    refused = arrive(app_client, h["petugas.ngr"])
    assert refused.status_code == 403 and refused.json()["detail"]["code"] == "entry_banned"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"ends_on": None}, "ban_end_required"),
        ({"ends_on": (date.today() + timedelta(days=365 * 11)).isoformat()}, "ban_too_long"),
        ({"ends_on": (date.today() - timedelta(days=1)).isoformat()}, "bad_period"),
    ],
)
def test_bad_ban_periods_are_refused(app_client, office, extra, code):
    res = app_client.post(
        "/api/v1/bans", headers=office["h"]["petugas.ngr"], json=ban_body(**extra)
    )
    assert res.status_code == 400, res.text
    assert res.json()["detail"]["code"] == code
    assert app_client.get("/api/v1/bans", headers=office["h"]["spv.ngr"]).json() == []


def test_a_lifelong_ban_needs_national_approval(app_client, office):
    h = office["h"]
    ban = app_client.post(
        "/api/v1/bans", headers=h["petugas.ngr"], json=ban_body(ends_on=None, lifelong=True)
    ).json()
    local = decide(app_client, h["spv.ngr"], ban["action_id"])
    assert local.status_code == 403 and local.json()["detail"]["code"] == "national_approval"
    national = decide(app_client, h["spv.pst"], ban["action_id"])
    assert national.status_code == 200, national.text
    bans = app_client.get("/api/v1/bans", headers=h["spv.pst"]).json()
    row = next(b for b in bans if b["id"] == ban["id"])
    assert row["state"] == "active" and row["ends_on"] is None and row["lifelong"] is True


def test_lifting_a_ban_needs_a_reason_and_a_second_person(app_client, office, db):
    h = office["h"]
    ban = app_client.post("/api/v1/bans", headers=h["petugas.ngr"], json=ban_body()).json()
    decide(app_client, h["spv.ngr"], ban["action_id"])
    no_reason = app_client.post(
        f"/api/v1/bans/{ban['id']}/lift", headers=h["petugas.ngr"], json={"reason": ""}
    )
    assert no_reason.status_code in (400, 422)
    other_office = app_client.post(
        f"/api/v1/bans/{ban['id']}/lift",
        headers=h["petugas.sha"],
        json={"reason": "Court decision 12/2026"},
    )
    assert other_office.status_code == 404
    lift = app_client.post(
        f"/api/v1/bans/{ban['id']}/lift",
        headers=h["petugas.ngr"],
        json={"reason": "Court decision 12/2026"},
    )
    assert lift.status_code == 201, lift.text
    lift = lift.json()
    assert lift["kind"] == "ban-lift" and lift["status"] == "proposed"
    bans = app_client.get("/api/v1/bans", headers=h["spv.ngr"]).json()
    assert next(b for b in bans if b["id"] == ban["id"])["state"] == "active"  # still in force
    assert decide(app_client, h["petugas.ngr"], lift["id"]).status_code == 403
    assert decide(app_client, h["spv2.ngr"], lift["id"]).status_code == 200
    bans = app_client.get("/api/v1/bans?all=true", headers=h["spv.ngr"]).json()
    assert next(b for b in bans if b["id"] == ban["id"])["state"] == "lifted"
    tags = set(db.scalars(sa.select(AuditEvent.tag).where(AuditEvent.target == f"ban:{ban['id']}")))
    assert {"bans:ban:propose", "bans:ban:activate", "bans:ban:lift"} <= tags


def test_shortening_a_ban(app_client, office):
    h = office["h"]
    ban = app_client.post("/api/v1/bans", headers=h["petugas.ngr"], json=ban_body()).json()
    decide(app_client, h["spv.ngr"], ban["action_id"])
    new_end = (date.today() + timedelta(days=30)).isoformat()
    short = app_client.post(
        f"/api/v1/bans/{ban['id']}/shorten",
        headers=h["petugas.ngr"],
        json={"reason": "Appeal granted in part", "ends_on": new_end},
    )
    assert short.status_code == 201, short.text
    assert decide(app_client, h["spv.ngr"], short.json()["id"]).status_code == 200
    bans = app_client.get("/api/v1/bans", headers=h["spv.ngr"]).json()
    assert next(b for b in bans if b["id"] == ban["id"])["ends_on"] == new_end
    longer = app_client.post(
        f"/api/v1/bans/{ban['id']}/shorten",
        headers=h["petugas.ngr"],
        json={"reason": "Appeal granted in part", "ends_on": "2099-01-01"},
    )
    assert longer.status_code == 400 and longer.json()["detail"]["code"] == "not_shorter"


def test_a_ban_lapses_by_itself(app_client, office):
    """A ban whose end has passed no longer refuses entry and shows as lapsed."""
    h = office["h"]
    start = date.today() - timedelta(days=400)
    ban = app_client.post(
        "/api/v1/bans",
        headers=h["petugas.ngr"],
        json=ban_body(
            starts_on=start.isoformat(),
            ends_on=(date.today() - timedelta(days=1)).isoformat(),
            passport_number="PQ1111111",
        ),
    )
    assert ban.status_code == 400  # an end in the past is refused when proposing...
    ban = app_client.post(
        "/api/v1/bans",
        headers=h["petugas.ngr"],
        json=ban_body(
            starts_on=start.isoformat(),
            ends_on=date.today().isoformat(),
            passport_number="PQ1111111",
        ),
    ).json()
    decide(app_client, h["spv.ngr"], ban["action_id"])
    # ... and one that ends today is in force today and lapsed tomorrow.
    rows = app_client.get(
        f"/api/v1/bans?all=true&on={(date.today() + timedelta(days=1)).isoformat()}",
        headers=h["spv.ngr"],
    ).json()
    assert next(b for b in rows if b["id"] == ban["id"])["state"] == "lapsed"


def test_every_step_is_on_the_person_page(app_client, accounts, office):
    h, person = office["h"], office["arrival"]["person_id"]
    action = propose(app_client, h["petugas.ngr"], person, "permit-cancellation")
    decide(app_client, h["spv.ngr"], action["id"])
    acc = make_account(accounts, "spv3.ngr", role="supervisor", office="NGR")
    token_for(app_client, acc)
    console(app_client, acc, steps_ahead=1)
    page = app_client.get(f"/console/people/{person}").text
    assert "petugas.ngr" in page and "spv.ngr" in page
