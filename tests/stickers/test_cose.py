"""COSE_Sign1 ES256: structure, raw r||s signatures, and refusal of anything but the canonical form."""

from __future__ import annotations

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from pantau.stickers.cose import (
    P256_ORDER,
    CoseError,
    decode_sign1,
    der_signature,
    key_signer,
    protected_header,
    sign1,
    verify_sign1,
)

KID = bytes(range(8))


@pytest.fixture(scope="module")
def key():
    return ec.generate_private_key(ec.SECP256R1())


def test_structure_is_rfc_9052_sign1(key):
    data = sign1(b"payload", kid=KID, signer=key_signer(key))
    obj = cbor2.loads(data)
    assert obj.tag == 18
    protected, unprotected, payload, signature = obj.value
    assert cbor2.loads(protected) == {1: -7, 4: KID} and unprotected == {}
    assert payload == b"payload" and len(signature) == 64
    msg = decode_sign1(data)
    assert msg.kid == KID and verify_sign1(msg, key.public_key())
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    assert not verify_sign1(msg, other)


def test_every_bit_flip_of_payload_and_signature_is_rejected(key):
    data = sign1(b"\x01" * 40, kid=KID, signer=key_signer(key))
    for i in range(len(data) * 8):
        flipped = bytearray(data)
        flipped[i // 8] ^= 1 << (i % 8)
        try:
            msg = decode_sign1(bytes(flipped))
        except CoseError:
            continue
        assert not verify_sign1(msg, key.public_key()), f"bit {i} flipped and still valid"


def _rebuild(data: bytes, **change):
    protected, unprotected, payload, signature = cbor2.loads(data).value
    parts = {
        "protected": protected,
        "unprotected": unprotected,
        "payload": payload,
        "sig": signature,
    }
    parts.update(change)
    return list(parts.values())


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: d + b"\x00",  # trailing bytes: cbor2 alone would ignore them
        lambda d: cbor2.dumps(_rebuild(d)),  # untagged
        lambda d: cbor2.dumps(cbor2.CBORTag(98, _rebuild(d))),  # another tag
        lambda d: cbor2.dumps(cbor2.CBORTag(18, _rebuild(d, unprotected={4: KID}))),
        lambda d: cbor2.dumps(
            cbor2.CBORTag(18, _rebuild(d, protected=cbor2.dumps({1: -35, 4: KID})))
        ),
        lambda d: cbor2.dumps(cbor2.CBORTag(18, _rebuild(d, protected=cbor2.dumps({1: -7})))),
        lambda d: cbor2.dumps(
            cbor2.CBORTag(18, _rebuild(d, protected=cbor2.dumps({4: KID, 1: -7})))
        ),
        lambda d: cbor2.dumps(cbor2.CBORTag(18, _rebuild(d)[:3])),
        lambda d: b"\xff\x00",
    ],
)
def test_non_canonical_or_foreign_shapes_are_refused(key, mangle):
    data = sign1(b"payload", kid=KID, signer=key_signer(key))
    with pytest.raises(CoseError):
        decode_sign1(mangle(data))


def test_kid_must_be_eight_bytes():
    with pytest.raises(CoseError):
        protected_header(b"short")


def _twin(data: bytes) -> bytes:
    """The same signature with s replaced by n - s: valid ECDSA, but the high form."""
    protected, unprotected, payload, signature = cbor2.loads(data).value
    s = int.from_bytes(signature[32:], "big")
    twin = signature[:32] + (P256_ORDER - s).to_bytes(32, "big")
    return cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, twin]))


def test_signatures_are_low_s_and_the_high_s_twin_is_refused(key):
    """Bad input: the high-S twin (r, n - s) of a genuine signature. ECDSA accepts both, so
    without the check a second valid encoding of every sticker exists (issue #12). Forty
    signings: with random nonces about half come out high before normalisation."""
    for i in range(40):
        data = sign1(bytes([i]) * 20, kid=KID, signer=key_signer(key))
        msg = decode_sign1(data)
        assert int.from_bytes(msg.signature[32:], "big") <= P256_ORDER // 2
        assert verify_sign1(msg, key.public_key())
        twin = decode_sign1(_twin(data))
        # The twin is a mathematically valid ECDSA signature ...
        key.public_key().verify(
            der_signature(twin.signature),
            cbor2.dumps(["Signature1", twin.protected, b"", twin.payload]),
            ec.ECDSA(hashes.SHA256()),
        )
        # ... and still refused.
        assert not verify_sign1(twin, key.public_key())
