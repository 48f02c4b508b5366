"""Console page: the live map."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pantau.policy import STAFF
from pantau.reference.services import ReferenceService
from pantau.stays.models import Permit
from pantau.web import Caller, NavItem, SessionDep, render

router = APIRouter()


NAV = [NavItem("/console/map", "Map", STAFF)]


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


def checkpoint_points(ref: ReferenceService) -> list[dict[str, Any]]:
    return [{"code": c.code, "name": c.name, "lat": c.lat, "lon": c.lon} for c in ref.checkpoints()]
