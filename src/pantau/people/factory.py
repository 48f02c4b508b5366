"""The people service as the application runs it: stickers signed with the database's keys, stay
lengths from the default stay rules. One place, so views, jobs, demo data and tests agree."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pantau.audit.services import Actor
from pantau.people.services import PeopleService
from pantau.people.stay_rules import last_allowed_day
from pantau.pii import PiiCipher
from pantau.stickers.issue import DbStickerIssuer


def people_service(session: Session, cipher: PiiCipher, actor: Actor) -> PeopleService:
    return PeopleService(
        session,
        cipher=cipher,
        issuer=DbStickerIssuer(session, cipher, actor),
        last_day=last_allowed_day,
    )
