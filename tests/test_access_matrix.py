"""Every route x role x office against the policy table (pantau/policy.py, docs/access.md).

The routes come from the app itself, so a new route without a declared policy fails
`test_every_route_declares_a_policy`. Each cell is one request through the whole app, inside a
savepoint rolled back after it, as anonymous or as an account of NGR (or the data centre), on
NGR's objects (own office) and, for routes naming an office's object in their path, on Medan's
(another office); public routes are called signed out only. Requests carry no body: an allowed cell may answer 422 or 409, never 401/403,
and never 404 for an office's object it may reach; a refused cell answers 401 (or the sign-in
redirect), 403, or 404 for another office's object. No cell may answer 5xx."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute

from pantau.accounts.models import Role
from pantau.policy import POLICIES, Policy, Scope, is_national
from tests.world import Login, Office, World, build_world

# Path parameters that name one office's object: filled with NGR's or MDN's.
OFFICE_BOUND = {"stay_id", "person_id", "case_id", "action_id", "alert_id", "op_id", "serial"}
VERBS = {
    ("decision", ""): "reject",
    ("action", "/alerts/"): "acknowledge",
    ("action", "/notifications/"): "disable",
    ("what", "/cases/"): "note",
    ("what", "/operations/"): "add",
    ("fmt", ""): "svg",
}


def walk(routes: list, prefix: str = "") -> Iterator[APIRoute]:
    """The app's routes; included routers are walked (FastAPI keeps them nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from walk(route.original_router.routes, prefix + route.include_context.prefix)


def declared(app) -> set[str]:
    return {
        f"{method} {route.path}"
        for route in walk(app.routes)
        for method in route.methods
        if method != "HEAD"
    }


def test_every_route_declares_a_policy(app_client):
    routes = declared(app_client.app)
    missing = sorted(routes - POLICIES.keys())
    stale = sorted(POLICIES.keys() - routes)
    assert not missing, f"routes without a policy in pantau/policy.py: {missing}"
    assert not stale, f"policies for routes that do not exist: {stale}"


@dataclass(frozen=True)
class Caller:
    name: str
    login: Login | None

    @property
    def role(self) -> Role | None:
        return self.login.officer.role if self.login else None


def _fill(path: str, office: Office, world: World) -> str:
    own = world["NGR"]

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        for (param, within), verb in VERBS.items():
            if name == param and within in path:
                return verb
        objects = {
            "stay_id": office.stay.id,
            "person_id": office.person_id,
            "case_id": office.case.id,
            "action_id": office.action.id,
            "alert_id": office.alert.id,
            "op_id": office.operation.id,
            "serial": office.sticker.serial,
            "photo_id": office.photo.id,
            "username": "officer2.mdn",
            "booking_id": "0193a0a0-0000-7000-8000-000000000000",
            "channel_id": "0193a0a0-0000-7000-8000-000000000001",
            "zone_id": "0193a0a0-0000-7000-8000-000000000002",
            "scale": "110m",
        }
        if name in objects:
            return str(objects[name])
        if name == "code":
            return {
                "/lang/": "en",
                "/lapor/": own.report.tracking_code,
                "/keys/": "DPS",
            }.get(next((k for k in ("/lang/", "/lapor/", "/keys/") if k in path), ""), "NGR")
        raise AssertionError(f"no value for the path parameter {name!r} in {path}")

    return re.sub(r"{(\w+)}", value, path)


def _allowed(policy: Policy, caller: Caller, bound: bool, other: bool) -> bool:
    if policy.public:
        return True
    if caller.login is None or caller.role not in policy.roles:
        return False
    if not (bound and other) or policy.scope in (Scope.HOLDER, Scope.PURPOSE, Scope.NATIONAL):
        return True
    return is_national(caller.login.officer)


