"""TIMPORA operations: planned by an office, seen by their partner members only."""

from __future__ import annotations

from tests.factories import PASSWORD, make_account


def bearer(client, acc):
    data = {
        "username": acc.officer.username,
        "password": PASSWORD,
        "otp": acc.code() if acc.secret else "",
    }
    return {
        "Authorization": f"Bearer {client.post('/api/v1/auth/token', data=data).json()['access_token']}"
    }


def test_plan_share_with_members_and_record_results(app_client, accounts):
    officer = bearer(app_client, make_account(accounts, "petugas.den", office="DEN"))
    member = bearer(
        app_client, make_account(accounts, "polres.gianyar", role="partner", office="DEN")
    )
    outsider = bearer(
        app_client, make_account(accounts, "polres.badung", role="partner", office="DEN")
    )
    case = app_client.post("/api/v1/cases", headers=officer, json={"title": "Villa in Ubud"}).json()
    op = app_client.post(
        "/api/v1/operations",
        headers=officer,
        json={
            "name": "Operasi Ubud",
            "day": "2026-12-03",
            "area": "Ubud, Gianyar",
            "agencies": ["Polri", "Satpol PP", "Disnaker"],
            "members": ["polres.gianyar"],
            "case_ids": [case["id"]],
        },
    )
    assert op.status_code == 201, op.text
    mine = app_client.get("/api/v1/operations", headers=member).json()
    assert [o["name"] for o in mine] == ["Operasi Ubud"]
    assert mine[0]["cases"] == [{"id": case["id"], "title": "Villa in Ubud"}]
    assert app_client.get("/api/v1/operations", headers=outsider).json() == []
    # Partners cannot read the cases themselves, or record results.
    assert app_client.get(f"/api/v1/cases/{case['id']}", headers=member).status_code == 403
    assert (
        app_client.post(
            f"/api/v1/operations/{op.json()['id']}/results",
            headers=member,
            json={"results": "3 checked"},
        ).status_code
        == 403
    )
    done = app_client.post(
        f"/api/v1/operations/{op.json()['id']}/results",
        headers=officer,
        json={"results": "12 foreigners checked, 2 taken to the office"},
    )
    assert done.json()["status"] == "done"
    bad = app_client.post(
        "/api/v1/operations",
        headers=officer,
        json={"name": "X op", "day": "2026-12-03", "area": "Ubud", "members": ["nobody.here"]},
    )
    assert bad.status_code == 400 and bad.json()["detail"]["field"] == "members"
