"""Where is a place: point -> regency/city offline, and offices' working areas over regencies.

The boundaries come from reference/boundaries.py (fetched at install time). The index is built once
per process: an STRtree over the regencies' bounding boxes, then an exact test on prepared polygons.
A point that falls in no polygon (a port, a pier, an islet the simplification lost) goes to the
nearest regency within OFFSHORE_KM, else to none. Without the boundaries file every lookup answers
None, the log says so once, and callers fall back to the nearest office (reference/geo.py).
"""

from __future__ import annotations

import functools
import logging
import math
import re
import subprocess
from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely
import sqlalchemy as sa
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from pantau.reference import boundaries
from pantau.reference.geo import distance_km
from pantau.reference.models import Office, OfficeRegion, Region

log = logging.getLogger(__name__)
OFFSHORE_KM = 5.0
KM_PER_DEG = 111.32


class RegionIndex:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.codes = [r["code"] for r in rows]
        self.rows = {r["code"]: r for r in rows}
        self.geoms = [shape(r["geometry"]) for r in rows]
        for g in self.geoms:
            shapely.prepare(g)
        self.tree = shapely.STRtree(self.geoms)
        self._geom_array = np.asarray(self.geoms, dtype=object)
        self._unions: dict[frozenset[str], BaseGeometry] = {}

    def locate(self, lat: float, lon: float) -> str | None:
        """The regency code holding the point, else the nearest within OFFSHORE_KM, else None."""
        point = Point(lon, lat)
        for i in self.tree.query(point):
            if shapely.intersects_xy(self.geoms[i], lon, lat):
                return self.codes[int(i)]
        # Degrees of longitude shrink with latitude; OFFSHORE_KM in degrees of latitude is an
        # upper bound at Indonesia's latitudes (within 11 degrees of the equator).
        near = self.tree.query_nearest(point, max_distance=OFFSHORE_KM / KM_PER_DEG)
        for i in near:
            a, b = nearest_points(self.geoms[int(i)], point)
            if distance_km((a.y, a.x), (b.y, b.x)) <= OFFSHORE_KM:
                return self.codes[int(i)]
        return None

    def locate_many(self, points: list[tuple[float, float]]) -> list[str | None]:
        """locate() for a batch: one tree query and one vectorised point-in-polygon test."""
        if not points:
            return []
        xs = np.array([p[1] for p in points], dtype=float)
        ys = np.array([p[0] for p in points], dtype=float)
        pts, cand = self.tree.query(shapely.points(xs, ys))  # bounding-box candidates, as pairs
        hit = shapely.intersects_xy(self._geom_array[cand], xs[pts], ys[pts])
        out: list[str | None] = [None] * len(points)
        for p, c in zip(pts[hit][::-1], cand[hit][::-1], strict=True):  # first hit wins
            out[int(p)] = self.codes[int(c)]
        return [code if code is not None else self.locate(*points[i]) for i, code in enumerate(out)]

    def area(self, codes: Iterable[str]) -> BaseGeometry | None:
        key = frozenset(c for c in codes if c in self.rows)
        if not key:
            return None
        if key not in self._unions:
            union = shapely.union_all([self.geoms[self.codes.index(c)] for c in key])
            shapely.prepare(union)
            self._unions[key] = union
        return self._unions[key]

    def outside_m(self, codes: Iterable[str], lat: float, lon: float) -> float | None:
        """Metres from the point to the nearest allowed regency (0 inside); None if none known."""
        area = self.area(codes)
        if area is None:
            return None
        if shapely.intersects_xy(area, lon, lat):
            return 0.0
        a, b = nearest_points(area, Point(lon, lat))
        return distance_km((a.y, a.x), (b.y, b.x)) * 1000


@functools.lru_cache(maxsize=1)
def region_index() -> RegionIndex | None:
    rows = boundaries.load()
    if rows is None:
        log.warning(
            "regency boundaries are not installed (run `make install` or "
            "`python -m pantau.reference.boundaries`): places fall back to the nearest office"
        )
        return None
    return RegionIndex(rows)


