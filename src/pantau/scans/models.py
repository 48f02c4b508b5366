"""Scans of stickers by authorised phones: who, where, when (device, fix and server time apart)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pantau.db import Base

SCAN_KINDS = ("check", "check-in", "check-out", "exit")


class Scan(Base):
    """One scan. `id` is made by the phone, so a retried or re-synced scan is stored once.

    Scans of unknown, revoked or forged stickers are kept too (with their verdict): they matter to
    enforcement."""

    __tablename__ = "scan"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    # The partition key is part of the primary key (PostgreSQL requires it); scan_key keeps the
    # client's UUID unique on its own (scans/partitions.py).
    serial: Mapped[str | None] = mapped_column(sa.String(24), index=True)
    stay_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("stay.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("person.id"))
    verdict: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[str] = mapped_column(sa.String(10))
    # The phone's clock when scanned, as reported; the monthly partition is chosen by it.
    device_time: Mapped[datetime] = mapped_column(primary_key=True)
    fix_time: Mapped[datetime | None]  # when the position was measured
    received_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    # The regency/city holding the position, placed at ingest (None: no position, at sea, or no
    # boundaries installed). No foreign key: scans are stored even before regions are loaded.
    region_code: Mapped[str | None] = mapped_column(sa.String(4))
    device: Mapped[str] = mapped_column(sa.String(100))
    scanner_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officer.id"))
    scanner_role: Mapped[str] = mapped_column(sa.String(16))
    scanner_office: Mapped[str] = mapped_column(sa.String(8))
    flags: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), default=list)  # e.g. clock-skew
    qr_text: Mapped[str | None] = mapped_column(sa.Text)  # kept when the sticker is not ours
    result: Mapped[dict[str, object]] = mapped_column(
        JSONB, default=dict
    )  # what the phone was told

    __table_args__ = (
        sa.CheckConstraint("kind IN ('check','check-in','check-out','exit')", name="kind"),
        sa.CheckConstraint("lat IS NULL OR lat BETWEEN -90 AND 90", name="lat"),
        sa.CheckConstraint("lon IS NULL OR lon BETWEEN -180 AND 180", name="lon"),
        sa.CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy"),
        sa.Index("ix_scan_person_time", "person_id", "device_time"),
        sa.Index("ix_scan_stay_time", "stay_id", "device_time"),
        sa.Index("ix_scan_region_time", "region_code", "device_time"),
        {"postgresql_partition_by": "RANGE (device_time)"},
    )


class ScanKey(Base):
    """Every stored scan's client UUID, once: the dedup table that keeps a re-sent scan from being
    stored twice although `scan`'s primary key must include its partition key."""

    __tablename__ = "scan_key"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    device_time: Mapped[datetime]  # which partition holds the scan; retention deletes by it
