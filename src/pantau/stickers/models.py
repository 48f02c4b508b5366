"""The sticker: the signed QR put in the passport, its status changes (the status list scanners
download), and the signing keys (the national root and the document signers). Private keys are
encrypted with the key ring outside the database (pantau.pii); certificates are public."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantau.db import Base, str_enum, utcnow

if TYPE_CHECKING:
    from pantau.stays.models import Stay


class SigningKey(Base):
    __tablename__ = "signing_key"

    kid: Mapped[bytes] = mapped_column(sa.LargeBinary(8), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8))  # root | signer
    code: Mapped[str] = mapped_column(sa.String(8), index=True)  # checkpoint/office; "ID" for root
    cert_der: Mapped[bytes] = mapped_column(sa.LargeBinary)
    private_key: Mapped[bytes] = mapped_column(sa.LargeBinary)  # PKCS#8, AES-GCM encrypted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    use_until: Mapped[datetime]  # signs new stickers until then; verifies for its cert's life
    not_after: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.CheckConstraint("kind IN ('root','signer')", name="kind"),)


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
    status: Mapped[StickerStatus] = mapped_column(str_enum(StickerStatus, "sticker_status"))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)

    stay: Mapped[Stay] = relationship(back_populates="stickers")


class StatusChange(Base):
    """One line of the status list that scanners download as deltas: a sticker revoked, or a
    permit's last day moved (extension). `version` grows by one per change."""

    __tablename__ = "status_change"

    version: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=True), primary_key=True)
    serial: Mapped[str] = mapped_column(sa.ForeignKey("sticker.serial"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # revoked | last-day
    last_day: Mapped[date | None]
    # Why a sticker is revoked, for scanners to say it: departed | reissued | deportation | ...
    reason: Mapped[str | None] = mapped_column(sa.String(32))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("kind IN ('revoked','last-day')", name="kind"),)
