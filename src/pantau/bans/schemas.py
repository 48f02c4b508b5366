"""API shapes of the entry-ban list."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class BanCreate(BaseModel):
    surname: str = Field(min_length=1, max_length=80)
    given_names: str = Field("", max_length=120)
    nationality: str = Field(min_length=3, max_length=3)
    birth_date: date | None = None
    passport_number: str | None = Field(None, max_length=20)
    starts_on: date
    ends_on: date | None = None
    legal_basis: str = Field(min_length=3, max_length=300)
    reason: str = Field("", max_length=2000)


class BanPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    nationality: str
    starts_on: date
    ends_on: date | None
    legal_basis: str
    reason: str
    created_at: datetime
    lifted_at: datetime | None
