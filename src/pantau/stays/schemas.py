"""API shapes for arrivals, people, stays and the ban list."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from pantau.stays.models import Permit
from pantau.stickers.schemas import StickerPublic


class ManualTraveller(BaseModel):
    """Fields typed by hand when the MRZ cannot be read."""

    surname: str = Field(min_length=1, max_length=80)
    given_names: str = Field("", max_length=120)
    nationality: str = Field(min_length=3, max_length=3, description="ICAO 9303 code, e.g. AUS")
    birth_date: date
    sex: str = Field(pattern="^[MFX]$")
    document_number: str = Field(min_length=1, max_length=20)
    document_type: str = Field("P", max_length=2)
    issuing_state: str | None = Field(None, min_length=3, max_length=3)
    expiry: date | None = None


class ArrivalCreate(BaseModel):
    mrz: str | None = Field(None, max_length=200, description="MRZ lines, newline-separated")
    traveller: ManualTraveller | None = Field(None, description="Instead of the MRZ")
    permit: Permit
    checkpoint: str = Field(min_length=3, max_length=8)
    arrived_at: datetime | None = Field(None, description="Default: now. ISO 8601 with offset.")
    months: int | None = Field(None, ge=1, le=60, description="KITAS length: 6, 12 or 24")
    match: str | None = Field(
        None, description='Answer to a possible match: the person id, or "new"', max_length=40
    )
    allowed_regions: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Regency/city codes (4-digit Kemendagri) the permit is tied to; none: anywhere",
    )
    close_open_stay: bool = Field(
        False,
        description="Answer to 409 stay_open: the earlier stay ended without a recorded departure",
    )


class StayPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    permit: str
    checkpoint_code: str
    office_code: str
    arrived_at: datetime
    last_day: date
    extensions: int
    status: str
    departed_at: datetime | None
    allowed_regions: list[str] = []


class ArrivalPublic(BaseModel):
    person_id: uuid.UUID
    new_person: bool
    stay: StayPublic
    sticker: StickerPublic


class ExtensionCreate(BaseModel):
    """An extension granted at an office, with the fee paid and its receipt."""

    fee: int = Field(ge=0, le=10**12, description="Fee paid, Rupiah")
    receipt_number: str = Field(
        min_length=1, max_length=64, description="Receipt (e.g. SIMPONI billing) number"
    )
    office: str | None = Field(
        None, min_length=3, max_length=8, description="Office granting it; default: yours"
    )
    months: int | None = Field(None, ge=1, le=60, description="For KITAS/KITAP renewals")


class ExtensionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    office_code: str
    fee: int
    receipt_number: str
    from_day: date
    to_day: date
    extended_at: datetime


class RefusalCreate(BaseModel):
    """An entry refused at a checkpoint, with its ground (GET /api/v1/refusal-reasons)."""

    checkpoint: str = Field(min_length=3, max_length=8)
    mrz: str | None = Field(None, max_length=200, description="MRZ lines, newline-separated")
    traveller: ManualTraveller | None = Field(None, description="Instead of the MRZ")
    reason: str = Field(max_length=40, description="A code of GET /api/v1/refusal-reasons")
    text: str | None = Field(None, max_length=2000, description='Required for "other"')
    occurred_at: datetime | None = Field(None, description="Default: now")


class RefusalPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    occurred_at: datetime
    checkpoint_code: str
    nationality: str
    reason: str
    reason_text: str | None


class RefusalReason(BaseModel):
    code: str
    label_en: str
    label_id: str


class DepartureCreate(BaseModel):
    checkpoint: str = Field(min_length=3, max_length=8)
    qr_text: str | None = Field(None, max_length=2000)
    stay_id: uuid.UUID | None = None
    departed_at: datetime | None = None
