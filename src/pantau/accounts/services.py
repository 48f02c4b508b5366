"""Accounts: creation, sign-in with throttling, sessions with idle and absolute time-outs."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau import security
from pantau.accounts import throttle
from pantau.accounts.models import Officer, OfficerSession, Role
from pantau.audit.services import Actor, record_event
from pantau.config import Settings
from pantau.db import utcnow
from pantau.errors import Conflict, NotFound, PantauError, Unauthorized
from pantau.reference.models import Office

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
TOTP_CONTEXT = "officer.totp_secret"
_TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute per session


class SecretCipher(Protocol):
    def encrypt(self, value: str, context: str) -> bytes: ...
    def decrypt(self, blob: bytes, context: str) -> str: ...


@dataclass(frozen=True, slots=True)
class NewAccount:
    officer: Officer
    otpauth_uri: str | None


BAD_LOGIN = Unauthorized(
    "bad_credentials",
    "Wrong username, password or one-time code.",
    "Nama pengguna, kata sandi, atau kode sekali pakai salah.",
)


class AccountService:
    def __init__(self, session: Session, *, settings: Settings, cipher: SecretCipher) -> None:
        self.session = session
        self.settings = settings
        self.cipher = cipher

    # --- accounts -----------------------------------------------------------------------------
    def create(
        self,
        *,
        username: str,
        password: str,
        role: str,
        office_code: str,
        full_name: str = "",
        with_otp: bool = True,
        actor: Actor,
    ) -> NewAccount:
        username = username.strip().lower()
        if not USERNAME_RE.match(username):
            raise PantauError(
                "bad_username",
                "Username must be 3-64 characters: letters, digits, dot, dash, underscore.",
                "Nama pengguna harus 3-64 karakter: huruf, angka, titik, tanda hubung, garis bawah.",
                field="username",
            )
        try:
            role_ = Role(role)
        except ValueError:
            allowed = ", ".join(r.value for r in Role)
            raise PantauError(
                "bad_role",
                f"Unknown role {role!r}; one of: {allowed}.",
                f"Peran {role!r} tidak dikenal; pilih salah satu: {allowed}.",
                field="role",
            ) from None
        if self.session.get(Office, office_code.upper()) is None:
            raise NotFound(
                "unknown_office",
                f"Unknown office {office_code!r}.",
                f"Kantor {office_code!r} tidak dikenal.",
                field="office",
            )
        if problem := security.password_problem(password):
            raise PantauError(
                "weak_password",
                f"Password refused: {problem}.",
                f"Kata sandi ditolak: minimal {security.MIN_PASSWORD_LENGTH} karakter, tanpa spasi "
                "di awal atau akhir.",
                field="password",
            )
        if self.by_username(username) is not None:
            raise Conflict(
                "username_taken",
                f"Username {username!r} is taken.",
                f"Nama pengguna {username!r} sudah dipakai.",
                field="username",
            )
        if role_.second_factor_required:
            with_otp = True
        secret = security.new_totp_secret() if with_otp else None
        officer = Officer(
            username=username,
            full_name=full_name.strip(),
            role=role_,
            office_code=office_code.upper(),
            password_hash=security.hash_password(password),
            totp_secret=self.cipher.encrypt(secret, TOTP_CONTEXT) if secret else None,
        )
        self.session.add(officer)
        self.session.flush()
        record_event(
            self.session,
            "accounts:officer:create",
            actor=actor,
            target=f"officer:{username}",
            details={"role": role_.value, "office": officer.office_code, "otp": with_otp},
        )
        uri = security.totp_uri(secret, username) if secret else None
        return NewAccount(officer, uri)

    def by_username(self, username: str) -> Officer | None:
        return self.session.scalar(sa.select(Officer).where(Officer.username == username.lower()))

    def list(self) -> list[Officer]:
        return list(self.session.scalars(sa.select(Officer).order_by(Officer.username)))

    def disable(self, username: str, *, actor: Actor) -> Officer:
        officer = self.by_username(username)
        if officer is None:
            raise NotFound(
                "unknown_user", f"No account {username!r}.", f"Akun {username!r} tidak ada."
            )
        if officer.disabled_at is None:
            officer.disabled_at = utcnow()
        ended = self._end_all_sessions(officer)
        record_event(
            self.session,
            "accounts:officer:disable",
            actor=actor,
            target=f"officer:{officer.username}",
            details={"sessions_ended": ended},
        )
        return officer

    def _end_all_sessions(self, officer: Officer) -> int:
        result = self.session.execute(
            sa.delete(OfficerSession).where(OfficerSession.officer_id == officer.id)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def totp_secret(self, officer: Officer) -> str | None:
        if officer.totp_secret is None:
            return None
        return self.cipher.decrypt(officer.totp_secret, TOTP_CONTEXT)

    # --- sign-in ------------------------------------------------------------------------------
    def authenticate(
        self, username: str, password: str, otp: str, *, origin: str | None
    ) -> Officer:
        """Check password and one-time code. Failures are counted per account and address, per
        address and per account, and make further tries wait (pantau.accounts.throttle): 429 with
        `retry_after` seconds, refused before the password is even hashed."""
        now = utcnow()
        name = username.strip().lower()
        officer = self.session.scalar(
            sa.select(Officer).where(Officer.username == name).with_for_update(of=Officer)
        )  # the row lock serialises tries on one account: each sees the failures before it
        actor = Actor(name[:64] or "-", origin=origin)
        keys = throttle.keys_for(self.settings, name, origin)
        if wait := throttle.wait_seconds(self.session, keys, now):
            record_event(
                self.session,
                "auth:officer:login-failed",
                actor=actor,
                target=f"officer:{officer.username}" if officer else None,
                details={"reason": "throttled", "wait_seconds": wait},
            )
            raise Unauthorized(
                "throttled",
                f"Too many failed sign-ins; try again in {wait} seconds.",
                f"Terlalu banyak percobaan masuk gagal; coba lagi dalam {wait} detik.",
                status=429,
                retry_after=wait,
            )
        if officer is None:
            security.verify_password(None, password)  # same work as for a real account
            throttle.record_failure(self.session, keys, now)
            record_event(
                self.session,
                "auth:officer:login-failed",
                actor=actor,
                target=None,
                details={"reason": "unknown_user"},
            )
            raise BAD_LOGIN
        reason = self._check_factors(officer, password, otp, now)
        if reason is not None:
            throttle.record_failure(self.session, keys, now)
            self._count_failure(officer, actor, reason)
            raise BAD_LOGIN
        throttle.forget(self.session, throttle.account_keys(keys))
        officer.failed_logins = 0
        officer.last_login_at = now
        record_event(
            self.session,
            "auth:officer:login",
            actor=Actor(officer.username, officer.id, origin),
            target=f"officer:{officer.username}",
        )
        return officer

    def _check_factors(
        self, officer: Officer, password: str, otp: str, now: datetime
    ) -> str | None:
        if not security.verify_password(officer.password_hash, password):
            return "password"
        if officer.disabled_at is not None:
            return "disabled"
        secret = self.totp_secret(officer)
        if secret is None:
            return "otp_not_enrolled" if officer.role.second_factor_required else None
        step = security.totp_match(secret, otp, at=now, last_step=officer.totp_last_step)
        if step is None:
            return "otp"
        officer.totp_last_step = step
        return None

    def _count_failure(self, officer: Officer, actor: Actor, reason: str) -> None:
        officer.failed_logins += 1  # since the last sign-in, for the account's page; locks nothing
        record_event(
            self.session,
            "auth:officer:login-failed",
            actor=actor,
            target=f"officer:{officer.username}",
            details={"reason": reason, "failures": officer.failed_logins},
        )

    # --- sessions -----------------------------------------------------------------------------
    def start_session(
        self, officer: Officer, *, kind: str, origin: str | None, user_agent: str | None
    ) -> tuple[str, OfficerSession]:
        token = security.new_token()
        now = utcnow()
        row = OfficerSession(
            token_hash=security.token_hash(token),
            officer_id=officer.id,
            kind=kind,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            last_seen_at=now,
            expires_at=now + self._lifetime(kind),
            origin=origin,
            user_agent=(user_agent or "")[:300],
        )
        self.session.add(row)
        self.session.flush()
        return token, row

    def _lifetime(self, kind: str) -> timedelta:
        if kind == "device":
            return timedelta(days=self.settings.device_token_days)
        return timedelta(hours=self.settings.session_absolute_hours)

    def _idle(self, kind: str) -> timedelta:
        if kind == "device":
            return timedelta(days=self.settings.device_idle_days)
        return timedelta(minutes=self.settings.session_idle_minutes)

    def resolve_session(self, token: str, *, kind: str | tuple[str, ...]) -> OfficerSession | None:
        """The live session for a token, or None when unknown, idle too long, too old or disabled."""
        row = self.session.get(OfficerSession, security.token_hash(token))
        kinds = (kind,) if isinstance(kind, str) else kind
        if row is None or row.kind not in kinds:
            return None
        now = utcnow()
        idle = self._idle(row.kind)
        if row.expires_at <= now or row.last_seen_at + idle <= now or not row.officer.active:
            self.session.delete(row)
            return None
        if now - row.last_seen_at >= _TOUCH_EVERY:
            row.last_seen_at = now
        return row

    def end_session(self, token: str, *, actor: Actor) -> None:
        row = self.session.get(OfficerSession, security.token_hash(token))
        if row is not None:
            record_event(
                self.session,
                "auth:officer:logout",
                actor=actor,
                target=f"officer:{row.officer.username}",
            )
            self.session.delete(row)


def usernames(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Officer id -> username, for pages that say who did what."""
    q = sa.select(Officer.id, Officer.username).where(Officer.id.in_(set(ids)))
    return dict(session.execute(q).tuples().all())
