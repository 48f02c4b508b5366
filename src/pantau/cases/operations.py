"""TIMPORA operations: a planned joint operation (date, area, agencies, partner members, the cases it
covers) and its results. Partner members see only the operations they are part of, and only what the
operation needs: its cases' titles, not the people's records."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, Session, mapped_column

from pantau.accounts.models import Officer, Role
from pantau.audit.services import record_event
from pantau.cases.models import Case
from pantau.db import Base, utcnow, uuid7
from pantau.errors import NotFound, PantauError
from pantau.web import SessionDep, actor_of, require_roles


class Operation(Base):
    __tablename__ = "timpora_operation"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
    name: Mapped[str] = mapped_column(sa.Text)
    day: Mapped[date]
    area: Mapped[str] = mapped_column(sa.Text)
    agencies: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), default=list)
    members: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(sa.Uuid), default=list)
    case_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(sa.Uuid), default=list)
    status: Mapped[str] = mapped_column(sa.String(10), default="planned")
    results: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("status IN ('planned','done','cancelled')", name="status"),
    )


class OperationCreate(BaseModel):
    name: str = Field(min_length=3, max_length=200)
    day: date
    area: str = Field(min_length=2, max_length=500)
    agencies: list[str] = Field(default_factory=list, max_length=20)
    members: list[str] = Field(default_factory=list, max_length=50, description="partner usernames")
    case_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)


class OperationResult(BaseModel):
    results: str = Field(min_length=3, max_length=5000)


router = APIRouter(tags=["cases"])
Staff = Annotated[Officer, Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.OFFICER))]
Anyone = Annotated[
    Officer, Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.OFFICER, Role.PARTNER))
]


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


def _view(db: Session, op: Operation) -> dict[str, Any]:
    titles = dict(db.execute(sa.select(Case.id, Case.title).where(Case.id.in_(op.case_ids))).all())
    return {
        "id": str(op.id),
        "name": op.name,
        "day": op.day.isoformat(),
        "area": op.area,
        "agencies": op.agencies,
        "office": op.office_code,
        "status": op.status,
        "cases": [{"id": str(c), "title": titles.get(c, "")} for c in op.case_ids],
        "members": len(op.members),
        "results": op.results,
    }


@router.post("/api/v1/operations", status_code=201)
def plan_operation(
    request: Request, body: OperationCreate, db: SessionDep, officer: Staff
) -> dict[str, Any]:
    op = Operation(
        office_code=officer.office_code,
        name=body.name.strip(),
        day=body.day,
        area=body.area.strip(),
        agencies=[a.strip() for a in body.agencies if a.strip()],
        members=_members(db, body.members),
        case_ids=body.case_ids,
        created_by=officer.id,
    )
    db.add(op)
    db.flush()
    record_event(
        db,
        "cases:operation:plan",
        actor=actor_of(request, officer),
        target=f"operation:{op.id}",
        details={"members": len(op.members)},
    )
    return _view(db, op)


@router.get("/api/v1/operations")
def list_operations(db: SessionDep, officer: Anyone) -> list[dict[str, Any]]:
    """Staff see their office's operations (supervisors all); a TIMPORA partner only those they are
    a member of."""
    q = sa.select(Operation).order_by(Operation.day.desc()).limit(200)
    if officer.role is Role.PARTNER:
        q = q.where(sa.literal(officer.id, sa.Uuid) == sa.any_(Operation.members))
    elif officer.role is Role.OFFICER:
        q = q.where(Operation.office_code == officer.office_code)
    return [_view(db, op) for op in db.scalars(q)]


@router.post("/api/v1/operations/{op_id}/results")
def record_results(
    request: Request, op_id: uuid.UUID, body: OperationResult, db: SessionDep, officer: Staff
) -> dict[str, Any]:
    op = db.get(Operation, op_id)
    if op is None or (officer.role is Role.OFFICER and op.office_code != officer.office_code):
        raise NotFound(
            "unknown_operation",
            "No such operation for your office.",
            "Operasi tidak ditemukan untuk kantor Anda.",
        )
    op.results, op.status = body.results.strip(), "done"
    record_event(
        db, "cases:operation:results", actor=actor_of(request, officer), target=f"operation:{op.id}"
    )
    return _view(db, op)
