"""Keyed hashes that identify a person without storing who they are in clear."""

from __future__ import annotations

from datetime import date

from pantau.pii import PiiCipher

PASSPORT_PURPOSE = "passport"
IDENTITY_PURPOSE = "identity"


def passport_hash(cipher: PiiCipher, nationality: str, number: str) -> bytes:
    """The same passport number and nationality is the same person."""
    return cipher.lookup_hash(f"{nationality}:{number}", PASSPORT_PURPOSE)


def identity_hash(
    cipher: PiiCipher, *, surname: str, given_names: str, birth_date: date, nationality: str
) -> bytes:
    """Name, birth date and nationality: finds a returning person who carries a new passport."""
    key = f"{surname}|{given_names}|{birth_date.isoformat()}|{nationality}"
    return cipher.lookup_hash(key, IDENTITY_PURPOSE)
