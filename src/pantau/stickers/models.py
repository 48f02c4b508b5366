"""Signing keys: the national root and the document signers. Private keys are encrypted with the key
ring outside the database (pantau.pii); certificates are public."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pantau.db import Base, utcnow


class SigningKey(Base):
    __tablename__ = "signing_key"

    kid: Mapped[bytes] = mapped_column(sa.LargeBinary(8), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8))  # root | signer
    code: Mapped[str] = mapped_column(sa.String(8), index=True)  # checkpoint/office; "ID" for root
    cert_der: Mapped[bytes] = mapped_column(sa.LargeBinary)
    private_key: Mapped[bytes] = mapped_column(sa.LargeBinary)  # PKCS#8, AES-GCM encrypted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    use_until: Mapped[datetime]  # signs new stickers until then; verifies for its cert's life
    not_after: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.CheckConstraint("kind IN ('root','signer')", name="kind"),)
