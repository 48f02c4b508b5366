"""Arrival at a checkpoint: identify the person, check the ban list, open the stay, issue the sticker.
Also extension of a stay and departure.

Collaborators are passed in (STYLE.md 2): the sticker issuer and the stay rules, so that tests and
other deployments (a hardware key store) can supply their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.bans.services import BanService
from pantau.db import utcnow
from pantau.errors import Conflict, Forbidden, NotFound, PantauError
from pantau.people.identity import identity_hash, passport_hash
from pantau.people.models import Passport, Person
from pantau.people.mrz import parse_mrz
from pantau.people.services import PeopleService, Traveller
from pantau.pii import PiiCipher
from pantau.reference.models import ZONES, Checkpoint, Office, Region
from pantau.stays.departures import close_stay, stickers_leave
from pantau.stays.models import Permit, Refusal, Stay, StayExtension, StayStatus
from pantau.stays.refusals import record_refusal
from pantau.stays.rules import StayRules, add_months, extended_last_day, local_day
from pantau.stays.schemas import ManualTraveller
from pantau.stickers.models import Sticker, StickerStatus
from pantau.stickers.services import (
    DbStickerVerifier,
    IssuedSticker,
    StickerService,
    StickerVerifier,
)
from pantau.stickers.token import normalize_serial


class StickerIssuer(Protocol):
    def issue(
        self, *, stay: Stay, traveller: Traveller, checkpoint: Checkpoint
    ) -> IssuedSticker: ...


class LastDayRule(Protocol):
    def __call__(
        self, permit: str, arrived_at: datetime, zone: str, months: int | None
    ) -> date: ...


@dataclass
class ArrivalOutcome:
    person: Person
    stay: Stay
    sticker: Sticker
    new_person: bool
    matches: list[uuid.UUID] = field(default_factory=list)


class StayService:
    def __init__(
        self,
        session: Session,
        *,
        cipher: PiiCipher,
        issuer: StickerIssuer,
        last_day: LastDayRule,
        rules: StayRules | None = None,
    ) -> None:
        self.session = session
        self.rules = rules or StayRules()
        self.cipher = cipher
        self.issuer = issuer
        self.last_day = last_day
        self.bans = BanService(session, cipher=cipher)
        self.people = PeopleService(session, cipher=cipher)
        self.stickers = StickerService(session)

    # --- arrival -------------------------------------------------------------------------------
    def register_arrival(
        self,
        traveller: Traveller,
        *,
        permit: Permit,
        checkpoint_code: str,
        actor: Actor,
        arrived_at: datetime | None = None,
        months: int | None = None,
        match: str | None = None,
        allowed_regions: Sequence[str] = (),
        close_open_stay: bool = False,
    ) -> ArrivalOutcome:
        """Register an entry. `match` answers a possible-match question: a person id or "new".
        `allowed_regions`: regency codes the permit is tied to (none: anywhere).
        `close_open_stay` answers the question asked when the person has a stay still open: its
        departure was never recorded, and it is closed as such."""
        checkpoint = self._checkpoint(checkpoint_code)
        areas = self._regions(allowed_regions)
        arrived_at = arrived_at or utcnow()
        local_day = arrived_at.astimezone(ZoneInfo(ZONES[checkpoint.zone])).date()
        p_hash = passport_hash(self.cipher, traveller.nationality, traveller.document_number)
        i_hash = identity_hash(
            self.cipher,
            surname=traveller.surname,
            given_names=traveller.given_names,
            birth_date=traveller.birth_date,
            nationality=traveller.nationality,
        )
        passport = self.session.scalar(sa.select(Passport).where(Passport.number_hash == p_hash))
        person_id = passport.person_id if passport else None
        self._check_passport(traveller, permit, checkpoint, local_day, arrived_at, actor, person_id)
        self._refuse_if_banned(
            traveller,
            checkpoint,
            local_day,
            arrived_at,
            actor,
            p_hash=p_hash,
            i_hash=i_hash,
            person_id=person_id,
        )
        if passport is None:
            person, new_person = self._person_for_new_passport(traveller, i_hash, match)
            passport = self.people.add_passport(person, traveller, p_hash)
        else:
            person, new_person = passport.person, False
        self._close_open_stays(person, actor, confirmed=close_open_stay)
        stay = Stay(
            person_id=person.id,
            passport_id=passport.id,
            permit=permit,
            checkpoint_code=checkpoint.code,
            office_code=checkpoint.office_code,
            arrived_at=arrived_at,
            status=StayStatus.ACTIVE,
            registered_by=actor.id,
            last_day=self.last_day(permit.value, arrived_at, ZONES[checkpoint.zone], months),
            allowed_regions=areas,
        )
        self.session.add(stay)
        self.session.flush()
        issued = self.issuer.issue(stay=stay, traveller=traveller, checkpoint=checkpoint)
        sticker = Sticker(
            serial=issued.serial,
            stay_id=stay.id,
            kid=issued.kid,
            issued_at=issued.issued_at,
            expires_at=issued.expires_at,
            qr_text=issued.qr_text,
            status=StickerStatus.ACTIVE,
        )
        self.session.add(sticker)
        self.session.flush()
        record_event(
            self.session,
            "people:arrival:register",
            actor=actor,
            target=f"person:{person.id}",
            details={
                "stay": str(stay.id),
                "sticker": sticker.serial,
                "permit": permit.value,
                "checkpoint": checkpoint.code,
                "new_person": new_person,
                "allowed_regions": areas,
            },
        )
        return ArrivalOutcome(person, stay, sticker, new_person)

    def _regions(self, codes: Sequence[str]) -> list[str]:
        """Regency codes a permit is tied to, checked against the loaded regions."""
        wanted = sorted({c.strip() for c in codes if c.strip()})
        if not wanted:
            return []
        known = set(self.session.scalars(sa.select(Region.code).where(Region.code.in_(wanted))))
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise PantauError(
                "unknown_region",
                f"Unknown regency/city code(s): {', '.join(unknown)} (4-digit Kemendagri codes).",
                f"Kode kabupaten/kota tidak dikenal: {', '.join(unknown)} (kode Kemendagri 4 digit).",
                field="allowed_regions",
            )
        return wanted

    def _checkpoint(self, code: str) -> Checkpoint:
        checkpoint = self.session.get(Checkpoint, code.strip().upper())
        if checkpoint is None or not checkpoint.active:
            raise NotFound(
                "unknown_checkpoint",
                f"Unknown checkpoint {code!r}.",
                f"TPI {code!r} tidak dikenal.",
                field="checkpoint",
            )
        return checkpoint

    def _refuse_if_banned(
        self,
        traveller: Traveller,
        checkpoint: Checkpoint,
        day: date,
        at: datetime,
        actor: Actor,
        *,
        p_hash: bytes,
        i_hash: bytes,
        person_id: uuid.UUID | None,
    ) -> None:
        ban = self.bans.active_match(on=day, passport=p_hash, identity=i_hash, person_id=person_id)
        if ban is None:
            return
        refusal = record_refusal(
            self.session,
            checkpoint=checkpoint,
            nationality=traveller.nationality,
            reason="entry-ban",
            actor=actor,
            person_id=person_id,
            ban_entry_id=ban.id,
            at=at,
        )
        raise Forbidden(
            "entry_banned",
            f"Entry refused: this person is on the entry-ban list ({ban.legal_basis}).",
            f"Masuk ditolak: orang ini ada dalam daftar penangkalan ({ban.legal_basis}).",
            keep_changes=True,
            refusal_id=str(refusal.id),
            legal_basis=ban.legal_basis,
            ends_on=ban.ends_on.isoformat() if ban.ends_on else None,
        )

    def _person_for_new_passport(
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
        return self.people.new_person(traveller, i_hash), True

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

    def refuse(
        self,
        traveller: Traveller,
        *,
        checkpoint_code: str,
        reason: str,
        actor: Actor,
        text: str | None = None,
        at: datetime | None = None,
    ) -> Refusal:
        """Entry refused by the officer at the desk, with a ground from the code list."""
        checkpoint = self._checkpoint(checkpoint_code)
        p_hash = passport_hash(self.cipher, traveller.nationality, traveller.document_number)
        passport = self.session.scalar(sa.select(Passport).where(Passport.number_hash == p_hash))
        return record_refusal(
            self.session,
            checkpoint=checkpoint,
            nationality=traveller.nationality,
            reason=reason,
            text=text,
            actor=actor,
            person_id=passport.person_id if passport else None,
            at=at,
        )

    def _check_passport(
        self,
        t: Traveller,
        permit: Permit,
        checkpoint: Checkpoint,
        day: date,
        at: datetime,
        actor: Actor,
        person_id: uuid.UUID | None,
    ) -> None:
        """An expired passport is always refused; a visit needs the passport valid some months
        past the arrival day (StayRules.min_passport_months). The refusal is recorded."""
        if t.expiry is None:
            return
        months = self.rules.min_passport_months.get(permit.value, 0)
        if t.expiry < day:
            code = "passport_expired"
            en = f"Entry refused: the passport expired on {t.expiry.isoformat()}."
            id_ = f"Masuk ditolak: paspor telah kedaluwarsa pada {t.expiry.isoformat()}."
        elif months and t.expiry < add_months(day, months):
            code = "passport_validity"
            en = (
                f"Entry refused: the passport must be valid at least {months} months after "
                f"arrival; it expires on {t.expiry.isoformat()}."
            )
            id_ = (
                f"Masuk ditolak: paspor harus berlaku sekurang-kurangnya {months} bulan sejak "
                f"kedatangan; paspor berakhir pada {t.expiry.isoformat()}."
            )
        else:
            return
        refusal = record_refusal(
            self.session,
            checkpoint=checkpoint,
            nationality=t.nationality,
            reason="invalid-document",
            actor=actor,
            person_id=person_id,
            at=at,
        )
        raise Forbidden(
            code,
            en,
            id_,
            keep_changes=True,
            field="mrz",
            refusal_id=str(refusal.id),
            expiry=t.expiry.isoformat(),
        )

    def _close_open_stays(self, person: Person, actor: Actor, *, confirmed: bool) -> None:
        """A person with a stay still open is asked about, never changed silently: the officer
        confirms that the earlier stay ended without a recorded departure."""
        open_stays = list(
            self.session.scalars(
                sa.select(Stay).where(Stay.person_id == person.id, Stay.status == StayStatus.ACTIVE)
            )
        )
        if open_stays and not confirmed:
            last = open_stays[-1]
            raise Conflict(
                "stay_open",
                f"This person is still in the country: a stay from {last.arrived_at.date()} at "
                f"{last.checkpoint_code} (last day {last.last_day}) has no recorded departure. "
                "Record the departure, or send again with close_open_stay=true to close it as "
                "departed without record.",
                f"Orang ini masih tercatat di Indonesia: izin tinggal sejak "
                f"{last.arrived_at.date()} di {last.checkpoint_code} (hari terakhir "
                f"{last.last_day}) belum dicatat keberangkatannya. Catat keberangkatannya, atau "
                "kirim lagi dengan close_open_stay=true untuk menutupnya tanpa catatan.",
                stay={
                    "id": str(last.id),
                    "permit": last.permit.value,
                    "checkpoint": last.checkpoint_code,
                    "arrived_at": last.arrived_at.isoformat(),
                    "last_day": last.last_day.isoformat(),
                },
            )
        for stay in open_stays:
            stay.status = StayStatus.DEPARTED
            stickers_leave(self.session, stay, reason="departed")
            record_event(
                self.session,
                "people:stay:close-unrecorded",
                actor=actor,
                target=f"person:{person.id}",
                details={"stay": str(stay.id)},
            )

    # --- after arrival ---------------------------------------------------------------------------
    def stay(self, stay_id: uuid.UUID) -> Stay:
        stay = self.session.get(Stay, stay_id)
        if stay is None:
            raise NotFound("unknown_stay", "No such stay.", "Izin tinggal tidak ditemukan.")
        return stay

    def set_last_day(self, stay: Stay, new_last_day: date, *, actor: Actor, tag: str) -> None:
        """Move a stay's end (extension or restriction); scanners learn it from the status list."""
        old = stay.last_day
        stay.last_day = new_last_day
        for sticker in stay.stickers:
            self.stickers.status_change(sticker.serial, "last-day", new_last_day)
        record_event(
            self.session,
            tag,
            actor=actor,
            target=f"person:{stay.person_id}",
            details={"stay": str(stay.id), "from": old.isoformat(), "to": new_last_day.isoformat()},
        )

    def extend(
        self,
        stay: Stay,
        *,
        office_code: str,
        fee: int,
        receipt_number: str,
        actor: Actor,
        months: int | None = None,
    ) -> StayExtension:
        """Extend a permit under the rules (perpanjangan) at an office, with the fee paid and the
        receipt's number; the new last day enters the status list."""
        if stay.status is not StayStatus.ACTIVE:
            raise Conflict(
                "not_active",
                "Only an open stay can be extended.",
                "Hanya izin tinggal yang masih berjalan yang dapat diperpanjang.",
            )
        receipt = receipt_number.strip()
        if not receipt:
            raise PantauError(
                "receipt_required",
                "Give the receipt number of the fee paid.",
                "Isi nomor kuitansi pembayaran.",
                field="receipt",
            )
        if fee < 0:
            raise PantauError(
                "bad_fee", "The fee cannot be negative.", "Biaya tidak boleh negatif.", field="fee"
            )
        office = self.session.get(Office, office_code.strip().upper())
        if office is None or not office.active:
            raise NotFound(
                "unknown_office",
                f"Unknown office {office_code!r}.",
                f"Kantor {office_code!r} tidak dikenal.",
                field="office",
            )
        zone = ZONES[self._checkpoint(stay.checkpoint_code).zone]
        new_last = extended_last_day(
            stay.permit.value,
            # The arrival day on the checkpoint's calendar (00:30 WITA is 16:30 UTC the day before).
            arrived_on=local_day(stay.arrived_at, zone),
            last_day=stay.last_day,
            extensions_so_far=stay.extensions,
            months=months,
            rules=self.rules,
        )
        record = StayExtension(
            stay_id=stay.id,
            office_code=office.code,
            fee=fee,
            receipt_number=receipt,
            from_day=stay.last_day,
            to_day=new_last,
            officer_id=actor.id,
        )
        self.session.add(record)
        stay.extensions += 1
        self.set_last_day(stay, new_last, actor=actor, tag="people:stay:extend")
        self.session.flush()
        return record

    def open_stay_for(self, *, qr_text: str = "", mrz: str = "") -> Stay:
        """The stay a departure closes: found by the sticker (its QR text, or its serial as
        printed) or by the passport's MRZ (the person's open stay)."""
        stay: Stay | None = None
        if qr_text:
            serial: str | None = normalize_serial(qr_text)
            if qr_text.startswith("PN1:"):
                check = DbStickerVerifier(self.session).verify(qr_text, at=utcnow())
                if check.outcome not in ("valid", "expired", "revoked-signer"):
                    raise PantauError(
                        "bad_sticker",
                        f"The sticker does not verify ({check.outcome}).",
                        f"Stiker tidak sah ({check.outcome}).",
                        status=422,
                        field="qr_text",
                    )
                serial = check.serial
            sticker = self.session.get(Sticker, serial) if serial else None
            stay = sticker.stay if sticker else None
        elif mrz:
            t = traveller_from(mrz, None)
            p_hash = passport_hash(self.cipher, t.nationality, t.document_number)
            passport = self.session.scalar(
                sa.select(Passport).where(Passport.number_hash == p_hash)
            )
            if passport is not None:
                stay = self.session.scalar(
                    sa.select(Stay)
                    .where(Stay.person_id == passport.person_id)
                    .order_by(Stay.arrived_at.desc())
                    .limit(1)
                )
        else:
            raise PantauError(
                "no_traveller",
                "Scan the sticker or read the passport's MRZ.",
                "Pindai stiker atau baca MRZ paspor.",
                field="mrz",
            )
        if stay is None:
            raise NotFound(
                "unknown_stay",
                "No stay found for this sticker or passport.",
                "Tidak ada izin tinggal untuk stiker atau paspor ini.",
            )
        return stay

    def stay_for_departure(
        self, qr_text: str | None, stay_id: uuid.UUID | None, *, verifier: StickerVerifier
    ) -> Stay:
        """The stay a departing sticker (or a stay id) belongs to; an expired sticker still leaves."""
        stay: Stay | None = None
        if qr_text:
            check = verifier.verify(qr_text, at=utcnow())
            if check.outcome not in ("valid", "expired") or check.serial is None:
                raise PantauError(
                    "bad_sticker",
                    f"The sticker does not verify ({check.outcome}).",
                    f"Stiker tidak sah ({check.outcome}).",
                    status=422,
                    field="qr_text",
                )
            sticker = self.session.get(Sticker, check.serial)
            stay = sticker.stay if sticker else None
        elif stay_id:
            stay = self.session.get(Stay, stay_id)
        if stay is None:
            raise NotFound(
                "unknown_stay",
                "No stay found for this sticker.",
                "Tidak ada izin tinggal untuk stiker ini.",
            )
        return stay

    def depart(
        self, stay: Stay, *, checkpoint_code: str, actor: Actor, at: datetime | None = None
    ) -> Stay:
        """Departure at a checkpoint closes the stay (stays/departures.py)."""
        checkpoint = self._checkpoint(checkpoint_code)
        return close_stay(self.session, stay, checkpoint=checkpoint, actor=actor, at=at)


