"""Booking a passport-queue visit: the request, the one-time code, the seat, rescheduling and
cancelling. Services never commit: the request or the command owns the transaction.
"""

from __future__ import annotations

import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.db import uuid7
from pantau.errors import Conflict, NotFound, PantauError
from pantau.notifications.notify import Message, Notifier
from pantau.pii import PiiCipher
from pantau.queue.booking import allocation
from pantau.queue.booking.checks import (
    check_citizen,
    check_priority,
    invalid,
)
from pantau.queue.models import (
    ACTIVE,
    Booking,
    BookingStatus,
    QueueOffice,
    QueueOpening,
    QueueQuota,
    QueueSession,
    QueueStrike,
    ServiceKind,
)
from pantau.queue.offices import calendar
from pantau.queue.privacy import Citizen, audit_target, erase, nik_hash, opened, sealed
from pantau.queue.settings import QueueSettings
from pantau.reference.models import Office

OTP_PURPOSE = "queue-otp"


@dataclass(frozen=True, slots=True)
class Choice:
    """Where and when: office, day, session and service, and a claim to a priority seat."""

    office_code: str
    day: date
    session_id: int
    service: ServiceKind
    priority_reason: str | None = None
    flexible: bool = True


@dataclass(frozen=True, slots=True)
class Requested:
    booking: Booking
    otp: str  # sent through the notifier; returned for tests and the benchmark, never shown


