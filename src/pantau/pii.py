"""Protection of personal data at rest (UU PDP 27/2022): authenticated encryption and keyed hashes.

Values are encrypted with AES-256-GCM; the caller's context (table and column) goes in as associated
data, so a ciphertext moved to another column does not decrypt. Lookups go through HMAC-SHA256
"blind indexes" with a key of their own. Keys live outside the database: a key-ring file (mode 0600)
in the data folder's `keys/`, or PANTAU_PII_KEYS (base64 JSON) for deployments that inject secrets.
Ciphertexts carry their key id, so keys rotate without re-encrypting everything at once.

Ciphertext layout: version (1 byte) | key id (2 bytes, big-endian) | nonce (12) | sealed text + tag.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENV_VAR = "PANTAU_PII_KEYS"
FILE_NAME = "pii.json"
_VERSION = 1
_HEADER = 1 + 2 + 12
_TAG = 16
_MAX_KEY_ID = 0xFFFF

log = logging.getLogger(__name__)


class PiiError(Exception):
    """A value could not be decrypted (wrong context, unknown key, tampered ciphertext) or the key
    ring is unusable. Messages never contain key material or plaintext."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass
class KeyRing:
    """Encryption keys by id (`current` encrypts, all decrypt) and one lookup-hash key.

    `path` is the file the ring came from (None for an in-memory or environment ring); `source` is
    "memory", "file" or "env".
    """

    keys: dict[int, bytes]
    current: int
    lookup_key: bytes
    path: Path | None = field(default=None, repr=False, compare=False)
    source: str = field(default="memory", compare=False)

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise PiiError("key ring: the current key id has no key")
        if any(len(k) != 32 for k in self.keys.values()):
            raise PiiError("key ring: every encryption key must be 32 bytes (AES-256)")
        if any(not 0 < i <= _MAX_KEY_ID for i in self.keys):
            raise PiiError(f"key ring: key ids run from 1 to {_MAX_KEY_ID}")
        if len(self.lookup_key) < 32:
            raise PiiError("key ring: the lookup key must be at least 32 bytes")

    def __repr__(self) -> str:  # never show key material in logs or tracebacks
        return f"KeyRing(ids={sorted(self.keys)}, current={self.current}, source={self.source!r})"

    @classmethod
    def generate(cls) -> KeyRing:
        return cls({1: AESGCM.generate_key(bit_length=256)}, 1, secrets.token_bytes(32))

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        try:
            data = json.loads(text)
            keys = {int(k): base64.b64decode(v, validate=True) for k, v in data["keys"].items()}
            lookup = base64.b64decode(data["lookup_key"], validate=True)
            current = int(data["current"])
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
            # `from None`: the parser's message could quote part of the key file.
            raise PiiError("key ring: not the JSON of a Pantau key ring") from None
        return cls(keys, current, lookup)

    def to_json(self) -> str:
        return json.dumps(
            {
                "keys": {str(k): _b64(v) for k, v in sorted(self.keys.items())},
                "current": self.current,
                "lookup_key": _b64(self.lookup_key),
            }
        )

    def to_env(self) -> str:
        """The value for PANTAU_PII_KEYS (base64 of the JSON)."""
        return _b64(self.to_json().encode())

    def rotate(self) -> int:
        """Add a new current key; older keys stay to decrypt what they encrypted.

        A file ring is re-read under a lock first, so two processes rotating at once both keep
        each other's keys. An environment ring is refused: a key made here would vanish with the
        process, and what it encrypted with it.
        """
        if self.source == "env":
            raise PiiError(
                f"key ring comes from {ENV_VAR}: rotate where that secret is kept "
                "(KeyRing.from_json, rotate, to_env) and deploy the new value"
            )
        if self.path is None:
            return self._add_key()
        with _locked(self.path):
            self._merge(KeyRing.from_json(self.path.read_text()))
            new_id = self._add_key()
            _write_private(self.path, self.to_json())
        return new_id

    def _add_key(self) -> int:
        new_id = max(self.keys) + 1
        if new_id > _MAX_KEY_ID:
            raise PiiError(f"key ring: no key ids left after {_MAX_KEY_ID}")
        self.keys[new_id] = AESGCM.generate_key(bit_length=256)
        self.current = new_id
        return new_id

    def _merge(self, other: KeyRing) -> None:
        if other.lookup_key != self.lookup_key:
            raise PiiError("key ring: the file now holds another lookup key; refusing to mix")
        self.keys = {**self.keys, **other.keys}
        self.current = max(self.current, other.current)

    def refresh(self) -> bool:
        """Pick up keys that another process added to the file; True when something changed."""
        if self.path is None or not self.path.exists():
            return False
        before = (set(self.keys), self.current)
        self._merge(KeyRing.from_json(self.path.read_text()))
        return before != (set(self.keys), self.current)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _write_private(path: Path, text: str, *, exclusive: bool = False) -> bool:
    """Write `text` to `path` with mode 0600, atomically. With `exclusive`, never replace an
    existing file and return False when one is there (another process made it first)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if not exclusive:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # fails when the file exists: the first writer wins
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _private_text(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("key ring %s was readable by others (mode %o); set to 0600", path, mode & 0o777)
        path.chmod(0o600)
    return path.read_text()


def load_keyring(folder: Path) -> KeyRing:
    """The key ring from PANTAU_PII_KEYS, else `<folder>/pii.json`, created on first use."""
    if env := os.environ.get(ENV_VAR):
        try:
            text = base64.b64decode(env, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise PiiError(f"{ENV_VAR} is not base64") from None
        ring = KeyRing.from_json(text)
        ring.source = "env"
        return ring
    path = folder / FILE_NAME
    if not path.exists():
        # Web and job workers may start together: only the first ring written is ever used.
        _write_private(path, KeyRing.generate().to_json(), exclusive=True)
    ring = KeyRing.from_json(_private_text(path))
    ring.path, ring.source = path, "file"
    return ring


def normalise(value: str) -> str:
    """Canonical form of document numbers and codes: Unicode NFKC, upper case, no spaces or the
    separators OCR and typing add ('<', '-', '.'). "a1234 567" and "A1234567" meet."""
    text = unicodedata.normalize("NFKC", value).upper()
    return "".join(ch for ch in text if ch not in " <-.\t\n\r")


def normalise_text(value: str) -> str:
    """Canonical form of free text such as e-mail addresses and names: NFKC, case folded, runs of
    white space made one space. Dots and dashes stay: "a.b@x.id" and "ab@x.id" are two people."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


