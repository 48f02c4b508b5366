"""Foreign nationals (WNA), their passports, stays (izin tinggal), stickers, the entry-ban list
(penangkalan) and refusals at checkpoints.

Names, passport numbers and birth dates are encrypted (pantau.pii) and found through keyed hashes;
nationality, sex and dates of stay stay in clear because statistics are computed over them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantau.db import Base, utcnow, uuid7


class Permit(StrEnum):
    """Kinds of izin tinggal; identifiers used by the API."""

    VISA_EXEMPTION = "visa-exemption"  # bebas visa kunjungan
    VOA = "voa"  # visa on arrival (B1)
    VISIT_VISA = "visit-visa"  # visa kunjungan (indeks C)
    KITAS = "kitas"  # izin tinggal terbatas
    KITAP = "kitap"  # izin tinggal tetap


def _enum(cls: type[StrEnum], name: str) -> sa.Enum:
    return sa.Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class Person(Base):
    __tablename__ = "person"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    nationality: Mapped[str] = mapped_column(sa.String(3), index=True)  # ICAO 9303 code
    sex: Mapped[str] = mapped_column(sa.String(1))  # M, F or X
    birth_year: Mapped[int | None]  # for age statistics; the full date is encrypted
    surname: Mapped[bytes] = mapped_column(sa.LargeBinary)
    given_names: Mapped[bytes] = mapped_column(sa.LargeBinary)
    birth_date: Mapped[bytes] = mapped_column(sa.LargeBinary)
    # Keyed hash of name + birth date + nationality: finds a returning person with a new passport.
    identity_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    passports: Mapped[list[Passport]] = relationship(back_populates="person")
    stays: Mapped[list[Stay]] = relationship(back_populates="person", order_by="Stay.arrived_at")


class Passport(Base):
    """A travel document seen at a checkpoint. The same number and nationality is the same person."""

    __tablename__ = "passport"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("person.id"), index=True)
    number_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
    number: Mapped[bytes] = mapped_column(sa.LargeBinary)
    issuing_state: Mapped[str] = mapped_column(sa.String(3))
    document_type: Mapped[str] = mapped_column(sa.String(2))
    expiry: Mapped[date | None]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="passports")


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
    permit: Mapped[Permit] = mapped_column(_enum(Permit, "permit"))
    checkpoint_code: Mapped[str] = mapped_column(sa.ForeignKey("checkpoint.code"))
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
    arrived_at: Mapped[datetime] = mapped_column(index=True)  # the dashboards' daily series
    last_day: Mapped[date] = mapped_column(index=True)
    extensions: Mapped[int] = mapped_column(default=0)
    status: Mapped[StayStatus] = mapped_column(_enum(StayStatus, "stay_status"), index=True)
    departed_at: Mapped[datetime | None] = mapped_column(index=True)
    departure_checkpoint: Mapped[str | None] = mapped_column(sa.ForeignKey("checkpoint.code"))
    registered_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))
    # Regency codes a permit is tied to (e.g. a work KITAS for Kabupaten Badung); empty: anywhere.
    allowed_regions: Mapped[list[str]] = mapped_column(
        ARRAY(sa.String(4)), default=list, server_default="{}"
    )

    person: Mapped[Person] = relationship(back_populates="stays")
    stickers: Mapped[list[Sticker]] = relationship(back_populates="stay")


class StickerStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


class Sticker(Base):
    """The signed QR sticker put in the passport (an electronic immigration stamp)."""

    __tablename__ = "sticker"

    serial: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    stay_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("stay.id"), index=True)
    kid: Mapped[bytes] = mapped_column(sa.LargeBinary(8))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    qr_text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[StickerStatus] = mapped_column(_enum(StickerStatus, "sticker_status"))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)

    stay: Mapped[Stay] = relationship(back_populates="stickers")


class BanEntry(Base):
    """An entry on the penangkalan (entry-ban) list, checked at every arrival."""

    __tablename__ = "ban_entry"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    passport_hash: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32), index=True)
    identity_hash: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32), index=True)
    full_name: Mapped[bytes] = mapped_column(sa.LargeBinary)  # encrypted, for the officer's eyes
    nationality: Mapped[str] = mapped_column(sa.String(3))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]  # None: lifetime ban
    legal_basis: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))
    lifted_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period"),
        sa.CheckConstraint(
            "passport_hash IS NOT NULL OR identity_hash IS NOT NULL OR person_id IS NOT NULL",
            name="identifies",
        ),
    )


class Refusal(Base):
    """An entry refused at a checkpoint; published as statistics by nationality and period."""

    __tablename__ = "refusal"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    checkpoint_code: Mapped[str] = mapped_column(sa.ForeignKey("checkpoint.code"))
    nationality: Mapped[str] = mapped_column(sa.String(3), index=True)
    reason: Mapped[str] = mapped_column(sa.String(32))  # entry-ban, ...
    ban_entry_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("ban_entry.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("person.id"))
    officer_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))


class StatusChange(Base):
    """One line of the status list that scanners download as deltas: a sticker revoked, or a
    permit's last day moved (extension). `version` grows by one per change."""

    __tablename__ = "status_change"

    version: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=True), primary_key=True)
    serial: Mapped[str] = mapped_column(sa.ForeignKey("sticker.serial"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # revoked | last-day
    last_day: Mapped[date | None]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("kind IN ('revoked','last-day')", name="kind"),)
