"""Published documents for scanners (trust list, status list), sticker images and labels, and what
each role may see about a scanned sticker."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from pantau import scoped
from pantau.accounts.models import Role
from pantau.audit.services import record_event
from pantau.db import utcnow
from pantau.errors import NotFound
from pantau.people.models import Person
from pantau.people.services import GIVEN, SURNAME
from pantau.policy import STAFF, person_in_scope
from pantau.reference.models import ZONES, Office
from pantau.scans.models import Scan
from pantau.scoped import ScopedSticker
from pantau.stickers import published, render
from pantau.stickers.keys import KeyService
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter(tags=["stickers"])


def keys(request: Request, db: SessionDep) -> KeyService:
    return KeyService(db, cipher=request.app.state.cipher)


KeysDep = Annotated[KeyService, Depends(keys)]


@router.get("/api/v1/trust-list")
def trust_list(request: Request, keys: KeysDep) -> Response:
    """Signer certificates with their kid, signed by the national root (docs/sticker-format.md).
    Public, no account needed; ETag / If-None-Match (304) and max-age for cheap polling."""
    payload = keys.trust_payload(published.period_start())
    return published.signed_document(request, payload, keys.seal, max_age=published.TRUST_MAX_AGE)


@router.get("/api/v1/trust-list/root", response_class=Response)
def trust_root(request: Request, keys: KeysDep) -> Response:
    """The national root certificate (PEM) that scanners pin. Public by design."""
    pem = keys.root_cert().public_bytes(serialization.Encoding.PEM)
    return published.static_document(
        request, pem, "application/x-pem-file", max_age=published.ROOT_MAX_AGE
    )


@router.get("/api/v1/status-list")
def status_list(
    request: Request, keys: KeysDep, since: Annotated[int, Query(ge=0)] = 0
) -> Response:
    """Revoked stickers and moved last days after version `since`, signed by the root. Public (random
    serials only); ETag / If-None-Match (304) and max-age for cheap polling."""
    payload = keys.status_payload(since, issued_at=published.period_start())
    return published.signed_document(request, payload, keys.seal, max_age=published.STATUS_MAX_AGE)


@router.get("/api/v1/stickers/sheet.pdf", response_class=Response)
def sticker_sheet(
    db: SessionDep, officer: Caller, serial: Annotated[list[str], Query(max_length=200)]
) -> Response:
    """Several labels on A4 sheets for batch printing (`?serial=...&serial=...`), of your
    office's people's stickers."""
    stickers = [scoped.sticker(db, officer, s) for s in serial]
    return Response(
        render.sheet_pdf([(s.qr_text, s.serial) for s in stickers]), media_type="application/pdf"
    )


@router.get("/api/v1/stickers/{serial}.{fmt}", response_class=Response)
def sticker_image(sticker: ScopedSticker, fmt: str, db: SessionDep, officer: Caller) -> Response:
    """The sticker as `svg`, `png` or a printable `pdf` label (your office's people's)."""
    makers = {"svg": (render.svg, "image/svg+xml"), "png": (render.png, "image/png")}
    if fmt == "pdf":
        return Response(
            render.label_pdf(sticker.qr_text, sticker.serial), media_type="application/pdf"
        )
    if fmt not in makers:
        raise NotFound("bad_format", "Use .svg, .png or .pdf.", "Gunakan .svg, .png, atau .pdf.")
    make, media = makers[fmt]
    return Response(
        make(sticker.qr_text), media_type=media, headers={"Cache-Control": "private, max-age=86400"}
    )


@router.get("/api/v1/stickers/{serial}/view")
def sticker_view(request: Request, serial: str, db: SessionDep, scanner: Caller) -> dict[str, Any]:
    """What the scanner's role may see: accommodation - validity and last day; partner - also the
    name; immigration staff - also recent movements, when the person is in their office's scope
    (pantau.policy). Reads of a person are audited."""
    sticker = scoped.holder_sticker(db, serial)
    stay = sticker.stay
    office = db.get(Office, stay.office_code)
    today = utcnow().astimezone(ZoneInfo(ZONES[office.zone if office else "WIB"])).date()
    view: dict[str, Any] = {
        "serial": sticker.serial,
        "status": sticker.status.value,
        "stay_status": stay.status.value,
        "last_day": stay.last_day.isoformat(),
        "valid": sticker.status.value == "active"
        and stay.status.value == "active"
        and today <= stay.last_day,
    }
    if scanner.role is Role.ACCOMMODATION:
        return view
    person = db.get(Person, stay.person_id)
    assert person is not None
    cipher = request.app.state.cipher
    view.update(
        nationality=person.nationality,
        permit=stay.permit.value,
        name=f"{cipher.decrypt(person.given_names, GIVEN)} {cipher.decrypt(person.surname, SURNAME)}".strip(),
        photo_ref=f"person:{person.id}",
    )
    if scanner.role in STAFF and person_in_scope(db, scanner, person.id):
        since = utcnow() - timedelta(days=30)
        rows = db.scalars(
            sa.select(Scan)
            .where(Scan.person_id == person.id, Scan.device_time >= since)
            .order_by(Scan.device_time.desc())
            .limit(20)
        )
        view["movements"] = [
            {
                "time": r.device_time.isoformat(),
                "lat": r.lat,
                "lon": r.lon,
                "kind": r.kind,
                "verdict": r.verdict,
            }
            for r in rows
        ]
    record_event(
        db,
        "stickers:person:view",
        actor=actor_of(request, scanner),
        target=f"person:{person.id}",
        details={"serial": sticker.serial, "role": scanner.role.value},
    )
    return view
