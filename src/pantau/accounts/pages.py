"""Sign-in and sign-out (web and API), the console home, and account administration."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau.accounts.models import Role
from pantau.errors import PantauError
from pantau.i18n import LANGUAGES
from pantau.policy import ADMINS, break_glass_reads
from pantau.reference.services import ReferenceService
from pantau.web import (
    LANG_COOKIE,
    SESSION_COOKIE,
    AccountsDep,
    Caller,
    ConsoleOfficer,
    NavItem,
    SessionDep,
    SettingsDep,
    actor_of,
    client_origin,
    page_language,
    render,
)

router = APIRouter()
ALL_ROLES = frozenset(Role)
NAV = [NavItem("/console/users", "Accounts", ADMINS)]


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an attacker's link must not bounce a signed-in officer elsewhere."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/console"


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    return RedirectResponse("/console", status_code=303)


@router.get("/lang/{code}", include_in_schema=False)
def switch_language(code: str, settings: SettingsDep, next: str = "/") -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", secure=settings.secure_cookies
        )
    return response


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str = "/console") -> Response:
    return render(request, "login.html", next=_safe_next(next))


@router.post("/login", response_class=HTMLResponse, include_in_schema=False)
def login_submit(
    request: Request,
    accounts: AccountsDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    otp: Annotated[str, Form(max_length=16)] = "",
    next: Annotated[str, Form()] = "/console",
) -> Response:
    origin = client_origin(request)
    try:
        officer = accounts.authenticate(username, password, otp, origin=origin)
    except PantauError as exc:
        page = render(
            request,
            "login.html",
            status_code=exc.status,
            next=_safe_next(next),
            username=username,
            error=exc.message(page_language(request)),
        )
        page.headers.update(exc.headers())
        return page
    token, _row = accounts.start_session(
        officer, kind="web", origin=origin, user_agent=request.headers.get("user-agent")
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, officer: ConsoleOfficer, accounts: AccountsDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.end_session(token, actor=actor_of(request, officer))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/console", response_class=HTMLResponse, include_in_schema=False)
def console_home(request: Request, officer: ConsoleOfficer, db: SessionDep) -> Response:
    """The menu; a supervisor also sees the cross-office reads of their office's people
    (break-the-glass, docs/access.md), times in their office's zone."""
    if officer.role is not Role.SUPERVISOR:
        return render(request, "console_home.html")
    zone = ZoneInfo(officer.office.tz)
    reads = [
        {
            "when": f"{e.occurred_at.astimezone(zone):%Y-%m-%d %H:%M} {officer.office.zone}",
            "who": f"{e.actor} ({e.details.get('by_office', '')})",
            "target": e.target,
            "purpose": e.details.get("purpose", ""),
        }
        for e in break_glass_reads(db, officer)
    ]
    return render(request, "console_home.html", break_glass=reads)


# --- console: accounts -------------------------------------------------------------------------
@router.get("/console/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request, admin: Caller, accounts: AccountsDep) -> Response:
    offices = ReferenceService(accounts.session).offices()
    return render(request, "users.html", users=accounts.list(), offices=offices, roles=list(Role))


@router.post("/console/users", response_class=HTMLResponse, include_in_schema=False)
def users_create(
    request: Request,
    admin: Caller,
    accounts: AccountsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    role: Annotated[str, Form()],
    office: Annotated[str, Form(max_length=8)],
    full_name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    ctx = {"offices": ReferenceService(accounts.session).offices(), "roles": list(Role)}
    try:
        new = accounts.create(
            username=username,
            password=password,
            role=role,
            office_code=office,
            full_name=full_name,
            actor=actor_of(request, admin),
        )
    except PantauError as exc:
        return render(
            request,
            "users.html",
            status_code=exc.status,
            users=accounts.list(),
            error=exc.message(page_language(request)),
            **ctx,
        )
    qr_svg = None
    if new.otpauth_uri:
        qr_svg = segno.make(new.otpauth_uri, error="m").svg_inline(scale=4)
    return render(
        request,
        "users.html",
        status_code=201,
        users=accounts.list(),
        created=new.officer,
        otpauth_uri=new.otpauth_uri,
        qr_svg=qr_svg,
        **ctx,
    )


@router.post("/console/users/{username}/disable", include_in_schema=False)
def users_disable(
    request: Request, username: str, admin: Caller, accounts: AccountsDep
) -> Response:
    accounts.disable(username, actor=actor_of(request, admin))
    return RedirectResponse("/console/users", status_code=303)
