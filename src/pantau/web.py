"""Shared web plumbing: dependencies as Annotated aliases, page rendering, navigation, CSRF."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer, OfficerSession, Role
from pantau.accounts.services import AccountService
from pantau.audit.services import Actor
from pantau.config import Settings
from pantau.errors import PantauError
from pantau.i18n import LANGUAGE_NAMES, pick_language, translator
from pantau.policy import Policy, policy_for

SESSION_COOKIE = "pantau_session"
LANG_COOKIE = "lang"


@dataclass(frozen=True, slots=True)
class NavItem:
    path: str
    label: str  # English msgid, translated when drawn
    roles: frozenset[Role]


# Console navigation; domain packages add their entries in their `pages.py` at import time of the
# app factory (create_app), in the order they are registered.
@dataclass(frozen=True, slots=True)
class Viewer:
    """What pages show of the signed-in account, copied while the database session is open (an
    error page is drawn after the transaction was rolled back, when ORM objects are expired)."""

    id: uuid.UUID
    username: str
    full_name: str
    role: Role
    office_code: str
    office_name: str
    csrf_token: str

    @classmethod
    def of(cls, row: OfficerSession) -> Viewer:
        o = row.officer
        return cls(
            o.id, o.username, o.full_name, o.role, o.office_code, o.office.name, row.csrf_token
        )


def nav_for(request: Request, officer: Viewer | None) -> list[NavItem]:
    items: list[NavItem] = request.app.state.nav
    if officer is None:
        return []
    return [i for i in items if officer.role in i.roles]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent (scope="function"), so
    that whatever a response acknowledges is durable. An error rolls it back - except a PantauError
    marked `keep_changes` (a refused entry is itself a record that must stay).

    The request holds one connection from here to the end, also across a step committed before the
    work (rate-limit counts, proof-of-work marks: `commit_step`): a pool sized to the server's
    concurrency then always has a connection for it, and none is taken twice."""
    factory = request.app.state.session_factory
    bind = factory.kw.get("bind")
    with ExitStack() as stack:
        if isinstance(bind, Engine):
            session = stack.enter_context(factory(bind=stack.enter_context(bind.connect())))
        else:  # tests bind the factory to their own connection
            session = stack.enter_context(factory())
        session.begin()
        try:
            yield session
        except PantauError as exc:
            if exc.keep_changes:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        else:
            session.commit()


def commit_step(db: Session) -> None:
    """Commit what the request recorded so far (counts, marks) before its work starts, so that a
    failing request cannot undo them; the request keeps its connection (get_db)."""
    db.commit()


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_origin(request: Request) -> str | None:
    return request.client.host if request.client else None


def account_service(request: Request, db: SessionDep) -> AccountService:
    return AccountService(db, settings=request.app.state.settings, cipher=request.app.state.cipher)


AccountsDep = Annotated[AccountService, Depends(account_service)]


