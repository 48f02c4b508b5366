"""Console pages for TIMPORA operations: the list, planning one, adding agencies, partner members and
cases, recording results. A TIMPORA partner sees only the operations they are a member of, and of
those only what the operation needs (its day, area, agencies and the cases' titles)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from pantau.accounts.models import Officer, Role
from pantau.audit.services import Actor
from pantau.cases.models import Case
from pantau.cases.services import CaseService
from pantau.errors import PantauError
from pantau.operations import services as operations
from pantau.operations.models import Operation
from pantau.operations.services import OperationCreate
from pantau.policy import OPERATIONS
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("/console/operations", "Operations", OPERATIONS)]


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _ids(values: list[str]) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(v) for v in values if v]
    except ValueError:
        raise PantauError(
            "unknown_case", "Unknown case.", "Kasus tidak dikenal.", field="case_ids"
        ) from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PantauError(
            "bad_day", "Give the operation's day.", "Isi tanggal operasi.", field="day"
        ) from None


def _open_cases(db: SessionDep, officer: Officer) -> list[Case]:
    if officer.role is Role.PARTNER:
        return []
    return [c for c in CaseService(db).for_officer(officer) if c.status != "closed"]


def _list(
    request: Request,
    db: SessionDep,
    officer: Officer,
    *,
    error: str = "",
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "cases/operations.html",
        status_code=status_code,
        operations=operations.list_visible(db, officer),
        open_cases=_open_cases(db, officer),
        staff=officer.role is not Role.PARTNER,
        error=error,
        form=form or {},
    )


@router.get("/console/operations", response_class=HTMLResponse)
def operations_page(request: Request, db: SessionDep, officer: Caller) -> Response:
    return _list(request, db, officer)


@router.post("/console/operations", response_class=HTMLResponse)
def operations_plan(
    request: Request,
    db: SessionDep,
    officer: Caller,
    name: Annotated[str, Form(max_length=200)] = "",
    day: Annotated[str, Form(max_length=20)] = "",
    area: Annotated[str, Form(max_length=500)] = "",
    agencies: Annotated[str, Form(max_length=2000)] = "",
    members: Annotated[str, Form(max_length=2000)] = "",
    case_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    form = {"name": name, "day": day, "area": area, "agencies": agencies, "members": members}
    try:
        if officer.role is Role.PARTNER:
            raise PantauError(
                "forbidden",
                "Only immigration staff plan operations.",
                "Hanya petugas imigrasi yang dapat merencanakan operasi.",
                status=403,
            )
        try:
            body = OperationCreate(
                name=name,
                day=_day(day),
                area=area,
                agencies=_split(agencies),
                members=_split(members),
                case_ids=_ids(case_ids or []),
            )
        except ValidationError as exc:
            field = str(exc.errors()[0]["loc"][0])
            raise PantauError(
                "bad_operation",
                f"Check the field '{field}': name and area need at least a few letters.",
                f"Periksa isian '{field}': nama dan wilayah perlu diisi.",
                status=422,
                field=field,
            ) from None
        op = operations.plan(db, officer, actor_of(request, officer), body)
    except PantauError as exc:
        db.rollback()
        return _list(
            request,
            db,
            officer,
            error=exc.message(page_language(request)),
            form=form,
            status_code=exc.status,
        )
    return RedirectResponse(f"/console/operations/{op.id}", status_code=303)


def _detail(
    request: Request,
    db: SessionDep,
    officer: Officer,
    op: Operation,
    *,
    error: str = "",
    status_code: int = 200,
) -> Response:
    staff = officer.role is not Role.PARTNER
    members = operations.members_of(db, op) if staff else []
    return render(
        request,
        "cases/operation.html",
        status_code=status_code,
        op=op,
        staff=staff,
        cases=operations.cases_of(db, op),
        members=members,
        member_count=len(op.members),
        open_cases=[c for c in _open_cases(db, officer) if c.id not in op.case_ids],
        error=error,
    )


@router.get("/console/operations/{op_id}", response_class=HTMLResponse)
def operation_page(request: Request, op_id: uuid.UUID, db: SessionDep, officer: Caller) -> Response:
    return _detail(request, db, officer, operations.get_visible(db, op_id, officer))


def _change(
    request: Request,
    op_id: uuid.UUID,
    db: SessionDep,
    officer: Officer,
    change: Callable[[Operation, Actor], object],
) -> Response:
    op = operations.get_visible(db, op_id, officer)
    try:
        change(op, actor_of(request, officer))
    except PantauError as exc:
        db.rollback()
        op = operations.get_visible(db, op_id, officer)
        return _detail(
            request,
            db,
            officer,
            op,
            error=exc.message(page_language(request)),
            status_code=exc.status,
        )
    return RedirectResponse(f"/console/operations/{op_id}", status_code=303)


@router.post("/console/operations/{op_id}/add", response_class=HTMLResponse)
def operation_add(
    request: Request,
    op_id: uuid.UUID,
    db: SessionDep,
    officer: Caller,
    agencies: Annotated[str, Form(max_length=2000)] = "",
    members: Annotated[str, Form(max_length=2000)] = "",
    case_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Add agencies, partner members or cases to an operation."""

    def add(op: Operation, actor: Actor) -> None:
        operations.extend(
            db,
            op,
            officer,
            actor,
            agencies=_split(agencies),
            members=_split(members),
            case_ids=_ids(case_ids or []),
        )

    return _change(request, op_id, db, officer, add)


@router.post("/console/operations/{op_id}/results", response_class=HTMLResponse)
def operation_results(
    request: Request,
    op_id: uuid.UUID,
    db: SessionDep,
    officer: Caller,
    results: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    return _change(
        request,
        op_id,
        db,
        officer,
        lambda op, actor: operations.record(db, op, officer, actor, results),
    )
