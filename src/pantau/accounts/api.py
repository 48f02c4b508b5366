"""Sign-in tokens and accounts over the API (/api/v1/auth, /api/v1/users)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from pantau.accounts.models import Officer, Role
from pantau.accounts.schemas import OfficerCreate, OfficerCreated, OfficerPublic, TokenPublic
from pantau.accounts.services import AccountService
from pantau.errors import PantauError
from pantau.web import (
    AccountsDep,
    Caller,
    CurrentOfficer,
    actor_of,
    api_language,
    client_origin,
)

router = APIRouter()


ALL_ROLES = frozenset(Role)


# --- API --------------------------------------------------------------------------------------
def _token_for(
    request: Request, accounts: AccountService, kind: str, username: str, password: str, otp: str
) -> TokenPublic | JSONResponse:
    origin = client_origin(request)
    try:
        officer = accounts.authenticate(username, password, otp, origin=origin)
    except PantauError as exc:
        # Returned, not raised, so that the failure count and the audit event are committed.
        return JSONResponse(
            {"detail": exc.as_dict(api_language(request))},
            status_code=exc.status,
            headers=exc.headers(),
        )
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
def list_users(admin: Caller, accounts: AccountsDep) -> list[Officer]:
    return accounts.list()


@router.post("/api/v1/users", response_model=OfficerCreated, status_code=201, tags=["accounts"])
def create_user(
    request: Request, body: OfficerCreate, admin: Caller, accounts: AccountsDep
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
def disable_user(request: Request, username: str, admin: Caller, accounts: AccountsDep) -> Officer:
    return accounts.disable(username, actor=actor_of(request, admin))
