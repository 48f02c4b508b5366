"""The audit log, read by administrators and supervisors (reading it is itself not audited: it holds
no personal data beyond account names and record references)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from pantau.audit.services import events_for
from pantau.policy import MANAGERS
from pantau.web import Caller, NavItem, SessionDep, render

router = APIRouter()
NAV = [NavItem("/console/audit", "Audit log", MANAGERS)]


@router.get("/console/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request,
    db: SessionDep,
    officer: Caller,
    target: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    return render(
        request,
        "audit.html",
        events=events_for(db, target=target or None, limit=200),
        target=target or "",
    )
