"""Services as the application runs them, built with their collaborators in one place: stickers
signed with the database's keys, stay lengths from the default stay rules. Route modules, jobs,
demo data and tests build services here, so that they agree."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from pantau.alerts.services import AlertEngine
from pantau.audit.services import Actor
from pantau.notifications.notify import OutboxNotifier
from pantau.notifications.services import alert_stored
from pantau.pii import PiiCipher
from pantau.queue.booking.services import BookingService
from pantau.queue.desk.services import DeskService
from pantau.queue.settings import QueueSettings
from pantau.scans.services import ScanHook, ScanService
from pantau.stays.rules import last_allowed_day
from pantau.stays.services import StayService
from pantau.stickers.services import DbStickerIssuer, DbStickerVerifier


def stay_service(session: Session, cipher: PiiCipher, actor: Actor) -> StayService:
    return StayService(
        session,
        cipher=cipher,
        issuer=DbStickerIssuer(session, cipher, actor),
        last_day=last_allowed_day,
    )


def alert_engine(session: Session, cipher: PiiCipher | None) -> AlertEngine:
    """The alert engine with its listeners: new and escalated alerts queue notifications."""
    return AlertEngine(session, cipher=cipher, hooks=[alert_stored])


def scan_service(session: Session, hooks: Sequence[ScanHook] = ()) -> ScanService:
    """Scans verified against the keys in the database; `hooks` run after they are stored."""
    return ScanService(session, verifier=DbStickerVerifier(session), hooks=hooks)


def booking_service(
    session: Session, cipher: PiiCipher, settings: QueueSettings, actor: Actor
) -> BookingService:
    """Queue bookings whose messages to citizens go to the database outbox."""
    return BookingService(
        session,
        cipher=cipher,
        notifier=OutboxNotifier(session, cipher=cipher),
        settings=settings,
        actor=actor,
    )


def desk_service(session: Session, cipher: PiiCipher, actor: Actor) -> DeskService:
    return DeskService(session, cipher=cipher, actor=actor)
