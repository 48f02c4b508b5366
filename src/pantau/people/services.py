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
from pantau.errors import NotFound
from pantau.people.identity import identity_hash, passport_hash
from pantau.people.models import Passport, Person
from pantau.pii import PiiCipher

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

    def new_person(self, t: Traveller, i_hash: bytes) -> Person:
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

    def by_passport(self, nationality: str, number: str) -> Passport | None:
        """The passport with this number and nationality (as typed, already normalised)."""
        return self.session.scalar(
            sa.select(Passport).where(
                Passport.number_hash == passport_hash(self.cipher, nationality, number)
            )
        )

    def one_by_identity(
        self, *, surname: str, given_names: str, birth_date: date, nationality: str
    ) -> uuid.UUID:
        """The one person with this name, birth date and nationality (404 for none or several)."""
        key = identity_hash(
            self.cipher,
            surname=" ".join(surname.upper().split()),
            given_names=" ".join(given_names.upper().split()),
            birth_date=birth_date,
            nationality=nationality,
        )
        found = list(
            self.session.scalars(sa.select(Person.id).where(Person.identity_hash == key).limit(2))
        )
        if len(found) != 1:
            raise NotFound(
                "unknown_person" if not found else "several_persons",
                "No person with this name, birth date and nationality."
                if not found
                else "Several persons match: use the passport number or the sticker.",
                "Tidak ada orang dengan nama, tanggal lahir, dan kewarganegaraan ini."
                if not found
                else "Lebih dari satu orang cocok: gunakan nomor paspor atau stiker.",
                field="surname",
            )
        return found[0]

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
