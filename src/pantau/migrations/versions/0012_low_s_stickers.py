"""low-S sticker signatures

Pantau now writes and accepts only ECDSA signatures with s <= n/2 (docs/sticker-format.md section
2). About half the stickers signed before had the high form (r, n - s), which verifiers now refuse.
The low twin is the same signature and needs no key: this rewrites the stored QR text of those
stickers, so that labels printed from the database from now on verify. Stickers already printed
with a high s fail verification and must be re-issued.

Revision ID: 0012_low_s_stickers
Revises: 0011_regions
"""

import zlib
from collections.abc import Sequence

import cbor2
import sqlalchemy as sa
from alembic import op

from pantau.stickers.base45 import Base45Error, b45decode, b45encode

revision: str = "0012_low_s_stickers"
down_revision: str | None = "0011_regions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIX = "PN1:"
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def low_s_text(text: str) -> str | None:
    """The same sticker with its signature's s in the low form, or None when it already is (or
    the text is not a sticker this migration understands: left as it is)."""
    if not text.startswith(PREFIX):
        return None
    try:
        msg = cbor2.loads(zlib.decompress(b45decode(text[len(PREFIX) :])))
        protected, unprotected, payload, sig = msg.value
    except (Base45Error, zlib.error, ValueError, TypeError, cbor2.CBORDecodeError):
        return None
    if msg.tag != 18 or not isinstance(sig, bytes) or len(sig) != 64:
        return None
    s = int.from_bytes(sig[32:], "big")
    if s <= P256_ORDER // 2:
        return None
    low = sig[:32] + (P256_ORDER - s).to_bytes(32, "big")
    cose = cbor2.dumps(cbor2.CBORTag(18, [protected, dict(unprotected), payload, low]))
    return PREFIX + b45encode(zlib.compress(cose, 9))


def normalise(conn: sa.Connection) -> int:
    """Rewrites every stored high-S sticker; returns how many."""
    changed = 0
    rows = conn.execute(sa.text("SELECT serial, qr_text FROM sticker")).all()
    for serial, text in rows:
        fixed = low_s_text(text)
        if fixed is not None:
            conn.execute(
                sa.text("UPDATE sticker SET qr_text = :t WHERE serial = :s"),
                {"t": fixed, "s": serial},
            )
            changed += 1
    return changed


def upgrade() -> None:
    normalise(op.get_bind())


def downgrade() -> None:
    # The low form verifies with every version: nothing to undo.
    pass
