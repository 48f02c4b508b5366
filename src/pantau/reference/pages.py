"""Console pages: offices and their settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau.audit.services import record_event
from pantau.errors import NotFound
from pantau.policy import MANAGERS
from pantau.reference.services import ReferenceService
from pantau.web import Caller, NavItem, SessionDep, actor_of, render

router = APIRouter()


NAV = [NavItem("/console/offices", "Offices", MANAGERS)]


@router.get("/console/offices", response_class=HTMLResponse, include_in_schema=False)
def offices_page(request: Request, db: SessionDep, officer: Caller) -> Response:
    ref = ReferenceService(db)
    return render(request, "offices.html", offices=ref.offices(), checkpoints=ref.checkpoints())


@router.post("/console/offices/{code}", include_in_schema=False)
def office_update(
    request: Request,
    code: str,
    db: SessionDep,
    admin: Caller,
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
