"""The case pages in the console: open, link by sticker serial, propose, approve by another officer."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta

from pantau.people.mrz import build_td3
from pantau.stickers.keys import KeyService
from tests.factories import PASSWORD, TEST_ACTOR, make_account


def sign_in(client, acc, *, steps_ahead=0):
    """A one-time code cannot be used twice: a second sign-in takes the next step's code."""
    client.cookies.clear()
    code = acc.code(datetime.fromtimestamp(time.time() + 30 * steps_ahead, UTC))
    client.post(
        "/login", data={"username": acc.officer.username, "password": PASSWORD, "otp": code}
    )
    page = client.get("/console/cases").text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_case_console_flow(app_client, db, accounts, cipher):
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    # Ngurah Rai's officers: DPS, where the person arrives, is their checkpoint.
    a = make_account(accounts, "petugas.a", office="NGR")
    b = make_account(accounts, "petugas.b", role="supervisor", office="NGR")  # decides TAK
    token = app_client.post(
        "/api/v1/auth/token", data={"username": "petugas.a", "password": PASSWORD, "otp": a.code()}
    ).json()["access_token"]
    mrz = build_td3(
        surname="Silva",
        given_names="Ana",
        number="BR9988776",
        nationality="BRA",
        birth_date=date(1991, 9, 9),
        sex="F",
        expiry_date=date(2032, 1, 1),
    )
    arrival = app_client.post(
        "/api/v1/arrivals",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "mrz": mrz,
            "permit": "voa",
            "checkpoint": "DPS",
            "arrived_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
        },
    ).json()
    csrf = sign_in(app_client, a, steps_ahead=1)
    res = app_client.post(
        "/console/cases",
        data={"csrf_token": csrf, "title": "Overstay check"},
        follow_redirects=False,
    )
    case_url = res.headers["location"]
    serial = arrival["sticker"]["serial"]
    pretty = f"{serial[:2]}-{serial[2:7]}-{serial[7:]}"
    app_client.post(f"{case_url}/person", data={"csrf_token": csrf, "serial": pretty})
    page = app_client.get(case_url).text
    assert arrival["person_id"] in page
    bad = app_client.post(f"{case_url}/person", data={"csrf_token": csrf, "serial": "ID-NOPE"})
    assert "Tidak ada stiker" in bad.text
    app_client.post(
        f"{case_url}/action",
        data={
            "csrf_token": csrf,
            "kind": "deportation",
            "person_id": arrival["person_id"],
            "text": "Working without a permit",
        },
    )
    listing = app_client.get("/console/cases").text
    action_id = re.search(r"/console/actions/([0-9a-f-]+)/approve", listing).group(1)
    own = app_client.post(f"/console/actions/{action_id}/approve", data={"csrf_token": csrf})
    assert own.status_code == 403 and "petugas kedua" in own.text
    csrf_b = sign_in(app_client, b)
    ok = app_client.post(
        f"/console/actions/{action_id}/approve", data={"csrf_token": csrf_b}, follow_redirects=False
    )
    assert ok.status_code == 303
    person = app_client.get(f"/console/people/{arrival['person_id']}").text
    assert "dicabut" in person  # the sticker shows as revoked
    stats = app_client.get("/console/statistics").text
    deported = stats.split('id="deportations"')[1]
    assert "BRA" in deported and "Working without a permit" in deported and ">1<" in deported
    published = app_client.get("/console/statistics?public=1").text.split('id="deportations"')[1]
    assert "&lt;5" in published and "Working without a permit" not in published


