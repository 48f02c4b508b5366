"""Alerts raised by the rules, routed to an office, worked through open -> acknowledged -> resolved
or dismissed."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pantau.db import Base, utcnow, uuid7

SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}
OPEN_STATES = ("open", "acknowledged")


class Alert(Base):
    __tablename__ = "alert"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    severity: Mapped[str] = mapped_column(sa.String(8))  # low | medium | high
    status: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    stay_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("stay.id"))
    serial: Mapped[str | None] = mapped_column(sa.String(24))
    # One open alert per subject and kind: repeats add evidence instead of new alerts.
    dedup_key: Mapped[str] = mapped_column(sa.Text)
    summary: Mapped[str] = mapped_column(sa.Text)
    details: Mapped[dict[str, object]] = mapped_column(JSONB, default=dict)
    evidence: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(sa.Uuid), default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # daily series
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))
    close_reason: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('open','acknowledged','resolved','dismissed')", name="status"
        ),
        sa.CheckConstraint("severity IN ('low','medium','high')", name="severity"),
        sa.Index(
            "uq_alert_open_dedup",
            "dedup_key",
            unique=True,
            postgresql_where=sa.text("status IN ('open','acknowledged')"),
        ),
    )
