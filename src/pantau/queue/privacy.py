"""Personal data of bookings (UU PDP 27/2022): encryption, the keyed NIK hash, what a citizen may see
about themselves, and deletion when the retention ends.

Every value is sealed with its own column as context (`queue_booking.nik`, ...), so a ciphertext moved
to another column does not open. Deletion sets the columns to NULL and keeps the row without anyone in
it (office, day, service, status), so that statistics and the seat count stay right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.audit.models import AuditEvent
from pantau.pii import PiiCipher
from pantau.queue.models import FINISHED, Booking, BookingStatus, QueueStrike

NIK_PURPOSE = "queue-nik"
PII_COLUMNS = ("nik", "name", "birth_date", "phone", "email")


@dataclass(frozen=True, slots=True)
class Citizen:
    """What a citizen gives to book: NIK, name, birth date, phone and e-mail."""

    nik: str
    name: str
    birth_date: date
    phone: str
    email: str


def nik_hash(cipher: PiiCipher, nik: str) -> bytes:
    return cipher.lookup_hash(nik, NIK_PURPOSE)


def sealed(cipher: PiiCipher, citizen: Citizen) -> dict[str, Any]:
    values = {
        "nik": citizen.nik,
        "name": citizen.name,
        "birth_date": citizen.birth_date.isoformat(),
        "phone": citizen.phone,
        "email": citizen.email,
    }
    out: dict[str, Any] = {
        col: cipher.encrypt(v, f"queue_booking.{col}") for col, v in values.items()
    }
    out["nik_hash"] = nik_hash(cipher, citizen.nik)
    return out


def opened(cipher: PiiCipher, booking: Booking) -> Citizen | None:
    """The citizen's data in clear, or None once it was deleted."""
    if booking.nik is None:
        return None

    def dec(col: str) -> str:
        blob = getattr(booking, col)
        return cipher.decrypt(blob, f"queue_booking.{col}") if blob is not None else ""

    return Citizen(
        dec("nik"), dec("name"), date.fromisoformat(dec("birth_date")), dec("phone"), dec("email")
    )


def mask_nik(nik: str) -> str:
    return nik[:6] + "******" + nik[-4:] if len(nik) == 16 else "****"


def erase(booking: Booking, now: datetime) -> None:
    """Forget who the booking was for; the row stays for the seat count and statistics."""
    for col in (*PII_COLUMNS, "nik_hash", "otp_hash"):
        setattr(booking, col, None)
    booking.purged_at = now


def erase_due(session: Session, *, now: datetime, retention_days: int) -> int:
    """Erase the personal data of bookings whose visit day is `retention_days` behind us."""
    cut = now.date() - timedelta(days=retention_days)
    values = dict.fromkeys((*PII_COLUMNS, "nik_hash", "otp_hash"))
    result = session.execute(
        sa.update(Booking)
        .where(
            Booking.purged_at.is_(None),
            Booking.status.in_(FINISHED),
            Booking.day < cut,
        )
        .values(**values, purged_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def expire_unconfirmed(session: Session, *, now: datetime) -> int:
    """Requests whose one-time code ran out are void, and their data goes at once: nothing was
    confirmed, so there is no reason to keep it."""
    values = dict.fromkeys((*PII_COLUMNS, "nik_hash", "otp_hash"))
    result = session.execute(
        sa.update(Booking)
        .where(Booking.status == BookingStatus.PENDING, Booking.otp_expires_at < now)
        .values(**values, status=BookingStatus.EXPIRED, purged_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def forget_old_strikes(session: Session, *, now: datetime, window_days: int) -> int:
    cut = now.date() - timedelta(days=window_days)
    result = session.execute(sa.delete(QueueStrike).where(QueueStrike.day < cut))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def audit_target(booking: Booking) -> str:
    return f"queue_booking:{booking.id}"


@dataclass(frozen=True, slots=True)
class Processing:
    at: datetime
    actor: str
    tag: str


def processing_trail(session: Session, booking: Booking) -> list[Processing]:
    """Every recorded processing of this booking (the subject's right to the trail, UU PDP)."""
    rows = session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.target == audit_target(booking))
        .order_by(AuditEvent.id)
    )
    return [Processing(r.occurred_at, r.actor, r.tag) for r in rows]