class BookingService:
    """Requests, confirmations, seats, rescheduling and cancelling for one database session."""

    def __init__(
        self,
        session: Session,
        *,
        cipher: PiiCipher,
        notifier: Notifier,
        settings: QueueSettings,
        actor: Actor,
    ) -> None:
        self.session = session
        self.cipher = cipher
        self.notifier = notifier
        self.settings = settings
        self.actor = actor

    # -- where and when ---------------------------------------------------------------------------

    def opening_for(self, choice: Choice, *, now: datetime, lang: str = "id") -> QueueOpening:
        """Check the office, day, session and service; return the day's quota opening."""
        qo = self.session.get(QueueOffice, choice.office_code)
        office = self.session.get(Office, choice.office_code)
        if qo is None or office is None or not qo.enabled:
            raise NotFound(
                "office_not_in_queue",
                "This office takes no online bookings.",
                "Kantor ini tidak menerima pemesanan daring.",
                field="office",
            )
        if choice.day <= calendar.local_today(office.tz, now):
            raise invalid(
                "day_past",
                "Choose a day from tomorrow on.",
                "Pilih hari mulai besok.",
                "day",
            )
        if reason := calendar.closed_reason(self.session, office.code, choice.day, lang):
            raise PantauError(
                "office_closed",
                f"The office is closed on {choice.day:%d-%m-%Y}: {reason}.",
                f"Kantor tutup pada {choice.day:%d-%m-%Y}: {reason}.",
                status=409,
                field="day",
            )
        self._check_session(choice)
        opening = self.session.get(QueueOpening, (office.code, choice.day))
        if opening is None:  # published lazily: the sweep may not have reached this day yet
            calendar.publish_day(self.session, qo, office, choice.day)
            opening = self.session.get(QueueOpening, (office.code, choice.day))
        if opening is None:  # pragma: no cover - publish_day wrote it for an open day
            raise NotFound("no_opening", "No quota for this day.", "Tidak ada kuota hari ini.")
        if now < opening.opens_at:
            at = opening.opens_at.astimezone(calendar.ZoneInfo(office.tz))
            raise PantauError(
                "not_open_yet",
                f"Booking for this day opens on {at:%d-%m-%Y at %H:%M} ({office.zone}).",
                f"Pemesanan untuk hari ini dibuka pada {at:%d-%m-%Y pukul %H:%M} {office.zone}.",
                status=409,
                field="day",
            )
        return opening

    def _check_session(self, choice: Choice) -> None:
        sess = self.session.get(QueueSession, choice.session_id)
        offered = self.session.get(QueueQuota, (choice.session_id, choice.service))
        if sess is None or sess.office_code != choice.office_code or offered is None:
            raise invalid(
                "bad_session",
                "This office has no such session or service on that day.",
                "Kantor ini tidak memiliki sesi atau layanan tersebut pada hari itu.",
                "session",
            )
        if not sess.weekdays & (1 << choice.day.weekday()):
            raise invalid(
                "bad_session",
                "This session does not run on that day.",
                "Sesi ini tidak ada pada hari itu.",
                "session",
            )

    # -- the request and its one-time code --------------------------------------------------------

    def request(
        self, citizen: Citizen, choice: Choice, *, now: datetime, lang: str = "id"
    ) -> Requested:
        """Check everything that can be checked now, store the request, send the one-time code."""
        citizen = check_citizen(citizen)
        check_priority(choice.priority_reason, citizen.birth_date, choice.day)
        self.opening_for(choice, now=now, lang=lang)
        hashed = nik_hash(self.cipher, citizen.nik)
        if self._active_booking(hashed) is not None:
            raise allocation.already_booked()
        self._check_strikes(hashed, choice.day)
        booking = Booking(
            status=BookingStatus.PENDING,
            office_code=choice.office_code,
            day=choice.day,
            session_id=choice.session_id,
            service=choice.service,
            priority=choice.priority_reason is not None,
            priority_reason=choice.priority_reason,
            flexible=choice.flexible,
            otp_expires_at=now + timedelta(minutes=self.settings.otp_minutes),
            created_at=now,
            **sealed(self.cipher, citizen),
        )
        booking.id = uuid7()  # known before the flush: the one-time code's hash binds it
        self._check_seats_left(booking, now)
        otp = f"{secrets.randbelow(10**6):06d}"
        booking.otp_hash = self._otp_hash(booking.id, otp)
        self.session.add(booking)
        self.session.flush()
        self._send_otp(citizen, otp)
        return Requested(booking, otp)

    def _check_seats_left(self, booking: Booking, now: datetime) -> None:
        """Refuse before sending a code when nothing is left (the seat itself is checked again, by
        the database, at confirmation). A day still in its waiting room is not full yet."""
        opening = self.session.get(QueueOpening, (booking.office_code, booking.day))
        if opening is not None and now < opening.draw_at:
            return
        slots = allocation.candidates(self.session, booking)
        if not any(s.free > 0 for s in slots):
            raise allocation.session_full()

    def _otp_hash(self, booking_id: uuid.UUID, otp: str) -> bytes:
        return self.cipher.lookup_hash(f"{booking_id}:{otp}", OTP_PURPOSE)

    def _send_otp(self, citizen: Citizen, otp: str) -> None:
        minutes = self.settings.otp_minutes
        body = (
            f"APPAPO: kode verifikasi {otp}, berlaku {minutes} menit. Jangan berikan kepada siapa pun. "
            f"/ Your code is {otp}, valid {minutes} minutes. Never share it."
        )
        subject = "Kode verifikasi APPAPO / APPAPO verification code"
        for channel, to in (("sms", citizen.phone), ("email", citizen.email)):
            self.notifier.send(Message(channel, to, subject, body, "queue:otp"))  # type: ignore[arg-type]

    def _active_booking(self, hashed: bytes) -> Booking | None:
        return self.session.scalar(
            sa.select(Booking).where(Booking.nik_hash == hashed, Booking.status.in_(ACTIVE))
        )

    def _check_strikes(self, hashed: bytes, day: date) -> None:
        """Repeated no-shows push the next visit day back (brokers book and do not come)."""
        since = day - timedelta(days=self.settings.strike_window_days)
        days = self.session.scalars(
            sa.select(QueueStrike.day).where(
                QueueStrike.nik_hash == hashed, QueueStrike.day >= since
            )
        ).all()
        if len(days) < self.settings.strike_limit:
            return
        earliest = max(days) + timedelta(days=self.settings.strike_delay_days)
        if day < earliest:
            raise PantauError(
                "no_show_delay",
                f"After {len(days)} missed visits, the next visit can be booked from {earliest:%d-%m-%Y}.",
                f"Karena {len(days)} kali tidak hadir, kunjungan berikutnya dapat dipesan mulai {earliest:%d-%m-%Y}.",
                status=409,
                field="day",
            )

    def confirm(self, booking_id: uuid.UUID, otp: str, *, now: datetime) -> Booking:
        """Check the one-time code; then join the waiting room, or take a seat at once."""
        booking = self.session.get(Booking, booking_id, with_for_update=True)
        if booking is None or booking.status is not BookingStatus.PENDING:
            raise NotFound(
                "no_request",
                "This request is unknown, or was already confirmed.",
                "Permintaan ini tidak dikenal atau sudah dikonfirmasi.",
            )
        self._check_otp(booking, otp.strip(), now)
        booking.confirmed_at = now
        opening = self.session.get(QueueOpening, (booking.office_code, booking.day))
        if opening is not None and opening.opens_at <= now < opening.draw_at:
            return self._enter_waiting_room(booking)
        from pantau.queue.booking.lottery import ensure_drawn

        ensure_drawn(self, booking.office_code, booking.day, now=now)
        return self.take_seat(booking, now=now)

    def _check_otp(self, booking: Booking, otp: str, now: datetime) -> None:
        if booking.otp_expires_at is None or now > booking.otp_expires_at:
            raise PantauError(
                "otp_expired",
                "The code has expired. Start the booking again.",
                "Kode sudah kedaluwarsa. Ulangi pemesanan.",
                status=410,
                field="otp",
            )
        if booking.otp_attempts >= self.settings.otp_attempts:
            raise PantauError(
                "otp_locked",
                "Too many wrong codes. Start the booking again.",
                "Terlalu banyak kode salah. Ulangi pemesanan.",
                status=429,
                field="otp",
            )
        good = booking.otp_hash is not None and hmac.compare_digest(
            booking.otp_hash, self._otp_hash(booking.id, otp)
        )
        if not good:
            booking.otp_attempts += 1
            # keep_changes: the failed attempt must count even though the request fails.
            raise PantauError(
                "otp_wrong",
                "That code is not right. Check the SMS or e-mail.",
                "Kode tidak sesuai. Periksa SMS atau e-mail Anda.",
                status=422,
                field="otp",
                keep_changes=True,
            )
        booking.otp_hash = None

    def _enter_waiting_room(self, booking: Booking) -> Booking:
        booking.status = BookingStatus.WAITING
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise Conflict(
                "already_waiting",
                "This NIK is already in the waiting room for this day.",
                "NIK ini sudah ada di ruang tunggu untuk hari ini.",
                field="nik",
            ) from None
        record_event(
            self.session,
            "queue:booking:wait",
            actor=self.actor,
            target=audit_target(booking),
            details={"office": booking.office_code, "day": booking.day.isoformat()},
        )
        return booking

    def take_seat(
        self, booking: Booking, *, now: datetime, free: dict[int, int] | None = None
    ) -> Booking:
        slots = allocation.candidates(self.session, booking)
        allocation.seat(self.session, booking, slots, now=now, free=free)
        record_event(
            self.session,
            "queue:booking:create",
            actor=self.actor,
            target=audit_target(booking),
            details={
                "office": booking.office_code,
                "day": booking.day.isoformat(),
                "service": booking.service.value,
                "priority": booking.priority,
            },
        )
        self.notify_booked(booking)
        return booking

    def notify_booked(self, booking: Booking) -> None:
        who = opened(self.cipher, booking)
        if who is None:
            return
        body = (
            f"APPAPO: kode pemesanan {booking.pretty_code}, {booking.office_code} "
            f"{booking.day:%d-%m-%Y}. Bawa e-KTP. / Booking {booking.pretty_code}, "
            f"{booking.office_code} {booking.day:%Y-%m-%d}. Bring your e-KTP."
        )
        subject = "Pemesanan antrean paspor / Passport queue booking"
        for channel, to in (("sms", who.phone), ("email", who.email)):
            self.notifier.send(Message(channel, to, subject, body, "queue:booked"))  # type: ignore[arg-type]

    # -- the citizen's own booking ----------------------------------------------------------------

    def for_citizen(self, code: str, nik: str) -> Booking:
        """The booking with this code, if the NIK is the one it was made for."""
        booking = self.session.scalar(
            sa.select(Booking).where(Booking.code == allocation.normalise_code(code))
        )
        given = nik_hash(self.cipher, re.sub(r"\s", "", nik))
        if (
            booking is None
            or booking.nik_hash is None
            or not hmac.compare_digest(booking.nik_hash, given)
        ):
            raise NotFound(
                "booking_not_found",
                "No booking with this code and NIK.",
                "Tidak ada pemesanan dengan kode dan NIK ini.",
                field="code",
            )
        return booking

    def reschedule(
        self, booking: Booking, day: date, session_id: int, *, now: datetime, lang: str = "id"
    ) -> Booking:
        """Move a booking to another day or session of the same office, once."""
        if booking.status is not BookingStatus.BOOKED:
            raise Conflict(
                "not_reschedulable",
                "Only a booking that is not yet used can be rescheduled.",
                "Hanya pemesanan yang belum digunakan yang dapat diubah jadwalnya.",
            )
        if booking.reschedules >= 1:
            raise Conflict(
                "rescheduled_once",
                "A booking can be rescheduled only once.",
                "Jadwal pemesanan hanya dapat diubah satu kali.",
            )
        choice = Choice(booking.office_code, day, session_id, booking.service)
        opening = self.opening_for(choice, now=now, lang=lang)
        if now < opening.draw_at:
            # Moving into a waiting room would jump the draw: seats there go by lot.
            raise Conflict(
                "in_waiting_room",
                "Seats for that day are being drawn by lot. Try again after the draw.",
                "Kursi untuk hari itu sedang diundi. Coba lagi setelah undian.",
                field="day",
            )
        from pantau.queue.booking.lottery import ensure_drawn

        ensure_drawn(self, booking.office_code, day, now=now)
        old = (booking.day, booking.session_id)
        booking.day = day
        slots = allocation.candidates(self.session, booking, session_id=session_id)
        try:
            allocation.seat(self.session, booking, slots, now=now)
        except PantauError:
            booking.day = old[0]
            raise
        booking.reschedules += 1
        record_event(
            self.session,
            "queue:booking:reschedule",
            actor=self.actor,
            target=audit_target(booking),
            details={
                "from": f"{old[0].isoformat()}/{old[1]}",
                "to": f"{day.isoformat()}/{session_id}",
            },
        )
        self.notify_booked(booking)
        return booking

    def cancel(self, booking: Booking, *, now: datetime, erase_data: bool = False) -> Booking:
        """Cancel: the seat returns to the pool in the same transaction (the trigger counts it)."""
        if booking.status is not BookingStatus.BOOKED:
            raise Conflict(
                "not_cancellable",
                "Only a booking that is not yet used can be cancelled.",
                "Hanya pemesanan yang belum digunakan yang dapat dibatalkan.",
            )
        booking.status = BookingStatus.CANCELLED
        booking.finished_at = now
        if erase_data:
            erase(booking, now)
        self.session.flush()
        record_event(
            self.session,
            "queue:booking:erase" if erase_data else "queue:booking:cancel",
            actor=self.actor,
            target=audit_target(booking),
            details={"office": booking.office_code, "day": booking.day.isoformat()},
        )
        return booking


def cancel_for_closure(svc: BookingService, office_code: str, day: date, *, now: datetime) -> int:
    """The office closed a day: its bookings are cancelled, the citizens told, and - since it was
    not their doing - they keep their one reschedule and may book again at once."""
    rows = svc.session.scalars(
        sa.select(Booking).where(
            Booking.office_code == office_code,
            Booking.day == day,
            Booking.status == BookingStatus.BOOKED,
        )
    ).all()
    for booking in rows:
        svc.cancel(booking, now=now)
        who = opened(svc.cipher, booking)
        if who is not None:
            body = (
                f"APPAPO: kantor {office_code} tutup pada {day:%d-%m-%Y}; pemesanan "
                f"{booking.pretty_code} dibatalkan. Silakan pesan hari lain. / The office is closed "
                f"on {day:%Y-%m-%d}; booking {booking.pretty_code} is cancelled. Please book again."
            )
            svc.notifier.send(Message("sms", who.phone, "APPAPO", body, "queue:closed"))
    return len(rows)
