"""Console page: the live map."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from pantau.accounts.models import Officer, Role
from pantau.alerts.geofence import ZoneService, shape_of
from pantau.maps.services import checkpoint_points
from pantau.reference.services import ReferenceService
from pantau.stays.models import Permit
from pantau.web import NavItem, SessionDep, render, require_roles

router = APIRouter()


STAFF = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.OFFICER})


MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})
NAV = [NavItem("/console/map", "Map", STAFF), NavItem("/console/zones", "Zones", MANAGERS)]


StaffPage = Annotated[Officer, Depends(require_roles(*STAFF, api=False))]


@router.get("/console/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(request: Request, db: SessionDep, officer: StaffPage) -> Response:
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
    officer: Annotated[Officer, Depends(require_roles(*MANAGERS, api=False))],
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