def page_language(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return pick_language(request.cookies.get(LANG_COOKIE), None, settings.default_language)


def api_language(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return pick_language(
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
        settings.default_language,
    )


def _session_from_request(request: Request, accounts: AccountService) -> OfficerSession | None:
    if hasattr(request.state, "officer_session"):
        cached: OfficerSession | None = request.state.officer_session
        return cached
    row = None
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        row = accounts.resolve_session(auth[7:].strip(), kind=("api", "device"))
    elif cookie := request.cookies.get(SESSION_COOKIE):
        row = accounts.resolve_session(cookie, kind="web")
        # The browser sends a cookie by itself, also on a request another site starts: a change
        # made with it needs the page's CSRF token too (pages check it; the API in api_officer).
        request.state.by_cookie = row is not None
    request.state.officer_session = row
    request.state.viewer = Viewer.of(row) if row else None
    return row


def optional_officer(request: Request, accounts: AccountsDep) -> Officer | None:
    row = _session_from_request(request, accounts)
    return row.officer if row else None


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def declared_policy(request: Request) -> Policy | None:
    """The policy (pantau.policy.POLICIES) of the route this request matched."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return policy_for(request.method, path) if isinstance(path, str) else None


def _check_policy(request: Request, officer: Officer) -> None:
    """Refuse a role the route's policy does not name; a route with no policy refuses everyone."""
    policy = declared_policy(request)
    if policy is None:
        raise HTTPException(
            403,
            detail={
                "code": "no_policy",
                "message": "This route declares no access policy (pantau/policy.py).",
            },
        )
    if officer.role not in policy.roles:
        raise HTTPException(
            403, detail={"code": "forbidden", "message": "Your role may not do this."}
        )


class LoginRequired(Exception):
    """Raised by console dependencies; the app answers with a redirect to the sign-in page."""


def api_officer(request: Request, accounts: AccountsDep) -> Officer:
    """The JSON API's caller: a bearer token, or the console's session cookie - with the page's
    CSRF token in `X-CSRF-Token` for anything but a read (else another site's page could make a
    signed-in officer's browser post to the API)."""
    row = _session_from_request(request, accounts)
    if row is None:
        raise HTTPException(
            401,
            detail={"code": "not_signed_in", "message": "Sign in first (Bearer token)."},
            headers={"WWW-Authenticate": "Bearer"},
        )
    if getattr(request.state, "by_cookie", False) and request.method not in SAFE_METHODS:
        _check_csrf(request, row)
    _check_policy(request, row.officer)
    return row.officer


async def read_form_csrf(request: Request) -> str | None:
    """Pull the CSRF field out of a posted form (Starlette caches the parsed form for the route)."""
    if request.method in ("GET", "HEAD"):
        return None
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get("csrf_token")
        return value if isinstance(value, str) else None
    return None


def console_officer(
    request: Request,
    accounts: AccountsDep,
    form_csrf: Annotated[str | None, Depends(read_form_csrf)],
) -> Officer:
    request.state.form_csrf = form_csrf
    row = _session_from_request(request, accounts)
    if row is None:
        raise LoginRequired
    if request.method not in SAFE_METHODS and row.kind == "web":
        _check_csrf(request, row)
    _check_policy(request, row.officer)
    return row.officer


def _check_csrf(request: Request, row: OfficerSession) -> None:
    sent = request.headers.get("x-csrf-token") or getattr(request.state, "form_csrf", None)
    if not sent or not hmac.compare_digest(sent, row.csrf_token):
        raise HTTPException(
            403, detail={"code": "csrf", "message": "Form expired; reload the page."}
        )


def signed_in(
    request: Request,
    accounts: AccountsDep,
    form_csrf: Annotated[str | None, Depends(read_form_csrf)],
) -> Officer:
    """The caller, whose role the route's policy allows: of the JSON API (401 without a session)
    or of a console page (a redirect to the sign-in page), by the path."""
    if request.url.path.startswith("/api/"):
        return api_officer(request, accounts)
    return console_officer(request, accounts, form_csrf)


CurrentOfficer = Annotated[Officer, Depends(api_officer)]
ConsoleOfficer = Annotated[Officer, Depends(console_officer)]
# One alias for every route: the roles are the route's line in pantau.policy.POLICIES.
Caller = Annotated[Officer, Depends(signed_in)]
OptionalOfficer = Annotated[Officer | None, Depends(optional_officer)]


def actor_of(request: Request, officer: Officer | None) -> Actor:
    origin = client_origin(request)
    if officer is None:
        return Actor("public", origin=origin)
    return Actor(officer.username, officer.id, origin)


def render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    lang = page_language(request)
    officer: Viewer | None = getattr(request.state, "viewer", None)
    context = {
        "_": translator(lang),
        "lang": lang,
        "languages": LANGUAGE_NAMES,
        "officer": officer,
        "csrf_token": officer.csrf_token if officer else "",
        "nav": nav_for(request, officer),
        "settings": request.app.state.settings,
        **ctx,
    }
    return templates.TemplateResponse(request, template, context, status_code=status_code)
