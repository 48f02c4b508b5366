"""The waiting room (ruang tunggu) and its draw (undian).

When a day's quota opens, requests confirmed during the next `waiting_minutes` do not take seats as
they arrive: they wait. At the end of the window the draw orders them by HMAC-SHA256(seed, request
id), with a 32-byte seed made only then, and gives seats in that order. So nobody gains by being
first, by sending from a faster machine, or by knowing anything in advance: every request in the
window has the same chance. A NIK has one ticket per draw (a partial unique index), so many requests
buy nothing. The seed is published in the audit log with the number of entrants and winners, so the
order can be recomputed by an auditor.

The draw runs once per opening, whoever gets there first: the periodic sweep, or a citizen's request
that finds the draw due. It takes the opening row FOR UPDATE SKIP LOCKED; a booking that arrives
meanwhile waits on FOR SHARE until the draw has committed, and then finds the seats that are left.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from pantau.audit.services import record_event
from pantau.errors import Conflict, PantauError
from pantau.notifications.notify import Message
from pantau.queue.booking.services import BookingService
from pantau.queue.models import Booking, BookingStatus, QueueOpening, QueueSlot
from pantau.queue.privacy import opened


@dataclass(frozen=True, slots=True)
class DrawResult:
    office_code: str
    day: date
    entrants: int
    winners: int
    seed: bytes


def draw_order(seed: bytes, ids: list[bytes]) -> list[bytes]:
    """The order of the draw: by keyed hash of each request id under the seed."""
    return sorted(ids, key=lambda i: hmac.new(seed, i, hashlib.sha256).digest())


def _lock(svc: BookingService, office_code: str, day: date) -> QueueOpening | None:
    return svc.session.scalar(
        sa.select(QueueOpening)
        .where(QueueOpening.office_code == office_code, QueueOpening.day == day)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )


def run_draw(
    svc: BookingService, office_code: str, day: date, *, now: datetime
) -> DrawResult | None:
    """Draw the waiting room of one opening if it is due and nobody else is drawing it."""
    opening = _lock(svc, office_code, day)
    if opening is None or opening.drawn_at is not None or now < opening.draw_at:
        return None
    seed = secrets.token_bytes(32)
    waiting = {
        b.id.bytes: b
        for b in svc.session.scalars(
            sa.select(Booking).where(
                Booking.office_code == office_code,
                Booking.day == day,
                Booking.status == BookingStatus.WAITING,
            )
        )
    }
    free = {
        s.id: s.free
        for s in svc.session.scalars(
            sa.select(QueueSlot).where(QueueSlot.office_code == office_code, QueueSlot.day == day)
        )
    }
    winners = 0
    for key in draw_order(seed, list(waiting)):
        winners += _allocate(svc, waiting[key], now=now, free=free)
    opening.drawn_at, opening.seed = now, seed
    opening.entrants, opening.winners = len(waiting), winners
    if not waiting:
        return DrawResult(office_code, day, 0, 0, seed)
    record_event(
        svc.session,
        "queue:draw:run",
        actor=svc.actor,
        target=f"queue_opening:{office_code}:{day}",
        details={"seed": seed.hex(), "entrants": len(waiting), "winners": winners},
    )
    return DrawResult(office_code, day, len(waiting), winners, seed)


def _allocate(svc: BookingService, booking: Booking, *, now: datetime, free: dict[int, int]) -> int:
    try:
        if not any(free.values()):
            raise Conflict("day_full", "No seats left.", "Kursi habis.")
        svc.take_seat(booking, now=now, free=free)
    except PantauError:
        booking.status = BookingStatus.LOST
        booking.finished_at = now
        _notify_lost(svc, booking)
        return 0
    return 1


def _notify_lost(svc: BookingService, booking: Booking) -> None:
    who = opened(svc.cipher, booking)
    if who is None:
        return
    body = (
        f"APPAPO: undian {booking.office_code} {booking.day:%d-%m-%Y} tidak memberi Anda kursi. "
        "Sisa kursi dapat dipesan langsung. / The draw gave you no seat; seats left can be booked."
    )
    # No audit event per loser: the draw's own event (seed, entrants, winners) accounts for them,
    # and thousands of chained appends would hold the draw for seconds.
    svc.notifier.send(Message("sms", who.phone, "APPAPO", body, "queue:lost"))


def ensure_drawn(svc: BookingService, office_code: str, day: date, *, now: datetime) -> None:
    """Before anyone books a day directly, its draw must have run: run it, or wait for whoever
    is running it."""
    opening = svc.session.get(QueueOpening, (office_code, day))
    if opening is None or opening.drawn_at is not None or now < opening.draw_at:
        return
    if run_draw(svc, office_code, day, now=now) is not None:
        return
    shared = svc.session.scalar(
        sa.select(QueueOpening)
        .where(QueueOpening.office_code == office_code, QueueOpening.day == day)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )
    if shared is None or shared.drawn_at is None:
        raise Conflict(
            "draw_running",
            "The draw for this day is running. Try again in a minute.",
            "Undian untuk hari ini sedang berlangsung. Coba lagi sebentar lagi.",
        )


def due_openings(svc: BookingService, *, now: datetime) -> list[tuple[str, date]]:
    rows = svc.session.execute(
        sa.select(QueueOpening.office_code, QueueOpening.day).where(
            QueueOpening.drawn_at.is_(None), QueueOpening.draw_at <= now
        )
    ).all()
    return [(r[0], r[1]) for r in rows]


def run_due_draws(svc: BookingService, *, now: datetime) -> list[DrawResult]:
    return [
        r
        for office, day in due_openings(svc, now=now)
        if (r := run_draw(svc, office, day, now=now)) is not None
    ]
