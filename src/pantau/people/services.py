"""Persons and their passports: who a traveller is (found by keyed hashes), and reading a person's
record (each read audited)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.errors import Conflict, NotFound, PantauError
from pantau.people.models import Passport, Person
from pantau.pii import PiiCipher
from pantau.stays.models import Stay

SURNAME = "person.surname"
GIVEN = "person.given_names"
BIRTH = "person.birth_date"
NUMBER = "passport.number"


@dataclass(frozen=True)
class Traveller:
    """What the MRZ (or the officer's typing) says about the person and the document."""

    surname: str
    given_names: str
    nationality: str
    birth_date: date
    sex: str
    document_number: str
    document_type: str
    issuing_state: str
    expiry: date | None


class PeopleService:
    def __init__(self, session: Session, *, cipher: PiiCipher) -> None:
        self.session = session
        self.cipher = cipher

    def person_for_new_passport(
        self, traveller: Traveller, i_hash: bytes, match: str | None
    ) -> tuple[Person, bool]:
        candidates = list(
            self.session.scalars(
                sa.select(Person.id)
                .where(Person.identity_hash == i_hash)
                .order_by(Person.created_at)
            )
        )
        if match and match != "new":
            try:
                chosen = uuid.UUID(match)
            except ValueError:
                raise PantauError(
                    "bad_match",
                    'match must be a person id or "new".',
                    'match harus berisi id orang atau "new".',
                    field="match",
                ) from None
            if chosen not in candidates:
                raise PantauError(
                    "bad_match",
                    "That person is not a possible match.",
                    "Orang itu bukan kemungkinan yang cocok.",
                    field="match",
                )
            person = self.session.get(Person, chosen)
            assert person is not None
            return person, False
        if candidates and match != "new":
            raise Conflict(
                "possible_match",
                "A person with the same name, birth date and nationality is known with another "
                "passport. Confirm with match=<person id>, or match=new for a different person.",
                "Orang dengan nama, tanggal lahir, dan kewarganegaraan yang sama tercatat dengan "
                "paspor lain. Konfirmasi dengan match=<id orang>, atau match=new bila orang lain.",
                candidates=[self.match_summary(c) for c in candidates],
            )
        return self._new_person(traveller, i_hash), True

    def _new_person(self, t: Traveller, i_hash: bytes) -> Person:
        person = Person(
            nationality=t.nationality,
            sex=t.sex,
            birth_year=t.birth_date.year,
            surname=self.cipher.encrypt(t.surname, SURNAME),
            given_names=self.cipher.encrypt(t.given_names, GIVEN),
            birth_date=self.cipher.encrypt(t.birth_date.isoformat(), BIRTH),
            identity_hash=i_hash,
        )
        self.session.add(person)
        self.session.flush()
        return person

    def add_passport(self, person: Person, t: Traveller, p_hash: bytes) -> Passport:
        passport = Passport(
            person_id=person.id,
            number_hash=p_hash,
            number=self.cipher.encrypt(t.document_number, NUMBER),
            issuing_state=t.issuing_state,
            document_type=t.document_type,
            expiry=t.expiry,
        )
        self.session.add(passport)
        self.session.flush()
        return passport

    def match_summary(self, person_id: uuid.UUID) -> dict[str, Any]:
        """Enough for the officer to decide, no more: nationality, birth year, last stay."""
        person = self.session.get(Person, person_id)
        assert person is not None
        last = self.session.scalar(
            sa.select(Stay)
            .where(Stay.person_id == person_id)
            .order_by(Stay.arrived_at.desc())
            .limit(1)
        )
        return {
            "person_id": str(person_id),
            "nationality": person.nationality,
            "birth_year": person.birth_year,
            "last_arrival": last.arrived_at.date().isoformat() if last else None,
            "last_checkpoint": last.checkpoint_code if last else None,
        }

    # --- reading (each read of a person's record is audited) -----------------------------------
    def read_person(self, person_id: uuid.UUID, *, actor: Actor, purpose: str) -> dict[str, Any]:
        person = self.session.get(Person, person_id)
        if person is None:
            raise NotFound("unknown_person", "No such person.", "Orang tidak ditemukan.")
        record_event(
            self.session,
            "people:person:read",
            actor=actor,
            target=f"person:{person_id}",
            details={"purpose": purpose},
        )
        return {
            "person": person,
            "surname": self.cipher.decrypt(person.surname, SURNAME),
            "given_names": self.cipher.decrypt(person.given_names, GIVEN),
            "birth_date": self.cipher.decrypt(person.birth_date, BIRTH),
            "passports": [
                {
                    "number": self.cipher.decrypt(p.number, NUMBER),
                    "issuing_state": p.issuing_state,
                    "expiry": p.expiry,
                    "first_seen_at": p.first_seen_at,
                }
                for p in person.passports
            ],
            "stays": person.stays,
        }
