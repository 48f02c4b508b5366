"""`GET /healthz`: 200 when the database answers, 503 when it does not (for load balancers)."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from pantau import __version__
from pantau.db import database_answers

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz(request: Request) -> JSONResponse:
    started = time.perf_counter()
    ok = await run_in_threadpool(database_answers, request.app.state.engine)
    body = {
        "status": "ok" if ok else "unavailable",
        "database": "ok" if ok else "unreachable",
        "version": __version__,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
    return JSONResponse(body, status_code=200 if ok else 503)
