"""COSE_Sign1 (RFC 9052) with ES256, built on cbor2 and `cryptography` directly.

pycose 1.1 cannot decode with cbor2 6 (shared/DESIGN.md), and the structure is small enough that
owning it is clearer than pinning around it.

Pantau accepts exactly the shape it makes: tag 18, protected header {1: -7, 4: kid} with an 8-byte
kid, an empty unprotected header, a 64-byte r||s signature, and nothing after the structure. The
decoder re-encodes what it read and refuses any difference, so one signed sticker has exactly one
valid COSE encoding (cbor2 on its own ignores trailing bytes and accepts non-minimal lengths).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

COSE_SIGN1_TAG = 18
ALG, KID = 1, 4  # COSE header labels (RFC 9052 section 3.1)
ES256 = -7
KID_BYTES = 8
_P256_BYTES = 32
# The order of the P-256 group. An ECDSA signature (r, s) has a twin (r, n - s) that verifies as
# well; Pantau makes and accepts only the low one (s <= n / 2), so that one signed sticker has one
# valid encoding (docs/sticker-format.md section 2).
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P256_HALF_ORDER = P256_ORDER // 2
_ES256 = ec.ECDSA(hashes.SHA256())  # made once: the object is immutable

# A signing function: `data -> DER ECDSA signature`. A private key's sign, or a hardware module's.
Sign = Callable[[bytes], bytes]


class CoseError(ValueError):
    """The bytes are not a well-formed COSE_Sign1 of the kind Pantau makes."""


@dataclass(frozen=True)
class Sign1:
    protected: bytes
    kid: bytes
    payload: bytes
    signature: bytes


def raw_signature(der: bytes) -> bytes:
    """DER (what `cryptography` makes) to the fixed 64-byte r||s that COSE requires, with s
    brought to its low form (n - s when s > n/2: the same signature, the one encoding we accept)."""
    r, s = decode_dss_signature(der)
    if s > P256_HALF_ORDER:
        s = P256_ORDER - s
    return r.to_bytes(_P256_BYTES, "big") + s.to_bytes(_P256_BYTES, "big")


def is_low_s(raw: bytes) -> bool:
    """True when the 64-byte r||s signature has s <= n/2 (its high twin is refused)."""
    return len(raw) == 2 * _P256_BYTES and int.from_bytes(raw[32:], "big") <= P256_HALF_ORDER


def der_signature(raw: bytes) -> bytes:
    if len(raw) != 2 * _P256_BYTES:
        raise CoseError("ES256 signature must be 64 bytes")
    return encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))


def key_signer(key: ec.EllipticCurvePrivateKey) -> Sign:
    return lambda data: key.sign(data, ec.ECDSA(hashes.SHA256()))


@lru_cache(maxsize=4096)  # one per signer key: the same few bytes for every sticker it signs
def protected_header(kid: bytes) -> bytes:
    if len(kid) != KID_BYTES:
        raise CoseError(f"kid must be {KID_BYTES} bytes")
    # The key id sits in the protected header, so it is covered by the signature.
    return cbor2.dumps({ALG: ES256, KID: kid})


def _to_be_signed(protected: bytes, payload: bytes) -> bytes:
    # Sig_structure (RFC 9052 section 4.4) with empty external_aad.
    return cbor2.dumps(["Signature1", protected, b"", payload])


def _encode(protected: bytes, payload: bytes, signature: bytes) -> bytes:
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def sign1(payload: bytes, *, kid: bytes, signer: Sign) -> bytes:
    protected = protected_header(kid)
    der = signer(_to_be_signed(protected, payload))
    return _encode(protected, payload, raw_signature(der))


def _fields(data: bytes) -> tuple[bytes, Mapping[object, object], bytes, bytes]:
    try:
        obj = cbor2.loads(data)
    except Exception as exc:  # cbor2 raises several types for malformed input
        raise CoseError(f"not CBOR: {exc}") from None
    if not isinstance(obj, cbor2.CBORTag) or obj.tag != COSE_SIGN1_TAG:
        raise CoseError("not a tagged COSE_Sign1 (tag 18)")
    # cbor2 6 decodes arrays as tuples and maps as frozendicts; older releases as list and dict.
    value = obj.value
    if not (isinstance(value, (list, tuple)) and len(value) == 4):
        raise CoseError("COSE_Sign1 must be an array of four")
    protected, unprotected, payload, signature = value
    if not all(isinstance(x, bytes) for x in (protected, payload, signature)):
        raise CoseError("COSE_Sign1 fields have the wrong types")
    if not isinstance(unprotected, Mapping):
        raise CoseError("unprotected header must be a map")
    return protected, unprotected, payload, signature


def decode_sign1(data: bytes) -> Sign1:
    protected, unprotected, payload, signature = _fields(data)
    if unprotected:
        raise CoseError("unprotected header must be empty")
    try:
        header = cbor2.loads(protected)
    except Exception:
        raise CoseError("protected header is not CBOR") from None
    if not isinstance(header, Mapping) or header.get(ALG) != ES256:
        raise CoseError("only ES256 is accepted")
    kid = header.get(KID)
    if not isinstance(kid, bytes) or len(kid) != KID_BYTES:
        raise CoseError("no 8-byte key id in the protected header")
    if set(header) != {ALG, KID} or protected_header(kid) != protected:
        raise CoseError("protected header is not in canonical form")
    if _encode(protected, payload, signature) != data:
        raise CoseError("COSE_Sign1 is not in canonical form (or has trailing bytes)")
    return Sign1(protected, kid, payload, signature)


def verify_sign1(msg: Sign1, public_key: ec.EllipticCurvePublicKey) -> bool:
    """The signature checks out and is in its low-S form; a high-S twin is refused."""
    if not is_low_s(msg.signature):
        return False
    try:
        public_key.verify(
            der_signature(msg.signature),
            _to_be_signed(msg.protected, msg.payload),
            _ES256,
        )
    except (InvalidSignature, CoseError, ValueError):
        return False
    return True
