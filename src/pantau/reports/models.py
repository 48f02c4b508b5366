"""Public reports (laporan masyarakat) and their photos."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantau.db import Base, utcnow, uuid7


class Report(Base):
    """A report from the public. The reporter follows it with `tracking_code` (status only)."""

    __tablename__ = "report"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    tracking_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    seen_at: Mapped[datetime | None]
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    address: Mapped[str | None] = mapped_column(sa.Text)
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
    contact: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # encrypted, optional
    status: Mapped[str] = mapped_column(sa.String(12), default="received")
    language: Mapped[str] = mapped_column(sa.String(2), default="id")

    photos: Mapped[list[ReportPhoto]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("status IN ('received','in-progress','closed')", name="status"),
    )


class ReportPhoto(Base):
    """A photo, re-encoded as JPEG without metadata, kept in PostgreSQL (no local files as state)."""

    __tablename__ = "report_photo"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    report_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    jpeg: Mapped[bytes] = mapped_column(sa.LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
