"""Key material kept outside the database: the personal-data key ring (pantau.pii)."""

from __future__ import annotations

from pantau.config import Settings
from pantau.pii import PiiCipher


def pii_cipher(settings: Settings) -> PiiCipher:
    """The cipher for personal data and account secrets; keys live in `<data_dir>/keys/` or in
    PANTAU_PII_KEYS, never in the database."""
    return PiiCipher.from_folder(settings.keys_dir)