class PiiCipher:
    """Encrypts and decrypts personal data; computes lookup hashes (blind indexes)."""

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring

    def __repr__(self) -> str:
        return f"PiiCipher({self.ring!r})"

    @classmethod
    def from_folder(cls, folder: Path) -> PiiCipher:
        return cls(load_keyring(folder))

    def encrypt(self, value: str, context: str) -> bytes:
        """Seal `value` for the place named by `context` (e.g. "queue_booking.nik")."""
        key_id = self.ring.current
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.ring.keys[key_id]).encrypt(nonce, value.encode(), context.encode())
        return bytes([_VERSION]) + key_id.to_bytes(2, "big") + nonce + sealed

    def key_id(self, blob: bytes) -> int:
        """The id of the key that sealed `blob`: finds what to re-encrypt after a rotation."""
        if len(blob) < _HEADER + _TAG or blob[0] != _VERSION:
            raise PiiError("not a Pantau ciphertext")
        return int.from_bytes(blob[1:3], "big")

    def decrypt(self, blob: bytes, context: str) -> str:
        key_id = self.key_id(blob)
        key = self.ring.keys.get(key_id)
        if key is None and self.ring.refresh():  # another process may have rotated
            key = self.ring.keys.get(key_id)
        if key is None:
            raise PiiError(f"ciphertext made with an unknown key (id {key_id})")
        try:
            plain = AESGCM(key).decrypt(blob[3:_HEADER], blob[_HEADER:], context.encode())
        except InvalidTag:
            raise PiiError("ciphertext was altered or belongs to another field") from None
        return plain.decode()

    def reencrypt(self, blob: bytes, context: str) -> bytes:
        """`blob` sealed with the current key (after a rotation); unchanged when it already is."""
        if self.key_id(blob) == self.ring.current:
            return blob
        return self.encrypt(self.decrypt(blob, context), context)

    def lookup_hash(
        self, value: str, purpose: str, *, normaliser: Callable[[str], str] = normalise
    ) -> bytes:
        """A keyed hash of the normalised value: equal inputs meet, the value stays unreadable.

        `purpose` separates uses, so a passport number's hash never matches a NIK's. The default
        normaliser suits document numbers; pass `normalise_text` for e-mail addresses and names.
        """
        message = purpose.encode() + b"\x00" + normaliser(value).encode()
        return hmac.new(self.ring.lookup_key, message, hashlib.sha256).digest()
