"""The sticker token: CWT claims (RFC 8392) in COSE_Sign1, zlib, Base45, behind the prefix "PN1:".

The claim set is documented in docs/sticker-format.md; a third party can verify from it alone.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

import cbor2

from pantau.stickers.base45 import Base45Error, b45decode, b45encode
from pantau.stickers.cose import CoseError, Sign1, decode_sign1, sign1

PREFIX = "PN1:"
ISSUER = "ID"
# Registered CWT claims
ISS, EXP, IAT = 1, 4, 6
# Pantau's private claims: small negative integers (private use, RFC 8392 section 4), one CBOR
# byte each, because every byte makes the QR code denser. Days are counted from 1970-01-01.
SERIAL, STAY, PERMIT, NATIONALITY, ENTRY, CHECKPOINT, LAST_DAY, BIND_SALT, BIND = (
    -1,
    -2,
    -3,
    -4,
    -5,
    -6,
    -7,
    -8,
    -9,
)
_EPOCH_DAY = date(1970, 1, 1)
BIND_ITERATIONS = 100_000  # PBKDF2 rounds: cheap once on a phone, costly for guessing passports
MAX_TEXT = 1024  # a QR text longer than this is not ours; refuse before decompressing


class Outcome(StrEnum):
    VALID = "valid"
    NOT_PANTAU = "not-pantau"  # not our prefix, or not decodable at all
    TAMPERED = "tampered"  # malformed inside, or the signature does not match
    UNKNOWN_KEY = "unknown-key"
    REVOKED_SIGNER = "revoked-signer"
    REVOKED_STICKER = "revoked-sticker"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"


@dataclass(frozen=True)
class Claims:
    serial: str
    stay_id: bytes
    permit: str
    nationality: str
    entry_date: date
    checkpoint: str
    last_day: date
    issued_at: datetime
    expires_at: datetime
    bind_salt: bytes
    binding: bytes


def binding_value(
    salt: bytes, *, document_number: str, nationality: str, birth_date: date
) -> bytes:
    """Ties the sticker to the passport without showing the passport: PBKDF2-HMAC-SHA256 over
    "DOCUMENTNUMBER|NAT|YYMMDD" as read from the MRZ, 16 bytes."""
    text = f"{document_number.replace('<', '').upper()}|{nationality.upper()}|{birth_date:%y%m%d}"
    return hashlib.pbkdf2_hmac("sha256", text.encode(), salt, BIND_ITERATIONS, dklen=16)


def _epoch(dt: datetime) -> int:
    return int(dt.timestamp())


def _day(d: date) -> int:
    return (d - _EPOCH_DAY).days


def _from_day(n: object) -> date:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError("a day must be an integer")
    return date.fromordinal(_EPOCH_DAY.toordinal() + n)


def encode_claims(c: Claims) -> bytes:
    return cbor2.dumps(
        {
            ISS: ISSUER,
            IAT: _epoch(c.issued_at),
            EXP: _epoch(c.expires_at),
            SERIAL: c.serial,
            STAY: c.stay_id,
            PERMIT: c.permit,
            NATIONALITY: c.nationality,
            ENTRY: _day(c.entry_date),
            CHECKPOINT: c.checkpoint,
            LAST_DAY: _day(c.last_day),
            BIND_SALT: c.bind_salt,
            BIND: c.binding,
        }
    )


def decode_claims(payload: bytes) -> Claims:
    try:
        m = cbor2.loads(payload)
        return Claims(
            serial=str(m[SERIAL]),
            stay_id=bytes(m[STAY]),
            permit=str(m[PERMIT]),
            nationality=str(m[NATIONALITY]),
            entry_date=_from_day(m[ENTRY]),
            checkpoint=str(m[CHECKPOINT]),
            last_day=_from_day(m[LAST_DAY]),
            issued_at=datetime.fromtimestamp(int(m[IAT]), UTC),
            expires_at=datetime.fromtimestamp(int(m[EXP]), UTC),
            bind_salt=bytes(m[BIND_SALT]),
            binding=bytes(m[BIND]),
        )
    except Exception as exc:  # missing claims, wrong types, bad dates: all "tampered"
        raise CoseError(f"claims are malformed: {exc!r}") from None


def encode_token(claims: Claims, *, kid: bytes, signer: object) -> str:
    cose = sign1(encode_claims(claims), kid=kid, signer=signer)
    return PREFIX + b45encode(zlib.compress(cose, 9))


class TokenError(ValueError):
    def __init__(self, outcome: Outcome, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


def unwrap(text: str) -> Sign1:
    """Prefix, Base45, zlib, COSE structure: the parts checked before any key is looked up."""
    text = text.strip()
    if not text.startswith(PREFIX) or len(text) > MAX_TEXT:
        raise TokenError(Outcome.NOT_PANTAU, "not a Pantau sticker")
    try:
        raw = b45decode(text[len(PREFIX) :])
    except Base45Error as exc:
        raise TokenError(Outcome.TAMPERED, f"damaged encoding: {exc}") from None
    try:
        inflater = zlib.decompressobj()
        cose = inflater.decompress(raw, 4096)  # bounded: a zip bomb is refused, not expanded
        if inflater.unconsumed_tail:
            raise TokenError(Outcome.TAMPERED, "payload too large")
    except zlib.error as exc:
        raise TokenError(Outcome.TAMPERED, f"damaged compression: {exc}") from None
    try:
        return decode_sign1(cose)
    except CoseError as exc:
        raise TokenError(Outcome.TAMPERED, str(exc)) from None
