"""The statistics page and exports: refusals and deportations by nationality match counts taken
straight from the records, reports from the public by outcome, and the published view hides every
group smaller than five (tables show "<5", charts leave it out, exports likewise)."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from pantau.cases.models import Action
from pantau.cases.services import ActionService, CaseService
from pantau.people.models import Person
from pantau.people.services import Traveller
from pantau.reports.services import ReportInput, ReportService
from pantau.stays.models import Permit, Refusal
from pantau.stickers.keys import KeyService
from pantau.wiring import stay_service
from tests.cases.test_console import sign_in
from tests.factories import TEST_ACTOR, make_account

REFUSALS = {"CHN": 6, "RUS": 2, "AUS": 1}
DEPORTED = {"BRA": 5, "CZE": 1}


def _table(html: str, table_id: str) -> dict[str, str]:
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]
    return {c[0]: c[1].replace("&lt;", "<") for c in cells if len(c) == 2}


@pytest.fixture
def world(db, accounts, cipher):
    """Refusals, executed deportations (each proposed by one officer, approved by another) and
    reports: one closed by a deportation, one closed without action, one waiting."""
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    a = make_account(accounts, "petugas.a", office="NGR")
    b = make_account(accounts, "petugas.b", role="supervisor", office="NGR")  # decides TAK
    now = datetime.now(UTC)
    for nat, n in REFUSALS.items():
        for i in range(n):
            db.add(
                Refusal(
                    occurred_at=now - timedelta(days=i),
                    checkpoint_code="DPS",
                    nationality=nat,
                    reason="entry-ban",
                )
            )
    people = stay_service(db, cipher, TEST_ACTOR)
    actions = ActionService(db, cipher=cipher)
    cases = CaseService(db)
    reports = ReportService(db, cipher=cipher)

    def report(text: str) -> uuid.UUID:
        return reports.submit(
            ReportInput(text, -8.72, 115.17, "", None, "", []), origin=f"10.0.0.{len(text)}"
        ).id

    deported_on_report = report("Overstayer working in a bar in Kuta")
    closed_quiet = report("Someone looked foreign near the beach")
    report("A villa rented to tourists without a licence")
    first = True
    for k, (nat, n) in enumerate(DEPORTED.items()):
        for i in range(n):
            arrival = people.register_arrival(
                Traveller(
                    f"Person{k}{i}",
                    "Test",
                    nat,
                    date(1980, 1, 1 + i),
                    "M",
                    f"{nat[0]}{k}{i:07d}",
                    "P",
                    nat,
                    date(2032, 1, 1),
                ),
                permit=Permit.VOA,
                checkpoint_code="DPS",
                actor=TEST_ACTOR,
                arrived_at=now - timedelta(days=40),
            )
            case_id = None
            if first:
                case = cases.open(
                    title="From a report",
                    officer=a.officer,
                    actor=TEST_ACTOR,
                    report_id=deported_on_report,
                )
                case_id = case.id
            action = actions.propose(
                kind="deportation",
                person_id=arrival.person.id,
                reason="Overstay, UU 6/2011 Pasal 78",
                officer=a.officer,
                actor=TEST_ACTOR,
                case_id=case_id,
            )
            actions.decide(action.id, approve=True, officer=b.officer, actor=TEST_ACTOR)
            if first:
                for step in ("verified", "in-operation"):
                    cases.move(case, step, officer=a.officer, actor=TEST_ACTOR)
                cases.move(case, "closed", officer=a.officer, actor=TEST_ACTOR, outcome="deported")
                first = False
    quiet = cases.open(title="Nothing", officer=a.officer, actor=TEST_ACTOR, report_id=closed_quiet)
    cases.move(quiet, "verified", officer=a.officer, actor=TEST_ACTOR)
    cases.move(quiet, "in-operation", officer=a.officer, actor=TEST_ACTOR)
    cases.move(quiet, "closed", officer=a.officer, actor=TEST_ACTOR, outcome="nobody found")
    db.flush()
    return a


def test_page_figures_match_the_records(app_client, db, world):
    sign_in(app_client, world, steps_ahead=1)
    page = app_client.get("/console/statistics")
    assert page.status_code == 200
    # Counted here from the rows themselves, not with the page's queries.
    refusals = Counter(r.nationality for r in db.scalars(sa.select(Refusal)))
    deportations = Counter(
        db.get(Person, a.person_id).nationality
        for a in db.scalars(sa.select(Action))
        if a.kind == "deportation" and a.status == "executed"
    )
    assert refusals == Counter(REFUSALS) and deportations == Counter(DEPORTED)
    shown = _table(page.text, "refusals-by-nationality")
    assert {k: int(v) for k, v in shown.items()} == dict(refusals)
    shown = _table(page.text, "deportations-by-nationality")
    assert {k: int(v) for k, v in shown.items()} == dict(deportations)
    # The charts draw each nationality with its count.
    assert "<title>CHN: 6</title>" in page.text and "<title>AUS: 1</title>" in page.text
    assert "<title>BRA: 5</title>" in page.text and "<title>CZE: 1</title>" in page.text
    # Reports: one per outcome, this month, Ngurah Rai.
    outcomes = dict(re.findall(r'<tr data-outcome="([a-z-]+)">.*?<td>(\d+)</td></tr>', page.text))
    assert outcomes == {"deportation": "1", "no-action": "1", "waiting": "1"}
    assert "Ditutup dengan deportasi" in page.text


def test_published_view_and_exports_hide_small_groups(app_client, db, world):
    csrf = sign_in(app_client, world, steps_ahead=1)
    assert csrf
    page = app_client.get("/console/statistics?public=1").text
    assert _table(page, "refusals-by-nationality") == {"CHN": "6", "RUS": "<5", "AUS": "<5"}
    assert _table(page, "deportations-by-nationality") == {"BRA": "5", "CZE": "<5"}
    assert "<title>CHN: 6</title>" in page and "RUS:" not in page and "CZE:" not in page
    assert "Overstay, UU 6/2011" not in page  # reasons are not published
    res = app_client.get(
        "/console/statistics/export?table=deportations-by-nationality&format=csv&public=1"
    )
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))
    assert rows == [["nationality", "count"], ["BRA", "5"], ["CZE", "<5"]]
    res = app_client.get("/console/statistics/export?table=reports&format=xlsx")
    sheet = load_workbook(io.BytesIO(res.content)).active
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0] == ["month", "office", "outcome", "reports"]
    assert sorted(r[2] for r in got[1:]) == ["deportation", "no-action", "waiting"]
    # Bad input: an unknown table, an unknown format.
    assert app_client.get("/console/statistics/export?table=people").status_code == 404
    assert app_client.get("/console/statistics/export?table=reports&format=pdf").status_code == 422


def test_statistics_api(app_client, world):
    from tests.cases.test_chain import bearer

    h = bearer(app_client, world)
    rows = app_client.get("/api/v1/statistics/reports?public=true", headers=h).json()
    assert {r["outcome"]: r["reports"] for r in rows} == {
        "deportation": "<5",
        "no-action": "<5",
        "waiting": "<5",
    }
    exact = app_client.get("/api/v1/statistics/deportations", headers=h).json()
    assert sum(r["deportations"] for r in exact) == sum(DEPORTED.values())
    res = app_client.get("/api/v1/statistics/deportations?public=true&format=csv", headers=h)
    rows = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))
    assert rows[0] == ["month", "office", "nationality", "deportations"]
    assert sorted(r[2:] for r in rows[1:]) == [["BRA", "5"], ["CZE", "<5"]]


def test_refusals_by_year_on_the_page_and_in_the_export(app_client, db, world):
    sign_in(app_client, world, steps_ahead=1)
    page = app_client.get("/console/statistics?period=year").text
    body = re.search(r'<table id="refusals">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    rows = [re.findall(r"<td>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", body)]
    by_year = Counter()
    for r in db.scalars(sa.select(Refusal)):
        by_year[(r.occurred_at.strftime("%Y"), r.nationality)] += 1
    assert {(p, n): int(k) for p, n, _, _, k in rows} == dict(by_year)
    res = app_client.get("/console/statistics/export?table=refusals&format=csv&period=year")
    assert 'filename="refusals-by-year.csv"' in res.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))
    assert {(p, n): int(k) for p, n, _, _, k in lines[1:]} == dict(by_year)
    assert app_client.get("/console/statistics?period=week").status_code == 422
