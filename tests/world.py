"""A small world of two offices for access tests: Ngurah Rai (NGR, checkpoint DPS) and Medan (MDN,
checkpoint KNO), each with accounts of every role, a person who arrived there with a stay and a
sticker, a case linking them, a deportation awaiting a second officer, an alert, a report and a
TIMPORA operation; plus the data centre's administrator and supervisor (PST). Built with the
services in the test's transaction (no HTTP), so that it costs well under a second."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pantau import security
from pantau.accounts.models import Officer, Role
from pantau.accounts.services import AccountService
from pantau.alerts.models import Alert
from pantau.audit.services import Actor
from pantau.cases.models import Action, Case
from pantau.cases.services import ActionService, CaseService
from pantau.operations.models import Operation
from pantau.people.services import Traveller
from pantau.pii import PiiCipher
from pantau.reports.models import Report, ReportPhoto
from pantau.stays.models import Permit, Stay
from pantau.stickers.keys import KeyService
from pantau.stickers.models import Sticker
from pantau.web import SESSION_COOKIE
from pantau.wiring import stay_service
from tests.factories import PASSWORD, TEST_ACTOR

CHECKPOINT = {"NGR": "DPS", "MDN": "KNO", "SHA": "CGK"}


@dataclass
class Login:
    officer: Officer
    bearer: dict[str, str]  # Authorization header of an API token
    cookie: str  # a console session
    csrf: str


@dataclass
class Office:
    code: str
    stay: Stay
    sticker: Sticker
    case: Case
    action: Action
    alert: Alert
    report: Report
    photo: ReportPhoto
    operation: Operation
    logins: dict[str, Login] = field(default_factory=dict)

    @property
    def person_id(self) -> uuid.UUID:
        return self.stay.person_id


@functools.cache
def _password_hash() -> str:
    return security.hash_password(PASSWORD)  # argon2 takes most of a second: hashed once


def login(accounts: AccountService, username: str, role: str, office: str) -> Login:
    """An account with an API token and a console session (signed in without the sign-in page,
    which tests/accounts covers)."""
    officer = Officer(
        username=username,
        full_name=username.title(),
        role=Role(role),
        office_code=office,
        password_hash=_password_hash(),
    )
    accounts.session.add(officer)
    accounts.session.flush()
    token, _ = accounts.start_session(officer, kind="api", origin="test", user_agent=None)
    cookie, row = accounts.start_session(officer, kind="web", origin="test", user_agent=None)
    return Login(officer, {"Authorization": f"Bearer {token}"}, cookie, row.csrf_token)


def arrive(
    db: Session, cipher: PiiCipher, office: str, surname: str, number: str, nationality: str = "AUS"
) -> tuple[Stay, Sticker]:
    actor = Actor("test", origin="test")
    out = stay_service(db, cipher, actor).register_arrival(
        Traveller(
            surname,
            "ALEX",
            nationality,
            date(1985, 3, 4),
            "M",
            number,
            "P",
            nationality,
            date(2033, 1, 1),
        ),
        permit=Permit.VOA,
        checkpoint_code=CHECKPOINT[office],
        actor=actor,
        arrived_at=datetime.now(UTC) - timedelta(days=3),
    )
    return out.stay, out.sticker


def build_office(
    db: Session, accounts: AccountService, cipher: PiiCipher, code: str, roles: tuple[str, ...]
) -> Office:
    low = code.lower()
    logins = {role: login(accounts, f"{role}.{low}", role, code) for role in roles}
    if "officer" in logins:
        logins["officer2"] = login(accounts, f"officer2.{low}", "officer", code)
    officer = logins["officer"].officer
    proposer = logins["officer2"].officer  # so that "officer" is a second officer for it
    stay, sticker = arrive(db, cipher, code, f"WORLD{code}", f"W{code}12345")
    report = Report(
        tracking_code=f"T{code}{uuid.uuid4().hex[:8].upper()}",
        description=f"A report for {code}",
        office_code=code,
    )
    db.add(report)
    db.flush()
    photo = ReportPhoto(report_id=report.id, jpeg=b"\xff\xd8\xff\xd9", width=1, height=1)
    db.add(photo)
    actor = Actor(officer.username, officer.id, "test")
    case = CaseService(db).open(
        title=f"Case at {code}", officer=officer, actor=actor, report_id=report.id
    )
    CaseService(db).link_person(case, stay.person_id, officer=officer, actor=actor, how="test")
    action = ActionService(db, cipher=cipher).propose(
        kind="deportation",
        person_id=stay.person_id,
        reason="Working without a permit, UU 6/2011 Pasal 75",
        officer=proposer,
        actor=Actor(proposer.username, proposer.id, "test"),
        case_id=case.id,
    )
    alert = Alert(
        kind="test",
        severity="low",
        office_code=code,
        person_id=stay.person_id,
        stay_id=stay.id,
        serial=sticker.serial,
        dedup_key=f"test:{code}",
        summary=f"A test alert at {code}",
        details={},
        evidence=[],
    )
    db.add(alert)
    members = [logins["partner"].officer.id] if "partner" in logins else []
    operation = Operation(
        office_code=code,
        name=f"Operation {code}",
        day=date.today(),
        area="Somewhere",
        agencies=["Polri"],
        members=members,
        case_ids=[case.id],
        created_by=officer.id,
    )
    db.add(operation)
    db.flush()
    return Office(code, stay, sticker, case, action, alert, report, photo, operation, logins)


ROLES = ("officer", "supervisor", "partner", "accommodation")


@dataclass
class World:
    offices: dict[str, Office]
    national: dict[str, Login]  # admin and supervisor of the data centre (PST)

    def __getitem__(self, code: str) -> Office:
        return self.offices[code]


def build_world(
    db: Session,
    accounts: AccountService,
    cipher: PiiCipher,
    codes: tuple[str, ...] = ("NGR", "MDN"),
    roles: tuple[str, ...] = ROLES,
) -> World:
    KeyService(db, cipher=cipher).init([CHECKPOINT[c] for c in codes], actor=TEST_ACTOR)
    offices = {c: build_office(db, accounts, cipher, c, roles) for c in codes}
    national = {
        "admin": login(accounts, "admin.pst", "admin", "PST"),
        "supervisor": login(accounts, "supervisor.pst", "supervisor", "PST"),
    }
    db.flush()
    return World(offices, national)


def console(client: TestClient, who: Login) -> dict[str, str]:
    """Make the client's browser signed in as `who`; returns the header a page's script sends."""
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, who.cookie)
    return {"X-CSRF-Token": who.csrf}
