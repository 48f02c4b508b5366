"""At the office: check-in with the booking code, queue numbers per service, calls to counters,
and no-shows after the session. Staff reads of a citizen's data are audited.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.errors import Conflict, NotFound
from pantau.pii import PiiCipher
from pantau.queue.booking import allocation
from pantau.queue.models import (
    TICKET_PREFIX,
    Booking,
    BookingStatus,
    QueueCounter,
    QueueSlot,
    QueueStrike,
    ServiceKind,
)
from pantau.queue.offices.calendar import local_today
from pantau.queue.privacy import Citizen, audit_target, nik_hash, opened
from pantau.reference.models import Office

# A citizen may still walk in this long after the session ended before being a no-show.
NO_SHOW_GRACE = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class DeskView:
    """What the officer at the desk sees of a booking (read audited)."""

    booking: Booking
    citizen: Citizen | None


@dataclass(frozen=True, slots=True)
class Call:
    ticket: str
    counter: int
    service: ServiceKind
    called_at: datetime


class DeskService:
    def __init__(self, session: Session, *, cipher: PiiCipher, actor: Actor) -> None:
        self.session = session
        self.cipher = cipher
        self.actor = actor

    def today(self, office_code: str, now: datetime) -> date:
        office = self.session.get(Office, office_code)
        return local_today(office.tz if office else "Asia/Jakarta", now)

    def find(self, office_code: str, code: str) -> DeskView:
        """Look a booking up by the code on the QR; the officer sees name and birth date."""
        booking = self.session.scalar(
            sa.select(Booking).where(Booking.code == allocation.normalise_code(code))
        )
        if booking is None or booking.office_code != office_code:
            raise NotFound(
                "booking_not_found",
                "No booking with this code at this office.",
                "Tidak ada pemesanan dengan kode ini di kantor ini.",
                field="code",
            )
        record_event(
            self.session,
            "queue:booking:read",
            actor=self.actor,
            target=audit_target(booking),
            details={"purpose": "check-in desk"},
        )
        return DeskView(booking, opened(self.cipher, booking))

    def check_in(self, office_code: str, code: str, nik: str, *, now: datetime) -> Booking:
        """Check the citizen in: the NIK on their e-KTP must be the booking's (no transfers)."""
        booking = self.find(office_code, code).booking
        self.session.refresh(booking, with_for_update=True)
        given = nik_hash(self.cipher, re.sub(r"\s", "", nik))
        if booking.nik_hash is None or not hmac.compare_digest(booking.nik_hash, given):
            raise Conflict(
                "nik_mismatch",
                "The NIK on the e-KTP is not the one this booking was made for.",
                "NIK pada e-KTP tidak sama dengan NIK pemesanan ini.",
                field="nik",
            )
        if booking.status is not BookingStatus.BOOKED:
            raise Conflict(
                "not_checkable",
                f"This booking cannot be checked in (status: {booking.status.value}).",
                f"Pemesanan ini tidak dapat didaftarkan (status: {booking.status.value}).",
            )
        if booking.day != self.today(office_code, now):
            raise Conflict(
                "wrong_day",
                f"This booking is for {booking.day:%d-%m-%Y}.",
                f"Pemesanan ini untuk tanggal {booking.day:%d-%m-%Y}.",
            )
        number = self._next_number(office_code, booking.day, booking.service)
        booking.queue_number = number
        booking.ticket = f"{TICKET_PREFIX[booking.service]}{number:03d}"
        booking.status = BookingStatus.CHECKED_IN
        booking.checked_in_at = now
        record_event(
            self.session,
            "queue:booking:checkin",
            actor=self.actor,
            target=audit_target(booking),
            details={"ticket": booking.ticket},
        )
        return booking

    def _next_number(self, office_code: str, day: date, service: ServiceKind) -> int:
        # One atomic upsert: two desks checking in at once never get the same number.
        stmt = (
            insert(QueueCounter)
            .values(office_code=office_code, day=day, service=service, last=1)
            .on_conflict_do_update(
                index_elements=["office_code", "day", "service"],
                set_={"last": QueueCounter.last + 1},
            )
            .returning(QueueCounter.last)
        )
        return int(self.session.execute(stmt).scalar_one())

    def call_next(
        self, office_code: str, counter: int, *, now: datetime, service: ServiceKind | None = None
    ) -> Booking | None:
        """Call the next checked-in citizen to a counter: priority first, then by arrival."""
        q = (
            sa.select(Booking)
            .where(
                Booking.office_code == office_code,
                Booking.day == self.today(office_code, now),
                Booking.status == BookingStatus.CHECKED_IN,
            )
            .order_by(Booking.priority.desc(), Booking.checked_in_at)
            .limit(1)
            .with_for_update(skip_locked=True)  # two counters calling at once get two people
        )
        if service is not None:
            q = q.where(Booking.service == service)
        booking = self.session.scalar(q)
        if booking is None:
            return None
        booking.status, booking.counter, booking.called_at = BookingStatus.CALLED, counter, now
        record_event(
            self.session,
            "queue:booking:call",
            actor=self.actor,
            target=audit_target(booking),
            details={"ticket": booking.ticket, "counter": counter},
        )
        return booking

    def finish(self, office_code: str, booking_id: object, *, now: datetime) -> Booking:
        booking = self.session.get(Booking, booking_id, with_for_update=True)
        if booking is None or booking.office_code != office_code:
            raise NotFound("booking_not_found", "No such booking.", "Pemesanan tidak ditemukan.")
        if booking.status is not BookingStatus.CALLED:
            raise Conflict("not_called", "Call the number first.", "Panggil nomornya dahulu.")
        booking.status, booking.finished_at = BookingStatus.DONE, now
        record_event(
            self.session, "queue:booking:done", actor=self.actor, target=audit_target(booking)
        )
        return booking

    def board(self, office_code: str, *, now: datetime, limit: int = 8) -> list[Call]:
        """The latest calls, for the display in the waiting hall (numbers only, no names)."""
        rows = self.session.scalars(
            sa.select(Booking)
            .where(
                Booking.office_code == office_code,
                Booking.day == self.today(office_code, now),
                Booking.called_at.is_not(None),
            )
            .order_by(Booking.called_at.desc())
            .limit(limit)
        )
        return [
            Call(b.ticket or "", b.counter or 0, b.service, b.called_at)
            for b in rows
            if b.called_at
        ]

    def waiting_counts(self, office_code: str, *, now: datetime) -> dict[ServiceKind, int]:
        rows = self.session.execute(
            sa.select(Booking.service, sa.func.count())
            .where(
                Booking.office_code == office_code,
                Booking.day == self.today(office_code, now),
                Booking.status == BookingStatus.CHECKED_IN,
            )
            .group_by(Booking.service)
        ).all()
        return {r[0]: int(r[1]) for r in rows}


def mark_no_shows(session: Session, *, now: datetime, actor: Actor) -> int:
    """Bookings whose session ended (plus a grace period) without a check-in become no-shows, and
    each leaves a strike under the NIK's keyed hash."""
    ended = sa.select(QueueSlot.id).where(QueueSlot.ends_at + NO_SHOW_GRACE < now)
    rows = session.scalars(
        sa.select(Booking)
        .where(Booking.status == BookingStatus.BOOKED, Booking.slot_id.in_(ended))
        .with_for_update(skip_locked=True)
    ).all()
    for booking in rows:
        booking.status, booking.finished_at = BookingStatus.NO_SHOW, now
        if booking.nik_hash is not None:
            session.add(QueueStrike(nik_hash=booking.nik_hash, day=booking.day))
        record_event(session, "queue:booking:noshow", actor=actor, target=audit_target(booking))
    return len(rows)
