"""Schemathesis against the app's own OpenAPI document, signed in with a bearer token: no input the
document allows (or that breaks it: NUL bytes, huge numbers, wrong types, missing fields) may get a
5xx, and every answer must match what the document declares for it (status code, error envelope,
response schema). Bounded: a few examples per operation (PANTAU_FUZZ_EXAMPLES, default 12), on the
embedded server only, so CI spends about a minute; set PANTAU_FUZZ_EXAMPLES=200 for a deeper run.

Found by this fuzzing (issue #12) and fixed: a NUL byte in any text reached PostgreSQL (500), a huge
`since` overflowed bigint (500), 422 answers did not have the declared shape, and 401/403/404/409/
413/429 were sent without being declared."""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import PASSWORD, make_account

MAX_EXAMPLES = int(os.environ.get("PANTAU_FUZZ_EXAMPLES", "12"))
# Sign-in hashes a password (argon2, ~1 s a try) and the maps are megabytes: fewer examples.
SLOW = {
    "/api/v1/auth/token": 3,
    "/api/v1/auth/device-token": 3,
    "/api/v1/map/regions.geojson": 1,
    "/api/v1/map/provinces.geojson": 1,
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_api_fuzz(server, app_client, accounts):
    if server.name != "embedded":  # the API is the same on both; once is enough for CI's time
        pytest.skip("fuzzed on the embedded server only")
    acc = make_account(accounts, "fuzz.ngr", role="supervisor", office="NGR")
    token = app_client.post(
        "/api/v1/auth/token",
        data={"username": "fuzz.ngr", "password": PASSWORD, "otp": acc.code()},
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app_client.app)
    failures: list[str] = []
    client = asgi.get_client(app_client.app).__enter__()  # one in-process client for all calls
    started = time.monotonic()
    count = 0
    timings: list[tuple[float, str]] = []
    only = os.environ.get("PANTAU_FUZZ_ONLY")  # a path fragment, to fuzz one operation
    for result in schema.get_all_operations():
        op = result.ok()
        if only and only not in op.path:
            continue
        if op.path in ("/api/v1/auth/logout",):
            continue  # would end the token the other operations use

        @settings(
            max_examples=SLOW.get(op.path, MAX_EXAMPLES),
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy())
        def run(case):
            nonlocal count
            count += 1
            # The first map answer builds its geometry (seconds on a busy machine), then it is cached.
            response = case.call(session=client, headers=headers, timeout=120)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except BaseException as failure:  # collect all (FailureGroup), report at the end
                what = str(failure)[:600]
                failures.append(f"{case.operation.method.upper()} {case.operation.path}: {what}")
                raise

        t0 = time.monotonic()
        try:
            run()
        except Unsatisfiable:
            pass
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            inner = getattr(exc, "exceptions", None)
            if inner:
                exc = inner[0]
            if not failures or not failures[-1].startswith(f"{op.method.upper()} {op.path}:"):
                failures.append(f"{op.method.upper()} {op.path}: {type(exc).__name__}: {exc}"[:800])
        timings.append((round(time.monotonic() - t0, 1), op.path))
    print("slowest operations (s):", sorted(timings, reverse=True)[:5])
    print(f"{count} requests in {time.monotonic() - started:.1f} s")
    assert failures == [], "\n\n".join(failures)
