"""Who may call each route, and whose data it reaches: the role groups and the policy table.

Every route of the app has one line in `POLICIES` (method and path template -> roles and scope); the
web layer looks the matched route up on every request (pantau.web) and refuses a role the line does
not name, and `tests/test_access_matrix.py` calls every route as every role, from its own and from
another office, against this table. A route without a line answers 403 to everyone, and fails that
test. docs/access.md explains the scopes and how a person belongs to an office.

This module holds no web code: domain services use `is_national` and the scope queries as well.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, Session

from pantau.accounts.models import Officer, Role
from pantau.audit.services import Actor
from pantau.db import utcnow
from pantau.errors import NotFound, PantauError

# --- role groups (the only place they are written) ----------------------------------------------
ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.OFFICER})  # immigration staff
MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})
ADMINS = frozenset({Role.ADMIN})
OPERATIONS = STAFF | {Role.PARTNER}  # TIMPORA joint operations
SCANNING = ALL_ROLES  # everyone with an account scans stickers (what they see differs)
PUBLIC_ROLES: frozenset[Role] = frozenset()  # no account needed

DATA_CENTRE_KIND = "datacentre"  # Office.kind of the immigration data centre (Pusdakim, PST)


class Scope(StrEnum):
    """Whose data a route reaches."""

    PUBLIC = "public"  # no account: citizens, the public, scanners fetching published documents
    ACCOUNT = "account"  # the caller's own account, or reference data shared by all
    OFFICE = "office"  # the caller's office's objects (national roles: all); others answer 404
    NATIONAL = "national"  # one country-wide list or setting (ban list, keys, accounts, channels)
    MEMBER = "member"  # TIMPORA operations: staff as OFFICE, partners the operations they are in
    HOLDER = "holder"  # what a scanner may see of a sticker in hand; movements only in scope
    PURPOSE = "purpose"  # another office's person, opened with a stated purpose (break-the-glass)


@dataclass(frozen=True, slots=True)
class Policy:
    roles: frozenset[Role]
    scope: Scope

    @property
    def public(self) -> bool:
        return self.scope is Scope.PUBLIC


def _p(roles: frozenset[Role], scope: Scope) -> Policy:
    return Policy(roles, scope)


PUBLIC = _p(PUBLIC_ROLES, Scope.PUBLIC)
ANY_ACCOUNT = _p(ALL_ROLES, Scope.ACCOUNT)
STAFF_OFFICE = _p(STAFF, Scope.OFFICE)
STAFF_NATIONAL = _p(STAFF, Scope.NATIONAL)
MANAGERS_NATIONAL = _p(MANAGERS, Scope.NATIONAL)
ADMIN_NATIONAL = _p(ADMINS, Scope.NATIONAL)
OPERATIONS_MEMBER = _p(OPERATIONS, Scope.MEMBER)

# "METHOD path" exactly as the route declares it. Keep it grouped by package, in route order.
POLICIES: dict[str, Policy] = {
    # health, sign-in, languages, the console home
    "GET /healthz": PUBLIC,
    "GET /api/v1/docs": PUBLIC,
    "GET /": PUBLIC,
    "GET /lang/{code}": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "POST /logout": ANY_ACCOUNT,
    "GET /console": ANY_ACCOUNT,
    "POST /api/v1/auth/token": PUBLIC,
    "POST /api/v1/auth/device-token": PUBLIC,
    "POST /api/v1/auth/logout": ANY_ACCOUNT,
    "GET /api/v1/auth/me": ANY_ACCOUNT,
    # accounts
    "GET /api/v1/users": ADMIN_NATIONAL,
    "POST /api/v1/users": ADMIN_NATIONAL,
    "POST /api/v1/users/{username}/disable": ADMIN_NATIONAL,
    "GET /console/users": ADMIN_NATIONAL,
    "POST /console/users": ADMIN_NATIONAL,
    "POST /console/users/{username}/disable": ADMIN_NATIONAL,
    # reference data
    "GET /api/v1/offices": ANY_ACCOUNT,
    "GET /api/v1/checkpoints": ANY_ACCOUNT,
    "GET /console/offices": MANAGERS_NATIONAL,
    "POST /console/offices/{code}": ADMIN_NATIONAL,
    "GET /console/audit": MANAGERS_NATIONAL,
    # people: arrivals at the office's checkpoints, its people's stays; the ban list is national
    "POST /api/v1/arrivals": STAFF_OFFICE,
    "POST /api/v1/stays/{stay_id}/extend": STAFF_OFFICE,
    "POST /api/v1/departures": STAFF_OFFICE,
    "GET /api/v1/refusal-reasons": _p(STAFF, Scope.ACCOUNT),  # a code list, the same for all
    "POST /api/v1/refusals": STAFF_OFFICE,
    "GET /api/v1/bans": STAFF_NATIONAL,
    "POST /api/v1/bans": STAFF_NATIONAL,
    "GET /api/v1/statistics/refusals": STAFF_NATIONAL,
    "GET /console/arrivals": STAFF_OFFICE,
    "POST /console/arrivals": STAFF_OFFICE,
    "GET /console/departures": STAFF_OFFICE,
    "POST /console/departures": STAFF_OFFICE,
    "GET /console/stays/{stay_id}/extend": STAFF_OFFICE,
    "POST /console/stays/{stay_id}/extend": STAFF_OFFICE,
    "GET /console/people": STAFF_OFFICE,
    "GET /console/people/{person_id}": STAFF_OFFICE,
    "POST /console/people/{person_id}/purpose": _p(STAFF, Scope.PURPOSE),
    "GET /console/bans": STAFF_NATIONAL,
    "POST /console/bans": STAFF_NATIONAL,
    "GET /console/keys": ADMIN_NATIONAL,
    "POST /console/keys/{code}/rotate": ADMIN_NATIONAL,
    # stickers: the published documents, images of the office's stickers, the scanner's view
    "GET /api/v1/trust-list": PUBLIC,  # certificates and random serials: anyone verifies
    "GET /api/v1/trust-list/root": PUBLIC,
    "GET /api/v1/status-list": PUBLIC,
    "GET /api/v1/stickers/sheet.pdf": STAFF_OFFICE,
    "GET /api/v1/stickers/{serial}.{fmt}": STAFF_OFFICE,
    "GET /api/v1/stickers/{serial}/view": _p(SCANNING, Scope.HOLDER),
    # scans: anyone with an account scans; the stored history is the office's
    "POST /api/v1/scans": _p(SCANNING, Scope.ACCOUNT),
    "GET /api/v1/scans": STAFF_OFFICE,
    # alerts
    "GET /api/v1/alerts": STAFF_OFFICE,
    "POST /api/v1/alerts/{alert_id}/acknowledge": STAFF_OFFICE,
    "POST /api/v1/alerts/{alert_id}/resolve": STAFF_OFFICE,
    "POST /api/v1/alerts/{alert_id}/dismiss": STAFF_OFFICE,
    "GET /console/alerts": STAFF_OFFICE,
    "POST /console/alerts/{alert_id}/acknowledge": STAFF_OFFICE,
    "POST /console/alerts/{alert_id}/resolve": STAFF_OFFICE,
    "POST /console/alerts/{alert_id}/dismiss": STAFF_OFFICE,
    "GET /api/v1/geofences": MANAGERS_NATIONAL,
    "POST /api/v1/geofences": MANAGERS_NATIONAL,
    "PUT /api/v1/geofences/{zone_id}": MANAGERS_NATIONAL,
    "DELETE /api/v1/geofences/{zone_id}": MANAGERS_NATIONAL,
    "GET /console/zones": MANAGERS_NATIONAL,
    # notification channels (country-wide settings)
    "GET /api/v1/notification-channels": MANAGERS_NATIONAL,
    "POST /api/v1/notification-channels": MANAGERS_NATIONAL,
    "PATCH /api/v1/notification-channels/{channel_id}": MANAGERS_NATIONAL,
    "POST /api/v1/notification-channels/{channel_id}/rotate-secret": MANAGERS_NATIONAL,
    "GET /api/v1/notification-channels/{channel_id}/deliveries": MANAGERS_NATIONAL,
    "GET /console/notifications": MANAGERS_NATIONAL,
    "POST /console/notifications": MANAGERS_NATIONAL,
    "POST /console/notifications/{channel_id}/enable": MANAGERS_NATIONAL,
    "POST /console/notifications/{channel_id}/disable": MANAGERS_NATIONAL,
    "POST /console/notifications/{channel_id}/rotate-secret": MANAGERS_NATIONAL,
    # maps and dashboards (aggregates; officers their office's)
    "GET /api/v1/map/scans": STAFF_OFFICE,
    "GET /api/v1/map/regions": STAFF_OFFICE,
    "GET /api/v1/map/regions.geojson": STAFF_NATIONAL,
    "GET /api/v1/map/provinces.geojson": STAFF_NATIONAL,
    "GET /api/v1/map/sightings": STAFF_OFFICE,
    "GET /maps/base/{scale}.geojson": PUBLIC,  # Natural Earth land: the report form draws it
    "GET /maps/labels.json": PUBLIC,  # names of provinces and cities
    "GET /console/map": STAFF_OFFICE,
    "GET /console/dashboard": STAFF_OFFICE,
    "GET /api/v1/statistics/present": STAFF_OFFICE,
    "GET /api/v1/statistics/daily": STAFF_OFFICE,
    # reports from the public, cases, TAK actions, published statistics
    "GET /lapor": PUBLIC,
    "POST /lapor": PUBLIC,
    "GET /lapor/places": PUBLIC,  # place names (gazetteer), for the report form
    "GET /lapor/track": PUBLIC,
    "GET /lapor/{code}": PUBLIC,
    "GET /api/v1/reports": STAFF_OFFICE,
    "POST /api/v1/cases": STAFF_OFFICE,
    "GET /api/v1/cases": STAFF_OFFICE,
    "GET /api/v1/cases/{case_id}": STAFF_OFFICE,
    "POST /api/v1/cases/{case_id}/persons": STAFF_OFFICE,
    "POST /api/v1/cases/{case_id}/notes": STAFF_OFFICE,
    "POST /api/v1/cases/{case_id}/status": STAFF_OFFICE,
    "POST /api/v1/actions": STAFF_OFFICE,
    "POST /api/v1/actions/{action_id}/approve": STAFF_OFFICE,
    "POST /api/v1/actions/{action_id}/reject": STAFF_OFFICE,
    "GET /api/v1/actions": STAFF_OFFICE,
    "GET /api/v1/statistics/deportations": STAFF_NATIONAL,
    "GET /api/v1/statistics/reports": STAFF_NATIONAL,
    "GET /console/cases": STAFF_OFFICE,
    "POST /console/cases": STAFF_OFFICE,
    "GET /console/cases/{case_id}": STAFF_OFFICE,
    "GET /console/cases/{case_id}/photos/{photo_id}.jpg": STAFF_OFFICE,
    "POST /console/cases/{case_id}/note": STAFF_OFFICE,
    "POST /console/cases/{case_id}/person": STAFF_OFFICE,
    "POST /console/cases/{case_id}/assign": STAFF_OFFICE,
    "POST /console/cases/{case_id}/name": STAFF_OFFICE,
    "POST /console/cases/{case_id}/passport": STAFF_OFFICE,
    "POST /console/cases/{case_id}/status": STAFF_OFFICE,
    "POST /console/cases/{case_id}/action": STAFF_OFFICE,
    "POST /console/actions/{action_id}/approve": STAFF_OFFICE,
    "POST /console/actions/{action_id}/reject": STAFF_OFFICE,
    "GET /console/statistics": STAFF_NATIONAL,
    "GET /console/statistics/export": STAFF_NATIONAL,
    # TIMPORA operations
    "POST /api/v1/operations": STAFF_OFFICE,
    "GET /api/v1/operations": OPERATIONS_MEMBER,
    "POST /api/v1/operations/{op_id}/results": STAFF_OFFICE,
    "GET /console/operations": OPERATIONS_MEMBER,
    "POST /console/operations": STAFF_OFFICE,
    "GET /console/operations/{op_id}": OPERATIONS_MEMBER,
    "POST /console/operations/{op_id}/add": STAFF_OFFICE,
    "POST /console/operations/{op_id}/results": STAFF_OFFICE,
    # APPAPO passport queue: citizens (public), the office's desk and settings
    "GET /antrean": PUBLIC,
    "GET /antrean/kantor/{code}": PUBLIC,
    "GET /antrean/jadwal": PUBLIC,
    "GET /antrean/pesan": PUBLIC,
    "POST /antrean/pesan": PUBLIC,
    "GET /antrean/konfirmasi/{booking_id}": PUBLIC,
    "POST /antrean/konfirmasi/{booking_id}": PUBLIC,
    "GET /antrean/ruang-tunggu/{booking_id}": PUBLIC,
    "GET /antrean/ruang-tunggu/{booking_id}/status": PUBLIC,
    "GET /antrean/kelola": PUBLIC,
    "POST /antrean/kelola": PUBLIC,
    "GET /antrean/pemesanan": PUBLIC,
    "POST /antrean/pemesanan/ubah": PUBLIC,
    "POST /antrean/pemesanan/batal": PUBLIC,
    "GET /antrean/pemesanan/data": PUBLIC,
    "GET /antrean/kotak-keluar": PUBLIC,
    "GET /console/antrean": STAFF_OFFICE,
    "POST /console/antrean/cari": STAFF_OFFICE,
    "POST /console/antrean/checkin": STAFF_OFFICE,
    "POST /console/antrean/panggil": STAFF_OFFICE,
    "POST /console/antrean/selesai/{booking_id}": STAFF_OFFICE,
    "POST /console/antrean/tutup": STAFF_OFFICE,
    "GET /antrean/layar/{code}": PUBLIC,
    "GET /antrean/layar/{code}/panggilan": PUBLIC,
    "GET /console/antrean/pengaturan": STAFF_OFFICE,
    "POST /console/antrean/pengaturan/aturan": STAFF_OFFICE,
    "POST /console/antrean/pengaturan/kuota": STAFF_OFFICE,
    "POST /console/antrean/pengaturan/sesi": STAFF_OFFICE,
    "GET /api/v1/queue/offices": PUBLIC,
    "GET /api/v1/queue/offices/{code}/availability": PUBLIC,
    "POST /api/v1/queue/bookings": PUBLIC,
    "POST /api/v1/queue/bookings/{booking_id}/confirm": PUBLIC,
    "GET /api/v1/queue/bookings/{booking_id}/status": PUBLIC,
    "POST /api/v1/queue/bookings/lookup": PUBLIC,
    "POST /api/v1/queue/bookings/reschedule": PUBLIC,
    "POST /api/v1/queue/bookings/cancel": PUBLIC,
    # the scanner web app's shell (it signs in itself)
    "GET /scan": PUBLIC,
    "GET /scan/": PUBLIC,
    "GET /scan/sw.js": PUBLIC,
    "GET /scan/manifest.webmanifest": PUBLIC,
    "GET /verifikasi": PUBLIC,  # the public sticker verifier
    "GET /verify": PUBLIC,
}


def policy_for(method: str, path: str) -> Policy | None:
    """The declared policy of a route (HEAD is answered as GET)."""
    return POLICIES.get(f"{'GET' if method == 'HEAD' else method} {path}")


# --- office scope ---------------------------------------------------------------------------------
def is_national(officer: Officer) -> bool:
    """Administrators, and supervisors of the data centre, act for the whole country. A supervisor
    posted at a Kanim is that office's supervisor: their office, like its officers."""
    if officer.role is Role.ADMIN:
        return True
    return officer.role is Role.SUPERVISOR and officer.office.kind == DATA_CENTRE_KIND


