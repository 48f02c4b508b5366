"""Console page: the signing keys (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau.accounts.models import Officer, Role
from pantau.db import utcnow
from pantau.stickers.keys import KeyService
from pantau.web import NavItem, SessionDep, actor_of, render, require_roles

router = APIRouter(include_in_schema=False)
NAV = [NavItem("/console/keys", "Signing keys", frozenset({Role.ADMIN}))]


AdminPage = Annotated[Officer, Depends(require_roles(Role.ADMIN, api=False))]


@router.get("/console/keys", response_class=HTMLResponse)
def keys_page(request: Request, db: SessionDep, admin: AdminPage) -> Response:
    return render(
        request,
        "people/keys.html",
        keys=KeyService(db, cipher=request.app.state.cipher).list(),
        now=utcnow(),
    )


@router.post("/console/keys/{code}/rotate")
def keys_rotate(request: Request, code: str, db: SessionDep, admin: AdminPage) -> Response:
    KeyService(db, cipher=request.app.state.cipher).rotate(
        code.upper(), actor=actor_of(request, admin)
    )
    return RedirectResponse("/console/keys", status_code=303)
