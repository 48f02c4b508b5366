"""Restricted zones (geofences) drawn by administrators, as a circle or a polygon.

GPS jitter must not make alerts flap (the trackers' classic fault): a scan counts as inside only when
its whole accuracy circle is inside the zone, and as outside only when the whole circle is outside;
in between it decides nothing. Open alerts are deduplicated per person and zone."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pantau.alerts.rules import Draft, Rule, RuleContext
from pantau.db import Base, utcnow, uuid7
from pantau.errors import PantauError
from pantau.reference.geo import distance_km
from pantau.scans.models import Scan

M_PER_DEG = 111_320.0


class Geofence(Base):
    __tablename__ = "geofence"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    name: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(8))  # circle | polygon
    center_lat: Mapped[float | None]
    center_lon: Mapped[float | None]
    radius_m: Mapped[float | None]
    polygon: Mapped[list[list[float]] | None] = mapped_column(JSONB)  # [[lat, lon], ...]
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("kind IN ('circle','polygon')", name="kind"),)


def _local_xy(lat0: float, lat: float, lon: float) -> tuple[float, float]:
    """Metres east and north on a plane tangent near lat0 (zones are a few km across)."""
    return lon * M_PER_DEG * math.cos(math.radians(lat0)), lat * M_PER_DEG


def _segment_distance(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    ax, ay = a[0] - p[0], a[1] - p[1]
    bx, by = b[0] - p[0], b[1] - p[1]
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
    return math.hypot(ax + t * dx, ay + t * dy)


def signed_distance_m(zone: Geofence, lat: float, lon: float) -> float:
    """Metres from the zone's edge: negative inside, positive outside."""
    if zone.kind == "circle":
        centre = (zone.center_lat or 0.0, zone.center_lon or 0.0)
        return distance_km(centre, (lat, lon)) * 1000 - (zone.radius_m or 0.0)
    ring = zone.polygon or []
    p = _local_xy(lat, lat, lon)
    pts = [_local_xy(lat, a, b) for a, b in ring]
    edge = min(_segment_distance(p, pts[i], pts[(i + 1) % len(pts)]) for i in range(len(pts)))
    inside = False
    for i in range(len(pts)):  # ray casting
        (x1, y1), (x2, y2) = pts[i], pts[(i + 1) % len(pts)]
        if (y1 > p[1]) != (y2 > p[1]) and p[0] < (x2 - x1) * (p[1] - y1) / (y2 - y1) + x1:
            inside = not inside
    return -edge if inside else edge


def check_zone(data: dict[str, Any]) -> None:
    """Refuse shapes that cannot be right, with the field named."""
    if data.get("kind") == "circle":
        if not (0 < float(data.get("radius_m") or 0) <= 200_000):
            raise PantauError(
                "bad_zone",
                "A circle needs a radius from 1 m to 200 km.",
                "Lingkaran perlu jari-jari 1 m sampai 200 km.",
                field="radius_m",
            )
    elif data.get("kind") == "polygon":
        ring = data.get("polygon") or []
        if len(ring) < 3 or any(len(p) != 2 for p in ring):
            raise PantauError(
                "bad_zone",
                "A polygon needs at least three [lat, lon] points.",
                "Poligon perlu minimal tiga titik [lat, lon].",
                field="polygon",
            )
    else:
        raise PantauError(
            "bad_zone", "kind is circle or polygon.", "kind: circle atau polygon.", field="kind"
        )


class GeofenceRule(Rule):
    kind: ClassVar[str] = "restricted-zone"
    severity: ClassVar[str] = "medium"

    def on_scans(self, ctx: RuleContext, scans: Sequence[Scan]) -> list[Draft]:
        located = [s for s in scans if s.lat is not None and s.lon is not None and s.person_id]
        if not located:
            return []
        zones = list(ctx.session.scalars(sa.select(Geofence).where(Geofence.active)))
        out: list[Draft] = []
        for scan in located:
            for zone in zones:
                margin = scan.accuracy_m or 0.0
                if signed_distance_m(zone, scan.lat or 0.0, scan.lon or 0.0) < -margin:
                    out.append(
                        Draft(
                            self.kind,
                            self.severity,
                            f"zone:{zone.id}:{scan.person_id}",
                            f"Seen inside the restricted zone {zone.name}",
                            office_code=zone.office_code,
                            person_id=scan.person_id,
                            stay_id=scan.stay_id,
                            serial=scan.serial,
                            details={"zone": zone.name},
                            evidence=[scan],
                        )
                    )
        return out
