"""Places: distance on the globe, the office nearest a point, and whether a point is in Indonesia.

Until regency boundaries are shipped, "the office whose working area holds the place" is approximated
by the nearest office; the approximation lives here, in one place, so boundaries can replace it."""

from __future__ import annotations

import math

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.reference.models import Office

EARTH_KM = 6371.0
# A generous box around the archipelago (Sabang to Merauke, Miangas to Rote), for refusing places
# that are plainly abroad.
INDONESIA_BOX = (-11.5, 94.5, 6.5, 141.5)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def in_indonesia(lat: float, lon: float) -> bool:
    south, west, north, east = INDONESIA_BOX
    return south <= lat <= north and west <= lon <= east


def nearest_office(session: Session, lat: float, lon: float) -> str | None:
    offices = session.scalars(
        sa.select(Office).where(Office.kind == "kanim", Office.active, Office.lat.is_not(None))
    )
    best = min(
        offices,
        default=None,
        key=lambda o: distance_km((lat, lon), (float(o.lat or 0.0), float(o.lon or 0.0))),
    )
    return best.code if best else None
