"""Offices and checkpoints: public read API, and an administrator's editing page."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from pantau.reference.services import ReferenceService
from pantau.web import CurrentOfficer, SessionDep

router = APIRouter()


class OfficePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    kind: str
    lat: float | None
    lon: float | None
    zone: str
    working_area: list[str]


class CheckpointPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    kind: str
    lat: float
    lon: float
    zone: str
    office_code: str


@router.get("/api/v1/offices", response_model=list[OfficePublic], tags=["reference"])
def list_offices(db: SessionDep, officer: CurrentOfficer) -> list[object]:
    return list(ReferenceService(db).offices())


@router.get("/api/v1/checkpoints", response_model=list[CheckpointPublic], tags=["reference"])
def list_checkpoints(db: SessionDep, officer: CurrentOfficer) -> list[object]:
    return list(ReferenceService(db).checkpoints())
