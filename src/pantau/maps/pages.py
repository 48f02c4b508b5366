"""Console page: the live map."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pantau.alerts.geofence import ZoneService, shape_of
from pantau.maps.services import checkpoint_points
from pantau.policy import MANAGERS, STAFF
from pantau.reference.services import ReferenceService
from pantau.stays.models import Permit
from pantau.web import Caller, NavItem, SessionDep, render

router = APIRouter()


NAV = [NavItem("/console/map", "Map", STAFF), NavItem("/console/zones", "Zones", MANAGERS)]


@router.get("/console/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(request: Request, db: SessionDep, officer: Caller) -> Response:
    ref = ReferenceService(db)
    return render(
        request,
        "maps/live.html",
        offices=ref.offices(),
        permits=list(Permit),
        checkpoints=checkpoint_points(ref),
    )


@router.get("/console/zones", response_class=HTMLResponse, include_in_schema=False)
def zones_page(
    request: Request,
    db: SessionDep,
    officer: Caller,
) -> Response:
    """Restricted zones on the map: draw (polygon or circle), list, edit, remove; the changes go
    through /api/v1/geofences (audited)."""
    ref = ReferenceService(db)
    zones = [shape_of(z) for z in ZoneService(db).zones()]
    return render(
        request,
        "maps/zones.html",
        offices=ref.offices(),
        zones=zones,
        checkpoints=checkpoint_points(ref),
    )
