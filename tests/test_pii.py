"""Personal data at rest: AES-256-GCM with context, key ids and rotation, keyed lookup hashes, and a
key ring that lives outside the database and never shows itself."""

from __future__ import annotations

import base64
import json
import logging
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from pantau.pii import (
    ENV_VAR,
    FILE_NAME,
    KeyRing,
    PiiCipher,
    PiiError,
    load_keyring,
    normalise,
    normalise_text,
)

NIK = "5171011705900001"
CTX = "queue_booking.nik"


@pytest.fixture
def cipher() -> PiiCipher:
    return PiiCipher(KeyRing.generate())


@pytest.fixture(autouse=True)
def _no_env_ring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.mark.parametrize("value", [NIK, "", "Ni Luh Putu Ayu Ñúñez", "😀" * 100, "x" * 100_000])
def test_round_trip(cipher, value):
    assert cipher.decrypt(cipher.encrypt(value, CTX), CTX) == value


def test_the_ciphertext_does_not_contain_the_plaintext(cipher):
    blob = cipher.encrypt(NIK, CTX)
    assert NIK.encode() not in blob and NIK.encode().hex().encode() not in blob.hex().encode()
    assert base64.b64encode(NIK.encode()) not in base64.b64encode(blob)
    assert cipher.encrypt(NIK, CTX) != blob  # a fresh nonce each time: equal values do not show


def test_wrong_context_fails(cipher):
    blob = cipher.encrypt(NIK, CTX)
    with pytest.raises(PiiError, match="another field"):
        cipher.decrypt(blob, "queue_booking.phone")


def test_every_tampered_byte_fails(cipher):
    blob = cipher.encrypt("Warga Uji", CTX)
    for i in range(len(blob)):
        bad = bytearray(blob)
        bad[i] ^= 0x01
        with pytest.raises(PiiError):
            cipher.decrypt(bytes(bad), CTX)
    with pytest.raises(PiiError, match="not a Pantau ciphertext"):
        cipher.decrypt(blob[:20], CTX)
    with pytest.raises(PiiError):
        cipher.decrypt(blob[:-1], CTX)


def test_another_ring_cannot_decrypt(cipher):
    with pytest.raises(PiiError):
        PiiCipher(KeyRing.generate()).decrypt(cipher.encrypt(NIK, CTX), CTX)


def test_rotation_keeps_old_ciphertexts_readable(cipher):
    old = cipher.encrypt(NIK, CTX)
    assert cipher.ring.rotate() == 2
    new = cipher.encrypt(NIK, CTX)
    assert (cipher.key_id(old), cipher.key_id(new)) == (1, 2)
    assert cipher.decrypt(old, CTX) == cipher.decrypt(new, CTX) == NIK
    again = cipher.reencrypt(old, CTX)
    assert cipher.key_id(again) == 2 and cipher.decrypt(again, CTX) == NIK
    assert cipher.reencrypt(new, CTX) is new


def test_a_retired_key_is_named_by_id(cipher):
    old = cipher.encrypt(NIK, CTX)
    cipher.ring.rotate()
    del cipher.ring.keys[1]
    with pytest.raises(PiiError, match=r"unknown key \(id 1\)"):
        cipher.decrypt(old, CTX)


def test_lookup_hashes_meet_after_normalisation_and_differ_by_purpose(cipher):
    h = cipher.lookup_hash("A1234567", "passport")
    assert cipher.lookup_hash(" a1234 567\n", "passport") == h
    assert cipher.lookup_hash("A-1234.567<", "passport") == h
    assert cipher.lookup_hash("Ａ1234567", "passport") == h  # full-width from a phone keyboard
    assert cipher.lookup_hash("A1234567", "nik") != h
    assert cipher.lookup_hash("A1234568", "passport") != h
    assert len(h) == 32 and b"A1234567" not in h
    assert PiiCipher(KeyRing.generate()).lookup_hash("A1234567", "passport") != h


def test_lookup_hashes_survive_rotation(cipher):
    h = cipher.lookup_hash(NIK, "nik")
    cipher.ring.rotate()
    assert cipher.lookup_hash(NIK, "nik") == h


def test_text_normaliser_keeps_dots_in_e_mail_addresses(cipher):
    text = {"normaliser": normalise_text}
    assert cipher.lookup_hash(" Warga.Uji@Contoh.ID ", "email", **text) == cipher.lookup_hash(
        "warga.uji@contoh.id", "email", **text
    )
    assert cipher.lookup_hash("a.b@x.id", "email", **text) != cipher.lookup_hash(
        "ab@x.id", "email", **text
    )
    assert normalise("a.b@x.id") == normalise("ab@x.id")  # why document numbers need their own
    assert normalise_text("Ni  Luh\tPutu") == "ni luh putu"


