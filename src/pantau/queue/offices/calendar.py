"""The queue calendar: which days an office is open (weekdays of its sessions, minus Indonesian public
holidays and its closures), when each day's quota opens, and the slots published for it.

Quota opens on a rolling schedule: the seats of day D open at the office's opening time (local) on
D minus `days_ahead` days, one day at a time, so that no single moment releases weeks of seats. Slots
are written ahead of their opening (`publish`) so that the schedule can be shown; booking refuses them
until they open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from pantau.queue.models import (
    QueueClosure,
    QueueOffice,
    QueueOpening,
    QueueQuota,
    QueueSession,
    QueueSlot,
)
from pantau.reference.models import Office


@lru_cache(maxsize=32)
def _holidays(year: int, lang: str) -> dict[date, str]:
    # The table is fixed per year and language: caching it keeps no state that processes must share.
    language = "id" if lang == "id" else "en_US"
    return dict(holidays.country_holidays("ID", years=year, language=language).items())


def holiday_name(day: date, lang: str = "id") -> str | None:
    return _holidays(day.year, lang).get(day)


def at_local(day: date, clock: time, zone: str) -> datetime:
    """A local wall-clock time on a day, as a UTC instant."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_today(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def opening_times(settings: QueueOffice, office: Office, day: date) -> tuple[datetime, datetime]:
    """When day's quota opens, and when its waiting room closes and the draw runs."""
    opens = at_local(day - timedelta(days=settings.days_ahead), settings.opening_time, office.tz)
    return opens, opens + timedelta(minutes=settings.waiting_minutes)


def sessions_on(session: Session, office_code: str, day: date) -> list[QueueSession]:
    bit = 1 << day.weekday()
    rows = session.scalars(
        sa.select(QueueSession)
        .where(QueueSession.office_code == office_code, QueueSession.active.is_(True))
        .order_by(QueueSession.starts)
    )
    return [s for s in rows if s.weekdays & bit]


def closed_reason(session: Session, office_code: str, day: date, lang: str = "id") -> str | None:
    """Why the office takes no bookings on that day, or None when it is open."""
    if name := holiday_name(day, lang):
        return name
    closure = session.get(QueueClosure, (office_code, day))
    if closure is not None:
        return closure.reason or ("Kantor tutup" if lang == "id" else "Office closed")
    if not sessions_on(session, office_code, day):
        return "Tidak ada layanan" if lang == "id" else "No service on this day"
    return None


@dataclass(frozen=True, slots=True)
class Published:
    openings: int
    slots: int


def publish_day(session: Session, qo: QueueOffice, office: Office, day: date) -> Published:
    """Write the opening and the slots of one open day (what exists is left as it is)."""
    if closed_reason(session, office.code, day) is not None:
        return Published(0, 0)
    opens, draw = opening_times(qo, office, day)
    made = session.execute(
        insert(QueueOpening)
        .values(office_code=office.code, day=day, opens_at=opens, draw_at=draw)
        .on_conflict_do_nothing()
        .returning(QueueOpening.day)
    ).all()
    rows = []
    for s in sessions_on(session, office.code, day):
        starts, ends = at_local(day, s.starts, office.tz), at_local(day, s.ends, office.tz)
        for quota in session.scalars(sa.select(QueueQuota).where(QueueQuota.session_id == s.id)):
            for priority, capacity in ((False, quota.regular), (True, quota.priority)):
                if capacity > 0:
                    rows.append(
                        {
                            "office_code": office.code,
                            "day": day,
                            "session_id": s.id,
                            "service": quota.service,
                            "priority": priority,
                            "starts_at": starts,
                            "ends_at": ends,
                            "capacity": capacity,
                        }
                    )
    slots = 0
    if rows:
        result = session.execute(
            insert(QueueSlot).values(rows).on_conflict_do_nothing().returning(QueueSlot.id)
        )
        slots = len(result.all())
    return Published(len(made), slots)


def publish(session: Session, office_code: str, *, now: datetime, extra_days: int = 1) -> Published:
    """Publish every day of the rolling window, and `extra_days` beyond it (announced, not open)."""
    qo = session.get(QueueOffice, office_code)
    office = session.get(Office, office_code)
    if qo is None or office is None or not qo.enabled:
        return Published(0, 0)
    today = local_today(office.tz, now)
    openings = slots = 0
    for offset in range(qo.days_ahead + extra_days + 1):
        got = publish_day(session, qo, office, today + timedelta(days=offset))
        openings, slots = openings + got.openings, slots + got.slots
    return Published(openings, slots)


def publish_all(session: Session, *, now: datetime) -> Published:
    openings = slots = 0
    for code in session.scalars(sa.select(QueueOffice.office_code).where(QueueOffice.enabled)):
        got = publish(session, code, now=now)
        openings, slots = openings + got.openings, slots + got.slots
    return Published(openings, slots)


def close_day(session: Session, office_code: str, day: date, reason: str) -> QueueClosure:
    """Record a closure and close the day's slots (bookings on it are the caller's to cancel)."""
    closure = session.get(QueueClosure, (office_code, day))
    if closure is None:
        closure = QueueClosure(office_code=office_code, day=day, reason=reason)
        session.add(closure)
    closure.reason = reason
    session.execute(
        sa.update(QueueSlot)
        .where(QueueSlot.office_code == office_code, QueueSlot.day == day)
        .values(closed=True)
    )
    session.flush()
    return closure
