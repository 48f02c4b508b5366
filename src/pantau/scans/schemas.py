"""API shapes for scans. A batch is validated scan by scan, so one bad scan does not sink the rest."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from pantau.stickers.token import normalize_serial

MAX_BATCH = 1000
ScanKind = Literal["check", "check-in", "check-out", "exit"]


class ScanIn(BaseModel):
    id: uuid.UUID = Field(description="Made by the phone (UUID); a re-sent scan is stored once.")
    qr_text: str | None = Field(None, max_length=2000, description="The QR code's text as read.")
    serial: str | None = Field(None, max_length=24, description="Sticker serial, when typed.")
    device_time: datetime = Field(description="The phone's time of the scan, with its UTC offset.")
    fix_time: datetime | None = Field(None, description="When the position was measured.")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    accuracy_m: float | None = Field(
        None, ge=0, le=100_000, description="Position accuracy, metres."
    )
    kind: ScanKind = "check"
    device: str = Field(min_length=1, max_length=100)

    @field_validator("device_time", "fix_time")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("time needs a UTC offset (e.g. 2026-11-28T10:00:00+08:00)")
        return v

    @field_validator("serial")
    @classmethod
    def _serial(cls, v: str | None) -> str | None:
        return (normalize_serial(v) or None) if v is not None else None

    @model_validator(mode="after")
    def _consistent(self) -> ScanIn:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if not (self.qr_text or self.serial):
            raise ValueError("give qr_text (or serial)")
        return self


class ScanBatch(BaseModel):
    # Items stay loose here; each is validated on its own in the service.
    scans: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH)


class ScanError(BaseModel):
    field: str
    message: str


class ScanResult(BaseModel):
    id: str | None
    status: Literal["stored", "duplicate", "rejected"]
    verdict: str | None = None
    serial: str | None = None
    last_day: str | None = None
    flags: list[str] = []
    receipt: str | None = None
    departure: str | None = Field(
        None, description="An exit scan at a checkpoint: the checkpoint where the stay closed."
    )
    errors: list[ScanError] = []


class ScanBatchResult(BaseModel):
    results: list[ScanResult]
    stored: int
    duplicates: int
    rejected: int


class ScanPublic(BaseModel):
    id: uuid.UUID
    serial: str | None
    verdict: str
    kind: str
    device_time: datetime
    fix_time: datetime | None
    received_at: datetime
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    device: str
    scanner_role: str
    scanner_office: str
    flags: list[str]
