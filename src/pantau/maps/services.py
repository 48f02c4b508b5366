"""Map data: recent scans clustered on a grid in SQL (so a national map of millions of scans sends a
few hundred cells), and a person's track."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

import shapely
import sqlalchemy as sa
from shapely.geometry import mapping, shape
from sqlalchemy.orm import Session

from pantau.people.models import Person
from pantau.reference import boundaries
from pantau.reference.places import checkpoint_name, place_name, place_time
from pantau.reference.regions import locate, region_index
from pantau.reference.services import ReferenceService
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
            gx,
            gy,
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
        {
            "lat": round(lat, 5),
            "lon": round(lon, 5),
            "count": n,
            "findings": bad,
            "gx": int(x),  # the cell on the grid: lon from gx*size to (gx+1)*size
            "gy": int(y),
        }
        for x, y, lat, lon, n, bad in session.execute(q)
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
DRAW_TOLERANCE = boundaries.DRAW_TOLERANCE


# One builder at a time: the drawings share the region index, and two requests arriving together
# (a map asks for outlines and names at once) must not build it twice on a busy machine.
_BUILD = threading.Lock()


def regions_geojson() -> tuple[bytes, bytes, str]:
    """The regencies as a GeoJSON FeatureCollection (bytes, and gzipped: ~1 MB -> ~240 kB) and
    its ETag; empty when the boundaries are not installed."""
    with _BUILD:
        return _regions_geojson()


@functools.lru_cache(maxsize=1)
def _drawing() -> dict[str, Any] | None:
    return boundaries.load_drawing() if region_index() is not None else None


@functools.lru_cache(maxsize=1)
def _regions_geojson() -> tuple[bytes, bytes, str]:
    index = region_index()
    kept = (_drawing() or {}).get("drawn", {})
    features = []
    for code, row in (index.rows if index else {}).items():
        if code in kept:
            geometry = kept[code]
        else:  # boundaries fetched before the drawing was kept
            geom = shape(row["geometry"]).simplify(DRAW_TOLERANCE, preserve_topology=True)
            geom = shapely.set_precision(geom, 0.001)
            if geom.is_empty:
                continue
            geometry = mapping(geom)
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": row["name"], "province": row["province_name"]},
                "geometry": geometry,
            }
        )
    return _collection(features, "GADM 4.1")


def _collection(features: list[dict[str, Any]], attribution: str) -> tuple[bytes, bytes, str]:
    body = json.dumps(
        {"type": "FeatureCollection", "attribution": attribution, "features": features},
        separators=(",", ":"),
    ).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return body, gzip.compress(body, mtime=0), etag


@functools.lru_cache(maxsize=1)
def _provinces() -> list[dict[str, Any]]:
    """[{code, name, label [lat, lon], geometry}] as prepared when the boundaries were fetched;
    from a file fetched before that, the regencies merged here (slower, once per process)."""
    if region_index() is None:
        return []
    kept = _drawing()
    if kept is not None:
        provinces: list[dict[str, Any]] = kept["provinces"]
        return provinces
    index = region_index()
    groups: dict[str, list[Any]] = {}
    names: dict[str, str] = {}
    for code, row in (index.rows if index else {}).items():
        groups.setdefault(code[:2], []).append(
            shape(row["geometry"]).simplify(DRAW_TOLERANCE, preserve_topology=True).buffer(0)
        )
        names[code[:2]] = row["province_name"]
    out = []
    for code, parts in sorted(groups.items()):
        merged = shapely.union_all(parts)
        simple = merged.simplify(boundaries.PROVINCE_TOLERANCE, preserve_topology=True)
        big = [
            g for g in getattr(simple, "geoms", [simple]) if g.area >= boundaries.PROVINCE_MIN_PART
        ]
        inner = max(getattr(merged, "geoms", [merged]), key=lambda g: g.area).representative_point()
        out.append(
            {
                "code": code,
                "name": names[code],
                "label": [round(inner.y, 3), round(inner.x, 3)],
                "geometry": mapping(shapely.set_precision(shapely.MultiPolygon(big), 0.001))
                if big
                else mapping(simple),
            }
        )
    return out


@functools.lru_cache(maxsize=1)
def _provinces_geojson() -> tuple[bytes, bytes, str]:
    features = [
        {
            "type": "Feature",
            "id": p["code"],
            "properties": {"code": p["code"], "name": p["name"]},
            "geometry": p["geometry"],
        }
        for p in _provinces()
    ]
    return _collection(features, "GADM 4.1")


def provinces_geojson() -> tuple[bytes, bytes, str]:
    """The provinces' outlines (GADM 4.1 level 1, ~2 km) as GeoJSON bytes, gzipped, ETag."""
    with _BUILD:
        return _provinces_geojson()