def traveller_from(mrz: str | None, manual: ManualTraveller | None) -> Traveller:
    if mrz:
        m = parse_mrz(mrz)
        return Traveller(
            m.surname,
            m.given_names,
            m.nationality,
            m.birth_date,
            m.sex,
            m.document_number,
            m.document_type,
            m.issuing_state,
            m.expiry_date,
        )
    if manual is None:
        raise PantauError(
            "no_traveller",
            "Give the MRZ, or the traveller's fields.",
            "Isi MRZ, atau data pelintas.",
            status=422,
            field="mrz",
        )
    nat = manual.nationality.upper()
    return Traveller(
        manual.surname.upper().strip(),
        manual.given_names.upper().strip(),
        nat,
        manual.birth_date,
        manual.sex,
        manual.document_number.upper().strip(),
        manual.document_type.upper(),
        (manual.issuing_state or nat).upper(),
        manual.expiry,
    )


def recent_refusals(session: Session, limit: int = 50) -> list[Refusal]:
    """The latest entries refused at checkpoints, newest first."""
    return list(
        session.scalars(sa.select(Refusal).order_by(Refusal.occurred_at.desc()).limit(limit))
    )


def latest_stay(session: Session, person_id: uuid.UUID) -> Stay | None:
    return session.scalar(
        sa.select(Stay).where(Stay.person_id == person_id).order_by(Stay.arrived_at.desc()).limit(1)
    )
