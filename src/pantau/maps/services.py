"""Map data: recent scans clustered on a grid in SQL (so a national map of millions of scans sends a
few hundred cells), and a person's track."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import shapely
import sqlalchemy as sa
from shapely.geometry import mapping, shape
from sqlalchemy.orm import Session

from pantau.people.models import Person
from pantau.reference.regions import region_index
from pantau.scans.models import Scan
from pantau.stays.models import Stay

# Grid cell size in degrees by map zoom: about 60 cells across the view at any zoom.
MIN_CELL, MAX_CELL = 0.002, 2.0


def cell_size(zoom: int) -> float:
    return max(MIN_CELL, min(MAX_CELL, 360.0 / (2 ** max(zoom, 0)) / 60))


def clustered_scans(
    session: Session,
    *,
    since: datetime,
    zoom: int,
    office: str | None = None,
    nationality: str | None = None,
    permit: str | None = None,
) -> list[dict[str, Any]]:
    size = cell_size(zoom)
    gx = sa.func.floor(Scan.lon / size)
    gy = sa.func.floor(Scan.lat / size)
    q = (
        sa.select(
            sa.func.avg(Scan.lat),
            sa.func.avg(Scan.lon),
            sa.func.count(),
            sa.func.count().filter(Scan.verdict.notin_(["valid", "expiring"])),
        )
        .where(Scan.device_time >= since, Scan.lat.is_not(None))
        .group_by(gx, gy)
    )
    q = _filtered(q, office=office, nationality=nationality, permit=permit)
    return [
        {"lat": round(lat, 5), "lon": round(lon, 5), "count": n, "findings": bad}
        for lat, lon, n, bad in session.execute(q)
    ]


def _filtered(q: Any, *, office: str | None, nationality: str | None, permit: str | None) -> Any:
    """The live map's filters, on the stay and person behind each scan."""
    if nationality or permit or office:
        q = q.join(Stay, Stay.id == Scan.stay_id)
        if office:
            q = q.where(Stay.office_code == office.upper())
        if permit:
            q = q.where(Stay.permit == permit)
        if nationality:
            q = q.join(Person, Person.id == Stay.person_id).where(
                Person.nationality == nationality.upper()
            )
    return q


def region_counts(
    session: Session,
    *,
    since: datetime,
    office: str | None = None,
    nationality: str | None = None,
    permit: str | None = None,
) -> dict[str, dict[str, int]]:
    """Scans and distinct persons per regency (the scan's placed region) since `since`."""
    q = (
        sa.select(Scan.region_code, sa.func.count(), sa.func.count(sa.distinct(Scan.person_id)))
        .where(Scan.device_time >= since, Scan.region_code.is_not(None))
        .group_by(Scan.region_code)
    )
    q = _filtered(q, office=office, nationality=nationality, permit=permit)
    return {code: {"scans": n, "persons": p} for code, n, p in session.execute(q) if code}


# The regencies drawn on the map: coarser than the lookup's (about 1 km, 3 decimals), small enough
# to send once and cache; built once per process from the fetched boundaries.
DRAW_TOLERANCE = 0.01


@functools.lru_cache(maxsize=1)
def regions_geojson() -> tuple[bytes, bytes, str]:
    """The regencies as a GeoJSON FeatureCollection (bytes, and gzipped: ~1 MB -> ~240 kB) and
    its ETag; empty when the boundaries are not installed."""
    index = region_index()
    features = []
    for code, row in (index.rows if index else {}).items():
        geom = shape(row["geometry"]).simplify(DRAW_TOLERANCE, preserve_topology=True)
        geom = shapely.set_precision(geom, 0.001)
        if geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": row["name"], "province": row["province_name"]},
                "geometry": mapping(geom),
            }
        )
    body = json.dumps(
        {"type": "FeatureCollection", "attribution": "GADM 4.1", "features": features},
        separators=(",", ":"),
    ).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return body, gzip.compress(body, mtime=0), etag


def track(session: Session, person_id: uuid.UUID, *, days: int = 365) -> list[dict[str, Any]]:
    since = datetime.now().astimezone() - timedelta(days=days)
    rows = session.execute(
        sa.select(Scan.device_time, Scan.lat, Scan.lon, Scan.accuracy_m, Scan.kind, Scan.verdict)
        .where(Scan.person_id == person_id, Scan.lat.is_not(None), Scan.device_time >= since)
        .order_by(Scan.device_time)
    )
    return [
        {"t": t.isoformat(), "lat": lat, "lon": lon, "acc": acc, "kind": kind, "verdict": v}
        for t, lat, lon, acc, kind, v in rows
    ]
