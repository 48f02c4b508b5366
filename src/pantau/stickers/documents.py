"""Kept for existing imports (keys.py, views, tests): the documents now live in trustlist.py."""

from pantau.stickers.trustlist import (
    STATUS_FORMAT,
    TRUST_FORMAT,
    DocumentError,
    Signer,
    StatusCache,
    TrustList,
    b64,
    now_iso,
    open_sealed,
    seal,
)

__all__ = [
    "STATUS_FORMAT",
    "TRUST_FORMAT",
    "DocumentError",
    "Signer",
    "StatusCache",
    "TrustList",
    "b64",
    "now_iso",
    "open_sealed",
    "seal",
]
