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
from pantau.audit.services import Actor, record_event
from pantau.db import Base, utcnow, uuid7
from pantau.errors import NotFound, PantauError
from pantau.reference.geo import distance_km
from pantau.reference.models import Office
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


class ZoneService:
    """Restricted zones drawn, changed and removed by supervisors and administrators; each change
    is an audit event with who, what and the shape before and after. A removed zone is kept
    inactive (its alerts still name it) and no longer raises alerts."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def zones(self) -> list[Geofence]:
        return list(
            self.session.scalars(
                sa.select(Geofence).where(Geofence.active).order_by(Geofence.created_at)
            )
        )

    def get(self, zone_id: uuid.UUID) -> Geofence:
        zone = self.session.get(Geofence, zone_id)
        if zone is None or not zone.active:
            raise NotFound("unknown_zone", "No such restricted zone.", "Zona terlarang tidak ada.")
        return zone

    def _apply(self, zone: Geofence, data: dict[str, Any]) -> None:
        check_zone(data)
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 200:
            raise PantauError(
                "bad_zone",
                "A zone needs a name (at most 200 characters).",
                "Zona perlu nama (paling banyak 200 karakter).",
                field="name",
            )
        office = str(data.get("office") or "").strip().upper()
        if self.session.get(Office, office) is None:
            raise PantauError(
                "bad_zone", "No such office.", "Kantor tidak ada.", status=422, field="office"
            )
        zone.name, zone.kind, zone.office_code = name, str(data["kind"]), office
        if zone.kind == "circle":
            lat, lon = float(data.get("center_lat") or 0), float(data.get("center_lon") or 0)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or data.get("center_lat") is None:
                raise PantauError(
                    "bad_zone",
                    "A circle needs a centre (latitude and longitude).",
                    "Lingkaran perlu titik pusat (lintang dan bujur).",
                    field="center_lat",
                )
            zone.center_lat, zone.center_lon = lat, lon
            zone.radius_m, zone.polygon = float(data["radius_m"]), None
        else:
            ring = [[float(a), float(b)] for a, b in data["polygon"]]
            if any(not (-90 <= a <= 90 and -180 <= b <= 180) for a, b in ring):
                raise PantauError(
                    "bad_zone",
                    "Polygon points must be [latitude, longitude].",
                    "Titik poligon harus [lintang, bujur].",
                    field="polygon",
                )
            zone.polygon, zone.center_lat, zone.center_lon, zone.radius_m = ring, None, None, None

    def create(self, data: dict[str, Any], *, actor: Actor) -> Geofence:
        zone = Geofence()
        self._apply(zone, data)
        self.session.add(zone)
        self.session.flush()
        record_event(
            self.session,
            "alerts:geofence:create",
            actor=actor,
            target=f"geofence:{zone.id}",
            details={"name": zone.name, "kind": zone.kind, "after": shape_of(zone)},
        )
        return zone

    def update(self, zone_id: uuid.UUID, data: dict[str, Any], *, actor: Actor) -> Geofence:
        zone = self.get(zone_id)
        before = shape_of(zone)
        self._apply(zone, data)
        self.session.flush()
        record_event(
            self.session,
            "alerts:geofence:update",
            actor=actor,
            target=f"geofence:{zone.id}",
            details={"name": zone.name, "before": before, "after": shape_of(zone)},
        )
        return zone

    def remove(self, zone_id: uuid.UUID, *, actor: Actor) -> None:
        zone = self.get(zone_id)
        zone.active = False
        self.session.flush()
        record_event(
            self.session,
            "alerts:geofence:remove",
            actor=actor,
            target=f"geofence:{zone.id}",
            details={"name": zone.name, "before": shape_of(zone)},
        )


def shape_of(zone: Geofence) -> dict[str, Any]:
    """A zone as the API and the console map read it."""
    return {
        "id": str(zone.id),
        "name": zone.name,
        "kind": zone.kind,
        "office": zone.office_code,
        "center_lat": zone.center_lat,
        "center_lon": zone.center_lon,
        "radius_m": zone.radius_m,
        "polygon": zone.polygon,
    }
