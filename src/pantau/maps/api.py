"""The live map of recent scans (console) and its data API."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from pantau.db import utcnow
from pantau.maps.services import clustered_scans, region_counts, regions_geojson
from pantau.policy import is_national
from pantau.reference.regions import region_index
from pantau.stays.models import Permit
from pantau.web import Caller, SessionDep

router = APIRouter()


@router.get("/api/v1/map/scans", tags=["maps"])
def map_scans(
    db: SessionDep,
    officer: Caller,
    hours: Annotated[int, Query(ge=1, le=24 * 30)] = 24,
    zoom: Annotated[int, Query(ge=0, le=20)] = 5,
    office: Annotated[str | None, Query(max_length=8)] = None,
    nationality: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    permit: Annotated[Permit | None, Query()] = None,
) -> dict[str, Any]:
    """Scans of the last `hours`, clustered on a grid that suits `zoom`. Officers see their office's
    stays unless they ask for another office (supervisors: everything)."""
    if office is None and not is_national(officer):
        office = officer.office_code
    cells = clustered_scans(
        db,
        since=utcnow() - timedelta(hours=hours),
        zoom=zoom,
        office=office,
        nationality=nationality,
        permit=permit.value if permit else None,
    )
    return {"cells": cells, "hours": hours, "zoom": zoom}


@router.get("/api/v1/map/regions", tags=["maps"])
def map_regions(
    db: SessionDep,
    officer: Caller,
    hours: Annotated[int, Query(ge=1, le=24 * 30)] = 24,
    office: Annotated[str | None, Query(max_length=8)] = None,
    nationality: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    permit: Annotated[Permit | None, Query()] = None,
) -> dict[str, Any]:
    """Scans and distinct persons per regency/city over the last `hours` (the heat map), with the
    live map's filters and office scope. Keys are regency codes, as in /api/v1/map/regions.geojson."""
    if office is None and not is_national(officer):
        office = officer.office_code
    counts = region_counts(
        db,
        since=utcnow() - timedelta(hours=hours),
        office=office,
        nationality=nationality,
        permit=permit.value if permit else None,
    )
    return {"regions": counts, "hours": hours, "boundaries": region_index() is not None}


@router.get("/api/v1/map/regions.geojson", tags=["maps"], response_class=Response)
def map_regions_geojson(request: Request, officer: Caller) -> Response:
    """The regencies' boundaries (GADM 4.1, simplified to about 1 km) for drawing the heat map
    without internet tiles; cached by the browser, revalidated by ETag."""
    body, zipped, etag = regions_geojson()
    headers = {"ETag": etag, "Cache-Control": "private, max-age=86400", "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = zipped
    return Response(body, media_type="application/geo+json", headers=headers)
