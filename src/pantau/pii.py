"""Protection of personal data at rest (UU PDP 27/2022): authenticated encryption and keyed hashes.

Values are encrypted with AES-256-GCM; the table and column go in as associated data, so a ciphertext
moved to another column does not decrypt. Lookups go through HMAC-SHA256 "blind indexes" with a key of
their own. Keys live outside the database: a key-ring file (mode 0600) in the data folder's `keys/`,
or PANTAU_PII_KEYS (base64 JSON) for deployments that inject secrets. Ciphertexts carry their key id, so
keys rotate without re-encrypting everything at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENV_VAR = "PANTAU_PII_KEYS"
FILE_NAME = "pii.json"
_VERSION = 1


class PiiError(Exception):
    """A value could not be decrypted: wrong context, unknown key or tampered ciphertext."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass
class KeyRing:
    """Encryption keys by id (the newest is current) and one lookup-hash key."""

    keys: dict[int, bytes]
    current: int
    lookup_key: bytes
    path: Path | None = field(default=None, repr=False)

    def __repr__(self) -> str:  # never show key material in logs or tracebacks
        return f"KeyRing(ids={sorted(self.keys)}, current={self.current})"

    @classmethod
    def generate(cls) -> KeyRing:
        return cls({1: AESGCM.generate_key(bit_length=256)}, 1, secrets.token_bytes(32))

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        data = json.loads(text)
        keys = {int(k): base64.b64decode(v) for k, v in data["keys"].items()}
        return cls(keys, int(data["current"]), base64.b64decode(data["lookup_key"]))

    def to_json(self) -> str:
        return json.dumps(
            {
                "keys": {str(k): _b64(v) for k, v in self.keys.items()},
                "current": self.current,
                "lookup_key": _b64(self.lookup_key),
            }
        )

    def rotate(self) -> int:
        """Add a new current key; older keys stay to decrypt what they encrypted."""
        new_id = max(self.keys) + 1
        self.keys[new_id] = AESGCM.generate_key(bit_length=256)
        self.current = new_id
        if self.path is not None:
            _write_private(self.path, self.to_json())
        return new_id


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def load_keyring(folder: Path) -> KeyRing:
    """The key ring from PANTAU_PII_KEYS, else `<folder>/pii.json`, created on first use."""
    if env := os.environ.get(ENV_VAR):
        return KeyRing.from_json(base64.b64decode(env).decode())
    path = folder / FILE_NAME
    if path.exists():
        ring = KeyRing.from_json(path.read_text())
    else:
        ring = KeyRing.generate()
        _write_private(path, ring.to_json())
    ring.path = path
    return ring


def normalise(value: str) -> str:
    """Canonical form for lookups: Unicode NFKC, upper case, no spaces or filler characters."""
    text = unicodedata.normalize("NFKC", value).upper()
    return "".join(ch for ch in text if ch not in " <-.\t\n")


class PiiCipher:
    """Encrypts and decrypts personal data; computes lookup hashes."""

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring

    def __repr__(self) -> str:
        return f"PiiCipher({self.ring!r})"

    @classmethod
    def from_folder(cls, folder: Path) -> PiiCipher:
        return cls(load_keyring(folder))

    def encrypt(self, value: str, context: str) -> bytes:
        key_id = self.ring.current
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.ring.keys[key_id]).encrypt(nonce, value.encode(), context.encode())
        return bytes([_VERSION]) + key_id.to_bytes(2, "big") + nonce + sealed

    def decrypt(self, blob: bytes, context: str) -> str:
        if len(blob) < 1 + 2 + 12 + 16 or blob[0] != _VERSION:
            raise PiiError("not a Pantau ciphertext")
        key = self.ring.keys.get(int.from_bytes(blob[1:3], "big"))
        if key is None:
            raise PiiError("ciphertext made with an unknown key")
        try:
            return AESGCM(key).decrypt(blob[3:15], blob[15:], context.encode()).decode()
        except InvalidTag:
            raise PiiError("ciphertext was altered or belongs to another field") from None

    def lookup_hash(self, value: str, purpose: str) -> bytes:
        """A keyed hash of the normalised value: equal inputs meet, the value stays unreadable."""
        message = purpose.encode() + b"\x00" + normalise(value).encode()
        return hmac.new(self.ring.lookup_key, message, hashlib.sha256).digest()
