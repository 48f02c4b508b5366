"""APPAPO settings, declared once with their help text, read from PANTAU_QUEUE_* variables.

Kept beside the queue rather than in pantau.config: they only mean something to this domain, and
offices' own choices (sessions, quotas, opening time) live in the database instead.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pantau.ratelimit import Limit


class QueueSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PANTAU_QUEUE_", extra="ignore")

    retention_days: int = Field(
        30, description="Personal data of a booking is deleted this many days after the visit day."
    )
    otp_minutes: int = Field(10, description="A one-time code is valid this long.")
    otp_attempts: int = Field(5, description="Wrong one-time codes before the request is void.")
    strike_limit: int = Field(
        2, description="No-shows within the strike window that delay the next booking."
    )
    strike_window_days: int = Field(90, description="How long a no-show counts.")
    strike_delay_days: int = Field(
        30, description="After too many no-shows, the next visit day is at least this far off."
    )
    per_address: int = Field(
        30, description="Booking submissions per address in 10 minutes (offices share NAT)."
    )
    per_device: int = Field(10, description="Booking submissions per device in 10 minutes.")
    per_nik: int = Field(5, description="One-time codes sent per NIK in an hour.")
    outbox_days: int = Field(7, description="Messages stay in the outbox this many days.")

    @property
    def address_limit(self) -> Limit:
        return Limit(self.per_address, 600)

    @property
    def device_limit(self) -> Limit:
        return Limit(self.per_device, 600)

    @property
    def nik_limit(self) -> Limit:
        return Limit(self.per_nik, 3600)
