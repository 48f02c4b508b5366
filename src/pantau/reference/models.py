"""Reference data: immigration offices (Kantor Imigrasi, Kanim) and checkpoints (TPI)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from pantau.db import Base

ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


class Office(Base):
    """A Kantor Imigrasi (Kanim) or the data centre; its working area (wilayah kerja) is a list of
    regencies/cities or provinces until boundaries are loaded."""

    __tablename__ = "office"

    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(16), default="kanim")  # kanim | datacentre
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lon: Mapped[float | None] = mapped_column(sa.Float)
    zone: Mapped[str] = mapped_column(sa.String(4))
    working_area: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), default=list)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (sa.CheckConstraint("zone IN ('WIB','WITA','WIT')", name="zone"),)

    @property
    def tz(self) -> str:
        return ZONES[self.zone]


class Checkpoint(Base):
    """A Tempat Pemeriksaan Imigrasi (TPI): airport, seaport or land border post."""

    __tablename__ = "checkpoint"

    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(16))  # airport | seaport | land
    lat: Mapped[float] = mapped_column(sa.Float)
    lon: Mapped[float] = mapped_column(sa.Float)
    zone: Mapped[str] = mapped_column(sa.String(4))
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"))
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        sa.CheckConstraint("zone IN ('WIB','WITA','WIT')", name="zone"),
        sa.CheckConstraint("kind IN ('airport','seaport','land')", name="kind"),
    )

    @property
    def tz(self) -> str:
        return ZONES[self.zone]
