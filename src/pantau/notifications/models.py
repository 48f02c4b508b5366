"""An office's notification channels and each delivery of an alert to one of them."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from pantau.alerts.models import SEVERITY_RANK
from pantau.db import Base, utcnow, uuid7


class NotificationChannel(Base):
    """Where an office wants to hear of its alerts: an e-mail address or an HTTPS webhook.

    The address is an office mailbox or a receiving system, not a person's data, so it is stored
    as it is; the webhook's signing secret is encrypted (Pantau needs it back to sign)."""

    __tablename__ = "notification_channel"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"), index=True)
    name: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(8))  # email | webhook
    target: Mapped[str] = mapped_column(sa.Text)  # the address or the URL
    secret: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    min_severity: Mapped[str] = mapped_column(sa.String(8), default="medium")
    # Alert kinds sent; empty = every kind.
    kinds: Mapped[list[str]] = mapped_column(ARRAY(sa.String(32)), default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("kind IN ('email','webhook')", name="kind"),
        sa.CheckConstraint("min_severity IN ('low','medium','high')", name="min_severity"),
        sa.CheckConstraint("kind = 'email' OR secret IS NOT NULL", name="webhook_secret"),
    )

    def wants(self, kind: str, severity: str) -> bool:
        return (
            self.enabled
            and SEVERITY_RANK[severity] >= SEVERITY_RANK[self.min_severity]
            and (not self.kinds or kind in self.kinds)
        )


class NotificationDelivery(Base):
    """One alert event (raised, or escalated to a severity) for one channel: pending until sent,
    given up (failed, with the reason) or skipped (the alert was closed before it went out)."""

    __tablename__ = "notification_delivery"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    channel_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("notification_channel.id"))
    alert_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("alert.id"), index=True)
    event: Mapped[str] = mapped_column(sa.String(12))  # raised | escalated
    severity: Mapped[str] = mapped_column(sa.String(8))  # the severity announced
    status: Mapped[str] = mapped_column(sa.String(8), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint("event IN ('raised','escalated')", name="event"),
        sa.CheckConstraint("status IN ('pending','sent','failed','skipped')", name="status"),
        sa.UniqueConstraint("channel_id", "alert_id", "event", "severity"),
        sa.Index("ix_notification_delivery_channel_recent", "channel_id", "created_at"),
    )


class Notification(Base):
    __tablename__ = "notification"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    channel: Mapped[str] = mapped_column(sa.String(8))
    purpose: Mapped[str] = mapped_column(sa.String(40))  # e.g. queue:otp, queue:booked
    recipient_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), index=True)
    recipient: Mapped[bytes] = mapped_column(sa.LargeBinary)
    subject: Mapped[bytes] = mapped_column(sa.LargeBinary)
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    # E-mail delivery (pantau.notifications.delivery): tries so far and the last failure.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.CheckConstraint("channel IN ('sms','email')", name="channel"),)
