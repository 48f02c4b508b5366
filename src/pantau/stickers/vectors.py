"""Published test vectors for sticker verifiers (`pantau sticker vectors OUT.json`,
docs/sticker-vectors.json, described in docs/sticker-format.md section 10).

Everything here is reproducible: the test keys are derived from fixed labels, certificates and
signatures use deterministic ECDSA (RFC 6979), the times are fixed and each vector carries the
time to verify at. Generating twice gives the same bytes, so a test can compare the committed file
with a fresh one. The keys are public by construction: a verifier must never pin this root for
real stickers.
"""

from __future__ import annotations

import hashlib
import json
import uuid
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from pantau.stickers import pki
from pantau.stickers.base45 import b45decode, b45encode
from pantau.stickers.cose import COSE_SIGN1_TAG, P256_ORDER, Sign
from pantau.stickers.token import PREFIX, Claims, Outcome, binding_value, encode_token
from pantau.stickers.trustlist import (
    LAST_DAY,
    REVOKED,
    Signer,
    StatusEntry,
    build_status_delta,
    build_trust_list,
)
from pantau.stickers.verify import CLOCK_SLACK_S

FORMAT = "pantau-sticker-vectors/1"
# The fixed calendar of the vectors: keys made, stickers signed, lists published, verified.
KEYS_MADE = datetime(2026, 11, 1, tzinfo=UTC)
SIGNED = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
PUBLISHED = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
VERIFY_AT = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
BIRTH_DATE = date(1974, 8, 12)
PASSPORT = {"document_number": "L898902C3", "nationality": "UTO", "birth_date": BIRTH_DATE}
OUTCOMES = {
    Outcome.VALID: "genuine and current",
    Outcome.NOT_PANTAU: "no PN1: prefix, or longer than 1,024 characters",
    Outcome.TAMPERED: "Base45, zlib, COSE shape, signature (high S included) or claims fail",
    Outcome.UNKNOWN_KEY: "the kid is not on the trust list",
    Outcome.REVOKED_SIGNER: "the signer is marked revoked on the trust list",
    Outcome.REVOKED_STICKER: "the serial is revoked on the status list",
    Outcome.RETIRED_SIGNER: "signed more than a day after the signer's use_until",
    Outcome.NOT_YET_VALID: "iat later than the verification time plus 300 s",
    Outcome.EXPIRED: "exp at or before the verification time",
}


def _scalar(label: str) -> int:
    digest = hashlib.sha256(f"pantau sticker test vectors: {label}".encode()).digest()
    return int.from_bytes(digest, "big") % (P256_ORDER - 1) + 1


