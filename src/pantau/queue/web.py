"""What the queue's pages and API share: building services, rate limits, the device cookie and the
signed cookie that lets a citizen manage their booking."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from pantau import ratelimit, wiring
from pantau.audit.services import Actor
from pantau.config import Settings
from pantau.queue.booking.services import BookingService
from pantau.queue.desk.services import DeskService
from pantau.queue.settings import QueueSettings
from pantau.web import client_origin, commit_step

DEVICE_COOKIE = "appapo_device"
BOOKING_COOKIE = "appapo_booking"
BOOKING_COOKIE_SECONDS = 30 * 60


def queue_settings(request: Request) -> QueueSettings:
    """Read once per app; tests may put their own on app.state."""
    state = request.app.state
    if not hasattr(state, "queue_settings"):
        state.queue_settings = QueueSettings()
    qs: QueueSettings = state.queue_settings
    return qs


def public_actor(request: Request) -> Actor:
    return Actor("public", origin=client_origin(request))


def booking_service(request: Request, db: Session, actor: Actor | None = None) -> BookingService:
    return wiring.booking_service(
        db, request.app.state.cipher, queue_settings(request), actor or public_actor(request)
    )


def desk_service(request: Request, db: Session, actor: Actor) -> DeskService:
    return wiring.desk_service(db, request.app.state.cipher, actor)


def device_id(request: Request) -> str | None:
    return request.cookies.get(DEVICE_COOKIE) or request.headers.get("x-device-id")


def ensure_device_cookie(request: Request, response: Response) -> None:
    if request.cookies.get(DEVICE_COOKIE) is None:
        settings: Settings = request.app.state.settings
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            max_age=365 * 86400,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
        )


def limit(request: Request, db: Session, *, nik: str | None = None) -> None:
    """Count this attempt per address, device and NIK, and commit the counts at once, before the
    work and on the request's own connection: a refused request (wrong NIK, full session) must
    still count, or a script could probe for free; and the counters' rows are locked only for this
    short step, not while the request works."""
    cipher = request.app.state.cipher
    qs = queue_settings(request)

    def key(kind: str, value: str) -> str:
        return f"queue:{kind}:{cipher.lookup_hash(value, 'ratelimit-' + kind).hex()[:40]}"

    try:
        ratelimit.check(db, key("addr", client_origin(request) or "-"), qs.address_limit)
        if dev := device_id(request):
            ratelimit.check(db, key("dev", dev), qs.device_limit)
        if nik:
            ratelimit.check(db, key("nik", "".join(nik.split())), qs.nik_limit)
    finally:
        commit_step(db)


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:32]


def set_booking_cookie(request: Request, response: Response, booking_id: uuid.UUID) -> None:
    settings: Settings = request.app.state.settings
    payload = f"{booking_id}.{int(time.time()) + BOOKING_COOKIE_SECONDS}"
    response.set_cookie(
        BOOKING_COOKIE,
        f"{payload}.{_sign(settings.secret_key, payload)}",
        max_age=BOOKING_COOKIE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/antrean",
    )


def booking_from_cookie(request: Request) -> uuid.UUID | None:
    settings: Settings = request.app.state.settings
    raw = request.cookies.get(BOOKING_COOKIE, "")
    parts = raw.split(".")
    if len(parts) != 3:
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _sign(settings.secret_key, payload)):
        return None
    if not parts[1].isdigit() or int(parts[1]) < time.time():
        return None
    try:
        return uuid.UUID(parts[0])
    except ValueError:
        return None


def production(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return settings.environment == "production"


def form_state(**kw: Any) -> dict[str, Any]:
    return {k: ("" if v is None else v) for k, v in kw.items()}
