"""Verifying a sticker offline: a trust list, a status cache and the QR text are all it takes."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric import ec

from pantau.stickers.cose import CoseError, verify_sign1
from pantau.stickers.documents import StatusCache, TrustList
from pantau.stickers.token import Claims, Outcome, TokenError, binding_value, decode_claims, unwrap

CLOCK_SLACK_S = 300  # a phone's clock may run a few minutes behind the issuing checkpoint's
MESSAGES = {
    Outcome.VALID: "valid: signed by a trusted Pantau signer",
    Outcome.NOT_PANTAU: "not a Pantau sticker",
    Outcome.TAMPERED: "not genuine: the sticker was altered or damaged (signature does not match)",
    Outcome.UNKNOWN_KEY: "not genuine: signed by a key that is not on the trust list",
    Outcome.REVOKED_SIGNER: "not valid: its signer key was revoked",
    Outcome.REVOKED_STICKER: "not valid: this sticker was revoked",
    Outcome.EXPIRED: "not valid: the sticker has expired",
    Outcome.NOT_YET_VALID: "not valid: issued in the future (check the clock)",
    Outcome.RETIRED_SIGNER: "not genuine: signed after its key was retired",
}
# Rotation and issuing may race by seconds; a day covers a checkpoint's clock being off too.
RETIRED_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    claims: Claims | None = None
    kid: bytes | None = None
    signer_code: str | None = None
    last_day: date | None = None  # from the claims, or moved by the status list

    @property
    def valid(self) -> bool:
        return self.outcome is Outcome.VALID

    @property
    def message(self) -> str:
        return MESSAGES[self.outcome]


def verify_token(
    text: str, trust: TrustList, status: StatusCache | None = None, *, at: datetime | None = None
) -> Result:
    at = at or datetime.now(UTC)
    try:
        msg = unwrap(text)
    except TokenError as exc:
        return Result(exc.outcome)
    signer = trust.signers.get(msg.kid)
    if signer is None:
        return Result(Outcome.UNKNOWN_KEY, kid=msg.kid)
    public = signer.public_key
    if not isinstance(public, ec.EllipticCurvePublicKey) or not verify_sign1(msg, public):
        return Result(Outcome.TAMPERED, kid=msg.kid)
    try:
        claims = decode_claims(msg.payload)
    except CoseError:
        return Result(Outcome.TAMPERED, kid=msg.kid)
    last_day = (status.last_day.get(claims.serial) if status else None) or claims.last_day
    outcome = Outcome.VALID
    if signer.revoked:
        outcome = Outcome.REVOKED_SIGNER
    elif status is not None and claims.serial in status.revoked:
        outcome = Outcome.REVOKED_STICKER
    elif signer.use_until is not None and claims.issued_at > signer.use_until + RETIRED_SLACK:
        # A key past its signing period makes no new stickers: one that does was stolen or misused.
        outcome = Outcome.RETIRED_SIGNER
    elif claims.issued_at.timestamp() > at.timestamp() + CLOCK_SLACK_S:
        outcome = Outcome.NOT_YET_VALID
    elif claims.expires_at <= at:
        outcome = Outcome.EXPIRED
    return Result(outcome, claims, msg.kid, signer.code, last_day)


def binding_matches(
    claims: Claims, *, document_number: str, nationality: str, birth_date: date
) -> bool:
    """Offline check that the sticker belongs to the passport whose MRZ was read."""
    expected = binding_value(
        claims.bind_salt,
        document_number=document_number,
        nationality=nationality,
        birth_date=birth_date,
    )
    return hmac.compare_digest(expected, claims.binding)
