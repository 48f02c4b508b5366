"""Objects named by a request, loaded within the caller's office scope (pantau.policy, docs/access.md):
another office's object answers 404 exactly as a missing one does.

The path's objects are FastAPI dependencies (`ScopedStay`, `ScopedCase`, ...), so the check runs
before the body is validated: another office's object is never told apart from a missing one by
a 422. Objects named in a body or a query are checked with the plain functions below."""

from __future__ import annotations

import uuid
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer
from pantau.alerts.models import Alert
from pantau.alerts.services import AlertService
from pantau.cases.models import Action, Case
from pantau.cases.services import CaseService
from pantau.errors import NotFound
from pantau.operations.models import Operation
from pantau.operations.services import get_visible
from pantau.people.models import Person
from pantau.policy import is_national, office_filter, person_in_scope
from pantau.reference.models import Checkpoint
from pantau.stays.models import Stay
from pantau.stickers.models import Sticker
from pantau.stickers.token import normalize_serial
from pantau.web import Caller, SessionDep


def person(db: Session, officer: Officer, person_id: uuid.UUID) -> Person:
    found = db.get(Person, person_id)
    if found is None or not person_in_scope(db, officer, person_id):
        raise NotFound("unknown_person", "No such person.", "Orang tidak ditemukan.")
    return found


def case(db: Session, officer: Officer, case_id: uuid.UUID) -> Case:
    return CaseService(db).get(case_id, officer)


def action(db: Session, officer: Officer, action_id: uuid.UUID) -> Action:
    """A TAK action of the officer's office (who of it may decide is the action service's rule)."""
    found = db.scalar(
        sa.select(Action).where(Action.id == action_id, office_filter(officer, Action.office_code))
    )
    if found is None:
        raise NotFound("unknown_action", "No such action.", "Tindakan tidak ditemukan.")
    return found


def sticker(db: Session, officer: Officer, serial: str) -> Sticker:
    """A sticker of a person in the officer's scope."""
    clean = normalize_serial(serial)
    found = db.get(Sticker, clean) if clean else None
    if found is None or not person_in_scope(db, officer, found.stay.person_id):
        raise NotFound(
            "unknown_sticker", f"No sticker {serial!r}.", f"Stiker {serial!r} tidak ada."
        )
    return found


def holder_sticker(db: Session, serial: str) -> Sticker:
    """Any sticker by its serial: what a scanner with the sticker in hand may look up (the view
    says more or less by role and scope)."""
    found = db.get(Sticker, normalize_serial(serial))
    if found is None:
        raise NotFound(
            "unknown_sticker", f"No sticker {serial!r}.", f"Stiker {serial!r} tidak ada."
        )
    return found


def checkpoint(db: Session, officer: Officer, code: str) -> Checkpoint:
    """A checkpoint of the officer's office (national accounts: any), where they register
    arrivals and departures."""
    found = db.get(Checkpoint, code.strip().upper())
    if (
        found is None
        or not found.active
        or not (is_national(officer) or found.office_code == officer.office_code)
    ):
        raise NotFound(
            "unknown_checkpoint",
            f"Unknown checkpoint {code!r} for your office.",
            f"TPI {code!r} tidak dikenal untuk kantor Anda.",
            field="checkpoint",
        )
    return found


# --- path objects as dependencies --------------------------------------------------------------
def _stay(stay_id: uuid.UUID, db: SessionDep, officer: Caller) -> Stay:
    found = db.get(Stay, stay_id)
    if found is None or not person_in_scope(db, officer, found.person_id):
        raise NotFound("unknown_stay", "No such stay.", "Izin tinggal tidak ditemukan.")
    return found


def _case(case_id: uuid.UUID, db: SessionDep, officer: Caller) -> Case:
    return case(db, officer, case_id)


def _action(action_id: uuid.UUID, db: SessionDep, officer: Caller) -> Action:
    return action(db, officer, action_id)


def _alert(alert_id: uuid.UUID, db: SessionDep, officer: Caller) -> Alert:
    return AlertService(db).get(alert_id, officer)


def _sticker(serial: str, db: SessionDep, officer: Caller) -> Sticker:
    return sticker(db, officer, serial)


def _operation(op_id: uuid.UUID, db: SessionDep, officer: Caller) -> Operation:
    return get_visible(db, op_id, officer)


ScopedStay = Annotated[Stay, Depends(_stay)]
ScopedCase = Annotated[Case, Depends(_case)]
ScopedAction = Annotated[Action, Depends(_action)]
ScopedAlert = Annotated[Alert, Depends(_alert)]
ScopedSticker = Annotated[Sticker, Depends(_sticker)]
ScopedOperation = Annotated[Operation, Depends(_operation)]
