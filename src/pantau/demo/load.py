"""Demo data for `pantau demo` / `make demo`: reference data and one account per role.

Demo accounts use a published second-factor seed, so that anyone trying Pantau can sign in; that is
why `pantau demo otp` can print their current code and refuses for any other account."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import pyotp
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau import security
from pantau.accounts.models import Officer, Role
from pantau.accounts.services import TOTP_CONTEXT, AccountService
from pantau.audit.services import Actor
from pantau.config import Settings
from pantau.demo.people import load_people_demo
from pantau.demo.queue import load_queue_demo
from pantau.pii import PiiCipher
from pantau.reference.services import ReferenceService
from pantau.stickers.keys import KeyService
from pantau.wiring import alert_engine

DEMO_PASSWORD = "pantau-demo-2026"  # noqa: S105 - published demo password, printed by `pantau demo`
DEMO_ACTOR = Actor("demo", origin="cli")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    office: str
    full_name: str

    @property
    def totp_secret(self) -> str:
        digest = hashlib.sha256(f"pantau-demo:{self.username}".encode()).digest()[:20]
        return base64.b32encode(digest).decode()


DEMO_ACCOUNTS = [
    DemoAccount("admin", Role.ADMIN, "PST", "Admin Pusdakim"),
    DemoAccount("supervisor", Role.SUPERVISOR, "PST", "Siti Rahmawati"),
    DemoAccount("petugas.ngr", Role.OFFICER, "NGR", "I Made Wirawan"),
    DemoAccount("petugas.cgk", Role.OFFICER, "SHA", "Budi Santoso"),
    DemoAccount("petugas.mdn", Role.OFFICER, "MDN", "Rizky Nasution"),
    DemoAccount("timpora.bali", Role.PARTNER, "DEN", "AKP Ketut Arya"),
    DemoAccount("hotel.kuta", Role.ACCOMMODATION, "NGR", "Hotel Kuta Indah"),
]


def demo_account(username: str) -> DemoAccount | None:
    return next((a for a in DEMO_ACCOUNTS if a.username == username), None)


def load_demo(session: Session, settings: Settings, cipher: PiiCipher) -> list[str]:
    """Create what is missing; never touch what exists. Returns what was created."""
    accounts = AccountService(session, settings=settings, cipher=cipher)
    created: list[str] = []
    reference = ReferenceService(session)
    offices, checkpoints = reference.load_shipped()
    if offices or checkpoints:
        created.append(f"{offices} offices, {checkpoints} checkpoints")
    codes = [c.code for c in reference.checkpoints()] + [o.code for o in reference.offices()]
    if keys := KeyService(session, cipher=cipher).init(codes, actor=DEMO_ACTOR):
        created.append(f"{len(keys)} signing keys")
    for acc in DEMO_ACCOUNTS:
        if accounts.by_username(acc.username) is not None:
            continue
        new = accounts.create(
            username=acc.username,
            password=DEMO_PASSWORD,
            role=acc.role.value,
            office_code=acc.office,
            full_name=acc.full_name,
            with_otp=acc.role.second_factor_required,
            actor=DEMO_ACTOR,
        )
        if new.officer.totp_secret is not None:
            new.officer.totp_secret = accounts.cipher.encrypt(acc.totp_secret, TOTP_CONTEXT)
        created.append(f"account {acc.username}")
    if arrivals := load_people_demo(session, cipher, DEMO_ACTOR):
        created.append(f"{arrivals} arrivals with stickers")
        # The worker sweeps hourly; run it once now so the demo's overstayer shows at once.
        alerts = alert_engine(session, cipher).sweep()
        created.append(f"{len(alerts)} alerts")
        # After the sweep: the crowd's own overstays wait for the worker, so the demo's inbox
        # opens on the story's overstayer; its copied sticker is raised at once.
        created.append(_seeded_crowd(session, cipher))
    if queue_offices := load_queue_demo(session):
        created.append(f"{queue_offices} offices taking passport-queue bookings")
    return created


def _seeded_crowd(session: Session, cipher: PiiCipher) -> str:
    """A small synthetic crowd (pantau seed), loaded with the demo arrivals so it runs once; its
    copied stickers go through the scan rules, as ingested scans would."""
    from pantau.demo.seed import SeedOptions, seed_in_session
    from pantau.scans.models import Scan

    report = seed_in_session(session, cipher, SeedOptions(people=300, days=14, signed=20))
    copies = list(session.scalars(sa.select(Scan).where(Scan.id.in_(report.copied_scans))))
    alert_engine(session, cipher).on_scans(copies)
    return f"{report.people} synthetic people with {report.counts.get('scan', 0)} scans"


def current_code(accounts: AccountService, officer: Officer) -> str | None:
    """The current one-time code of a demo account, or None for any account whose seed is secret."""
    acc = demo_account(officer.username)
    secret = accounts.totp_secret(officer)
    if acc is None or secret is None or secret != acc.totp_secret:
        return None
    return pyotp.TOTP(secret).now()


def otpauth_uri(acc: DemoAccount) -> str:
    return security.totp_uri(acc.totp_secret, acc.username)
