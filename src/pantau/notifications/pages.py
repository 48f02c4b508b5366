"""Console pages: notification channels."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

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


@router.post("/console/notifications/{channel_id}/{action}", include_in_schema=False)
def channels_act(
    request: Request,
    channel_id: uuid.UUID,
    action: str,
    db: SessionDep,
    manager: Caller,
) -> Response:
    service = _service(request, db)
    actor = actor_of(request, manager)
    try:
        if action in ("enable", "disable"):
            service.update(channel_id, actor=actor, enabled=action == "enable")
        elif action == "rotate-secret":
            channel, secret = service.rotate_secret(channel_id, actor=actor)
            return _page(request, db, created=channel, secret=secret)
        else:
            raise PantauError(
                "bad_action",
                "Action is enable, disable or rotate-secret.",
                "Tindakan: enable, disable, atau rotate-secret.",
            )
    except PantauError as exc:
        db.rollback()
        return _page(request, db, status_code=exc.status, error=exc.message(page_language(request)))
    return RedirectResponse("/console/notifications", status_code=303)
