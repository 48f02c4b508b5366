"""Reference data: immigration offices (Kantor Imigrasi, Kanim) and checkpoints (TPI)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
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


class Region(Base):
    """A regency (kabupaten) or city (kota), keyed by its 4-digit Kemendagri code; the province is
    the code's first two digits. Loaded from the fetched boundaries (reference/boundaries.py)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(10))  # kabupaten | kota
    province_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    province_name: Mapped[str] = mapped_column(sa.Text)
    bbox: Mapped[list[float]] = mapped_column(ARRAY(sa.Float))  # min lon, min lat, max lon, max lat
    geometry: Mapped[dict[str, object]] = mapped_column(JSONB)  # GeoJSON, simplified

    __table_args__ = (sa.CheckConstraint("kind IN ('kabupaten','kota')", name="kind"),)


class OfficeRegion(Base):
    """An office's working area, one row per regency: every regency belongs to exactly one office."""

    __tablename__ = "office_region"

    region_code: Mapped[str] = mapped_column(sa.ForeignKey("region.code"), primary_key=True)
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
