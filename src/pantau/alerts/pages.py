"""Alerts: the API (`GET /api/v1/alerts`, actions) and the office's inbox in the console."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer
from pantau.alerts.services import AlertService, alert_places
from pantau.errors import PantauError
from pantau.policy import STAFF
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render

router = APIRouter()
NAV = [NavItem("/console/alerts", "Alerts", STAFF)]


@router.get("/console/alerts", response_class=HTMLResponse, include_in_schema=False)
def inbox(
    request: Request,
    db: SessionDep,
    officer: Caller,
    status: Annotated[str, Query(pattern="^(active|resolved|dismissed)$")] = "active",
) -> Response:
    alerts = AlertService(db).list(officer, status=status)
    return render(
        request,
        "alerts/inbox.html",
        alerts=alerts,
        status=status,
        places=alert_places(db, alerts),
    )


def _inbox_act(
    request: Request, alert_id: uuid.UUID, action: str, reason: str, db: Session, officer: Officer
) -> Response:
    try:
        AlertService(db).act(
            alert_id, action, officer=officer, actor=actor_of(request, officer), reason=reason
        )
    except PantauError as exc:
        db.rollback()
        alerts = AlertService(db).list(officer, status="active")
        return render(
            request,
            "alerts/inbox.html",
            status_code=exc.status,
            alerts=alerts,
            status="active",
            places=alert_places(db, alerts),
            error=exc.message(page_language(request)),
        )
    return RedirectResponse("/console/alerts", status_code=303)


Reason = Annotated[str, Form(max_length=1000)]


@router.post("/console/alerts/{alert_id}/acknowledge", include_in_schema=False)
def inbox_acknowledge(
    request: Request, alert_id: uuid.UUID, db: SessionDep, officer: Caller, reason: Reason = ""
) -> Response:
    return _inbox_act(request, alert_id, "acknowledge", reason, db, officer)


@router.post("/console/alerts/{alert_id}/resolve", include_in_schema=False)
def inbox_resolve(
    request: Request, alert_id: uuid.UUID, db: SessionDep, officer: Caller, reason: Reason = ""
) -> Response:
    return _inbox_act(request, alert_id, "resolve", reason, db, officer)


@router.post("/console/alerts/{alert_id}/dismiss", include_in_schema=False)
def inbox_dismiss(
    request: Request, alert_id: uuid.UUID, db: SessionDep, officer: Caller, reason: Reason = ""
) -> Response:
    return _inbox_act(request, alert_id, "dismiss", reason, db, officer)
