"""The two-tier PKI and the file key store: encrypted keys, rotation, revocation, kid."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from pantau.stickers import pki
from pantau.stickers.pki import FileKeyStore, KeyStore, KeyStoreError, passphrase_from_env
from pantau.stickers.token import Outcome
from pantau.stickers.verify import verify_token


def test_root_signs_one_signer_per_code(world):
    root = world.store.root_cert()
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    signers = world.store.signers()
    assert sorted(s.code for s in signers) == ["CGK", "DPS"]
    for s in signers:
        assert pki.issued_by(s.cert, root)
        der = s.cert.public_bytes(serialization.Encoding.DER)
        assert s.kid == hashlib.sha256(der).digest()[:8]
        assert s.use_until - s.created_at == timedelta(days=pki.SIGNER_USE_DAYS)
        # The certificate outlives the key-use period by the longest stay and then some.
        assert s.cert.not_valid_after_utc - s.use_until > timedelta(days=5 * 365)
    assert isinstance(world.store, KeyStore)


def test_private_keys_are_encrypted_on_disk(world, tmp_path):
    folder = world.store.folder
    keys = sorted(folder.glob("*.key"))
    assert len(keys) == 3  # root and two signers
    for path in keys:
        text = path.read_text()
        assert "BEGIN ENCRYPTED PRIVATE KEY" in text and "BEGIN PRIVATE KEY" not in text
        assert path.stat().st_mode & 0o077 == 0
        with pytest.raises(TypeError):  # no passphrase, no key
            serialization.load_pem_private_key(text.encode(), password=None)
    assert "correct horse" not in repr(world.store)
    wrong = FileKeyStore(folder, b"wrong passphrase")
    with pytest.raises(KeyStoreError, match="wrong passphrase") as exc:
        wrong.signer_for("CGK")
    assert "wrong passphrase" in str(exc.value) and b"correct" not in str(exc.value).encode()


def test_init_twice_changes_nothing(world):
    before = world.store.signers()
    assert world.store.init(["CGK", "DPS"]) == []
    assert [s.kid for s in world.store.signers()] == [s.kid for s in before]


def test_rotated_out_key_still_verifies(world):
    old_text, _ = world.issue("CGK")
    old_kid = world.store.signer_for("CGK")[0]
    new = world.store.rotate("CGK")
    assert new.kid != old_kid and world.store.signer_for("CGK")[0] == new.kid
    new_text, _ = world.issue("CGK")
    trust = world.trust()
    assert verify_token(old_text, trust, at=world.clock.now).outcome is Outcome.VALID
    assert verify_token(new_text, trust, at=world.clock.now).outcome is Outcome.VALID
    old = next(s for s in world.store.signers() if s.kid == old_kid)
    assert old.use_until <= world.clock.now  # signs no more, verifies still


def test_signer_rotates_itself_after_its_use_period(world, clock):
    kid = world.store.signer_for("DPS")[0]
    clock.now += timedelta(days=pki.SIGNER_USE_DAYS + 1)
    assert world.store.signer_for("DPS")[0] != kid
    strict = FileKeyStore(
        world.store.folder, world.store.passphrase, auto_rotate=False, clock=clock
    )
    clock.now += timedelta(days=pki.SIGNER_USE_DAYS + 1)
    with pytest.raises(KeyStoreError, match="rotate"):
        strict.signer_for("DPS")


def test_revoked_signer_fails_and_stops_signing(world):
    text, _ = world.issue("DPS")
    kid = world.store.signer_for("DPS")[0]
    other, _ = world.issue("CGK")
    info = world.store.revoke(kid, reason="laptop stolen")
    assert info.revoked and info.revoked_reason == "laptop stolen"
    trust = world.trust()
    assert verify_token(text, trust, at=world.clock.now).outcome is Outcome.REVOKED_SIGNER
    assert verify_token(other, trust, at=world.clock.now).outcome is Outcome.VALID
    assert world.store.signer_for("DPS")[0] != kid  # a fresh signer takes over
    with pytest.raises(KeyStoreError):
        world.store.revoke(b"\x00" * 8, reason="no such key")


def test_passphrase_from_env_or_file(tmp_path):
    assert passphrase_from_env({"PANTAU_SIGNING_PASSPHRASE": "s3cret"}) == b"s3cret"
    secret = tmp_path / "pass"
    secret.write_bytes(b"from-file\n")
    assert passphrase_from_env({"PANTAU_SIGNING_PASSPHRASE_FILE": str(secret)}) == b"from-file"
    with pytest.raises(KeyStoreError, match="PANTAU_SIGNING_PASSPHRASE"):
        passphrase_from_env({})


def test_no_root_yet(tmp_path):
    store = FileKeyStore(tmp_path / "empty", b"x")
    with pytest.raises(KeyStoreError, match="no national root"):
        store.rotate("CGK")
