"""Alerts over the API (GET /api/v1/alerts, actions, geofences); alert rules hook into scan ingestion here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer
from pantau.alerts.geofence import ZoneService, shape_of
from pantau.alerts.models import Alert
from pantau.alerts.services import AlertService
from pantau.alerts.tasks import queue_scan_rules
from pantau.scans.services import ScanRow
from pantau.scoped import ScopedAlert
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter()


def setup(app: FastAPI) -> None:
    """Queue the rules for every batch of stored scans, in the ingest's own transaction: the job
    exists exactly when the scans do, and the worker raises the alerts within seconds
    (alerts/tasks.py). The request itself reads no history."""

    def alert_hook(session: Session, scans: Sequence[ScanRow]) -> None:
        queue_scan_rules(session, scans)

    app.state.scan_hooks.append(alert_hook)


class AlertPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    kind: str
    severity: str
    status: str
    office_code: str
    person_id: uuid.UUID | None
    serial: str | None
    summary: str
    details: dict[str, Any]
    evidence: list[uuid.UUID]
    created_at: Any
    updated_at: Any
    close_reason: str | None


class AlertAction(BaseModel):
    reason: str = ""


@router.get("/api/v1/alerts", response_model=list[AlertPublic], tags=["alerts"])
def list_alerts(
    db: SessionDep,
    officer: Caller,
    person: Annotated[uuid.UUID | None, Query()] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    status: Annotated[
        str | None, Query(pattern="^(open|acknowledged|resolved|dismissed|active)$")
    ] = None,
    office: Annotated[str | None, Query(max_length=8)] = None,
) -> list[Alert]:
    """Alerts for your office (supervisors: the country), most severe and recent first."""
    return AlertService(db).list(officer, person=person, kind=kind, status=status, office=office)


def _act(
    request: Request,
    alert: ScopedAlert,
    action: str,
    body: AlertAction,
    db: Session,
    officer: Officer,
) -> Alert:
    return AlertService(db).act(
        alert.id, action, officer=officer, actor=actor_of(request, officer), reason=body.reason
    )


@router.post("/api/v1/alerts/{alert_id}/acknowledge", response_model=AlertPublic, tags=["alerts"])
def acknowledge_alert(
    request: Request, alert: ScopedAlert, body: AlertAction, db: SessionDep, officer: Caller
) -> Alert:
    return _act(request, alert, "acknowledge", body, db, officer)


@router.post("/api/v1/alerts/{alert_id}/resolve", response_model=AlertPublic, tags=["alerts"])
def resolve_alert(
    request: Request, alert: ScopedAlert, body: AlertAction, db: SessionDep, officer: Caller
) -> Alert:
    return _act(request, alert, "resolve", body, db, officer)


@router.post("/api/v1/alerts/{alert_id}/dismiss", response_model=AlertPublic, tags=["alerts"])
def dismiss_alert(
    request: Request, alert: ScopedAlert, body: AlertAction, db: SessionDep, officer: Caller
) -> Alert:
    """A reason is required to dismiss."""
    return _act(request, alert, "dismiss", body, db, officer)


class GeofenceCreate(BaseModel):
    name: str
    kind: str
    office: str
    center_lat: float | None = None
    center_lon: float | None = None
    radius_m: float | None = None
    polygon: list[list[float]] | None = None


@router.get("/api/v1/geofences", tags=["alerts"])
def list_geofences(db: SessionDep, admin: Caller) -> dict[str, Any]:
    """The active restricted zones."""
    return {"zones": [shape_of(z) for z in ZoneService(db).zones()]}


@router.post("/api/v1/geofences", status_code=201, tags=["alerts"])
def create_geofence(
    request: Request, body: GeofenceCreate, db: SessionDep, admin: Caller
) -> dict[str, Any]:
    """A restricted zone (circle: centre and radius in metres; polygon: [[lat, lon], ...])."""
    zone = ZoneService(db).create(body.model_dump(), actor=actor_of(request, admin))
    return shape_of(zone)


@router.put("/api/v1/geofences/{zone_id}", tags=["alerts"])
def update_geofence(
    request: Request, zone_id: uuid.UUID, body: GeofenceCreate, db: SessionDep, admin: Caller
) -> dict[str, Any]:
    """Change a zone's name, office or shape (audited with the shape before and after)."""
    zone = ZoneService(db).update(zone_id, body.model_dump(), actor=actor_of(request, admin))
    return shape_of(zone)


@router.delete("/api/v1/geofences/{zone_id}", status_code=204, tags=["alerts"])
def remove_geofence(
    request: Request, zone_id: uuid.UUID, db: SessionDep, admin: Caller
) -> Response:
    """Remove a zone: it raises no more alerts; kept inactive for the alerts that name it."""
    ZoneService(db).remove(zone_id, actor=actor_of(request, admin))
    return Response(status_code=204)
