"""Alerts over the API (GET /api/v1/alerts, actions, geofences); alert rules hook into scan ingestion here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from pantau.alerts.geofence import Geofence, check_zone
from pantau.alerts.models import Alert
from pantau.alerts.services import AlertEngine, AlertService
from pantau.audit.services import record_event
from pantau.scans.models import Scan
from pantau.scoped import ScopedAlert
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter()


def setup(app: FastAPI) -> None:
    """Run the rules on every batch of stored scans (isolated from ingestion by the scan service)."""
    cipher = app.state.cipher

    def alert_hook(session: Session, scans: Sequence[Scan]) -> None:
        AlertEngine(session, cipher=cipher).on_scans(scans)

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


@router.post("/api/v1/alerts/{alert_id}/{action}", response_model=AlertPublic, tags=["alerts"])
def act_on_alert(
    request: Request,
    alert: ScopedAlert,
    action: str,
    body: AlertAction,
    db: SessionDep,
    officer: Caller,
) -> Alert:
    """`acknowledge`, `resolve` or `dismiss` (a reason is required to dismiss)."""
    return AlertService(db).act(
        alert.id, action, officer=officer, actor=actor_of(request, officer), reason=body.reason
    )


class GeofenceCreate(BaseModel):
    name: str
    kind: str
    office: str
    center_lat: float | None = None
    center_lon: float | None = None
    radius_m: float | None = None
    polygon: list[list[float]] | None = None


@router.post("/api/v1/geofences", status_code=201, tags=["alerts"])
def create_geofence(
    request: Request,
    body: GeofenceCreate,
    db: SessionDep,
    admin: Caller,
) -> dict[str, Any]:
    """A restricted zone (circle: centre and radius in metres; polygon: [[lat, lon], ...])."""
    check_zone(body.model_dump())
    zone = Geofence(
        name=body.name.strip(),
        kind=body.kind,
        center_lat=body.center_lat,
        center_lon=body.center_lon,
        radius_m=body.radius_m,
        polygon=body.polygon,
        office_code=body.office.upper(),
    )
    db.add(zone)
    db.flush()
    record_event(
        db,
        "alerts:geofence:create",
        actor=actor_of(request, admin),
        target=f"geofence:{zone.id}",
        details={"name": zone.name, "kind": zone.kind},
    )
    return {"id": str(zone.id), "name": zone.name, "kind": zone.kind}
