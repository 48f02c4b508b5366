"""COSE_Sign1 ES256: structure, raw r||s signatures, and refusal of anything but the canonical form."""

from __future__ import annotations

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from pantau.stickers.cose import (
    CoseError,
    decode_sign1,
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