def locate(lat: float | None, lon: float | None) -> str | None:
    if lat is None or lon is None:
        return None
    index = region_index()
    return index.locate(lat, lon) if index else None


def locate_many(points: list[tuple[float, float] | None]) -> list[str | None]:
    index = region_index()
    if index is None:
        return [None] * len(points)
    known = [(i, p) for i, p in enumerate(points) if p is not None]
    out: list[str | None] = [None] * len(points)
    for (i, _), code in zip(known, index.locate_many([p for _, p in known]), strict=True):
        out[i] = code
    return out


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def assign_offices(
    regions: list[dict[str, Any]], offices: list[Office], index: RegionIndex
) -> dict[str, str]:
    """Each regency's office (docs/supervision.md "Working areas"):
    1. the office whose shipped working area names the regency;
    2. else the nearest office located in the same province;
    3. else the nearest office in the country."""
    kanims = [o for o in offices if o.kind == "kanim" and o.active and o.lat is not None]
    named = {_key(area): o.code for o in kanims for area in o.working_area}
    province_of = {
        o.code: (code[:2] if (code := index.locate(o.lat or 0.0, o.lon or 0.0)) else None)
        for o in kanims
    }
    out: dict[str, str] = {}
    for r in regions:
        if (code := named.get(_key(r["name"]))) is not None:
            out[r["code"]] = code
            continue
        p = shape(r["geometry"]).representative_point()
        same = [o for o in kanims if province_of[o.code] == r["province_code"]] or kanims
        best = min(same, key=lambda o: distance_km((p.y, p.x), (o.lat or 0.0, o.lon or 0.0)))
        out[r["code"]] = best.code
    return out


def load_regions(session: Session, *, fetch: bool = True) -> int:
    """Insert the regencies that are missing and give each unassigned regency an office; return how
    many regencies were added. Existing rows and assignments (an administrator's) are kept. When
    the boundaries were never fetched (an install without `make install`), try once now."""
    if fetch and region_index() is None and _fetch_once():
        region_index.cache_clear()
    index = region_index()
    if index is None:
        return 0
    rows = list(index.rows.values())
    known = set(session.scalars(sa.select(Region.code)))
    missing = [r for r in rows if r["code"] not in known]
    for start in range(0, len(missing), 100):
        session.execute(
            insert(Region)
            .values([{k: r[k] for k in _REGION_COLS} for r in missing[start : start + 100]])
            .on_conflict_do_nothing()
        )
    assigned = set(session.scalars(sa.select(OfficeRegion.region_code)))
    todo = [r for r in rows if r["code"] not in assigned]
    if todo:
        offices = list(session.scalars(sa.select(Office)))
        if offices:
            plan = assign_offices(todo, offices, index)
            session.execute(
                insert(OfficeRegion)
                .values([{"region_code": c, "office_code": o} for c, o in plan.items()])
                .on_conflict_do_nothing()
            )
    return len(missing)


_REGION_COLS = ("code", "name", "kind", "province_code", "province_name", "bbox", "geometry")


@functools.lru_cache(maxsize=1)
def _fetch_once() -> bool:
    try:
        n = boundaries.fetch()
    except (boundaries.BoundaryError, OSError, subprocess.SubprocessError) as exc:
        log.warning("regency boundaries not fetched (%s)", exc)
        return False
    log.info("regency boundaries fetched: %d regencies/cities", n)
    return True


def office_for_region(session: Session, region_code: str) -> str | None:
    return session.scalar(
        sa.select(OfficeRegion.office_code).where(OfficeRegion.region_code == region_code)
    )


def region_names(session: Session) -> dict[str, tuple[str, str]]:
    """code -> (regency name, province name)."""
    rows = session.execute(sa.select(Region.code, Region.name, Region.province_name))
    return {c: (n, p) for c, n, p in rows}


def degrees(km: float, lat: float) -> tuple[float, float]:
    """km as (degrees of latitude, degrees of longitude) at a latitude; for tests and demo data."""
    return km / KM_PER_DEG, km / (KM_PER_DEG * math.cos(math.radians(lat)))
