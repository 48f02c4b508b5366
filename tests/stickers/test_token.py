"""The sticker token with real keys and real crypto: round trip, tampering, keys, status, binding."""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from pantau.stickers import pki
from pantau.stickers.base45 import Base45Error, b45decode, b45encode
from pantau.stickers.documents import DocumentError, Signer, StatusCache, TrustList, seal
from pantau.stickers.token import PREFIX, Claims, Outcome, binding_value, encode_token
from pantau.stickers.verify import binding_matches, verify_token

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pki_world():
    root_key, root = pki.make_root(NOW - timedelta(days=1))
    signers = {}
    for code in ("CGK", "DPS"):
        key, cert = pki.make_signer(root_key, root, code, NOW - timedelta(days=1))
        signers[code] = (key, cert)
    return root_key, root, signers


def trust_of(root, signers, revoked=()):
    entries = {}
    for code, (_, cert) in signers.items():
        kid = pki.kid_of(cert)
        entries[kid] = Signer(kid, code, cert, code in revoked)
    return TrustList(root, entries, NOW)


def claims(serial="ID0123456789", last_day=date(2026, 12, 27)):
    salt = b"saltsalt"
    return Claims(
        serial=serial,
        stay_id=b"\x01" * 16,
        permit="voa",
        nationality="AUS",
        entry_date=date(2026, 11, 28),
        checkpoint="DPS",
        last_day=last_day,
        issued_at=NOW,
        expires_at=NOW + timedelta(days=400),
        bind_salt=salt,
        binding=binding_value(
            salt, document_number="PA1234567", nationality="AUS", birth_date=date(1990, 5, 17)
        ),
    )


def token(signers, code="DPS", c=None):
    key, cert = signers[code]
    return encode_token(
        c or claims(), kid=pki.kid_of(cert), signer=lambda d: key.sign(d, ec.ECDSA(hashes.SHA256()))
    )


def test_round_trip_and_size(pki_world):
    _, root, signers = pki_world
    text = token(signers)
    assert text.startswith(PREFIX) and len(text) < 300  # QR version 14 at level Q
    result = verify_token(text, trust_of(root, signers), at=NOW)
    assert result.outcome is Outcome.VALID
    assert result.claims.serial == "ID0123456789" and result.signer_code == "DPS"
    # Nothing identifying in clear: the QR carries neither name nor passport number.
    raw = zlib.decompress(b45decode(text[len(PREFIX) :]))
    assert b"PA1234567" not in raw and b"1990" not in raw


def test_every_single_bit_flip_is_rejected(pki_world):
    _, root, signers = pki_world
    trust = trust_of(root, signers)
    cose = zlib.decompress(b45decode(token(signers)[len(PREFIX) :]))
    for i in range(len(cose) * 8):
        flipped = bytearray(cose)
        flipped[i // 8] ^= 1 << (i % 8)
        text = PREFIX + b45encode(zlib.compress(bytes(flipped)))
        result = verify_token(text, trust, at=NOW)
        assert result.outcome is not Outcome.VALID, f"bit {i} flipped and still valid"


def test_unknown_key_revoked_signer_revoked_sticker_expired(pki_world):
    _, root, signers = pki_world
    text = token(signers)
    only_cgk = trust_of(root, {"CGK": signers["CGK"]})
    assert verify_token(text, only_cgk, at=NOW).outcome is Outcome.UNKNOWN_KEY
    assert verify_token(text, trust_of(root, signers, revoked={"DPS"}), at=NOW).outcome is (
        Outcome.REVOKED_SIGNER
    )
    status = StatusCache(version=3, revoked={"ID0123456789"})
    assert verify_token(text, trust_of(root, signers), status, at=NOW).outcome is (
        Outcome.REVOKED_STICKER
    )
    late = NOW + timedelta(days=401)
    assert verify_token(text, trust_of(root, signers), at=late).outcome is Outcome.EXPIRED
    early = NOW - timedelta(hours=1)
    assert verify_token(text, trust_of(root, signers), at=early).outcome is Outcome.NOT_YET_VALID


def test_status_list_moves_last_day(pki_world):
    root_key, root, signers = pki_world
    kid = pki.kid_of(root)
    sign = lambda d: root_key.sign(d, ec.ECDSA(hashes.SHA256()))  # noqa: E731
    cache = StatusCache()
    doc = seal(
        {
            "format": "pantau-status-list/1",
            "since": 0,
            "version": 2,
            "entries": [
                {"v": 1, "serial": "ID0123456789", "kind": "last-day", "last_day": "2027-01-26"},
                {"v": 2, "serial": "IDOTHER00000", "kind": "revoked"},
            ],
        },
        root_kid=kid,
        sign=sign,
    )
    assert cache.apply(doc, root) == 2 and cache.version == 2
    result = verify_token(token(signers), trust_of(root, signers), cache, at=NOW)
    assert result.valid and result.last_day == date(2027, 1, 26)
    doc["payload"] = doc["payload"][:-4] + "AAAA"
    with pytest.raises(DocumentError):
        StatusCache().apply(doc, root)


@pytest.mark.parametrize(
    "text", ["", "hello", "HC1:6BFOXN", "PN1:", "PN1:%%%%", "PN1:" + "A" * 2000, "PN1:00"]
)
def test_not_pantau_or_damaged(pki_world, text):
    _, root, signers = pki_world
    result = verify_token(text, trust_of(root, signers), at=NOW)
    assert result.outcome in (Outcome.NOT_PANTAU, Outcome.TAMPERED)


def test_zip_bomb_is_refused(pki_world):
    _, root, signers = pki_world
    text = PREFIX + b45encode(zlib.compress(b"\x00" * 200_000, 9))
    assert len(text) < 1024
    assert verify_token(text, trust_of(root, signers), at=NOW).outcome is Outcome.TAMPERED


def test_passport_binding(pki_world):
    c = claims()
    assert binding_matches(
        c, document_number="PA1234567", nationality="AUS", birth_date=date(1990, 5, 17)
    )
    assert not binding_matches(
        c, document_number="PA1234568", nationality="AUS", birth_date=date(1990, 5, 17)
    )
    assert not binding_matches(
        c, document_number="PA1234567", nationality="AUS", birth_date=date(1990, 5, 18)
    )


def test_base45_rfc_vectors():
    assert b45encode(b"AB") == "BB8"
    assert b45encode(b"Hello!!") == "%69 VD92EX0"
    assert b45encode(b"base-45") == "UJCLQE7W581"
    assert b45decode("QED8WEX0") == b"ietf!"
    for bad in ["GGW", "a", "ZZZ"]:
        with pytest.raises(Base45Error):
            b45decode(bad)
