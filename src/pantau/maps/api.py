"""The live map's data API, and the base map (public) drawn under every map."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from pantau.db import utcnow
from pantau.errors import PantauError
from pantau.maps import basemap
from pantau.maps.services import (
    cell_size,
    clustered_scans,
    map_labels,
    provinces_geojson,
    region_counts,
    regions_geojson,
    sightings,
)
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
    return {"cells": cells, "hours": hours, "zoom": zoom, "cell": cell_size(zoom)}


@router.get("/api/v1/map/sightings", tags=["maps"])
def map_sightings(
    db: SessionDep,
    officer: Caller,
    south: Annotated[float, Query(ge=-90, le=90)],
    west: Annotated[float, Query(ge=-180, le=180)],
    north: Annotated[float, Query(ge=-90, le=90)],
    east: Annotated[float, Query(ge=-180, le=180)],
    hours: Annotated[int, Query(ge=1, le=24 * 30)] = 24,
    office: Annotated[str | None, Query(max_length=8)] = None,
    nationality: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    permit: Annotated[Permit | None, Query()] = None,
) -> dict[str, Any]:
    """What a cluster holds: the latest 50 scans inside the box, with the live map's filters and
    office scope, each with its regency and province by name and its local time."""
    if south > north or west > east:
        raise PantauError(
            "bad_box",
            "South must not be north of north, nor west east of east.",
            "Batas selatan tidak boleh di utara batas utara, batas barat tidak boleh di timur "
            "batas timur.",
            status=422,
        )
    if office is None and not is_national(officer):
        office = officer.office_code
    found = sightings(
        db,
        since=utcnow() - timedelta(hours=hours),
        box=(south, west, north, east),
        office=office,
        nationality=nationality,
        permit=permit.value if permit else None,
    )
    return {"sightings": found, "limit": 50}


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


def _cached(request: Request, built: tuple[bytes, bytes, str], *, public: bool = False) -> Response:
    """A prepared GeoJSON body: gzipped when the browser accepts it, revalidated by ETag."""
    body, zipped, etag = built
    scope = "public" if public else "private"
    headers = {"ETag": etag, "Cache-Control": f"{scope}, max-age=86400", "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = zipped
    return Response(body, media_type="application/geo+json", headers=headers)


@router.get("/api/v1/map/regions.geojson", tags=["maps"], response_class=Response)
def map_regions_geojson(request: Request, officer: Caller) -> Response:
    """The regencies' boundaries (GADM 4.1, simplified to about 1 km) for drawing the heat map
    without internet tiles; cached by the browser, revalidated by ETag."""
    return _cached(request, regions_geojson())


@router.get("/api/v1/map/provinces.geojson", tags=["maps"], response_class=Response)
def map_provinces_geojson(request: Request, officer: Caller) -> Response:
    """The provinces' outlines (the regencies merged, simplified to about 2 km), drawn under the
    console's maps; empty when the boundaries are not installed."""
    return _cached(request, provinces_geojson())


@router.get("/maps/base/{scale}.geojson", tags=["maps"], response_class=Response)
def base_map(request: Request, scale: Annotated[str, Path(pattern="^(110m|50m|10m)$")]) -> Response:
    """Land, coastlines and neighbouring countries (Natural Earth, public domain) at one scale,
    cut to the region; public, because the report form draws it too."""
    return _cached(request, basemap.served()[scale], public=True)


@router.get("/maps/labels.json", tags=["maps"])
def base_labels() -> JSONResponse:
    """Names to write on the map: provinces and cities (kota) at a point inside each; empty
    without the boundaries."""
    return JSONResponse(map_labels(), headers={"Cache-Control": "public, max-age=86400"})