def office_filter(
    officer: Officer, column: sa.ColumnElement[str] | QueryableAttribute[str]
) -> sa.ColumnElement[bool]:
    """`column` (an office code) limited to what the officer may act on."""
    return sa.true() if is_national(officer) else column == officer.office_code


SIGHTING_DAYS = 180  # a scan in an office's working area ties the person to it this long


def person_offices(session: Session, person_id: uuid.UUID) -> set[str]:
    """The offices a person belongs to (docs/access.md):
    - the office of any of their stays (the office of the checkpoint they arrived through);
    - the office whose working area holds a regency where they were scanned in the last
      SIGHTING_DAYS days (a sighting, placed by the scan's position);
    - the office of a case they are linked to, of an alert about them, or of a TAK action on them.
    """
    from pantau.alerts.models import Alert
    from pantau.cases.models import Action, Case, CaseEntry
    from pantau.reference.models import OfficeRegion
    from pantau.scans.models import Scan
    from pantau.stays.models import Stay

    since = utcnow() - timedelta(days=SIGHTING_DAYS)
    parts: list[sa.Select[Any]] = [
        sa.select(Stay.office_code).where(Stay.person_id == person_id),
        sa.select(OfficeRegion.office_code)
        .join(Scan, Scan.region_code == OfficeRegion.region_code)
        .where(Scan.person_id == person_id, Scan.device_time >= since),
        sa.select(Case.office_code)
        .join(CaseEntry, CaseEntry.case_id == Case.id)
        .where(CaseEntry.person_id == person_id),
        sa.select(Alert.office_code).where(Alert.person_id == person_id),
        sa.select(Action.office_code).where(Action.person_id == person_id),
    ]
    return set(session.scalars(sa.union(*parts)))