def test_key_file_is_created_private_on_first_use_and_reused(tmp_path):
    folder = tmp_path / "keys"
    first = PiiCipher.from_folder(folder)
    path = folder / FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    blob = first.encrypt(NIK, CTX)
    assert PiiCipher.from_folder(folder).decrypt(blob, CTX) == NIK
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_a_key_file_readable_by_others_is_made_private(tmp_path, caplog):
    ring = load_keyring(tmp_path)
    path = tmp_path / FILE_NAME
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        assert load_keyring(tmp_path) == ring
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "readable by others" in caplog.text
    assert base64.b64encode(ring.lookup_key).decode() not in caplog.text


def test_rotation_is_saved_and_other_processes_pick_it_up(tmp_path):
    writer, reader = PiiCipher.from_folder(tmp_path), PiiCipher.from_folder(tmp_path)
    writer.ring.rotate()
    assert load_keyring(tmp_path).current == 2
    blob = writer.encrypt(NIK, CTX)
    assert reader.decrypt(blob, CTX) == NIK  # the reader re-read the file for key 2
    assert reader.ring.current == 2


def test_two_rotations_from_stale_rings_keep_every_key(tmp_path):
    a, b = load_keyring(tmp_path), load_keyring(tmp_path)
    assert (a.rotate(), b.rotate()) == (2, 3)
    assert sorted(load_keyring(tmp_path).keys) == [1, 2, 3]
    assert a.keys[2] == load_keyring(tmp_path).keys[2]


def _load_current(folder: str) -> bytes:
    ring = load_keyring(Path(folder))
    return ring.keys[ring.current]


def test_processes_starting_together_share_one_ring(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(6) as pool:
        keys = pool.map(_load_current, [str(tmp_path)] * 12)
    assert len(set(keys)) == 1


def test_environment_ring_wins_and_cannot_rotate(tmp_path, monkeypatch):
    ring = KeyRing.generate()
    monkeypatch.setenv(ENV_VAR, ring.to_env())
    from_env = load_keyring(tmp_path)
    assert from_env == ring and from_env.source == "env"
    assert not (tmp_path / FILE_NAME).exists()  # nothing written when the secret is injected
    with pytest.raises(PiiError, match="rotate where that secret is kept"):
        from_env.rotate()


@pytest.mark.parametrize(
    "bad", ["not base64!", base64.b64encode(b"{}").decode(), base64.b64encode(b"[1]").decode()]
)
def test_a_broken_environment_ring_is_refused_without_echoing_it(monkeypatch, tmp_path, bad):
    monkeypatch.setenv(ENV_VAR, bad)
    with pytest.raises(PiiError) as exc:
        load_keyring(tmp_path)
    assert bad not in str(exc.value)


@pytest.mark.parametrize(
    "change",
    [
        {"current": 9},
        {"keys": {"1": base64.b64encode(b"short").decode()}},
        {"lookup_key": base64.b64encode(b"short").decode()},
    ],
)
def test_an_inconsistent_ring_is_refused(change):
    data = json.loads(KeyRing.generate().to_json()) | change
    with pytest.raises(PiiError, match="key ring"):
        KeyRing.from_json(json.dumps(data))


def test_keys_never_show_in_repr_or_str(cipher, tmp_path):
    cipher.ring.rotate()
    secrets_b64 = [base64.b64encode(k).decode() for k in cipher.ring.keys.values()]
    secrets_b64.append(base64.b64encode(cipher.ring.lookup_key).decode())
    shown = " ".join([repr(cipher), str(cipher), repr(cipher.ring), str(cipher.ring)])
    for secret in secrets_b64:
        assert secret not in shown
    for key in [*cipher.ring.keys.values(), cipher.ring.lookup_key]:
        assert repr(key) not in shown and key.hex() not in shown
    assert "ids=[1, 2]" in repr(cipher.ring)


def test_file_ring_round_trips_through_json(tmp_path):
    ring = load_keyring(tmp_path)
    assert KeyRing.from_json(ring.to_json()) == ring
    assert json.loads(base64.b64decode(ring.to_env()))["current"] == 1
    assert os.environ.get(ENV_VAR) is None
