"""Giving a booking a seat. The database decides: the booking row is pointed at a slot inside a
savepoint, the trigger `queue_booking_seats` adds the seat to the slot's count, and the slot's CHECK
(booked <= capacity) or the unique index on the NIK hash refuses what does not fit. The code's own
reading of free seats only chooses the order in which slots are tried.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pantau.errors import Conflict, PantauError
from pantau.queue.models import Booking, BookingStatus, QueueSlot

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by staff
CAPACITY = "ck_queue_slot_booked_within_capacity"
ACTIVE_NIK = "uq_queue_booking_active_nik"
CODE_TAKEN = "uq_queue_booking_code"


def new_code() -> str:
    """8 characters, 40 bits: not guessable together with the NIK that managing needs too."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def normalise_code(text: str) -> str:
    """Accept what a QR scanner or a person types: `APPAPO:ABCD2345`, `abcd-2345`, ` ABCD 2345 `."""
    value = text.strip().upper()
    if value.startswith("APPAPO:"):
        value = value[7:]
    return "".join(ch for ch in value if ch.isalnum())


def session_full() -> PantauError:
    return Conflict(
        "session_full",
        "This session is full. Choose another session or day.",
        "Sesi ini sudah penuh. Pilih sesi atau hari lain.",
        field="session",
    )


def already_booked() -> PantauError:
    return Conflict(
        "nik_has_booking",
        "This NIK already has an active booking. Use it, reschedule it or cancel it first.",
        "NIK ini sudah memiliki pemesanan aktif. Gunakan, ubah jadwal, atau batalkan dahulu.",
        field="nik",
    )


def _constraint(exc: IntegrityError) -> str:
    diag = getattr(exc.orig, "diag", None)
    return str(getattr(diag, "constraint_name", "") or "")


def candidates(
    session: Session, booking: Booking, *, session_id: int | None = None
) -> list[QueueSlot]:
    """Slots to try, best first: the chosen session (priority seats first for priority bookings,
    then regular), then - if the citizen accepts it - the day's other sessions."""
    wanted = session_id or booking.session_id
    rows = session.scalars(
        sa.select(QueueSlot)
        .where(
            QueueSlot.office_code == booking.office_code,
            QueueSlot.day == booking.day,
            QueueSlot.service == booking.service,
            QueueSlot.closed.is_(False),
        )
        .order_by(QueueSlot.starts_at)
        .execution_options(populate_existing=True)
    ).all()
    if not booking.priority:
        rows = [s for s in rows if not s.priority]

    def rank(slot: QueueSlot) -> tuple[int, int]:
        return (0 if slot.session_id == wanted else 1, 0 if slot.priority else 1)

    ordered = sorted(rows, key=rank)
    if not booking.flexible or session_id is not None:
        ordered = [s for s in ordered if s.session_id == wanted]
    return ordered


def seat(
    session: Session,
    booking: Booking,
    slots: Iterable[QueueSlot],
    *,
    now: datetime,
    free: dict[int, int] | None = None,
) -> QueueSlot:
    """Point the booking at the first slot that takes it; raise session_full or already_booked.

    `free` (slot id -> seats) lets a caller that tries thousands of bookings in a row (the draw) skip
    slots it knows are full without asking the database each time."""
    session.flush()
    for slot in slots:
        if (free.get(slot.id, 0) if free is not None else slot.free) <= 0:
            continue
        if _try(session, booking, slot, now):
            if free is not None:
                free[slot.id] -= 1
            return slot
        if free is not None:
            free[slot.id] = 0
    raise session_full()


def _try(session: Session, booking: Booking, slot: QueueSlot, now: datetime) -> bool:
    values: dict[str, object] = {"slot_id": slot.id, "session_id": slot.session_id}
    if booking.code is None:
        values.update(status=BookingStatus.BOOKED, booked_at=now)
    for _attempt in range(3):
        if booking.code is None:
            values["code"] = new_code()
        try:
            with session.begin_nested():
                # No session synchronisation: the booking is refreshed below, and evaluating the
                # criteria against every loaded object made a draw of thousands quadratic.
                session.execute(
                    sa.update(Booking)
                    .where(Booking.id == booking.id)
                    .values(values)
                    .execution_options(synchronize_session=False)
                )
        except IntegrityError as exc:
            name = _constraint(exc)
            if name == CAPACITY:
                return False
            if name == ACTIVE_NIK:
                raise already_booked() from None
            if name == CODE_TAKEN:
                continue
            raise
        session.refresh(booking)
        return True
    raise RuntimeError("no free booking code after 3 attempts")
