"""The entry-ban list (daftar penangkalan): entries, and the check made at every arrival."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.bans.models import BanEntry
from pantau.db import utcnow
from pantau.errors import NotFound, PantauError
from pantau.people.identity import identity_hash, passport_hash
from pantau.pii import PiiCipher

NAME_CONTEXT = "ban_entry.full_name"


@dataclass(frozen=True)
class BanInput:
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    passport_number: str | None
    starts_on: date
    ends_on: date | None
    legal_basis: str
    reason: str


class BanService:
    def __init__(self, session: Session, *, cipher: PiiCipher) -> None:
        self.session = session
        self.cipher = cipher

    def add(self, data: BanInput, *, actor: Actor, person_id: uuid.UUID | None = None) -> BanEntry:
        if data.ends_on is not None and data.ends_on < data.starts_on:
            raise PantauError(
                "bad_period",
                "The ban cannot end before it starts.",
                "Penangkalan tidak dapat berakhir sebelum dimulai.",
                field="ends_on",
            )
        if not data.legal_basis.strip():
            raise PantauError(
                "no_legal_basis",
                "A legal basis is required.",
                "Dasar hukum wajib diisi.",
                field="legal_basis",
            )
        if not (data.passport_number or data.birth_date or person_id):
            raise PantauError(
                "not_identifying",
                "Give a passport number or a birth date to identify the person.",
                "Isi nomor paspor atau tanggal lahir untuk mengenali orangnya.",
                field="passport_number",
            )
        nat = data.nationality.strip().upper()
        entry = BanEntry(
            person_id=person_id,
            passport_hash=passport_hash(self.cipher, nat, data.passport_number)
            if data.passport_number
            else None,
            identity_hash=identity_hash(
                self.cipher,
                surname=data.surname,
                given_names=data.given_names,
                birth_date=data.birth_date,
                nationality=nat,
            )
            if data.birth_date
            else None,
            full_name=self.cipher.encrypt(
                f"{data.surname}, {data.given_names}".strip(", "), NAME_CONTEXT
            ),
            nationality=nat,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            legal_basis=data.legal_basis.strip(),
            reason=data.reason.strip(),
            created_by=actor.id,
        )
        self.session.add(entry)
        self.session.flush()
        record_event(
            self.session,
            "people:ban:add",
            actor=actor,
            target=f"ban:{entry.id}",
            details={
                "nationality": nat,
                "starts_on": str(data.starts_on),
                "ends_on": str(data.ends_on) if data.ends_on else None,
            },
        )
        return entry

    def lift(self, ban_id: uuid.UUID, *, actor: Actor) -> BanEntry:
        entry = self.session.get(BanEntry, ban_id)
        if entry is None:
            raise NotFound("unknown_ban", "No such ban entry.", "Data penangkalan tidak ditemukan.")
        entry.lifted_at = utcnow()
        record_event(self.session, "people:ban:lift", actor=actor, target=f"ban:{entry.id}")
        return entry

    def active_match(
        self,
        *,
        on: date,
        passport: bytes | None,
        identity: bytes | None,
        person_id: uuid.UUID | None,
    ) -> BanEntry | None:
        """The ban in force on `on` that names this passport, identity or person, if any."""
        who = [
            c
            for c in (
                BanEntry.passport_hash == passport if passport else None,
                BanEntry.identity_hash == identity if identity else None,
                BanEntry.person_id == person_id if person_id else None,
            )
            if c is not None
        ]
        if not who:
            return None
        q = (
            sa.select(BanEntry)
            .where(
                sa.or_(*who),
                BanEntry.lifted_at.is_(None),
                BanEntry.starts_on <= on,
                sa.or_(BanEntry.ends_on.is_(None), BanEntry.ends_on >= on),
            )
            .order_by(BanEntry.created_at)
            .limit(1)
        )
        return self.session.scalar(q)

    def list(self, *, include_lifted: bool = False, limit: int = 500) -> list[BanEntry]:
        q = sa.select(BanEntry).order_by(BanEntry.created_at.desc()).limit(limit)
        if not include_lifted:
            q = q.where(BanEntry.lifted_at.is_(None))
        return list(self.session.scalars(q))

    def name_of(self, entry: BanEntry) -> str:
        return self.cipher.decrypt(entry.full_name, NAME_CONTEXT)
