"""Dashboards: figures equal counts of the underlying rows, exports parse, officers see their office."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from pantau.alerts.models import Alert
from pantau.dashboards.services import DashboardService
from pantau.demo.seed import SeedOptions, seed_in_session
from pantau.people.models import Person
from pantau.scans.models import Scan
from pantau.stays.models import Refusal, Stay, StayStatus
from tests.factories import PASSWORD, make_account


@pytest.fixture
def seeded(db, cipher):
    return seed_in_session(db, cipher, SeedOptions(people=400, days=20, seed=7, signed=0))


def _count(db, q):
    return db.scalar(sa.select(sa.func.count()).select_from(q.subquery()))


def test_present_now_equals_active_stays(db, seeded):
    national = DashboardService(db, office=None)
    active = sa.select(Stay).where(Stay.status == StayStatus.ACTIVE)
    assert national.present_total() == _count(db, active) > 0
    by_nat = dict(national.present_by("nationality"))
    assert sum(by_nat.values()) == national.present_total()
    mys = active.join(Person, Person.id == Stay.person_id).where(Person.nationality == "MYS")
    assert by_nat["MYS"] == _count(db, mys)
    ngr = DashboardService(db, office="NGR")
    assert dict(national.present_by("office"))["NGR"] == ngr.present_total()
    assert ngr.present_total() == _count(db, active.where(Stay.office_code == "NGR"))
    assert sum(dict(ngr.present_by("permit")).values()) == ngr.present_total()


def test_daily_series_equal_rows(db, seeded):
    days = DashboardService(db, office=None).daily(30)
    assert len(days) == 30
    start = datetime.combine(days[0].day, datetime.min.time(), UTC) - timedelta(hours=7)
    arrived = _count(db, sa.select(Stay).where(Stay.arrived_at >= start))
    assert sum(d.arrivals for d in days) == arrived > 0
    departed = _count(db, sa.select(Stay).where(Stay.departed_at >= start))
    assert sum(d.departures for d in days) == departed > 0
    refused = _count(db, sa.select(Refusal).where(Refusal.occurred_at >= start))
    assert sum(d.refusals for d in days) == refused >= 1
    assert sum(d.alerts for d in days) == _count(db, sa.select(Alert))
    assert sum(d.overstays for d in days) > 0


def _token(client, acc):
    return client.post(
        "/api/v1/auth/token",
        data={"username": acc.officer.username, "password": PASSWORD, "otp": acc.code()},
    ).json()["access_token"]


def test_exports_parse_and_officer_sees_own_office(app_client, db, accounts, seeded):
    officer = make_account(accounts, "petugas.dash", office="NGR")
    h = {"Authorization": f"Bearer {_token(app_client, officer)}"}
    ngr = DashboardService(db, office="NGR")
    got = app_client.get("/api/v1/statistics/present?by=permit&office=MDN", headers=h).json()
    assert got["office"] == "NGR"  # an officer cannot ask for another office
    assert sum(r["present"] for r in got["rows"]) == ngr.present_total()

    text = app_client.get("/api/v1/statistics/daily?format=csv", headers=h).content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["day", "arrivals", "departures", "refusals", "overstays", "alerts"]
    assert len(rows) == 31
    assert sum(int(r[1]) for r in rows[1:]) == sum(d.arrivals for d in ngr.daily(30))

    body = app_client.get("/api/v1/statistics/present?by=nationality&format=xlsx", headers=h)
    assert body.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(body.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("nationality", "present")
    assert sum(v[1] for v in values[1:]) == ngr.present_total()
    assert app_client.get("/api/v1/statistics/daily?format=pdf", headers=h).status_code == 422


def test_supervisor_sees_country_or_one_office(app_client, db, accounts, seeded):
    boss = make_account(accounts, "supervisor.dash", role="supervisor", office="PST")
    h = {"Authorization": f"Bearer {_token(app_client, boss)}"}
    national = app_client.get("/api/v1/statistics/present?by=office", headers=h).json()
    assert national["office"] is None
    assert (
        sum(r["present"] for r in national["rows"])
        == DashboardService(db, office=None).present_total()
    )
    mdn = app_client.get("/api/v1/statistics/present?by=office&office=MDN", headers=h).json()
    assert [r["office"] for r in mdn["rows"]] in (["MDN"], [])


def test_console_page_draws_charts(app_client, db, accounts, seeded):
    officer = make_account(accounts, "petugas.page", office="NGR")
    app_client.post(
        "/login", data={"username": "petugas.page", "password": PASSWORD, "otp": officer.code()}
    )
    page = app_client.get("/console/dashboard?office=MDN")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 8 and "<script" not in page.text.split("</main>")[0][-5000:]
    total = DashboardService(db, office="NGR").present_total()
    assert f'<span id="present-total">{total:,}</span>' in page.text
    assert "NGR" in page.text


def test_present_by_province_is_where_each_stay_was_last_seen(app_client, db, accounts, seeded):
    national = DashboardService(db, office=None)
    by_province = dict(national.present_by("province"))
    assert sum(by_province.values()) == national.present_total()
    # Checked against the rows: each active stay's latest placed scan, its code's first two digits.
    last = (
        sa.select(Scan.region_code)
        .where(Scan.stay_id == Stay.id, Scan.region_code.is_not(None))
        .order_by(Scan.device_time.desc())
        .limit(1)
        .correlate(Stay)
        .scalar_subquery()
    )
    in_bali = sa.select(Stay).where(Stay.status == StayStatus.ACTIVE, sa.func.left(last, 2) == "51")
    assert by_province["Bali"] == _count(db, in_bali) > 0
    boss = make_account(accounts, "supervisor.prov", role="supervisor", office="PST")
    h = {"Authorization": f"Bearer {_token(app_client, boss)}"}
    got = app_client.get("/api/v1/statistics/present?by=province", headers=h).json()
    assert {r["province"]: r["present"] for r in got["rows"]} == by_province
    text = app_client.get(
        "/api/v1/statistics/present?by=province&format=csv", headers=h
    ).content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["province", "present"] and ["Bali", str(by_province["Bali"])] in rows
    body = app_client.get("/api/v1/statistics/present?by=province&format=xlsx", headers=h)
    sheet = openpyxl.load_workbook(io.BytesIO(body.content)).active
    assert sum(v[1] for v in list(sheet.iter_rows(values_only=True))[1:]) == sum(
        by_province.values()
    )
    assert app_client.get("/api/v1/statistics/present?by=regency", headers=h).status_code == 422
    viewer = make_account(accounts, "supervisor.prov.page", role="supervisor", office="PST")
    app_client.post(
        "/login",
        data={"username": "supervisor.prov.page", "password": PASSWORD, "otp": viewer.code()},
    )
    page = app_client.get("/console/dashboard")
    assert 'id="present-province"' in page.text and "Bali" in page.text
