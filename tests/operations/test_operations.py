"""TIMPORA operations: planned by an office, seen by their partner members only."""

from __future__ import annotations

import re

import sqlalchemy as sa

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


def _console(client, acc, *, steps_ahead=0):
    from tests.cases.test_console import sign_in

    sign_in(client, acc, steps_ahead=steps_ahead)
    page = client.get("/console/operations")
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_operation_console_pages_and_the_partners_view(app_client, accounts, db):
    """Plan in the console, add an agency, a member and a case, record results; the member partner
    sees the operation with the cases' titles only, another partner does not see it at all.
    Bad input tried: an unknown member, no day, another office's case, a partner planning or
    changing, results too short - each refused with a message and nothing stored."""
    from pantau.operations.models import Operation

    client = app_client
    officer = make_account(accounts, "petugas.den", office="DEN")
    other = make_account(accounts, "petugas.mdn", office="MDN")
    member = make_account(accounts, "polres.gianyar", role="partner", office="DEN")
    outsider = make_account(accounts, "polres.badung", role="partner", office="DEN")
    h_other = bearer(client, other)
    medan_case = client.post("/api/v1/cases", headers=h_other, json={"title": "Medan"}).json()
    h = bearer(client, officer)
    villa = client.post("/api/v1/cases", headers=h, json={"title": "Villa in Ubud"}).json()
    cafe = client.post("/api/v1/cases", headers=h, json={"title": "Cafe in Sanur"}).json()

    csrf = _console(client, officer, steps_ahead=1)
    plan = {
        "csrf_token": csrf,
        "name": "Operasi Ubud",
        "day": "2026-12-03",
        "area": "Ubud, Gianyar",
        "agencies": "Polri, Satpol PP",
        "members": "",
        "case_ids": [villa["id"]],
    }
    for bad, field_text in [
        ({"members": "polres.gianyar, nobody.here"}, "nobody.here"),
        ({"day": ""}, "tanggal operasi"),
        ({"case_ids": [medan_case["id"]]}, "Kasus tidak dikenal"),
        ({"name": "X"}, "name"),
    ]:
        res = client.post("/console/operations", data={**plan, **bad}, follow_redirects=False)
        assert res.status_code in (400, 422), res.text
        assert 'role="alert"' in res.text and field_text in res.text
    assert db.scalar(sa.select(sa.func.count()).select_from(Operation)) == 0

    res = client.post("/console/operations", data=plan, follow_redirects=False)
    assert res.status_code == 303, res.text
    url = res.headers["location"]
    res = client.post(
        f"{url}/add",
        data={
            "csrf_token": csrf,
            "agencies": "Disnaker",
            "members": "polres.gianyar",
            "case_ids": [cafe["id"]],
        },
        follow_redirects=False,
    )
    assert res.status_code == 303, res.text
    page = client.get(url).text
    assert "Disnaker" in page and "(polres.gianyar)" in page
    assert f'href="/console/cases/{cafe["id"]}"' in page
    case_page = client.get(f"/console/cases/{cafe['id']}").text
    assert f'href="{url}"' in case_page and "Operasi Ubud" in case_page
    short = client.post(f"{url}/results", data={"csrf_token": csrf, "results": "x"})
    assert short.status_code == 400 and "Tuliskan hasil operasi" in short.text
    done = client.post(
        f"{url}/results",
        data={"csrf_token": csrf, "results": "14 foreigners checked, 2 taken to the office"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "14 foreigners checked" in client.get(url).text

    # The member partner: their operation, the cases' titles, no links, no usernames.
    csrf_p = _console(client, member)
    listing = client.get("/console/operations").text
    assert "Operasi Ubud" in listing and "Rencanakan operasi" not in listing
    page = client.get(url).text
    assert "Villa in Ubud" in page and "Cafe in Sanur" in page
    assert "/console/cases/" not in page and "polres.gianyar" not in page
    assert "1 anggota" in page and "14 foreigners checked" in page
    assert "results-form" not in page
    refused = client.post(f"{url}/results", data={"csrf_token": csrf_p, "results": "mine now"})
    assert refused.status_code == 403
    assert client.get(f"/console/cases/{villa['id']}").status_code in (303, 403)
    assert (
        client.post(
            "/console/operations", data={**plan, "csrf_token": csrf_p}, follow_redirects=False
        ).status_code
        == 403
    )

    # Another partner does not see it, not even by its address.
    _console(client, outsider)
    assert "Operasi Ubud" not in client.get("/console/operations").text
    assert client.get(url).status_code == 404
    op = db.scalar(sa.select(Operation))
    assert op.results == "14 foreigners checked, 2 taken to the office"
    assert op.agencies == ["Polri", "Satpol PP", "Disnaker"] and len(op.case_ids) == 2
