"""COSE_Sign1 (RFC 9052) with ES256, built on cbor2 and `cryptography` directly.

pycose 1.1 cannot decode with cbor2 6 (shared/DESIGN.md), and the structure is small enough that
owning it is clearer than pinning around it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

COSE_SIGN1_TAG = 18
ALG, KID = 1, 4
ES256 = -7
_P256_BYTES = 32


class CoseError(ValueError):
    """The bytes are not a well-formed COSE_Sign1 of the kind Pantau makes."""


@dataclass(frozen=True)
class Sign1:
    protected: bytes
    kid: bytes
    payload: bytes
    signature: bytes


def raw_signature(der: bytes) -> bytes:
    r, s = decode_dss_signature(der)
    return r.to_bytes(_P256_BYTES, "big") + s.to_bytes(_P256_BYTES, "big")


def der_signature(raw: bytes) -> bytes:
    if len(raw) != 2 * _P256_BYTES:
        raise CoseError("ES256 signature must be 64 bytes")
    return encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))


def _to_be_signed(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign1(payload: bytes, *, kid: bytes, signer: Any) -> bytes:
    """`signer(data) -> DER signature` (a private key's sign, or a hardware module's)."""
    # The key id sits in the protected header, so it is covered by the signature.
    protected = cbor2.dumps({ALG: ES256, KID: kid})
    der = signer(_to_be_signed(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, raw_signature(der)]))


def decode_sign1(data: bytes) -> Sign1:
    try:
        obj = cbor2.loads(data)
    except Exception as exc:  # cbor2 raises several types for malformed input
        raise CoseError(f"not CBOR: {exc}") from None
    if isinstance(obj, cbor2.CBORTag):
        if obj.tag != COSE_SIGN1_TAG:
            raise CoseError(f"CBOR tag {obj.tag} is not COSE_Sign1")
        obj = obj.value
    # cbor2 6 decodes arrays as tuples and maps as frozendicts; older releases as list and dict.
    if not (isinstance(obj, (list, tuple)) and len(obj) == 4):
        raise CoseError("COSE_Sign1 must be an array of four")
    protected, unprotected, payload, signature = obj
    if not all(isinstance(x, bytes) for x in (protected, payload, signature)) or not isinstance(
        unprotected, Mapping
    ):
        raise CoseError("COSE_Sign1 fields have the wrong types")
    try:
        header = cbor2.loads(protected) if protected else {}
    except Exception:
        raise CoseError("protected header is not CBOR") from None
    if not isinstance(header, Mapping) or header.get(ALG) != ES256:
        raise CoseError("only ES256 is accepted")
    kid = header.get(KID, unprotected.get(KID))
    if not isinstance(kid, bytes):
        raise CoseError("no key id")
    return Sign1(protected, kid, payload, signature)


def verify_sign1(msg: Sign1, public_key: ec.EllipticCurvePublicKey) -> bool:
    try:
        public_key.verify(
            der_signature(msg.signature),
            _to_be_signed(msg.protected, msg.payload),
            ec.ECDSA(hashes.SHA256()),
        )
    except (InvalidSignature, CoseError, ValueError):
        return False
    return True