def person_in_scope(session: Session, officer: Officer, person_id: uuid.UUID) -> bool:
    return is_national(officer) or officer.office_code in person_offices(session, person_id)


# --- break-the-glass: another office's person, opened with a stated purpose ---------------------
BREAK_GLASS_TAG = "people:person:break-glass"
BREAK_GLASS_HOURS = 8  # how long one stated purpose opens the record to the account
MIN_PURPOSE = 10  # characters


def break_glass_open(session: Session, officer: Officer, person_id: uuid.UUID) -> bool:
    """Whether the officer stated a purpose for this person in the last BREAK_GLASS_HOURS."""
    from pantau.audit.models import AuditEvent

    since = utcnow() - timedelta(hours=BREAK_GLASS_HOURS)
    return bool(
        session.scalar(
            sa.select(
                sa.exists().where(
                    AuditEvent.target == f"person:{person_id}",
                    AuditEvent.tag == BREAK_GLASS_TAG,
                    AuditEvent.actor_id == officer.id,
                    AuditEvent.occurred_at >= since,
                )
            )
        )
    )


def person_readable(session: Session, officer: Officer, person_id: uuid.UUID) -> bool:
    return person_in_scope(session, officer, person_id) or break_glass_open(
        session, officer, person_id
    )


def break_glass(
    session: Session, officer: Officer, actor: Actor, person_id: uuid.UUID, purpose: str
) -> None:
    """Record a stated purpose for reading another office's person (audited with the offices the
    person belongs to, whose supervisors see it). An unknown person answers 404."""
    from pantau.audit.services import record_event
    from pantau.people.models import Person

    text = " ".join(purpose.split())
    if len(text) < MIN_PURPOSE:
        raise PantauError(
            "purpose_required",
            f"State the purpose in a few words (at least {MIN_PURPOSE} characters).",
            f"Sebutkan tujuannya dalam beberapa kata (paling sedikit {MIN_PURPOSE} huruf).",
            status=422,
            field="purpose",
        )
    if session.get(Person, person_id) is None:
        raise NotFound("unknown_person", "No such person.", "Orang tidak ditemukan.")
    record_event(
        session,
        BREAK_GLASS_TAG,
        actor=actor,
        target=f"person:{person_id}",
        details={
            "purpose": text[:500],
            "offices": sorted(person_offices(session, person_id)),
            "by_office": officer.office_code,
        },
    )


def break_glass_reads(session: Session, officer: Officer, *, days: int = 30) -> list[Any]:
    """The cross-office reads a supervisor is shown: of their office's people (national
    supervisors: all), newest first."""
    from pantau.audit.models import AuditEvent

    q = (
        sa.select(AuditEvent)
        .where(
            AuditEvent.tag == BREAK_GLASS_TAG,
            AuditEvent.occurred_at >= utcnow() - timedelta(days=days),
        )
        .order_by(AuditEvent.id.desc())
        .limit(100)
    )
    if not is_national(officer):
        q = q.where(AuditEvent.details.contains({"offices": [officer.office_code]}))
    return list(session.scalars(q))
