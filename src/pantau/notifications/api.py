"""Notification channels: the API (`/api/v1/notification-channels`) and the console page where
administrators add e-mail addresses and webhooks for an office and see failed deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from pantau.notifications.models import NotificationChannel
from pantau.notifications.services import ChannelInput, ChannelService
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter()


def _service(request: Request, db: Session) -> ChannelService:
    return ChannelService(db, settings=request.app.state.settings, cipher=request.app.state.cipher)


class ChannelCreate(BaseModel):
    office: str = Field(max_length=8)
    name: str = Field("", max_length=200)
    kind: str = Field(description="email or webhook")
    target: str = Field(max_length=2000, description="the e-mail address or the webhook URL")
    min_severity: str = "medium"
    kinds: list[str] = Field(default_factory=list, description="alert kinds; empty = all")
    enabled: bool = True


class ChannelUpdate(BaseModel):
    enabled: bool | None = None
    min_severity: str | None = None
    kinds: list[str] | None = None


class ChannelPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    office_code: str
    name: str
    kind: str
    target: str
    min_severity: str
    kinds: list[str]
    enabled: bool
    created_at: datetime
    updated_at: datetime


class ChannelCreated(ChannelPublic):
    secret: str | None = Field(
        None, description="The webhook signing secret, shown only in this answer."
    )


class DeliveryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    alert_id: uuid.UUID
    event: str
    severity: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    last_attempt_at: datetime | None
    sent_at: datetime | None


def _created(channel: NotificationChannel, secret: str | None) -> ChannelCreated:
    public = ChannelPublic.model_validate(channel)
    return ChannelCreated(**public.model_dump(), secret=secret)


@router.get(
    "/api/v1/notification-channels", response_model=list[ChannelPublic], tags=["notifications"]
)
def list_channels(
    request: Request,
    db: SessionDep,
    manager: Caller,
    office: Annotated[str | None, Query(max_length=8)] = None,
) -> list[NotificationChannel]:
    return _service(request, db).channels(office)


@router.post(
    "/api/v1/notification-channels",
    response_model=ChannelCreated,
    status_code=201,
    tags=["notifications"],
)
def create_channel(
    request: Request, body: ChannelCreate, db: SessionDep, manager: Caller
) -> ChannelCreated:
    """An e-mail address or a webhook for an office's alerts. A webhook's signing secret is made
    by Pantau and returned in this answer only."""
    channel, secret = _service(request, db).create(
        ChannelInput(**body.model_dump()), officer=manager, actor=actor_of(request, manager)
    )
    return _created(channel, secret)


@router.patch(
    "/api/v1/notification-channels/{channel_id}",
    response_model=ChannelPublic,
    tags=["notifications"],
)
def update_channel(
    request: Request,
    channel_id: uuid.UUID,
    body: ChannelUpdate,
    db: SessionDep,
    manager: Caller,
) -> NotificationChannel:
    return _service(request, db).update(
        channel_id, actor=actor_of(request, manager), **body.model_dump(exclude_none=True)
    )


@router.post(
    "/api/v1/notification-channels/{channel_id}/rotate-secret",
    response_model=ChannelCreated,
    tags=["notifications"],
)
def rotate_secret(
    request: Request, channel_id: uuid.UUID, db: SessionDep, manager: Caller
) -> ChannelCreated:
    """A new signing secret (the old one stops working at once), returned this once."""
    channel, secret = _service(request, db).rotate_secret(
        channel_id, actor=actor_of(request, manager)
    )
    return _created(channel, secret)


@router.get(
    "/api/v1/notification-channels/{channel_id}/deliveries",
    response_model=list[DeliveryPublic],
    tags=["notifications"],
)
def list_deliveries(
    request: Request,
    channel_id: uuid.UUID,
    db: SessionDep,
    manager: Caller,
) -> list[object]:
    """The channel's latest deliveries: sent, pending (with the last failure) or failed."""
    service = _service(request, db)
    service.get(channel_id)
    return list(service.deliveries(channel_id))
