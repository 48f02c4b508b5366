"""APPAPO tables: an office's queue settings, sessions and quotas, closures, the published slots,
quota openings with their draws, bookings, queue counters and no-show strikes.

Two rules are the database's to keep, not only the code's (migration 0005_queue):
- no overbooking: a trigger counts the seats that bookings hold into `queue_slot.booked`, and a CHECK
  refuses `booked > capacity`; a booking row that would overfill a slot cannot be written at all;
- one active booking per NIK: a partial unique index on the NIK's keyed hash over active statuses.

Personal data (NIK, name, birth date, phone, e-mail) is encrypted with pantau.pii (context
`queue_booking.<column>`) and found through the keyed hash `nik_hash`; all of it is set to NULL when the
retention ends (pantau.queue.privacy).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pantau.db import Base, str_enum, utcnow, uuid7


class ServiceKind(StrEnum):
    """Passport services (layanan paspor) an office may offer."""

    NEW = "new"  # paspor baru
    RENEWAL = "renewal"  # penggantian karena habis berlaku
    REPLACEMENT = "replacement"  # penggantian karena hilang atau rusak


# Letter in front of the queue number, per service (A001, B014, ...).
TICKET_PREFIX = {ServiceKind.NEW: "A", ServiceKind.RENEWAL: "B", ServiceKind.REPLACEMENT: "C"}


class BookingStatus(StrEnum):
    PENDING = "pending"  # waiting for the one-time code that confirms the contact
    WAITING = "waiting"  # in the waiting room of a quota opening, until the draw
    LOST = "lost"  # the draw gave no seat
    EXPIRED = "expired"  # the one-time code was never entered
    BOOKED = "booked"  # holds a seat
    CHECKED_IN = "checked_in"  # at the office, has a queue number
    CALLED = "called"  # called to a counter
    DONE = "done"  # served
    NO_SHOW = "no_show"  # did not come
    CANCELLED = "cancelled"  # by the citizen or because the office closed


# Statuses of a booking that counts as "the" active booking of its NIK.
ACTIVE = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN, BookingStatus.CALLED)
# Statuses that hold (or held) a seat of their slot: everything but a cancellation returns nothing.
SEATED = (*ACTIVE, BookingStatus.DONE, BookingStatus.NO_SHOW)
# The visit is over: retention starts counting.
FINISHED = (
    BookingStatus.DONE,
    BookingStatus.NO_SHOW,
    BookingStatus.CANCELLED,
    BookingStatus.LOST,
    BookingStatus.EXPIRED,
)


def _in(column: str, values: tuple[StrEnum, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class QueueOffice(Base):
    """An office's queue settings: how far ahead quota opens, when, and how long its waiting room
    gathers requests before the draw."""

    __tablename__ = "queue_office"

    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    days_ahead: Mapped[int] = mapped_column(default=14)  # the rolling window
    opening_time: Mapped[time] = mapped_column(sa.Time, default=time(8, 0))  # local time
    waiting_minutes: Mapped[int] = mapped_column(default=10)  # waiting room before the draw
    counters: Mapped[int] = mapped_column(default=4)

    __table_args__ = (
        sa.CheckConstraint("days_ahead BETWEEN 1 AND 90", name="days_ahead"),
        sa.CheckConstraint("waiting_minutes BETWEEN 0 AND 120", name="waiting_minutes"),
        sa.CheckConstraint("counters BETWEEN 1 AND 99", name="counters"),
    )


class QueueSession(Base):
    """A session of the working day (sesi), on the weekdays of `weekdays` (bit 0 = Monday)."""

    __tablename__ = "queue_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
    label: Mapped[str] = mapped_column(sa.String(40))
    starts: Mapped[time] = mapped_column(sa.Time)
    ends: Mapped[time] = mapped_column(sa.Time)
    weekdays: Mapped[int] = mapped_column(default=0b0011111)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
        sa.CheckConstraint("weekdays BETWEEN 0 AND 127", name="weekdays"),
    )


class QueueQuota(Base):
    """Seats per session and service: regular, and priority (the elderly, people with
    disabilities, small children)."""

    __tablename__ = "queue_quota"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("queue_session.id", ondelete="CASCADE"), primary_key=True
    )
    service: Mapped[ServiceKind] = mapped_column(
        str_enum(ServiceKind, "queue_service"), primary_key=True
    )
    regular: Mapped[int] = mapped_column(default=0)
    priority: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.CheckConstraint("regular >= 0 AND priority >= 0", name="quota"),)


class QueueClosure(Base):
    """A day an office is closed beyond the public holidays (cuti bersama, repairs, ...)."""

    __tablename__ = "queue_closure"

    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QueueOpening(Base):
    """When the quota of one office and day opens, and its draw (undian) for the waiting room."""

    __tablename__ = "queue_opening"

    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    opens_at: Mapped[datetime]
    draw_at: Mapped[datetime]
    drawn_at: Mapped[datetime | None]
    # Made at draw time, published afterwards: anyone can recompute the order from it.
    seed: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32))
    entrants: Mapped[int] = mapped_column(default=0)
    winners: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.CheckConstraint("opens_at <= draw_at", name="draw_after_opening"),)


class QueueSlot(Base):
    """The seats of one office, day, session, service and class (regular or priority)."""

    __tablename__ = "queue_slot"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"))
    day: Mapped[date]
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("queue_session.id"))
    service: Mapped[ServiceKind] = mapped_column(str_enum(ServiceKind, "queue_service"))
    priority: Mapped[bool] = mapped_column(default=False)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    # Maintained by the trigger queue_booking_seats (migration), never by the code.
    booked: Mapped[int] = mapped_column(default=0)
    closed: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        sa.UniqueConstraint("office_code", "day", "session_id", "service", "priority"),
    )

    @property
    def free(self) -> int:
        return 0 if self.closed else max(self.capacity - self.booked, 0)


class Booking(Base):
    """A citizen's request and, once it holds a seat, the booking (pemesanan antrean)."""

    __tablename__ = "queue_booking"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    status: Mapped[BookingStatus] = mapped_column(str_enum(BookingStatus, "queue_booking_status"))
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"))
    day: Mapped[date]
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("queue_session.id"))
    service: Mapped[ServiceKind] = mapped_column(str_enum(ServiceKind, "queue_service"))
    priority: Mapped[bool] = mapped_column(default=False)
    priority_reason: Mapped[str | None] = mapped_column(sa.String(16))
    flexible: Mapped[bool] = mapped_column(default=True)  # another session that day will do
    slot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("queue_slot.id"), index=True)
    code: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    nik_hash: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32), index=True)
    nik: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    name: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    birth_date: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    phone: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    email: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    otp_hash: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32))
    otp_expires_at: Mapped[datetime | None]
    otp_attempts: Mapped[int] = mapped_column(default=0)
    reschedules: Mapped[int] = mapped_column(default=0)
    queue_number: Mapped[int | None]
    ticket: Mapped[str | None] = mapped_column(sa.String(8))
    counter: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    booked_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    called_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]

    __table_args__ = (
        sa.Index(
            "uq_queue_booking_active_nik",
            "nik_hash",
            unique=True,
            postgresql_where=sa.text(_in("status", ACTIVE)),
        ),
        # One ticket per NIK in a waiting room: many requests do not buy more chances.
        sa.Index(
            "uq_queue_booking_waiting_nik",
            "office_code",
            "day",
            "nik_hash",
            unique=True,
            postgresql_where=sa.text("status = 'waiting'"),
        ),
        sa.Index("ix_queue_booking_office_day_status", "office_code", "day", "status"),
        sa.CheckConstraint(
            f"NOT ({_in('status', SEATED)}) OR (slot_id IS NOT NULL AND code IS NOT NULL)",
            name="seated_has_slot",
        ),
        sa.CheckConstraint("reschedules BETWEEN 0 AND 1", name="reschedule_once"),
    )

    @property
    def pretty_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}" if self.code else ""


class QueueCounter(Base):
    """The last queue number given per office, day and service."""

    __tablename__ = "queue_counter"

    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    service: Mapped[ServiceKind] = mapped_column(
        str_enum(ServiceKind, "queue_service"), primary_key=True
    )
    last: Mapped[int] = mapped_column(default=0)


class QueueStrike(Base):
    """A no-show, kept under the NIK's keyed hash only, until the strike window ends."""

    __tablename__ = "queue_strike"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    nik_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), index=True)
    day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
