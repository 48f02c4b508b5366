"""Map data: recent scans clustered on a grid in SQL (so a national map of millions of scans sends a
few hundred cells), and a person's track."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.people.models import Person, Stay
from pantau.scans.models import Scan

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
    return [
        {"lat": round(lat, 5), "lon": round(lon, 5), "count": n, "findings": bad}
        for lat, lon, n, bad in session.execute(q)
    ]


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
