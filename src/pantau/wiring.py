"""Services as the application runs them, built with their collaborators in one place: stickers
signed with the database's keys, stay lengths from the default stay rules. Route modules, jobs,
demo data and tests build services here, so that they agree."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pantau.audit.services import Actor
from pantau.pii import PiiCipher
from pantau.stays.rules import last_allowed_day
from pantau.stays.services import StayService
from pantau.stickers.services import DbStickerIssuer


def stay_service(session: Session, cipher: PiiCipher, actor: Actor) -> StayService:
    return StayService(
        session,
        cipher=cipher,
        issuer=DbStickerIssuer(session, cipher, actor),
        last_day=last_allowed_day,
    )
