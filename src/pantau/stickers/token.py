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
from pantau.stickers.cose import CoseError, Sign, Sign1, decode_sign1, sign1

PREFIX = "PN1:"
# Registered CWT claims (RFC 8392 section 3.1). No `iss`: the signer certificate names the issuer.
EXP, IAT = 4, 6
# Pantau's own claims travel as one array under a single Private Use claim key (RFC 8392 section
# 9.1: keys below -65536). Small keys such as -1 would be one byte each but belong to the
# Standards Action range; one five-byte key plus positions costs less than nine keyed claims.
PANTAU_CLAIM = -65537
# Positions in that array. Days are counted from 1970-01-01. Later versions only append.
SERIAL, STAY, PERMIT, NATIONALITY, ENTRY, CHECKPOINT, LAST_DAY, BIND_SALT, BIND = range(9)
# Permit kinds as one-byte codes rather than their names: up to 13 bytes saved per QR code.
PERMIT_CODES = {"visa-exemption": 1, "voa": 2, "visit-visa": 3, "kitas": 4, "kitap": 5}
_PERMIT_NAMES = {v: k for k, v in PERMIT_CODES.items()}
_EPOCH_DAY = date(1970, 1, 1)
BIND_ITERATIONS = 100_000  # PBKDF2 rounds: cheap once on a phone, costly for guessing passports
BIND_BYTES = (
    8  # 64 bits: a passport that matches by chance is out of reach (docs/sticker-format.md)
)
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
    RETIRED_SIGNER = "retired-signer"  # issued after the signer's key-use period ended


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


def binding_text(*, document_number: str, nationality: str, birth_date: date) -> str:
    """The canonical passport string: "DOCNUMBER|NAT|YYMMDD", fillers ('<') removed, upper case.

    Exactly the MRZ fields, so a scanner that reads the MRZ rebuilds it without interpretation."""
    number = document_number.replace("<", "").strip().upper()
    nat = nationality.replace("<", "").strip().upper()
    return f"{number}|{nat}|{birth_date:%y%m%d}"


def binding_value(
    salt: bytes, *, document_number: str, nationality: str, birth_date: date
) -> bytes:
    """Ties the sticker to the passport without showing the passport: PBKDF2-HMAC-SHA256 over
    `binding_text(...)` with the sticker's own random salt, truncated to BIND_BYTES."""
    text = binding_text(
        document_number=document_number, nationality=nationality, birth_date=birth_date
    )
    return hashlib.pbkdf2_hmac("sha256", text.encode(), salt, BIND_ITERATIONS, dklen=BIND_BYTES)


def pretty_serial(serial: str) -> str:
    """How the serial is printed under the QR code: ID-XXXXX-XXXXX."""
    return f"{serial[:2]}-{serial[2:7]}-{serial[7:]}"


def _epoch(dt: datetime) -> int:
    return int(dt.timestamp())


def _day(d: date) -> int:
    return (d - _EPOCH_DAY).days


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


def _bytes(value: object, size: int | None = None) -> bytes:
    if not isinstance(value, bytes) or (size is not None and len(value) != size):
        raise TypeError(f"expected {size or 'some'} bytes")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError("expected text")
    return value


def _from_day(n: object) -> date:
    return date.fromordinal(_EPOCH_DAY.toordinal() + _int(n))


def _permit_code(permit: str) -> int:
    try:
        return PERMIT_CODES[permit]
    except KeyError:
        raise ValueError(f"no claim code for permit {permit!r}") from None


def encode_claims(c: Claims) -> bytes:
    fields: list[object] = [
        c.serial,
        c.stay_id,
        _permit_code(c.permit),
        c.nationality,
        _day(c.entry_date),
        c.checkpoint,
        _day(c.last_day),
        c.bind_salt,
        c.binding,
    ]
    return cbor2.dumps({IAT: _epoch(c.issued_at), EXP: _epoch(c.expires_at), PANTAU_CLAIM: fields})


def decode_claims(payload: bytes) -> Claims:
    try:
        m = cbor2.loads(payload)
        p = m[PANTAU_CLAIM]
        if not isinstance(p, (list, tuple)) or len(p) < BIND + 1:
            raise TypeError("the Pantau claim must be an array of at least nine")
        permit = _int(p[PERMIT])
        return Claims(
            serial=_text(p[SERIAL]),
            stay_id=_bytes(p[STAY]),
            # A code this verifier does not know is still an authentic claim: show it, not fail.
            permit=_PERMIT_NAMES.get(permit, f"permit-{permit}"),
            nationality=_text(p[NATIONALITY]),
            entry_date=_from_day(p[ENTRY]),
            checkpoint=_text(p[CHECKPOINT]),
            last_day=_from_day(p[LAST_DAY]),
            issued_at=datetime.fromtimestamp(_int(m[IAT]), UTC),
            expires_at=datetime.fromtimestamp(_int(m[EXP]), UTC),
            bind_salt=_bytes(p[BIND_SALT]),
            binding=_bytes(p[BIND]),
        )
    except Exception as exc:  # missing claims, wrong types, bad dates: all "tampered"
        raise CoseError(f"claims are malformed: {exc!r}") from None


def encode_token(claims: Claims, *, kid: bytes, signer: Sign) -> str:
    """Claims -> CBOR -> COSE_Sign1 (ES256) -> zlib -> Base45, behind PREFIX."""
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


def normalize_serial(typed: str) -> str:
    """A serial as an officer types it from the label: "ID-7K3M9-QZ2XA", any case, with or
    without dashes or spaces."""
    return "".join(typed.split()).replace("-", "").upper()