def test_link_by_passport_and_actions_on_the_persons_page(app_client, db, accounts, cipher):
    """A person found by passport number and nationality is linked (the number is not written into
    the timeline); a wrong number or nationality is refused with a message and nothing is linked.
    The person's page lists their TAK actions with who proposed and who decided, and the case."""
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    a = make_account(accounts, "petugas.a", office="NGR")
    b = make_account(accounts, "petugas.b", role="supervisor", office="NGR")  # decides TAK
    token = app_client.post(
        "/api/v1/auth/token", data={"username": "petugas.a", "password": PASSWORD, "otp": a.code()}
    ).json()["access_token"]
    mrz = build_td3(
        surname="Okafor",
        given_names="Chidi",
        number="A07654321",
        nationality="NGA",
        birth_date=date(1985, 4, 4),
        sex="M",
        expiry_date=date(2031, 1, 1),
    )
    arrival = app_client.post(
        "/api/v1/arrivals",
        headers={"Authorization": f"Bearer {token}"},
        json={"mrz": mrz, "permit": "voa", "checkpoint": "DPS"},
    ).json()
    csrf = sign_in(app_client, a, steps_ahead=1)
    case_url = app_client.post(
        "/console/cases",
        data={"csrf_token": csrf, "title": "Tip about a trader"},
        follow_redirects=False,
    ).headers["location"]
    for number, nat in (("A07654320", "NGA"), ("A07654321", "GHA")):
        bad = app_client.post(
            f"{case_url}/passport",
            data={"csrf_token": csrf, "passport": number, "nationality": nat},
        )
        assert "Tidak ada orang dengan nomor paspor" in bad.text
    assert arrival["person_id"] not in app_client.get(case_url).text
    # By name: a wrong birth date, no birth date - refused; the right one links.
    name = {"csrf_token": csrf, "surname": "okafor", "given_names": "Chidi ", "nationality": "NGA"}
    bad = app_client.post(f"{case_url}/name", data={**name, "birth_date": "1985-04-05"})
    assert "Tidak ada orang dengan nama, tanggal lahir" in bad.text
    bad = app_client.post(f"{case_url}/name", data={**name, "birth_date": ""})
    assert "Isi tanggal lahir." in bad.text
    assert arrival["person_id"] not in app_client.get(case_url).text
    app_client.post(f"{case_url}/name", data={**name, "birth_date": "1985-04-04"})
    page = app_client.get(case_url).text
    assert f"/console/people/{arrival['person_id']}" in page
    assert "name and birth date (NGA)" in page and "OKAFOR" not in page
    app_client.post(
        f"{case_url}/passport",
        data={"csrf_token": csrf, "passport": "a0765 4321", "nationality": "nga"},
    )
    page = app_client.get(case_url).text
    assert f"/console/people/{arrival['person_id']}" in page
    assert "passport (NGA)" in page and "A07654321" not in page
    app_client.post(
        f"{case_url}/action",
        data={
            "csrf_token": csrf,
            "kind": "permit-cancellation",
            "person_id": arrival["person_id"],
            "text": "Trading on a visit permit, UU 6/2011 Pasal 75",
        },
    )
    listing = app_client.get("/console/cases").text
    action_id = re.search(r"/console/actions/([0-9a-f-]+)/approve", listing).group(1)
    csrf_b = sign_in(app_client, b)
    app_client.post(f"/console/actions/{action_id}/approve", data={"csrf_token": csrf_b})
    person = app_client.get(f"/console/people/{arrival['person_id']}").text
    row = re.search(
        r'<tr data-kind="permit-cancellation" data-status="executed">(.*?)</tr>', person
    )
    assert row is not None, person
    assert "Trading on a visit permit" in row.group(1)
    assert "petugas.a" in row.group(1) and "petugas.b" in row.group(1)
    assert "Tip about a trader" in person


def test_assign_a_case_to_an_officer_of_its_office(app_client, accounts):
    """Given to an officer of the office: shown and on the timeline. Bad input tried: an officer of
    another office, a TIMPORA partner, an unknown name - refused with a message, nothing changes."""
    a = make_account(accounts, "petugas.a", office="NGR")
    make_account(accounts, "petugas.b", office="NGR")
    make_account(accounts, "petugas.m", office="MDN")
    make_account(accounts, "polres.badung", role="partner", office="NGR")
    csrf = sign_in(app_client, a, steps_ahead=1)
    case_url = app_client.post(
        "/console/cases",
        data={"csrf_token": csrf, "title": "Villa check"},
        follow_redirects=False,
    ).headers["location"]
    assert "(petugas.a)" in app_client.get(case_url).text.split('id="assigned"')[1][:200]
    for who in ("petugas.m", "polres.badung", "nobody"):
        bad = app_client.post(f"{case_url}/assign", data={"csrf_token": csrf, "assignee": who})
        assert "Serahkan kasus kepada petugas kantornya atau supervisor." in bad.text
        assert "(petugas.a)" in bad.text.split('id="assigned"')[1][:200]
    app_client.post(f"{case_url}/assign", data={"csrf_token": csrf, "assignee": "petugas.b"})
    page = app_client.get(case_url).text
    assert "(petugas.b)" in page.split('id="assigned"')[1][:200]
    assert "<td>assigned</td><td>petugas.b</td>" in page
