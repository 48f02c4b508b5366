"""The append-only, hash-chained audit log (jejak audit)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pantau.db import Base


class AuditEvent(Base):
    """One event. Rows are chained: `hash` covers the row's fields and the previous row's hash, so a
    row changed, removed or reordered behind the application's back breaks the chain. A trigger
    (migration 0001) refuses UPDATE, DELETE and TRUNCATE."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=True), primary_key=True)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    actor: Mapped[str] = mapped_column(sa.Text)  # username or "system" / "public"
    tag: Mapped[str] = mapped_column(sa.Text, index=True)  # source:subject:action
    target: Mapped[str | None] = mapped_column(sa.Text, index=True)
    origin: Mapped[str | None] = mapped_column(sa.Text)  # request IP or "cli"
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    prev_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32))
    hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
