"""TIMPORA operations: the table."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from pantau.db import Base, utcnow, uuid7


class Operation(Base):
    __tablename__ = "timpora_operation"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
    name: Mapped[str] = mapped_column(sa.Text)
    day: Mapped[date]
    area: Mapped[str] = mapped_column(sa.Text)
    agencies: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), default=list)
    members: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(sa.Uuid), default=list)
    case_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(sa.Uuid), default=list)
    status: Mapped[str] = mapped_column(sa.String(10), default="planned")
    results: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("status IN ('planned','done','cancelled')", name="status"),
    )
