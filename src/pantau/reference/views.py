"""Offices and checkpoints: public read API, and an administrator's editing page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict

from pantau.accounts.models import Officer, Role
from pantau.audit.services import record_event
from pantau.errors import NotFound
from pantau.reference.services import ReferenceService
from pantau.web import CurrentOfficer, NavItem, SessionDep, actor_of, render, require_roles

router = APIRouter()
NAV = [NavItem("/console/offices", "Offices", frozenset({Role.ADMIN, Role.SUPERVISOR}))]
AdminPage = Annotated[Officer, Depends(require_roles(Role.ADMIN, api=False))]
StaffPage = Annotated[Officer, Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, api=False))]


class OfficePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    kind: str
    lat: float | None
    lon: float | None
    zone: str
    working_area: list[str]


class CheckpointPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    kind: str
    lat: float
    lon: float
    zone: str
    office_code: str


@router.get("/api/v1/offices", response_model=list[OfficePublic], tags=["reference"])
def list_offices(db: SessionDep, officer: CurrentOfficer) -> list[object]:
    return list(ReferenceService(db).offices())


@router.get("/api/v1/checkpoints", response_model=list[CheckpointPublic], tags=["reference"])
def list_checkpoints(db: SessionDep, officer: CurrentOfficer) -> list[object]:
    return list(ReferenceService(db).checkpoints())


@router.get("/console/offices", response_class=HTMLResponse, include_in_schema=False)
def offices_page(request: Request, db: SessionDep, officer: StaffPage) -> Response:
    ref = ReferenceService(db)
    return render(request, "offices.html", offices=ref.offices(), checkpoints=ref.checkpoints())


@router.post("/console/offices/{code}", include_in_schema=False)
def office_update(
    request: Request,
    code: str,
    db: SessionDep,
    admin: AdminPage,
    name: Annotated[str, Form(min_length=3, max_length=200)],
    working_area: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    ref = ReferenceService(db)
    try:
        office = ref.update_office(code, name=name, working_area=working_area.split("\n"))
    except LookupError:
        raise NotFound(
            "unknown_office", f"Unknown office {code!r}.", f"Kantor {code!r} tidak dikenal."
        ) from None
    record_event(
        db,
        "reference:office:update",
        actor=actor_of(request, admin),
        target=f"office:{office.code}",
        details={"name": office.name, "working_area": office.working_area},
    )
    return RedirectResponse("/console/offices", status_code=303)
