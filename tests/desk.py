"""Helpers for tests that work a stay over HTTP as a checkpoint desk would: accounts with bearer
tokens, arrivals from an MRZ, scans from the scanner app. Everything goes through the API, so the
tests do not depend on where the code lives."""

from __future__ import annotations

import re
import time as _time
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from cryptography import x509
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pantau.accounts.services import AccountService
from pantau.people.mrz import build_td3
from pantau.pii import PiiCipher
from pantau.stickers.documents import StatusCache, TrustList
from tests.factories import PASSWORD, Account, make_account

WITA = timezone(timedelta(hours=8))
WIB = timezone(timedelta(hours=7))
DPS = (-8.7482, 115.1672)  # Ngurah Rai airport
CGK = (-6.1256, 106.6559)  # Soekarno-Hatta airport
KUTA = (-8.7220, 115.1720)  # a hotel in Kuta, 3 km from the airport


def bearer(
    client: TestClient, accounts: AccountService, username: str, **kw: Any
) -> dict[str, str]:
    """A new account and its API token as request headers."""
    return token_for(client, make_account(accounts, username, **kw))


def token_for(client: TestClient, acc: Account) -> dict[str, str]:
    data = {
        "username": acc.officer.username,
        "password": PASSWORD,
        "otp": acc.code() if acc.secret else "",
    }
    res = client.post("/api/v1/auth/token", data=data)
    assert res.status_code == 200, res.text
    return {"Authorization": f"Bearer {res.json()['access_token']}"}


def console(
    client: TestClient, acc: Account, *, steps_ahead: int = 1, page: str = "/console"
) -> str:
    """Sign in to the console (cookie session); returns the CSRF token for forms. A one-time code
    cannot be used twice: a sign-in after the account's token took the next step's code."""
    client.cookies.clear()
    code = acc.code(datetime.fromtimestamp(_time.time() + 30 * steps_ahead, UTC))
    res = client.post(
        "/login", data={"username": acc.officer.username, "password": PASSWORD, "otp": code}
    )
    assert res.status_code in (200, 303), res.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert found, f"no form on {page}"
    return found.group(1)


def mrz(
    number: str = "PA1234567",
    *,
    surname: str = "Smith",
    given: str = "Jane",
    nationality: str = "AUS",
    born: date = date(1990, 5, 17),
    expiry: date = date(2031, 1, 1),
    sex: str = "F",
) -> str:
    return build_td3(
        surname=surname,
        given_names=given,
        number=number,
        nationality=nationality,
        birth_date=born,
        sex=sex,
        expiry_date=expiry,
    )


def days_ago(n: int, hour: int = 10, zone: timezone = WITA) -> datetime:
    """`hour` o'clock local time `n` days ago: stickers are signed now, so arrivals in tests stay
    close to the real date whatever day the suite runs on."""
    return datetime.combine(datetime.now(zone).date() - timedelta(days=n), time(hour), zone)


def arrive(client: TestClient, headers: dict[str, str], **extra: Any):
    body = {
        "mrz": mrz(),
        "permit": "visa-exemption",
        "checkpoint": "DPS",
        "arrived_at": days_ago(2).isoformat(),
        **extra,
    }
    return client.post("/api/v1/arrivals", json=body, headers=headers)


def scan(
    qr: str | None = None,
    *,
    at: tuple[float, float] | None = DPS,
    kind: str = "check",
    when: datetime | None = None,
    **kw: Any,
) -> dict[str, Any]:
    when = when or datetime.now(UTC)
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "device_time": when.isoformat(),
        "kind": kind,
        "device": "desk-phone",
        **kw,
    }
    if qr is not None:
        body["qr_text"] = qr
    if at is not None:
        body.update(lat=at[0], lon=at[1], accuracy_m=15.0, fix_time=when.isoformat())
    return body


def post_scans(client: TestClient, headers: dict[str, str], *scans: dict[str, Any]):
    return client.post("/api/v1/scans", json={"scans": list(scans)}, headers=headers)


def status_cache(client: TestClient, headers: dict[str, str]) -> tuple[TrustList, StatusCache]:
    """What an offline phone holds after refreshing: the verified trust and status lists."""
    root = x509.load_pem_x509_certificate(client.get("/api/v1/trust-list/root").content)
    trust = TrustList.from_document(client.get("/api/v1/trust-list", headers=headers).json(), root)
    cache = StatusCache()
    cache.apply(client.get("/api/v1/status-list?since=0", headers=headers).json(), root)
    return trust, cache


def raise_alerts(db: Session, cipher: PiiCipher) -> None:
    """Run the scan rules over the stored scans, as the worker's job does after ingest."""
    from pantau.scans.models import Scan
    from pantau.wiring import alert_engine

    alert_engine(db, cipher).on_scans(list(db.scalars(sa.select(Scan).order_by(Scan.device_time))))
