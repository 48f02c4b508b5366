"""The dashboards' figures: who is present now, and what happened each day.

Scope: `office=None` is the whole country; an office sees the stays it registered (its
checkpoints' arrivals, as the overstay list does), refusals at its checkpoints and alerts routed to
it. Days are calendar days in Jakarta time (WIB), one clock for national figures; an office in WITA
or WIT sees a day boundary one or two hours off, which daily totals tolerate.

Aggregates only: no names, no passport numbers. Exports are still audited (bulk export is
controlled and logged)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer
from pantau.alerts.models import Alert
from pantau.db import utcnow
from pantau.people.models import Person
from pantau.policy import is_national
from pantau.reference.models import Checkpoint, Region
from pantau.scans.models import Scan
from pantau.stays.models import Refusal, Stay, StayStatus

DAY_ZONE = "Asia/Jakarta"
DIMENSIONS = ("nationality", "permit", "office", "province")
UNPLACED = "-"  # present, but no scan placed in a regency yet
SERIES = ("arrivals", "departures", "refusals", "overstays", "alerts")


def scope_of(officer: Officer, office: str | None = None) -> str | None:
    """The office whose figures an account may see: officers their own, whatever they ask;
    national accounts (pantau.policy) the country, or one office when they ask for it."""
    if is_national(officer):
        return office.upper() if office else None
    return officer.office_code


@dataclass(frozen=True)
class Daily:
    day: date
    arrivals: int
    departures: int
    refusals: int
    overstays: int  # stays whose first day past the last allowed day was this day, not departed
    alerts: int

    def as_row(self) -> list[Any]:
        return [
            self.day,
            self.arrivals,
            self.departures,
            self.refusals,
            self.overstays,
            self.alerts,
        ]


class DashboardService:
    def __init__(self, session: Session, *, office: str | None) -> None:
        self.session = session
        self.office = office

    # --- present now -------------------------------------------------------------------------
    def _present(self) -> sa.Select[Any]:
        q = sa.select(Stay).where(Stay.status == StayStatus.ACTIVE)
        if self.office:
            q = q.where(Stay.office_code == self.office)
        return q

    def present_total(self) -> int:
        q = self._present().with_only_columns(sa.func.count())
        return self.session.scalar(q) or 0

    def present_by(self, dimension: str) -> list[tuple[str, int]]:
        """Foreigners present now (an active stay) by nationality, permit, office or province (where
        the stay's latest placed scan was); largest first."""
        if dimension not in DIMENSIONS:
            raise ValueError(dimension)
        n = sa.func.count().label("n")
        if dimension == "province":
            return self._present_by_province()
        if dimension == "nationality":
            q = (
                self._present()
                .join(Person, Person.id == Stay.person_id)
                .with_only_columns(Person.nationality, n)
                .group_by(Person.nationality)
            )
        else:
            col = Stay.permit if dimension == "permit" else Stay.office_code
            q = self._present().with_only_columns(col, n).group_by(col)
        rows = self.session.execute(q.order_by(n.desc())).all()
        return [(str(getattr(k, "value", k)), int(v)) for k, v in rows]

    def _present_by_province(self) -> list[tuple[str, int]]:
        last_region = (
            sa.select(Scan.region_code)
            .where(Scan.stay_id == Stay.id, Scan.region_code.is_not(None))
            .order_by(Scan.device_time.desc())
            .limit(1)
            .correlate(Stay)
            .scalar_subquery()
        )
        province = sa.func.left(last_region, 2).label("province")
        n = sa.func.count().label("n")
        inner = self._present().with_only_columns(province).subquery()
        rows = self.session.execute(
            sa.select(inner.c.province, n).group_by(inner.c.province).order_by(n.desc())
        ).all()
        names = dict(
            self.session.execute(
                sa.select(Region.province_code, Region.province_name).distinct()
            ).all()
        )
        return [(names.get(code, code) if code else UNPLACED, int(v)) for code, v in rows]

    # --- per day -----------------------------------------------------------------------------
    def daily(self, days: int = 30, *, now: datetime | None = None) -> list[Daily]:
        """The last `days` days up to today (Jakarta time), oldest first."""
        today = (now or utcnow()).astimezone(ZoneInfo(DAY_ZONE)).date()
        first = today - timedelta(days=days - 1)
        start = datetime.combine(first, datetime.min.time(), ZoneInfo(DAY_ZONE))
        counts = {
            "arrivals": self._per_day(Stay.arrived_at, start, self._stay_scope()),
            "departures": self._per_day(Stay.departed_at, start, self._stay_scope()),
            "refusals": self._per_day(Refusal.occurred_at, start, self._refusal_scope()),
            "overstays": self._overstays(first, today),
            "alerts": self._per_day(Alert.created_at, start, self._alert_scope()),
        }
        out = []
        for k in range(days):
            d = first + timedelta(days=k)
            out.append(Daily(d, *(counts[s].get(d, 0) for s in SERIES)))
        return out

    def _stay_scope(self) -> Sequence[sa.ColumnElement[bool]]:
        return [Stay.office_code == self.office] if self.office else []

    def _alert_scope(self) -> Sequence[sa.ColumnElement[bool]]:
        return [Alert.office_code == self.office] if self.office else []

    def _refusal_scope(self) -> Sequence[sa.ColumnElement[bool]]:
        if not self.office:
            return []
        mine = sa.select(Checkpoint.code).where(Checkpoint.office_code == self.office)
        return [Refusal.checkpoint_code.in_(mine)]

    def _per_day(
        self,
        column: sa.orm.InstrumentedAttribute[Any],
        start: datetime,
        where: Sequence[sa.ColumnElement[bool]],
    ) -> dict[date, int]:
        day = sa.cast(sa.func.timezone(DAY_ZONE, column), sa.Date).label("day")
        q = (
            sa.select(day, sa.func.count())
            .where(column >= start, column <= utcnow() + timedelta(days=1), *where)
            .group_by(day)
        )
        return {d: int(n) for d, n in self.session.execute(q)}

    def _overstays(self, first: date, last: date) -> dict[date, int]:
        """Overstays that began each day: the day after the last allowed day, the person still
        here (active) or leaving later than that day."""
        began = (Stay.last_day + 1).label("day")
        gone = sa.cast(sa.func.timezone(DAY_ZONE, Stay.departed_at), sa.Date)
        q = (
            sa.select(began, sa.func.count())
            .where(
                Stay.last_day >= first - timedelta(days=1),
                Stay.last_day < last,
                Stay.status != StayStatus.CANCELLED,
                sa.or_(Stay.departed_at.is_(None), gone >= Stay.last_day + 1),
                *self._stay_scope(),
            )
            .group_by(began)
        )
        return {d: int(n) for d, n in self.session.execute(q)}
