"""The queue's periodic work, in one transaction: publish the rolling window, run due draws, mark
no-shows, void unconfirmed requests, delete personal data past its retention, forget old strikes,
rate-limit windows and outbox messages. Run by `pantau queue sweep` and by the worker."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from pantau import ratelimit
from pantau.audit.services import SYSTEM, Actor, record_event
from pantau.notifications.notify import OutboxNotifier, purge_outbox
from pantau.pii import PiiCipher
from pantau.queue.booking.lottery import run_due_draws
from pantau.queue.booking.services import BookingService
from pantau.queue.desk.services import mark_no_shows
from pantau.queue.offices.calendar import publish_all
from pantau.queue.privacy import erase_due, expire_unconfirmed, forget_old_strikes
from pantau.queue.settings import QueueSettings


@dataclass(frozen=True, slots=True)
class SweepResult:
    slots_published: int
    draws: int
    no_shows: int
    expired: int
    erased: int
    strikes_forgotten: int
    rate_windows: int
    messages_deleted: int


def sweep(
    session: Session,
    *,
    cipher: PiiCipher,
    settings: QueueSettings,
    now: datetime,
    actor: Actor = SYSTEM,
) -> SweepResult:
    svc = BookingService(
        session,
        cipher=cipher,
        notifier=OutboxNotifier(session, cipher=cipher),
        settings=settings,
        actor=actor,
    )
    result = SweepResult(
        slots_published=publish_all(session, now=now).slots,
        draws=len(run_due_draws(svc, now=now)),
        no_shows=mark_no_shows(session, now=now, actor=actor),
        expired=expire_unconfirmed(session, now=now),
        erased=erase_due(session, now=now, retention_days=settings.retention_days),
        strikes_forgotten=forget_old_strikes(
            session, now=now, window_days=settings.strike_window_days
        ),
        rate_windows=ratelimit.purge(session, now=now),
        messages_deleted=purge_outbox(session, older_than_days=settings.outbox_days, now=now),
    )
    if result.erased or result.expired:
        # The record of processing (UU PDP): what was destroyed, when, under which rule.
        record_event(
            session, "queue:retention:erase", actor=actor, target="queue_booking",
            details={**asdict(result), "retention_days": settings.retention_days},
        )  # fmt: skip
    return result
