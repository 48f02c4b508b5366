"""Officer accounts and their sessions."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantau.db import Base, utcnow, uuid7
from pantau.reference.models import Office


class Role(StrEnum):
    """Roles from shared/DOMAIN.md; the identifiers are used by the API and the command line."""

    ADMIN = "admin"  # administrator
    SUPERVISOR = "supervisor"  # data-centre supervisor, whole country
    OFFICER = "officer"  # office officer, own working area
    PARTNER = "partner"  # TIMPORA field partner
    ACCOMMODATION = "accommodation"  # hotel or other accommodation provider (APOA)

    @property
    def second_factor_required(self) -> bool:
        return self is not Role.ACCOMMODATION


class Officer(Base):
    """An account: an immigration officer, a TIMPORA partner or an accommodation provider."""

    __tablename__ = "officer"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.Text, default="")
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, name="role", values_callable=lambda e: [m.value for m in e])
    )
    office_code: Mapped[str] = mapped_column(sa.ForeignKey("office.code"))
    password_hash: Mapped[str] = mapped_column(sa.Text)
    # The TOTP seed, encrypted with the key ring outside the database (pantau.pii).
    totp_secret: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)  # refuses code replay
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]  # unused: sign-in throttling replaced the lockout
    disabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    office: Mapped[Office] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (sa.CheckConstraint("username = lower(username)", name="username_lower"),)

    @property
    def active(self) -> bool:
        return self.disabled_at is None


class OfficerSession(Base):
    """A signed-in session (web cookie or API bearer token). Only a hash of the token is stored, so
    a copy of the table gives nobody a way in; state lives in PostgreSQL, so any process can check it."""

    __tablename__ = "officer_session"

    token_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), primary_key=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("officer.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(8))  # web | api | device (scanner phones)
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    origin: Mapped[str | None] = mapped_column(sa.Text)
    user_agent: Mapped[str | None] = mapped_column(sa.Text)

    officer: Mapped[Officer] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (sa.CheckConstraint("kind IN ('web','api','device')", name="kind"),)
