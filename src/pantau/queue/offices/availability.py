"""Public availability per office and day, and the published schedule of quota openings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.queue.models import QueueOffice, QueueOpening, QueueSession, QueueSlot, ServiceKind
from pantau.queue.offices import calendar
from pantau.reference.models import Office


@dataclass(slots=True)
class SessionSeats:
    session_id: int
    label: str
    starts: str
    ends: str
    free: dict[str, int] = field(default_factory=dict)  # service -> regular seats left
    priority_free: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class DayAvailability:
    day: date
    state: str  # closed | announced | waiting | open | full
    reason: str | None = None
    opens_at: datetime | None = None
    draw_at: datetime | None = None
    sessions: list[SessionSeats] = field(default_factory=list)


def queue_offices(session: Session) -> list[Office]:
    return list(
        session.scalars(
            sa.select(Office)
            .join(QueueOffice, QueueOffice.office_code == Office.code)
            .where(QueueOffice.enabled.is_(True))
            .order_by(Office.name)
        )
    )


def _seats(session: Session, office_code: str, day: date) -> list[SessionSeats]:
    rows = session.execute(
        sa.select(QueueSlot, QueueSession)
        .join(QueueSession, QueueSession.id == QueueSlot.session_id)
        .where(QueueSlot.office_code == office_code, QueueSlot.day == day)
        .order_by(QueueSlot.starts_at, QueueSlot.service)
    ).all()
    by_session: dict[int, SessionSeats] = {}
    for slot, sess in rows:
        seats = by_session.setdefault(
            sess.id,
            SessionSeats(sess.id, sess.label, f"{sess.starts:%H:%M}", f"{sess.ends:%H:%M}"),
        )
        target = seats.priority_free if slot.priority else seats.free
        target[slot.service.value] = slot.free
    return list(by_session.values())


def day_availability(
    session: Session, office: Office, day: date, *, now: datetime, lang: str = "id"
) -> DayAvailability:
    if reason := calendar.closed_reason(session, office.code, day, lang):
        return DayAvailability(day, "closed", reason)
    opening = session.get(QueueOpening, (office.code, day))
    if opening is None and (qo := session.get(QueueOffice, office.code)) is not None:
        # Published lazily, one missing day at a time: page views stay cheap in a burst.
        calendar.publish_day(session, qo, office, day)
        opening = session.get(QueueOpening, (office.code, day))
    if opening is None:
        return DayAvailability(day, "closed", "-")
    seats = _seats(session, office.code, day)
    out = DayAvailability(day, "open", None, opening.opens_at, opening.draw_at, seats)
    if now < opening.opens_at:
        out.state = "announced"
    elif now < opening.draw_at:
        out.state = "waiting"
    elif not any(v > 0 for s in seats for v in (*s.free.values(), *s.priority_free.values())):
        out.state = "full"
    return out


def office_availability(
    session: Session, office_code: str, *, now: datetime, lang: str = "id"
) -> list[DayAvailability]:
    """From tomorrow to one day past the rolling window (that day is announced, not open)."""
    qo = session.get(QueueOffice, office_code)
    office = session.get(Office, office_code)
    if qo is None or office is None or not qo.enabled:
        return []
    today = calendar.local_today(office.tz, now)
    return [
        day_availability(session, office, today + timedelta(days=i), now=now, lang=lang)
        for i in range(1, qo.days_ahead + 2)
    ]


@dataclass(frozen=True, slots=True)
class ScheduledOpening:
    office_code: str
    office_name: str
    zone: str
    day: date
    opens_at: datetime
    draw_at: datetime
    drawn: bool


def opening_schedule(session: Session, *, now: datetime, days: int = 3) -> list[ScheduledOpening]:
    """Openings from now on for the next few days: when which day's quota opens."""
    calendar.publish_all(session, now=now)
    rows = session.execute(
        sa.select(QueueOpening, Office)
        .join(Office, Office.code == QueueOpening.office_code)
        .where(
            QueueOpening.draw_at >= now - timedelta(hours=12),
            QueueOpening.opens_at <= now + timedelta(days=days),
        )
        .order_by(QueueOpening.opens_at, Office.name)
    ).all()
    return [
        ScheduledOpening(
            o.office_code,
            office.name,
            office.zone,
            o.day,
            o.opens_at,
            o.draw_at,
            o.drawn_at is not None,
        )
        for o, office in rows
    ]


SERVICE_LABELS = {
    ServiceKind.NEW.value: "New passport",
    ServiceKind.RENEWAL.value: "Passport renewal",
    ServiceKind.REPLACEMENT.value: "Replacement (lost or damaged)",
}

STATE_LABELS = {
    "open": "open",
    "waiting": "waiting room",
    "announced": "announced",
    "full": "full",
    "closed": "closed",
}
STATUS_LABELS = {
    "pending": "waiting for the code",
    "waiting": "in the waiting room",
    "lost": "no seat in the draw",
    "expired": "expired",
    "booked": "booked",
    "checked_in": "checked in",
    "called": "called",
    "done": "served",
    "no_show": "did not come",
    "cancelled": "cancelled",
}
PRIORITY_LABELS = {
    "elderly": "Aged 60 or more",
    "disability": "Person with a disability",
    "child": "Child under 5",
}
LABELS = {
    "services": SERVICE_LABELS,
    "states": STATE_LABELS,
    "statuses": STATUS_LABELS,
    "priorities": PRIORITY_LABELS,
}
