"""The entry-ban list (daftar penangkalan)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pantau.db import Base, utcnow, uuid7


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