@functools.lru_cache(maxsize=1)
def _labels() -> dict[str, list[dict[str, Any]]]:
    provinces = [
        {"code": p["code"], "name": p["name"], "lat": p["label"][0], "lon": p["label"][1]}
        for p in _provinces()
    ]
    index = region_index()
    cities = []
    for code, row in (index.rows if index else {}).items():
        if row["kind"] == "kota":
            p = shape(row["geometry"]).representative_point()
            name = row["name"].removeprefix("Kota ")
            cities.append({"code": code, "name": name, "lat": round(p.y, 3), "lon": round(p.x, 3)})
    return {"provinces": provinces, "cities": cities}


def map_labels() -> dict[str, list[dict[str, Any]]]:
    """Provinces and cities (kota) with a point inside each, for the map's labels."""
    with _BUILD:
        return _labels()


def track(session: Session, person_id: uuid.UUID, *, days: int = 365) -> list[dict[str, Any]]:
    """A person's placed scans, oldest first, each with its regency and province by name and its
    time on the clock of the place (WIB/WITA/WIT)."""
    since = datetime.now().astimezone() - timedelta(days=days)
    rows = session.execute(
        sa.select(
            Scan.device_time,
            Scan.lat,
            Scan.lon,
            Scan.accuracy_m,
            Scan.kind,
            Scan.verdict,
            Scan.region_code,
            Scan.scanner_office,
        )
        .where(Scan.person_id == person_id, Scan.lat.is_not(None), Scan.device_time >= since)
        .order_by(Scan.device_time)
    )
    return [
        {
            "t": t.isoformat(),
            "local": place_time(t, region),
            "place": place_name(region),
            "lat": lat,
            "lon": lon,
            "acc": acc,
            "kind": kind,
            "verdict": v,
            "office": office,
        }
        for t, lat, lon, acc, kind, v, region, office in rows
    ]


def sightings(
    session: Session,
    *,
    since: datetime,
    box: tuple[float, float, float, float],
    office: str | None = None,
    nationality: str | None = None,
    permit: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """The latest scans inside `box` (south, west, north, east): what a cluster holds, each with
    its place, local time and person (no name: that is on the audited person page)."""
    south, west, north, east = box
    q = (
        sa.select(
            Scan.id,
            Scan.device_time,
            Scan.lat,
            Scan.lon,
            Scan.kind,
            Scan.verdict,
            Scan.region_code,
            Scan.person_id,
            Scan.scanner_office,
        )
        .where(
            Scan.device_time >= since,
            Scan.lat.between(south, north),
            Scan.lon.between(west, east),
        )
        .order_by(Scan.device_time.desc())
        .limit(limit)
    )
    q = _filtered(q, office=office, nationality=nationality, permit=permit)
    return [
        {
            "id": str(sid),
            "t": t.isoformat(),
            "local": place_time(t, region),
            "place": place_name(region),
            "lat": lat,
            "lon": lon,
            "kind": kind,
            "verdict": v,
            "person": str(person) if person else None,
            "office": office_code,
        }
        for sid, t, lat, lon, kind, v, region, person, office_code in session.execute(q)
    ]


def checkpoint_points(ref: ReferenceService) -> list[dict[str, Any]]:
    """Checkpoints for the maps, by their Indonesian names, with their regency and province."""
    return [
        {
            "code": c.code,
            "name": checkpoint_name(c.code, c.name, c.kind),
            "place": place_name(locate(c.lat, c.lon)),
            "lat": c.lat,
            "lon": c.lon,
        }
        for c in ref.checkpoints()
    ]
