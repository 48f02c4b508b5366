"""Settings, declared once with their help text (as datasette's SETTINGS), read from the environment.

Values set by law (stay lengths, fees) live here as defaults too, never as literals in the code.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me"  # noqa: S105 - the placeholder that production refuses


class ConfigError(ValueError):
    """A setting is unusable; the message says which and why (shown to the user, no traceback)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PANTAU_", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development", description="`production` refuses placeholder secrets."
    )
    data_dir: Path = Field(
        Path("var"),
        description="Folder for the embedded PostgreSQL data, keys and uploads.",
    )
    database_url: str | None = Field(
        None,
        validation_alias=AliasChoices("DATABASE_URL", "PANTAU_DATABASE_URL"),
        description="postgresql:// URL of an external server (15+); unset = embedded PostgreSQL.",
    )
    database_owner_url: str | None = Field(
        None,
        validation_alias=AliasChoices("DATABASE_OWNER_URL", "PANTAU_DATABASE_OWNER_URL"),
        description="postgresql:// URL of the schema's owner, for `pantau db upgrade` and the other "
        "commands; unset = DATABASE_URL. The server connects with DATABASE_URL (the app role).",
    )
    secret_key: str = Field(DEV_SECRET, repr=False, description="Signs cookies and CSRF tokens.")
    host: str = Field("127.0.0.1", description="Address `pantau serve` listens on.")
    port: int = Field(8000, description="Port `pantau serve` listens on.")
    default_language: Literal["id", "en"] = Field("id", description="Language of pages.")
    session_idle_minutes: int = Field(
        30, description="A console session ends after this idle time."
    )
    session_absolute_hours: int = Field(12, description="A console session ends after this age.")
    device_token_days: int = Field(
        30, description="A scanner phone's sign-in lasts this long (it must work offline)."
    )
    device_idle_days: int = Field(
        14, description="A scanner phone unused this long signs in again."
    )
    scanner_trust_max_age_days: int = Field(
        7,
        ge=1,
        le=90,
        description="Past this age a scanner's cached trust and status lists no longer vouch for a "
        "sticker: the phone says it cannot tell (it must come online to refresh).",
    )
    login_free_failures: int = Field(
        5,
        ge=1,
        description="Failed sign-ins to one account from one address before each further try "
        "must wait (1 s after the last failure, doubling).",
    )
    login_max_delay_minutes: int = Field(
        15, ge=1, description="Longest wait per account and address, and per address."
    )
    login_address_free_failures: int = Field(
        20,
        ge=1,
        description="Failed sign-ins from one address (any account) before its tries must wait.",
    )
    login_account_free_failures: int = Field(
        20,
        ge=1,
        description="Failed sign-ins to one account (any address) before its tries must wait.",
    )
    login_account_max_delay_seconds: int = Field(
        60,
        ge=1,
        description="Longest wait for an account over all addresses: what an attacker elsewhere "
        "can impose on the real officer.",
    )
    web_concurrency: int = Field(
        8,
        ge=1,
        le=32,
        description="Requests one server process works on at once; each holds at most one "
        "database connection (the pool is this plus 2, for /healthz and spares) and one of the "
        "40 worker threads.",
    )
    web_queue_seconds: float = Field(
        2.0,
        ge=0,
        le=30,
        description="Longest wait for a free place among those requests; past it the answer is "
        "429 with Retry-After rather than silence.",
    )
    secure_cookies: bool = Field(
        False, description="Mark cookies Secure and send HSTS (set behind HTTPS)."
    )
    tile_url: str | None = Field(
        None, description="Map tile server URL template ({z}/{x}/{y}); none = plain background."
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="Address officers open Pantau at; links in notifications point there.",
    )
    smtp_host: str | None = Field(
        None, description="SMTP server for e-mail notifications; unset = e-mail is not sent."
    )
    smtp_port: int = Field(587, description="SMTP server port.")
    smtp_user: str | None = Field(None, description="SMTP user name (unset = no login).")
    smtp_password: str | None = Field(None, repr=False, description="SMTP password.")
    smtp_from: str = Field("pantau@localhost", description="Sender address of e-mail.")
    smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    notify_timeout_seconds: float = Field(
        10, description="Time limit for one webhook call or SMTP conversation."
    )
    notify_max_attempts: int = Field(
        6, ge=1, description="Tries of a notification before it is marked failed."
    )
    notify_retry_seconds: float = Field(
        30, ge=0, description="Wait before the first retry; doubles on each further try."
    )

    @field_validator("database_url", "database_owner_url")
    @classmethod
    def _check_database_url(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not v.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
            raise ValueError(
                "DATABASE_URL must be a postgresql:// URL, e.g. "
                "postgresql://user:password@host:5432/pantau"
            )
        return v

    @model_validator(mode="after")
    def _enforce_non_default_secrets(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise ValueError("PANTAU_SECRET_KEY must be set to a random value in production")
        return self

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def pg_dir(self) -> Path:
        return self.data_dir / "pg"


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, turning validation errors into one clear ConfigError."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        msgs = [
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        ]
        raise ConfigError("; ".join(msgs)) from None


def random_secret() -> str:
    return secrets.token_urlsafe(32)
