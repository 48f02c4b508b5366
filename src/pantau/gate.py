"""The concurrency gate: a server process works on at most `web_concurrency` requests at once.

A burst (the opening minute of a day's queue quota) must not turn into silence: requests past the
limit wait at most `web_queue_seconds` for a place, then are answered at once with 429 and
Retry-After (a 5xx would say the server failed; it did not, it asks the client to come back). Each request inside holds at most one database connection and one worker thread, and
the engine's pool holds `web_concurrency` + 2 connections (pantau.db.web_engine), so nothing inside
ever waits for a connection; `/healthz` and static files pass the gate (a load balancer must see a
busy server as alive).
"""

from __future__ import annotations

import asyncio
import math
import sys

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from pantau.errors import PantauError

UNGATED = ("/healthz", "/static/")


def busy(retry_after: int) -> PantauError:
    return PantauError(
        "busy",
        f"The server is busy. Try again in {retry_after} seconds.",
        f"Server sedang sibuk. Coba lagi dalam {retry_after} detik.",
        status=429,
        retry_after=retry_after,
    )


class ConcurrencyGate:
    def __init__(self, app: ASGIApp, *, limit: int, wait_seconds: float) -> None:
        self.app = app
        self.limit = limit
        self.wait_seconds = wait_seconds
        self.retry_after = max(1, math.ceil(wait_seconds))
        self._semaphore: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def semaphore(self) -> asyncio.Semaphore:
        """One per event loop (tests run apps on several loops in turn)."""
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._semaphore[0] is not loop:
            self._semaphore = (loop, asyncio.Semaphore(self.limit))
        return self._semaphore[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNGATED):
            await self.app(scope, receive, send)
            return
        sem = self.semaphore()
        try:
            await asyncio.wait_for(sem.acquire(), self.wait_seconds)
        except TimeoutError:
            response = self.busy_response(Request(scope))
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            sem.release()

    def busy_response(self, request: Request) -> Response:
        from pantau.web import api_language, render

        error = busy(self.retry_after)
        lang = api_language(request)
        headers = {"Retry-After": str(self.retry_after)}
        path = request.url.path
        if path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"detail": error.as_dict(lang)}, 429, headers=headers)
        page = render(request, "error.html", status_code=429, message=error.message(lang))
        page.headers.update(headers)
        return page


def serving_process() -> None:
    """Tune this process for serving: the event loop and the request threads share one GIL, and
    with the default switch interval (5 ms) each of the loop's system calls waits up to 5 ms for a
    busy request thread - a burst then queues at the loop, not at the database. 0.5 ms keeps the
    loop (accepting, answering 429, /healthz) responsive."""
    sys.setswitchinterval(0.0005)