def vector_key(label: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 key derived from a label: the same key on every machine, and public."""
    return ec.derive_private_key(_scalar(label), ec.SECP256R1())


def deterministic_signer(key: ec.EllipticCurvePrivateKey) -> Sign:
    return lambda data: key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))


@dataclass(frozen=True)
class VectorPki:
    root_key: ec.EllipticCurvePrivateKey
    root: x509.Certificate
    signers: dict[str, tuple[ec.EllipticCurvePrivateKey, x509.Certificate]]

    def kid(self, code: str) -> bytes:
        return pki.kid_of(self.signers[code][1])

    def sign(self, code: str) -> Sign:
        return deterministic_signer(self.signers[code][0])

    def trust_list(self, codes: list[str], **changes: dict[str, Any]) -> dict[str, str]:
        """The signed trust list of `codes`; `changes[code]` overrides fields of that signer."""
        listed = []
        for code in codes:
            cert = self.signers[code][1]
            base = Signer(pki.kid_of(cert), code, cert, False, KEYS_MADE + timedelta(days=90))
            listed.append(replace(base, **changes.get(code, {})))
        return build_trust_list(
            self.root, listed, sign=deterministic_signer(self.root_key), issued_at=PUBLISHED
        )

    def status_list(self, entries: list[StatusEntry]) -> dict[str, str]:
        return build_status_delta(
            entries,
            since=0,
            sign=deterministic_signer(self.root_key),
            root_kid=pki.kid_of(self.root),
            issued_at=PUBLISHED,
        )


def vector_pki() -> VectorPki:
    root_key, root = pki.make_root(
        KEYS_MADE,
        days=365 * 15,
        key=vector_key("root"),
        serial=1,
        common_name="Pantau TEST VECTORS Root - never trust for real stickers",
    )
    signers = {}
    for n, code in enumerate(["CGK", "DPS", "ZZZ"], start=2):
        signers[code] = pki.make_signer(
            root_key, root, code, KEYS_MADE, key=vector_key(f"signer {code}"), serial=n
        )
    return VectorPki(root_key, root, signers)


def sticker_claims(serial: str, **changes: Any) -> Claims:
    salt = hashlib.sha256(f"salt {serial}".encode()).digest()[:8]
    claims = Claims(
        serial=serial,
        stay_id=uuid.uuid5(uuid.NAMESPACE_URL, f"pantau:vectors:{serial}").bytes,
        permit="voa",
        nationality="UTO",
        entry_date=SIGNED.date(),
        checkpoint="CGK",
        last_day=SIGNED.date() + timedelta(days=29),
        issued_at=SIGNED,
        expires_at=datetime(2027, 12, 28, tzinfo=UTC),
        bind_salt=salt,
        binding=binding_value(salt, **PASSPORT),  # type: ignore[arg-type]
    )
    return replace(claims, **changes)


# --- damaging a genuine sticker -------------------------------------------------------------------
def cose_of(text: str) -> bytes:
    return zlib.decompress(b45decode(text[len(PREFIX) :]))


def pack(cose: bytes) -> str:
    return PREFIX + b45encode(zlib.compress(cose, 9))


def _fields(text: str) -> list[Any]:
    return list(cbor2.loads(cose_of(text)).value)


def _rebuild(fields: list[Any]) -> str:
    return pack(cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, fields)))


def high_s_twin(text: str) -> str:
    """The same signature with s replaced by n - s: valid ECDSA, the refused high form."""
    f = _fields(text)
    s = int.from_bytes(f[3][32:], "big")
    f[3] = f[3][:32] + (P256_ORDER - s).to_bytes(32, "big")
    return _rebuild(f)


def tampered_payload(text: str) -> str:
    """The nationality in the claims changed from UTO to AUS; the signature kept."""
    f = _fields(text)
    assert f[2].count(b"UTO") == 1
    f[2] = f[2].replace(b"UTO", b"AUS")
    return _rebuild(f)


def bad_signature(text: str) -> str:
    """One bit of r flipped."""
    f = _fields(text)
    f[3] = bytes([f[3][0] ^ 0x01]) + f[3][1:]
    return _rebuild(f)


def trailing_byte(text: str) -> str:
    return pack(cose_of(text) + b"\x00")


# --- the file -------------------------------------------------------------------------------------
def _iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def build() -> dict[str, Any]:
    """The test vectors document (JSON-ready)."""
    p = vector_pki()
    trust = p.trust_list(["CGK", "DPS"])
    empty_status = p.status_list([])

    def token(serial: str, code: str = "CGK", **changes: Any) -> str:
        claims = sticker_claims(serial, checkpoint=code, **changes)
        return encode_token(claims, kid=p.kid(code), signer=p.sign(code))

    valid = token("ID0000000001")
    claims = sticker_claims("ID0000000001")
    moved = date(2027, 1, 26)
    vectors: list[dict[str, Any]] = []

    def add(
        name: str,
        description: str,
        text: str,
        outcome: Outcome,
        *,
        at: datetime = VERIFY_AT,
        trust_list: dict[str, str] = trust,
        status: list[dict[str, str]] | None = None,
        last_day: date | None = None,
    ) -> None:
        expected: dict[str, Any] = {"outcome": outcome.value}
        if last_day is not None:
            expected["last_day"] = last_day.isoformat()
        vectors.append(
            {
                "name": name,
                "description": description,
                "qr_text": text,
                "at": _iso(at),
                "trust_list": trust_list,
                "status_list": status if status is not None else [empty_status],
                "expected": expected,
            }
        )

    add(
        "valid",
        "A genuine sticker signed by CGK, verified three days after signing.",
        valid,
        Outcome.VALID,
        last_day=claims.last_day,
    )
    add(
        "valid-last-day-moved",
        "The same sticker; the status list moved its last day (an extension).",
        valid,
        Outcome.VALID,
        status=[p.status_list([StatusEntry(1, claims.serial, LAST_DAY, moved)])],
        last_day=moved,
    )
    add(
        "valid-second-signer",
        "A genuine sticker signed by DPS, the second signer on the trust list.",
        token("ID0000000002", "DPS"),
        Outcome.VALID,
        last_day=claims.last_day,
    )
    add(
        "valid-within-clock-slack",
        "Verified 300 s before its iat: a phone's clock may run that far behind.",
        valid,
        Outcome.VALID,
        at=SIGNED - timedelta(seconds=CLOCK_SLACK_S),
        last_day=claims.last_day,
    )
    add(
        "expired",
        "The genuine sticker verified exactly at its exp (exp at or before now is expired).",
        valid,
        Outcome.EXPIRED,
        at=claims.expires_at,
    )
    add(
        "not-yet-valid",
        "The genuine sticker verified 301 s before its iat.",
        valid,
        Outcome.NOT_YET_VALID,
        at=SIGNED - timedelta(seconds=CLOCK_SLACK_S + 1),
    )
    add(
        "revoked-sticker",
        "The status list revokes the sticker's serial (after moving its last day).",
        valid,
        Outcome.REVOKED_STICKER,
        status=[
            p.status_list(
                [
                    StatusEntry(1, claims.serial, LAST_DAY, moved),
                    StatusEntry(2, claims.serial, REVOKED),
                ]
            )
        ],
    )
    add(
        "revoked-signer",
        "The trust list marks the CGK signer revoked.",
        valid,
        Outcome.REVOKED_SIGNER,
        trust_list=p.trust_list(["CGK", "DPS"], CGK={"revoked": True}),
    )
    add(
        "retired-signer",
        "Signed two days after the CGK signer's use_until (a retired key signing again).",
        token(
            "ID0000000003",
            issued_at=KEYS_MADE + timedelta(days=92),
            expires_at=datetime(2028, 3, 1, tzinfo=UTC),
        ),
        Outcome.RETIRED_SIGNER,
        at=KEYS_MADE + timedelta(days=93),
    )
    add(
        "unknown-kid",
        "Signed by ZZZ, a signer the root certified but the trust list does not name.",
        token("ID0000000004", "ZZZ"),
        Outcome.UNKNOWN_KEY,
    )
    add(
        "tampered-payload",
        "The valid sticker with UTO changed to AUS in the claims; signature unchanged.",
        tampered_payload(valid),
        Outcome.TAMPERED,
    )
    add(
        "bad-signature",
        "The valid sticker with one bit of r flipped.",
        bad_signature(valid),
        Outcome.TAMPERED,
    )
    add(
        "high-s-signature",
        "The valid sticker with s replaced by n - s: valid ECDSA, refused (one encoding only).",
        high_s_twin(valid),
        Outcome.TAMPERED,
    )
    add(
        "trailing-bytes",
        "The valid sticker's COSE_Sign1 with one byte appended before compression.",
        trailing_byte(valid),
        Outcome.TAMPERED,
    )
    add(
        "wrong-prefix",
        "The valid sticker behind HC1: instead of PN1:.",
        "HC1:" + valid[len(PREFIX) :],
        Outcome.NOT_PANTAU,
    )
    add(
        "too-long",
        "PN1: followed by 1,023 Base45 characters (1,027 in all, above the 1,024 limit).",
        PREFIX + "0" * 1023,
        Outcome.NOT_PANTAU,
    )
    add(
        "bad-base45-character",
        "The valid sticker with its last character replaced by a lower-case a.",
        valid[:-1] + "a",
        Outcome.TAMPERED,
    )
    add(
        "bad-base45-triple",
        "Base45 GGW decodes to 65536, above 65535.",
        PREFIX + "GGW",
        Outcome.TAMPERED,
    )
    add(
        "bad-zlib",
        "The valid sticker's COSE_Sign1 Base45-encoded without zlib compression.",
        PREFIX + b45encode(cose_of(valid)),
        Outcome.TAMPERED,
    )
    return {
        "format": FORMAT,
        "about": (
            "Test vectors for verifiers of Pantau stickers (docs/sticker-format.md section 10). "
            "Pin root_pem, open each vector's trust_list, apply its status_list deltas in order, "
            "verify qr_text at the time 'at' and compare with 'expected'. The keys are test keys "
            "derived from public labels: never trust this root for real stickers."
        ),
        "generator": "pantau sticker vectors OUT.json",
        "root_pem": p.root.public_bytes(serialization.Encoding.PEM).decode(),
        "passport": {
            "document_number": PASSPORT["document_number"],
            "nationality": PASSPORT["nationality"],
            "birth_date": BIRTH_DATE.isoformat(),
            "note": "every sticker's binding (claim position 8) is for this passport",
        },
        "outcomes": {o.value: text for o, text in OUTCOMES.items()},
        "vectors": vectors,
    }


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
