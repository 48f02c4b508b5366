"""Reports, cases, TAK actions and their statistics over the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from pantau import scoped
from pantau.cases.models import Action, Case
from pantau.cases.services import ActionService, CaseService
from pantau.errors import PantauError
from pantau.reports.models import Report
from pantau.reports.services import reports_for
from pantau.scoped import ScopedAction, ScopedCase
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter(tags=["cases"])


class ReportPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    tracking_code: str
    received_at: datetime
    description: str
    lat: float | None
    lon: float | None
    office_code: str
    status: str


class CaseCreate(BaseModel):
    title: str = Field(min_length=3, max_length=300)
    report_id: uuid.UUID | None = None
    alert_id: uuid.UUID | None = None


class CasePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    number: int
    office_code: str
    title: str
    source: str
    status: str
    outcome: str | None
    created_at: datetime


class CaseMove(BaseModel):
    status: str
    outcome: str = ""


class PersonLink(BaseModel):
    """A person by id, or the holder of a sticker by its serial (the scanner app links this way)."""

    person_id: uuid.UUID | None = None
    serial: str | None = Field(None, max_length=30)
    how: str = Field("linked by an officer", max_length=200)


class Note(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class ActionCreate(BaseModel):
    kind: str = Field(
        pattern="^(deportation|entry-ban|permit-cancellation|permit-restriction|"
        "required-residence|overstay-fee)$"
    )
    person_id: uuid.UUID
    reason: str = Field(max_length=2000)
    case_id: uuid.UUID | None = None
    details: dict[str, Any] = {}


class ActionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    kind: str
    status: str
    person_id: uuid.UUID
    reason: str
    details: dict[str, Any]
    proposed_at: datetime
    decided_at: datetime | None


@router.get("/api/v1/reports", response_model=list[ReportPublic])
def list_reports(db: SessionDep, officer: Caller) -> list[Report]:
    return reports_for(db, officer)


@router.post("/api/v1/cases", response_model=CasePublic, status_code=201)
def open_case(request: Request, body: CaseCreate, db: SessionDep, officer: Caller) -> Case:
    return CaseService(db).open(
        title=body.title,
        officer=officer,
        actor=actor_of(request, officer),
        report_id=body.report_id,
        alert_id=body.alert_id,
    )


@router.get("/api/v1/cases", response_model=list[CasePublic])
def list_cases(
    db: SessionDep, officer: Caller, status: Annotated[str | None, Query()] = None
) -> list[Case]:
    return CaseService(db).for_officer(officer, status=status)


@router.get("/api/v1/cases/{case_id}")
def case_detail(case: ScopedCase, db: SessionDep, officer: Caller) -> dict[str, Any]:
    cases = CaseService(db)
    return {
        "case": CasePublic.model_validate(case).model_dump(mode="json"),
        "persons": [str(p) for p in cases.persons(case)],
        "timeline": [
            {
                "at": e.at.isoformat(),
                "kind": e.kind,
                "text": e.text,
                "person_id": str(e.person_id) if e.person_id else None,
            }
            for e in cases.timeline(case)
        ],
    }


@router.post("/api/v1/cases/{case_id}/persons", status_code=204)
def link_person(
    request: Request, case: ScopedCase, body: PersonLink, db: SessionDep, officer: Caller
) -> None:
    """Link a person of your office (by id) or the holder of a sticker of one (by serial)."""
    cases, actor = CaseService(db), actor_of(request, officer)
    if body.person_id is not None:
        cases.link_person(case, body.person_id, officer=officer, actor=actor, how=body.how)
    elif body.serial:
        cases.link_sticker(case, body.serial, officer=officer, actor=actor, how=body.how)
    else:
        raise PantauError(
            "person_required",
            "Give a person_id or a sticker serial.",
            "Sebutkan person_id atau nomor seri stiker.",
            status=422,
            field="serial",
        )


@router.post("/api/v1/cases/{case_id}/notes", status_code=204)
def add_note(
    request: Request, case: ScopedCase, body: Note, db: SessionDep, officer: Caller
) -> None:
    CaseService(db).note(case, body.text, officer=officer, actor=actor_of(request, officer))


@router.post("/api/v1/cases/{case_id}/status", response_model=CasePublic)
def move_case(
    request: Request, case: ScopedCase, body: CaseMove, db: SessionDep, officer: Caller
) -> Case:
    CaseService(db).move(
        case, body.status, officer=officer, actor=actor_of(request, officer), outcome=body.outcome
    )
    return case


@router.post("/api/v1/actions", response_model=ActionPublic, status_code=201)
def propose_action(request: Request, body: ActionCreate, db: SessionDep, officer: Caller) -> Action:
    """Propose a TAK. Deportation, entry ban and permit cancellation wait for a second officer.
    The person and the case cited must be your office's (404 otherwise)."""
    scoped.person(db, officer, body.person_id)
    if body.case_id is not None:
        scoped.case(db, officer, body.case_id)
    return ActionService(db, cipher=request.app.state.cipher).propose(
        kind=body.kind,
        person_id=body.person_id,
        reason=body.reason,
        officer=officer,
        actor=actor_of(request, officer),
        case_id=body.case_id,
        details=body.details,
    )


@router.post("/api/v1/actions/{action_id}/approve", response_model=ActionPublic)
def approve_action(
    request: Request, action: ScopedAction, db: SessionDep, officer: Caller
) -> Action:
    """A second officer approves an action of your office (another office's answers 404): it is
    carried out."""
    return ActionService(db, cipher=request.app.state.cipher).decide(
        action.id, approve=True, officer=officer, actor=actor_of(request, officer)
    )


@router.post("/api/v1/actions/{action_id}/reject", response_model=ActionPublic)
def reject_action(
    request: Request, action: ScopedAction, db: SessionDep, officer: Caller
) -> Action:
    return ActionService(db, cipher=request.app.state.cipher).decide(
        action.id, approve=False, officer=officer, actor=actor_of(request, officer)
    )


@router.get("/api/v1/actions", response_model=list[ActionPublic])
def pending_actions(request: Request, db: SessionDep, officer: Caller) -> list[Action]:
    return ActionService(db, cipher=request.app.state.cipher).pending(officer)
