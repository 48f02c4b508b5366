"""Stays (izin tinggal) from arrival to departure, and the refusals at checkpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantau.db import Base, str_enum, utcnow, uuid7

if TYPE_CHECKING:
    from pantau.people.models import Person
    from pantau.stickers.models import Sticker


class Permit(StrEnum):
    """Kinds of izin tinggal; identifiers used by the API."""

    VISA_EXEMPTION = "visa-exemption"  # bebas visa kunjungan
    VOA = "voa"  # visa on arrival (B1)
    VISIT_VISA = "visit-visa"  # visa kunjungan (indeks C)
    KITAS = "kitas"  # izin tinggal terbatas
    KITAP = "kitap"  # izin tinggal tetap


# Grounds for refusing entry (penolakan masuk, UU 6/2011 Pasal 13, simplified); labels in
# stays/refusals.py. The API's identifiers and the statistics' groups.
REFUSAL_CODES = (
    "entry-ban",
    "invalid-document",
    "no-visa",
    "false-statement",
    "no-return-or-means",
    "public-order-health",
    "other",
)


class StayStatus(StrEnum):
    ACTIVE = "active"
    DEPARTED = "departed"
    CANCELLED = "cancelled"  # permit cancelled or person deported (TAK)


class Stay(Base):
    """One stay from arrival until departure: the izin tinggal and its last allowed day."""

    __tablename__ = "stay"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("person.id"), index=True)
    passport_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("passport.id"))
    permit: Mapped[Permit] = mapped_column(str_enum(Permit, "permit"))
    checkpoint_code: Mapped[str] = mapped_column(sa.ForeignKey("checkpoint.code"))
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
    arrived_at: Mapped[datetime] = mapped_column(index=True)  # the dashboards' daily series
    last_day: Mapped[date] = mapped_column(index=True)
    extensions: Mapped[int] = mapped_column(default=0)
    status: Mapped[StayStatus] = mapped_column(str_enum(StayStatus, "stay_status"), index=True)
    departed_at: Mapped[datetime | None] = mapped_column(index=True)
    departure_checkpoint: Mapped[str | None] = mapped_column(sa.ForeignKey("checkpoint.code"))
    registered_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))
    departed_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))
    # Regency codes a permit is tied to (e.g. a work KITAS for Kabupaten Badung); empty: anywhere.
    allowed_regions: Mapped[list[str]] = mapped_column(
        ARRAY(sa.String(4)), default=list, server_default="{}"
    )

    person: Mapped[Person] = relationship(back_populates="stays")
    stickers: Mapped[list[Sticker]] = relationship(back_populates="stay")
    extension_records: Mapped[list[StayExtension]] = relationship(
        order_by="StayExtension.extended_at"
    )


class StayExtension(Base):
    """One extension (perpanjangan izin tinggal) granted at an office: the fee paid and the
    receipt's number (e.g. the SIMPONI billing number), the last day before and after."""

    __tablename__ = "stay_extension"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    stay_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("stay.id"), index=True)
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"))
    fee: Mapped[int] = mapped_column(sa.BigInteger)  # Rupiah
    receipt_number: Mapped[str] = mapped_column(sa.String(64))
    from_day: Mapped[date]
    to_day: Mapped[date]
    extended_at: Mapped[datetime] = mapped_column(default=utcnow)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))

    __table_args__ = (sa.CheckConstraint("fee >= 0", name="fee"),)


class Refusal(Base):
    """An entry refused at a checkpoint; published as statistics by nationality and period."""

    __tablename__ = "refusal"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    checkpoint_code: Mapped[str] = mapped_column(sa.ForeignKey("checkpoint.code"))
    nationality: Mapped[str] = mapped_column(sa.String(3), index=True)
    reason: Mapped[str] = mapped_column(sa.String(32))  # one of REFUSAL_CODES
    reason_text: Mapped[str | None] = mapped_column(sa.Text)  # said by the officer ("other")
    ban_entry_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("ban_entry.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("person.id"))
    officer_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))

    __table_args__ = (
        sa.CheckConstraint(
            "reason IN (" + ",".join(f"'{c}'" for c in REFUSAL_CODES) + ")", name="reason"
        ),
        sa.CheckConstraint("reason <> 'other' OR reason_text IS NOT NULL", name="other_text"),
    )
