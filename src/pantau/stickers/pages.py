"""Console page: the signing keys (admin)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau.db import utcnow
from pantau.policy import ADMINS
from pantau.stickers.keys import KeyService
from pantau.web import Caller, NavItem, SessionDep, actor_of, render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("/console/keys", "Signing keys", ADMINS)]


@router.get("/console/keys", response_class=HTMLResponse)
def keys_page(request: Request, db: SessionDep, admin: Caller) -> Response:
    return render(
        request,
        "people/keys.html",
        keys=KeyService(db, cipher=request.app.state.cipher).list(),
        now=utcnow(),
    )


@router.post("/console/keys/{code}/rotate")
def keys_rotate(request: Request, code: str, db: SessionDep, admin: Caller) -> Response:
    KeyService(db, cipher=request.app.state.cipher).rotate(
        code.upper(), actor=actor_of(request, admin)
    )
    return RedirectResponse("/console/keys", status_code=303)