def _verdict(status: int, location: str, allowed: bool, policy: Policy, bound: bool) -> bool:
    if status >= 500:
        return False
    refused = status in (401, 403, 404) or (status in (302, 303) and "/login" in location)
    if allowed:
        if policy.public:  # wrong credentials on the sign-in routes answer 401: still allowed
            return not (status in (302, 303) and "/login?next=" in location)
        return not refused if bound else status not in (401, 403)
    return refused


def test_every_route_answers_as_its_policy_says(app_client, db, accounts, cipher, connection):
    world = build_world(db, accounts, cipher)
    ngr = world["NGR"]
    callers = [
        Caller("anonymous", None),
        Caller("admin", world.national["admin"]),
        Caller("supervisor (data centre)", world.national["supervisor"]),
        Caller("supervisor (NGR)", ngr.logins["supervisor"]),
        Caller("officer (NGR)", ngr.logins["officer"]),
        Caller("partner (NGR)", ngr.logins["partner"]),
        Caller("accommodation (NGR)", ngr.logins["accommodation"]),
    ]
    db.commit()  # the world is visible to the app's sessions (a savepoint of the test's transaction)
    wrong: list[str] = []
    cells = 0
    for route in sorted(walk(app_client.app.routes), key=lambda r: r.path):
        for method in sorted(route.methods - {"HEAD"}):
            policy = POLICIES[f"{method} {route.path}"]
            params = set(re.findall(r"{(\w+)}", route.path))
            bound = bool(params & OFFICE_BOUND)
            targets = [("own", ngr), ("other", world["MDN"])] if bound else [("own", ngr)]
            # A public route looks at no account: called once, signed out.
            for caller in callers[:1] if policy.public else callers:
                for which, office in targets:
                    url = _fill(route.path, office, world)
                    cells += 1
                    status, location = _call(app_client, connection, method, url, caller)
                    allowed = _allowed(policy, caller, bound, which == "other")
                    if not _verdict(status, location, allowed, policy, bound):
                        wrong.append(
                            f"{method} {url} as {caller.name} ({which} office): {status} "
                            f"{location if status >= 500 else ''}, "
                            f"policy {policy.scope.value} {sorted(r.value for r in policy.roles)}"
                            f" -> {'allowed' if allowed else 'refused'}"
                        )
    assert cells > 700
    assert not wrong, "\n".join(wrong)


def _call(client, connection, method: str, url: str, caller: Caller) -> tuple[int, str]:
    client.cookies.clear()
    headers: dict[str, str] = {}
    if caller.login is not None:
        if url.startswith("/api/"):
            headers = dict(caller.login.bearer)
        else:
            client.cookies.set("pantau_session", caller.login.cookie)
            headers = {"X-CSRF-Token": caller.login.csrf}
    savepoint = connection.begin_nested()
    try:
        res = client.request(method, url, headers=headers, follow_redirects=False)
    except Exception as exc:  # the test client re-raises what the app did not handle: a 500
        return 500, repr(exc)[:200]
    finally:
        savepoint.rollback()
    if res.status_code == 403 and any(m in res.text for m in FOUR_EYES):
        # The route let the caller in; the TAK service's four-eyes rule then said no (an officer
        # or admin deciding, the proposer deciding): a business refusal, counted as reached.
        return 409, ""
    return res.status_code, res.headers.get("location", "")


# What ActionService.decide answers to a staff member who may call the route but not decide.
FOUR_EYES = (
    '"supervisor_required"',
    '"four_eyes"',
    "Hanya supervisor kantor ini atau pusat",
    "Tindakan ini harus disetujui petugas kedua",
    "Only a supervisor of the office or of the national centre",
    "A second officer must approve this action",
)


@pytest.mark.parametrize(
    ("role", "office", "national"),
    [
        ("admin", "NGR", True),
        ("admin", "PST", True),
        ("supervisor", "PST", True),
        ("supervisor", "NGR", False),
        ("officer", "PST", False),
        ("partner", "PST", False),
    ],
)
def test_who_is_national(accounts, role, office, national):
    from tests.world import login

    assert is_national(login(accounts, f"n.{role}.{office}".lower(), role, office).officer) is (
        national
    )
