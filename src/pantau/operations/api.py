"""TIMPORA operations: a planned joint operation (date, area, agencies, partner members, the cases it
covers) and its results. Partner members see only the operations they are part of, and only what the
operation needs: its cases' titles, not the people's records."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from pantau.operations.models import Operation
from pantau.operations.services import (
    OperationCreate,
    OperationResult,
    case_titles,
    list_visible,
    plan,
    record,
)
from pantau.scoped import ScopedOperation
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter(tags=["cases"])


def _view(db: Session, op: Operation) -> dict[str, Any]:
    titles = case_titles(db, op)
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
    request: Request, body: OperationCreate, db: SessionDep, officer: Caller
) -> dict[str, Any]:
    return _view(db, plan(db, officer, actor_of(request, officer), body))


@router.get("/api/v1/operations")
def list_operations(db: SessionDep, officer: Caller) -> list[dict[str, Any]]:
    """Staff see their office's operations (supervisors all); a TIMPORA partner only those they are
    a member of."""
    return [_view(db, op) for op in list_visible(db, officer)]


@router.post("/api/v1/operations/{op_id}/results")
def record_results(
    request: Request, op: ScopedOperation, body: OperationResult, db: SessionDep, officer: Caller
) -> dict[str, Any]:
    return _view(db, record(db, op, officer, actor_of(request, officer), body.results))
