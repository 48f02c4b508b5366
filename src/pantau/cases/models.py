"""From a report or an alert to an action: public reports (laporan masyarakat), cases, and
administrative immigration actions (TAK) with a second officer's approval."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pantau.db import Base, utcnow, uuid7

CASE_FLOW = {
    "new": ("verified", "closed"),
    "verified": ("in-operation", "closed"),
    "in-operation": ("closed",),
    "closed": (),
}


class Case(Base):
    __tablename__ = "case_file"  # "case" is an SQL keyword

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    number: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), unique=True)
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
    title: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(8))  # report | alert | officer
    report_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("report.id"))
    alert_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("alert.id"))
    status: Mapped[str] = mapped_column(sa.String(14), default="new", index=True)
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("status IN ('new','verified','in-operation','closed')", name="status"),
        sa.CheckConstraint("source IN ('report','alert','officer')", name="source"),
    )


class CaseEntry(Base):
    """The case's timeline: notes, linked persons, status changes, actions."""

    __tablename__ = "case_entry"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))
    kind: Mapped[str] = mapped_column(sa.String(12))  # note | person | status | action
    text: Mapped[str] = mapped_column(sa.Text, default="")
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("person.id"), index=True)


class Action(Base):
    """A TAK (tindakan administratif keimigrasian). Serious ones wait for a second officer."""

    __tablename__ = "tak_action"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    kind: Mapped[str] = mapped_column(sa.String(24))
    status: Mapped[str] = mapped_column(sa.String(10), default="proposed", index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("person.id"), index=True)
    stay_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("stay.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("case_file.id"))
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    details: Mapped[dict[str, object]] = mapped_column(JSONB, default=dict)
    proposed_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officer.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))
    decided_at: Mapped[datetime | None] = mapped_column(index=True)

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('proposed','approved','rejected','executed')", name="status"
        ),
        sa.CheckConstraint(
            "kind IN ('deportation','entry-ban','permit-cancellation','permit-restriction',"
            "'required-residence','overstay-fee')",
            name="kind",
        ),
        # The database, not only the code, refuses self-approval.
        sa.CheckConstraint("decided_by IS NULL OR decided_by <> proposed_by", name="four_eyes"),
    )
