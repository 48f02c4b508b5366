"""Console pages: notification channels."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer
from pantau.audit.services import Actor
from pantau.errors import PantauError
from pantau.notifications.models import NotificationChannel
from pantau.notifications.services import ChannelInput, ChannelService, alert_kinds
from pantau.policy import MANAGERS
from pantau.reference.services import ReferenceService
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render

router = APIRouter()


def _service(request: Request, db: Session) -> ChannelService:
    return ChannelService(db, settings=request.app.state.settings, cipher=request.app.state.cipher)


NAV = [NavItem("/console/notifications", "Notifications", MANAGERS)]


# --- console -----------------------------------------------------------------------------------
def _page(
    request: Request,
    db: Session,
    *,
    status_code: int = 200,
    error: str | None = None,
    created: NotificationChannel | None = None,
    secret: str | None = None,
    form: dict[str, object] | None = None,
) -> Response:
    service = _service(request, db)
    channels = service.channels()
    deliveries = {c.id: service.deliveries(c.id, limit=10) for c in channels}
    return render(
        request,
        "notifications/channels.html",
        status_code=status_code,
        channels=channels,
        deliveries=deliveries,
        offices=ReferenceService(db).offices(),
        alert_kinds=alert_kinds(),
        error=error,
        created=created,
        secret=secret,
        form=form or {},
    )


@router.get("/console/notifications", response_class=HTMLResponse, include_in_schema=False)
def channels_page(request: Request, db: SessionDep, manager: Caller) -> Response:
    return _page(request, db)


@router.post("/console/notifications", response_class=HTMLResponse, include_in_schema=False)
def channels_create(
    request: Request,
    db: SessionDep,
    manager: Caller,
    office: Annotated[str, Form(max_length=8)],
    kind: Annotated[str, Form(max_length=8)],
    target: Annotated[str, Form(max_length=2000)],
    name: Annotated[str, Form(max_length=200)] = "",
    min_severity: Annotated[str, Form(max_length=8)] = "medium",
    kinds: Annotated[list[str] | None, Form()] = None,
) -> Response:
    data = ChannelInput(office, name, kind, target, min_severity, kinds or [])
    try:
        channel, secret = _service(request, db).create(
            data, officer=manager, actor=actor_of(request, manager)
        )
    except PantauError as exc:
        db.rollback()
        return _page(
            request,
            db,
            status_code=exc.status,
            error=exc.message(page_language(request)),
            form={"office": office, "kind": kind, "target": target, "name": name},
        )
    return _page(request, db, status_code=201, created=channel, secret=secret)


def _channel_change(
    request: Request,
    db: SessionDep,
    manager: Officer,
    change: Callable[[ChannelService, Actor], Response | None],
) -> Response:
    service = _service(request, db)
    try:
        page = change(service, actor_of(request, manager))
    except PantauError as exc:
        db.rollback()
        return _page(request, db, status_code=exc.status, error=exc.message(page_language(request)))
    return page or RedirectResponse("/console/notifications", status_code=303)


@router.post("/console/notifications/{channel_id}/enable", include_in_schema=False)
def channel_enable(
    request: Request, channel_id: uuid.UUID, db: SessionDep, manager: Caller
) -> Response:
    def enable(service: ChannelService, actor: Actor) -> None:
        service.update(channel_id, actor=actor, enabled=True)

    return _channel_change(request, db, manager, enable)


@router.post("/console/notifications/{channel_id}/disable", include_in_schema=False)
def channel_disable(
    request: Request, channel_id: uuid.UUID, db: SessionDep, manager: Caller
) -> Response:
    def disable(service: ChannelService, actor: Actor) -> None:
        service.update(channel_id, actor=actor, enabled=False)

    return _channel_change(request, db, manager, disable)


@router.post("/console/notifications/{channel_id}/rotate-secret", include_in_schema=False)
def channel_rotate_secret(
    request: Request, channel_id: uuid.UUID, db: SessionDep, manager: Caller
) -> Response:
    def rotate(service: ChannelService, actor: Actor) -> Response:
        channel, secret = service.rotate_secret(channel_id, actor=actor)
        return _page(request, db, created=channel, secret=secret)

    return _channel_change(request, db, manager, rotate)
