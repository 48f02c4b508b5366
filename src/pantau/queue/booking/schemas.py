"""API shapes of the queue, apart from the tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from pantau.queue.models import ServiceKind


class BookingCreate(BaseModel):
    office: str = Field(max_length=8)
    day: date
    session_id: int
    service: ServiceKind
    nik: str = Field(max_length=40)
    name: str = Field(max_length=200)
    birth_date: date
    phone: str = Field(max_length=30)
    email: str = Field(max_length=200)
    priority_reason: str | None = Field(None, pattern="^(elderly|disability|child)$")
    flexible: bool = True


class BookingConfirm(BaseModel):
    otp: str = Field(max_length=12)


class BookingLookup(BaseModel):
    code: str = Field(max_length=20)
    nik: str = Field(max_length=40)


class RescheduleRequest(BookingLookup):
    day: date
    session_id: int


class BookingPublic(BaseModel):
    """What the citizen (and nobody else through the API) sees of a booking: no personal data."""

    id: uuid.UUID
    status: str
    code: str | None
    office: str
    day: date
    session_id: int
    service: ServiceKind
    priority: bool
    reschedules: int
    ticket: str | None
    otp_expires_at: datetime | None = None


class SessionSeatsPublic(BaseModel):
    session_id: int
    label: str
    starts: str
    ends: str
    free: dict[str, int]
    priority_free: dict[str, int]


class DayPublic(BaseModel):
    day: date
    state: str
    reason: str | None
    opens_at: datetime | None
    draw_at: datetime | None
    sessions: list[SessionSeatsPublic]


class OfficePublic(BaseModel):
    code: str
    name: str
    zone: str
