"""Sign-in and sign-out (web and API), the console home, and account administration."""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pantau.accounts.models import Officer, Role
from pantau.accounts.schemas import OfficerCreate, OfficerCreated, OfficerPublic, TokenPublic
from pantau.accounts.services import AccountService
from pantau.errors import PantauError
from pantau.i18n import LANGUAGES
from pantau.reference.services import ReferenceService
from pantau.web import (
    LANG_COOKIE,
    SESSION_COOKIE,
    AccountsDep,
    ConsoleOfficer,
    CurrentOfficer,
    NavItem,
    SettingsDep,
    actor_of,
    api_language,
    client_origin,
    page_language,
    render,
    require_roles,
)

router = APIRouter()
ALL_ROLES = frozenset(Role)
NAV = [NavItem("/console/users", "Accounts", frozenset({Role.ADMIN}))]
AdminApi = Annotated[Officer, Depends(require_roles(Role.ADMIN))]
AdminPage = Annotated[Officer, Depends(require_roles(Role.ADMIN, api=False))]


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
        return render(
            request,
            "login.html",
            status_code=exc.status,
            next=_safe_next(next),
            username=username,
            error=exc.message(page_language(request)),
        )
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
def console_home(request: Request, officer: ConsoleOfficer) -> Response:
    return render(request, "console_home.html")


# --- API --------------------------------------------------------------------------------------
def _token_for(
    request: Request, accounts: AccountService, kind: str, username: str, password: str, otp: str
) -> TokenPublic | JSONResponse:
    origin = client_origin(request)
    try:
        officer = accounts.authenticate(username, password, otp, origin=origin)
    except PantauError as exc:
        # Returned, not raised, so that the failure count and the audit event are committed.
        return JSONResponse({"detail": exc.as_dict(api_language(request))}, status_code=exc.status)
    token, row = accounts.start_session(
        officer, kind=kind, origin=origin, user_agent=request.headers.get("user-agent")
    )
    return TokenPublic(
        access_token=token,
        expires_at=row.expires_at,
        role=officer.role.value,
        username=officer.username,
        office=officer.office_code,
    )


@router.post("/api/v1/auth/token", response_model=TokenPublic, tags=["auth"])
def issue_token(
    request: Request,
    accounts: AccountsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    otp: Annotated[str, Form(max_length=16)] = "",
) -> TokenPublic | JSONResponse:
    """Exchange username, password and one-time code for a bearer token (OAuth2 password style)."""
    return _token_for(request, accounts, "api", username, password, otp)


@router.post("/api/v1/auth/device-token", response_model=TokenPublic, tags=["auth"])
def issue_device_token(
    request: Request,
    accounts: AccountsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    otp: Annotated[str, Form(max_length=16)] = "",
) -> TokenPublic | JSONResponse:
    """A long-lived token for a scanner phone, which must keep working offline between syncs
    (PANTAU_DEVICE_TOKEN_DAYS). Disabling the account ends it like any other session."""
    return _token_for(request, accounts, "device", username, password, otp)


@router.post("/api/v1/auth/logout", status_code=204, tags=["auth"])
def revoke_token(request: Request, officer: CurrentOfficer, accounts: AccountsDep) -> Response:
    auth = request.headers.get("authorization", "")
    accounts.end_session(auth[7:].strip(), actor=actor_of(request, officer))
    return Response(status_code=204)


@router.get("/api/v1/auth/me", response_model=OfficerPublic, tags=["auth"])
def whoami(officer: CurrentOfficer) -> Officer:
    return officer


@router.get("/api/v1/users", response_model=list[OfficerPublic], tags=["accounts"])
def list_users(admin: AdminApi, accounts: AccountsDep) -> list[Officer]:
    return accounts.list()


@router.post("/api/v1/users", response_model=OfficerCreated, status_code=201, tags=["accounts"])
def create_user(
    request: Request, body: OfficerCreate, admin: AdminApi, accounts: AccountsDep
) -> OfficerCreated:
    new = accounts.create(
        username=body.username,
        password=body.password,
        role=body.role,
        office_code=body.office,
        full_name=body.full_name,
        with_otp=body.with_otp,
        actor=actor_of(request, admin),
    )
    public = OfficerPublic.model_validate(new.officer)
    return OfficerCreated(**public.model_dump(), otpauth_uri=new.otpauth_uri)


@router.post("/api/v1/users/{username}/disable", response_model=OfficerPublic, tags=["accounts"])
def disable_user(
    request: Request, username: str, admin: AdminApi, accounts: AccountsDep
) -> Officer:
    return accounts.disable(username, actor=actor_of(request, admin))


# --- console: accounts -------------------------------------------------------------------------
@router.get("/console/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request, admin: AdminPage, accounts: AccountsDep) -> Response:
    offices = ReferenceService(accounts.session).offices()
    return render(request, "users.html", users=accounts.list(), offices=offices, roles=list(Role))


@router.post("/console/users", response_class=HTMLResponse, include_in_schema=False)
def users_create(
    request: Request,
    admin: AdminPage,
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
    request: Request, username: str, admin: AdminPage, accounts: AccountsDep
) -> Response:
    accounts.disable(username, actor=actor_of(request, admin))
    return RedirectResponse("/console/users", status_code=303)
