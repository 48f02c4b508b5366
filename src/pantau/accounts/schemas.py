"""API shapes for accounts, apart from the tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_at: datetime
    role: str
    username: str
    office: str


class OfficerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    full_name: str
    role: str
    office_code: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class OfficerCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: str
    office: str = Field(min_length=2, max_length=8)
    full_name: str = Field("", max_length=200)
    with_otp: bool = True


class OfficerCreated(OfficerPublic):
    otpauth_uri: str | None = Field(
        None, description="Shown once: the second factor's enrolment URI (put it in a QR code)."
    )
