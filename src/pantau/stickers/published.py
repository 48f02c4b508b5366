"""The public trust documents over HTTP: readable without an account (certificates and random
serials, nothing personal), cheap to poll by thousands of verifiers.

A document's `issued_at` is the start of its publication period, so that while nothing changes
every request in a period gets the same payload. Its ETag is a hash of the payload bytes: a
client that sends it back in If-None-Match gets 304 and keeps its copy, whose `issued_at` (and so
its age, which scanners check) is the same as a fresh one's. The signature is made anew for each
200 (ECDSA is randomised), hence a weak ETag: equivalent, not byte-identical, bodies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse, Response

from pantau.db import utcnow

# How long a client or a cache may reuse a document without asking again (seconds). Revocations
# reach verifiers within about this time plus their own polling interval.
TRUST_MAX_AGE = 300
STATUS_MAX_AGE = 60
ROOT_MAX_AGE = 86_400
# Length of a publication period: the payload's issued_at moves on once per period.
PERIOD_SECONDS = 600


def period_start(now: datetime | None = None) -> datetime:
    now = now or utcnow()
    stamp = int(now.timestamp()) // PERIOD_SECONDS * PERIOD_SECONDS
    return datetime.fromtimestamp(stamp, now.tzinfo)


def etag_of(body: bytes) -> str:
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison (RFC 9110 section 13.1.2): W/ prefixes do not count; * matches any."""
    if not if_none_match:
        return False
    bare = etag.removeprefix("W/")
    tags = [t.strip() for t in if_none_match.split(",")]
    return any(t == "*" or t.removeprefix("W/") == bare for t in tags)


def public_headers(etag: str, max_age: int) -> dict[str, str]:
    return {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}",
        # Any web page may read these documents (a third party's verifier): they are public.
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag",
    }


def signed_document(
    if_none_match: str | None,
    payload: dict[str, Any],
    seal: Callable[[dict[str, Any]], dict[str, str]],
    *,
    max_age: int,
) -> Response:
    """200 with the sealed payload, or 304 when the client's ETag is the payload's."""
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = public_headers(etag_of(raw), max_age)
    if _matches(if_none_match, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return JSONResponse(seal(payload), headers=headers)


def static_document(
    if_none_match: str | None, body: bytes, media_type: str, *, max_age: int
) -> Response:
    headers = public_headers(etag_of(body), max_age)
    if _matches(if_none_match, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
