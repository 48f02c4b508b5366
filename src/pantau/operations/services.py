"""TIMPORA operations: a planned joint operation (date, area, agencies, partner members, the cases it covers) and its results."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer, Role
from pantau.audit.services import Actor, record_event
from pantau.cases.models import Case
from pantau.errors import Conflict, Forbidden, NotFound, PantauError
from pantau.operations.models import Operation
from pantau.policy import office_filter


class OperationCreate(BaseModel):
    name: str = Field(min_length=3, max_length=200)
    day: date
    area: str = Field(min_length=2, max_length=500)
    agencies: list[str] = Field(default_factory=list, max_length=20)
    members: list[str] = Field(default_factory=list, max_length=50, description="partner usernames")
    case_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)


class OperationResult(BaseModel):
    results: str = Field(min_length=3, max_length=5000)


def _members(db: Session, usernames: list[str]) -> list[uuid.UUID]:
    found = {
        o.username: o
        for o in db.scalars(
            sa.select(Officer).where(Officer.username.in_([u.lower() for u in usernames]))
        )
    }
    missing = [u for u in usernames if u.lower() not in found]
    if missing:
        raise PantauError(
            "unknown_member",
            f"Unknown accounts: {', '.join(missing)}.",
            f"Akun tidak dikenal: {', '.join(missing)}.",
            field="members",
        )
    return [found[u.lower()].id for u in usernames]


def visible(officer: Officer) -> sa.Select[Operation]:
    """Staff see their office's operations (national accounts all); a TIMPORA partner only the
    operations they are a member of."""
    q = sa.select(Operation).order_by(Operation.day.desc()).limit(200)
    if officer.role is Role.PARTNER:
        q = q.where(sa.literal(officer.id, sa.Uuid) == sa.any_(Operation.members))
    else:
        q = q.where(office_filter(officer, Operation.office_code))
    return q


def get_visible(db: Session, op_id: uuid.UUID, officer: Officer) -> Operation:
    op = db.scalar(visible(officer).where(Operation.id == op_id))
    if op is None:
        raise NotFound(
            "unknown_operation",
            "No such operation for your account.",
            "Operasi tidak ditemukan untuk akun Anda.",
        )
    return op


def _cases(db: Session, officer: Officer, case_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Only cases the planning officer may see can be covered by their operation."""
    if not case_ids:
        return []
    q = sa.select(Case.id).where(Case.id.in_(case_ids), office_filter(officer, Case.office_code))
    found = set(db.scalars(q))
    if missing := [str(c) for c in case_ids if c not in found]:
        raise PantauError(
            "unknown_case",
            f"Unknown cases for your office: {', '.join(missing)}.",
            f"Kasus tidak dikenal untuk kantor Anda: {', '.join(missing)}.",
            field="case_ids",
        )
    return list(dict.fromkeys(case_ids))


def plan(db: Session, officer: Officer, actor: Actor, body: OperationCreate) -> Operation:
    op = Operation(
        office_code=officer.office_code,
        name=body.name.strip(),
        day=body.day,
        area=body.area.strip(),
        agencies=[a.strip() for a in body.agencies if a.strip()],
        members=_members(db, body.members),
        case_ids=_cases(db, officer, body.case_ids),
        created_by=officer.id,
    )
    db.add(op)
    db.flush()
    record_event(
        db,
        "cases:operation:plan",
        actor=actor,
        target=f"operation:{op.id}",
        details={"members": len(op.members)},
    )
    return op


def extend(
    db: Session,
    op: Operation,
    officer: Officer,
    actor: Actor,
    *,
    agencies: Sequence[str] = (),
    members: Sequence[str] = (),
    case_ids: Sequence[uuid.UUID] = (),
) -> Operation:
    """Add agencies, partner members or cases to a planned operation."""
    if officer.role is Role.PARTNER:
        raise Forbidden(
            "forbidden",
            "Only immigration staff change an operation.",
            "Hanya petugas imigrasi yang dapat mengubah operasi.",
        )
    if op.status != "planned":
        raise Conflict(
            "operation_closed",
            "The operation is over; its plan cannot change.",
            "Operasi sudah selesai; rencananya tidak dapat diubah.",
        )
    new_agencies = [a.strip() for a in agencies if a.strip()]
    new_members = _members(db, list(members))
    new_cases = _cases(db, officer, list(case_ids))
    if not (new_agencies or new_members or new_cases):
        raise PantauError(
            "nothing_to_add",
            "Name an agency, a member or a case to add.",
            "Sebutkan instansi, anggota, atau kasus yang ditambahkan.",
        )
    op.agencies = list(dict.fromkeys([*op.agencies, *new_agencies]))
    op.members = list(dict.fromkeys([*op.members, *new_members]))
    op.case_ids = list(dict.fromkeys([*op.case_ids, *new_cases]))
    record_event(
        db,
        "cases:operation:extend",
        actor=actor,
        target=f"operation:{op.id}",
        details={
            "agencies": new_agencies,
            "members": [str(m) for m in new_members],
            "cases": [str(c) for c in new_cases],
        },
    )
    return op


def record(db: Session, op: Operation, officer: Officer, actor: Actor, results: str) -> Operation:
    if officer.role is Role.PARTNER:
        raise Forbidden(
            "forbidden",
            "Only immigration staff record results.",
            "Hanya petugas imigrasi yang dapat mencatat hasil.",
        )
    if len(results.strip()) < 3:
        raise PantauError(
            "results_required",
            "Write what the operation found.",
            "Tuliskan hasil operasi.",
            field="results",
        )
    op.results, op.status = results.strip()[:5000], "done"
    record_event(db, "cases:operation:results", actor=actor, target=f"operation:{op.id}")
    return op


def list_visible(db: Session, officer: Officer) -> list[Operation]:
    return list(db.scalars(visible(officer)))


def for_case(db: Session, officer: Officer, case_id: uuid.UUID) -> list[Operation]:
    """The operations the officer may see that cover this case."""
    return list(
        db.scalars(
            visible(officer).where(sa.literal(case_id, sa.Uuid) == sa.any_(Operation.case_ids))
        )
    )


def case_titles(db: Session, op: Operation) -> dict[uuid.UUID, str]:
    return dict(db.execute(sa.select(Case.id, Case.title).where(Case.id.in_(op.case_ids))).all())


def cases_of(db: Session, op: Operation) -> list[Case]:
    """The operation's cases, in the operation's order."""
    cases = {c.id: c for c in db.scalars(sa.select(Case).where(Case.id.in_(op.case_ids)))}
    return [cases[c] for c in op.case_ids if c in cases]


def members_of(db: Session, op: Operation) -> list[Officer]:
    return list(db.scalars(sa.select(Officer).where(Officer.id.in_(op.members))))
