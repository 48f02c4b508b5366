"""Messages to people (SMS and e-mail) behind a `Notifier` protocol.

`OutboxNotifier` stores each message in the `notification` table, in the caller's transaction: a
message exists exactly when the change it announces was committed. A delivery worker (an SMS gateway,
an SMTP relay) reads the outbox and marks rows sent (e-mail: a job queued with the row, see
pantau.notifications.delivery); the demo and the tests read it directly. The
recipient and the text are personal data (a phone number, an e-mail address, a one-time code), so both
are encrypted; `recipient_hash` finds a recipient's messages.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.db import utcnow, uuid7
from pantau.notifications.models import Notification
from pantau.pii import PiiCipher

Channel = Literal["sms", "email"]
RECIPIENT_PURPOSE = "notify-recipient"


@dataclass(frozen=True, slots=True)
class Message:
    channel: Channel
    to: str
    subject: str
    body: str
    purpose: str


class Notifier(Protocol):
    def send(self, message: Message) -> None: ...


class NullNotifier:
    """Drops messages (tests that do not care)."""

    def send(self, message: Message) -> None:  # noqa: ARG002 - the protocol's signature
        return None


class OutboxNotifier:
    """Writes messages to the outbox table in the session's transaction."""

    def __init__(self, session: Session, *, cipher: PiiCipher) -> None:
        self.session = session
        self.cipher = cipher

    def send(self, message: Message) -> None:
        enc = self.cipher.encrypt
        row_id = uuid7()
        self.session.add(
            Notification(
                id=row_id,
                channel=message.channel,
                purpose=message.purpose,
                recipient_hash=self.cipher.lookup_hash(message.to, RECIPIENT_PURPOSE),
                recipient=enc(message.to, "notification.recipient"),
                subject=enc(message.subject, "notification.subject"),
                body=enc(message.body, "notification.body"),
            )
        )
        if message.channel == "email":  # sent over SMTP by a job queued in this transaction
            from pantau.jobs import defer_in_transaction

            defer_in_transaction(
                self.session,
                "notifications.send_message",
                {"notification_id": str(row_id)},
                lock=f"notification:{row_id}",
            )


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: uuid.UUID
    channel: str
    purpose: str
    to: str
    subject: str
    body: str
    created_at: datetime


def read_outbox(
    session: Session, cipher: PiiCipher, *, to: str | None = None, limit: int = 20
) -> list[OutboxEntry]:
    """The newest messages, decrypted (for the demo's outbox page, the CLI and the tests)."""
    q = sa.select(Notification).order_by(Notification.id.desc()).limit(limit)
    if to is not None:
        q = q.where(Notification.recipient_hash == cipher.lookup_hash(to, RECIPIENT_PURPOSE))
    dec = cipher.decrypt
    return [
        OutboxEntry(
            n.id,
            n.channel,
            n.purpose,
            dec(n.recipient, "notification.recipient"),
            dec(n.subject, "notification.subject"),
            dec(n.body, "notification.body"),
            n.created_at,
        )
        for n in session.scalars(q)
    ]


def purge_outbox(session: Session, *, older_than_days: int, now: datetime | None = None) -> int:
    """Delete messages past their retention (they carry codes and contact details)."""
    cut = (now or utcnow()) - timedelta(days=older_than_days)
    result = session.execute(sa.delete(Notification).where(Notification.created_at < cut))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
