"""Issuing stickers at arrival, and verifying scanned ones against the keys in the database."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from cryptography import x509
from sqlalchemy.orm import Session

from pantau.accounts.models import Role
from pantau.audit.services import Actor, record_event
from pantau.db import utcnow
from pantau.errors import NotFound
from pantau.people.models import Person
from pantau.people.services import GIVEN, SURNAME, Traveller
from pantau.pii import PiiCipher
from pantau.reference.models import ZONES, Checkpoint, Office
from pantau.stickers.documents import Signer, StatusCache, TrustList
from pantau.stickers.keys import KeyService
from pantau.stickers.models import SigningKey, StatusChange, Sticker, StickerStatus
from pantau.stickers.pki import kid_of
from pantau.stickers.token import Claims, binding_value, encode_token
from pantau.stickers.verify import verify_token

if TYPE_CHECKING:  # stays issue stickers: the sticker does not import the stay at run time
    from pantau.stays.models import Stay

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: read aloud and typed without doubt
# The signature's own validity: the permit's last day moves with extensions (status list), so the
# token must outlive it; a year beyond the last day covers the longest extension steps.
TOKEN_GRACE = timedelta(days=366)
STATUS_LOCK = 0x5354415455  # "STATU": advisory-lock id for status-list appends


@dataclass(frozen=True)
class IssuedSticker:
    serial: str
    qr_text: str
    kid: bytes
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Verification:
    """What the signature check says about a QR text, before the database is consulted."""

    outcome: str  # valid | tampered | unknown-key | revoked-signer | expired | not-pantau | ...
    serial: str | None = None
    kid: bytes | None = None  # the signer's key id, once the signature checked out
    claims: dict[str, Any] = field(default_factory=dict)


class StickerVerifier(Protocol):
    def verify(self, qr_text: str, *, at: datetime) -> Verification: ...


class StickerService:
    """A sticker's status changes after issue: revocation, and the status list scanners download."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, serial: str) -> Sticker:
        """The sticker by its serial as printed (dashes and case do not matter)."""
        sticker = self.session.get(Sticker, serial.upper().replace("-", ""))
        if sticker is None:
            raise NotFound(
                "unknown_sticker", f"No sticker {serial!r}.", f"Stiker {serial!r} tidak ada."
            )
        return sticker

    def view(self, sticker: Sticker, *, role: Role, cipher: PiiCipher) -> dict[str, Any]:
        """What a scanner's role may see of a sticker: accommodation - validity and last day;
        everyone else - also the nationality, permit and name."""
        stay = sticker.stay
        office = self.session.get(Office, stay.office_code)
        today = utcnow().astimezone(ZoneInfo(ZONES[office.zone if office else "WIB"])).date()
        view: dict[str, Any] = {
            "serial": sticker.serial,
            "status": sticker.status.value,
            "stay_status": stay.status.value,
            "last_day": stay.last_day.isoformat(),
            "valid": sticker.status.value == "active"
            and stay.status.value == "active"
            and today <= stay.last_day,
        }
        if role is Role.ACCOMMODATION:
            return view
        person = self.session.get(Person, stay.person_id)
        assert person is not None
        given = cipher.decrypt(person.given_names, GIVEN)
        view.update(
            nationality=person.nationality,
            permit=stay.permit.value,
            name=f"{given} {cipher.decrypt(person.surname, SURNAME)}".strip(),
            photo_ref=f"person:{person.id}",
        )
        return view

    def revoke(self, sticker: Sticker, *, reason: str, actor: Actor) -> None:
        if sticker.status is StickerStatus.REVOKED:
            return
        sticker.status = StickerStatus.REVOKED
        sticker.revoked_at = utcnow()
        sticker.revoked_reason = reason
        self.status_change(sticker.serial, "revoked", None, reason=reason)
        record_event(
            self.session,
            "people:sticker:revoke",
            actor=actor,
            target=f"sticker:{sticker.serial}",
            details={"reason": reason},
        )

    def status_change(
        self, serial: str, kind: str, last_day: date | None, *, reason: str | None = None
    ) -> None:
        """Versions must become visible in order, or a scanner that fetched `since=N` could skip one
        committed later with a smaller number: appends are serialised by an advisory lock held to
        commit (status changes are rare: revocations and extensions)."""
        self.session.execute(sa.select(sa.func.pg_advisory_xact_lock(STATUS_LOCK)))
        self.session.add(
            StatusChange(serial=serial, kind=kind, last_day=last_day, reason=reason and reason[:32])
        )
        self.session.flush()


def new_serial() -> str:
    """'ID' and ten Crockford base32 characters (50 random bits)."""
    return "ID" + "".join(secrets.choice(CROCKFORD) for _ in range(10))


def pretty_serial(serial: str) -> str:
    return f"{serial[:2]}-{serial[2:7]}-{serial[7:]}"


@dataclass
class DbStickerIssuer:
    """Signs with the issuing checkpoint's current document signer."""

    session: Session
    cipher: PiiCipher
    actor: Actor

    def issue(self, *, stay: Stay, traveller: Traveller, checkpoint: Checkpoint) -> IssuedSticker:
        keys = KeyService(self.session, cipher=self.cipher)
        kid, sign = keys.signer_for(checkpoint.code, actor=self.actor)
        now = datetime.now(UTC).replace(microsecond=0)
        salt = secrets.token_bytes(8)
        claims = Claims(
            serial=new_serial(),
            stay_id=stay.id.bytes,
            permit=stay.permit.value,
            nationality=traveller.nationality,
            # The checkpoint's calendar day, as the last day is counted (not the UTC date).
            entry_date=stay.arrived_at.astimezone(ZoneInfo(ZONES[checkpoint.zone])).date(),
            checkpoint=checkpoint.code,
            last_day=stay.last_day,
            issued_at=now,
            expires_at=datetime.combine(stay.last_day, datetime.min.time(), UTC) + TOKEN_GRACE,
            bind_salt=salt,
            binding=binding_value(
                salt,
                document_number=traveller.document_number,
                nationality=traveller.nationality,
                birth_date=traveller.birth_date,
            ),
        )
        text = encode_token(claims, kid=kid, signer=sign)
        return IssuedSticker(claims.serial, text, kid, claims.issued_at, claims.expires_at)


def trust_from_db(session: Session) -> TrustList | None:
    rows = session.query(SigningKey).all()
    root = next((r for r in rows if r.kind == "root" and r.revoked_at is None), None)
    if root is None:
        return None
    signers = {}
    for r in rows:
        if r.kind == "signer":
            cert = x509.load_der_x509_certificate(r.cert_der)
            signers[kid_of(cert)] = Signer(
                r.kid, r.code, cert, r.revoked_at is not None, r.use_until
            )
    return TrustList(x509.load_der_x509_certificate(root.cert_der), signers, datetime.now(UTC))


@dataclass
class DbStickerVerifier:
    """The server's verifier for scans: same code path as a phone's, keys read per request."""

    session: Session
    _trust: TrustList | None = None

    def verify(self, qr_text: str, *, at: datetime) -> Verification:
        if self._trust is None:
            self._trust = trust_from_db(self.session)
        if self._trust is None:
            return Verification("unknown-key")
        # Revocation of stickers is decided from the database by the scan service itself.
        result = verify_token(qr_text, self._trust, StatusCache(), at=at)
        serial = result.claims.serial if result.claims else None
        return Verification(result.outcome.value, serial, kid=result.kid if serial else None)
