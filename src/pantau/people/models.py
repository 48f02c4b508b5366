"""Foreign nationals (WNA) and their passports. Stays, stickers and the entry-ban list have their own
packages (stays/, stickers/, bans/).

Names, passport numbers and birth dates are encrypted (pantau.pii) and found through keyed hashes;
nationality, sex and dates of stay stay in clear because statistics are computed over them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantau.db import Base, utcnow, uuid7

if TYPE_CHECKING:
    from pantau.stays.models import Stay


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
