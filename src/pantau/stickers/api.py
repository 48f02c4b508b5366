"""Published documents for scanners (trust list, status list), sticker images and labels, and what
each role may see about a scanned sticker."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response

from pantau import scoped
from pantau.accounts.models import Role
from pantau.audit.services import record_event
from pantau.db import utcnow
from pantau.errors import NotFound
from pantau.policy import STAFF, person_in_scope
from pantau.scans.services import scans_of_person
from pantau.stickers import published, render
from pantau.stickers.keys import KeyService
from pantau.stickers.services import StickerService
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter(tags=["stickers"])


def keys(request: Request, db: SessionDep) -> KeyService:
    return KeyService(db, cipher=request.app.state.cipher)


KeysDep = Annotated[KeyService, Depends(keys)]


# The public documents answer 304 to a matching If-None-Match (docs/sticker-format.md section 11).
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the ETag in If-None-Match is current."}
}
IfNoneMatch = Annotated[
    str | None, Header(description="An ETag from an earlier answer: 304 while it is current.")
]


@router.get("/api/v1/trust-list", responses=NOT_MODIFIED)
def trust_list(keys: KeysDep, if_none_match: IfNoneMatch = None) -> Response:
    """Signer certificates with their kid, signed by the national root (docs/sticker-format.md).
    Public, no account needed; ETag / If-None-Match (304) and max-age for cheap polling."""
    payload = keys.trust_payload(published.period_start())
    return published.signed_document(
        if_none_match, payload, keys.seal, max_age=published.TRUST_MAX_AGE
    )


@router.get("/api/v1/trust-list/root", response_class=Response, responses=NOT_MODIFIED)
def trust_root(keys: KeysDep, if_none_match: IfNoneMatch = None) -> Response:
    """The national root certificate (PEM) that scanners pin. Public by design."""
    pem = keys.root_cert().public_bytes(serialization.Encoding.PEM)
    return published.static_document(
        if_none_match, pem, "application/x-pem-file", max_age=published.ROOT_MAX_AGE
    )


@router.get("/api/v1/status-list", responses=NOT_MODIFIED)
def status_list(
    keys: KeysDep,
    since: Annotated[int, Query(ge=0)] = 0,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Revoked stickers and moved last days after version `since`, signed by the root. Public (random
    serials only); ETag / If-None-Match (304) and max-age for cheap polling."""
    payload = keys.status_payload(since, issued_at=published.period_start())
    return published.signed_document(
        if_none_match, payload, keys.seal, max_age=published.STATUS_MAX_AGE
    )


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
def sticker_image(serial: str, fmt: str, db: SessionDep, officer: Caller) -> Response:
    """The sticker as `svg`, `png` or a printable `pdf` label (your office's people's)."""
    sticker = scoped.sticker(db, officer, serial)
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
    stickers = StickerService(db)
    sticker = scoped.holder_sticker(db, serial)
    view = stickers.view(sticker, role=scanner.role, cipher=request.app.state.cipher)
    if scanner.role is Role.ACCOMMODATION:
        return view
    person_id = sticker.stay.person_id
    if scanner.role in STAFF and person_in_scope(db, scanner, person_id):
        rows = scans_of_person(db, person_id, since=utcnow() - timedelta(days=30), limit=20)
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
        target=f"person:{person_id}",
        details={"serial": sticker.serial, "role": scanner.role.value},
    )
    return view
