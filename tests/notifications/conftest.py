"""Real receivers for notifications: an SMTP server (aiosmtpd) and an HTTP server in a thread that
answers from a script (500 then 200, ...), plus a committed database a real worker can read."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pantau.config import Settings
from pantau.db import make_engine
from pantau.jobs import JobEnv, run_worker
from pantau.reference.services import ReferenceService


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


class Receiver:
    """Answers POSTs with the scripted status codes in turn (the last one repeats)."""

    def __init__(self, script: list[int], delay: float = 0.0) -> None:
        self.script = list(script)
        self.delay = delay
        self.requests: list[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.requests.append(Received(self.path, dict(self.headers), body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                code = receiver.script.pop(0) if len(receiver.script) > 1 else receiver.script[0]
                self.send_response(code)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/pantau"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers() -> Iterator[Any]:
    made: list[Receiver] = []

    def make(script: list[int], delay: float = 0.0) -> Receiver:
        r = Receiver(script, delay)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


@dataclass
class World:
    """A committed database and what a worker needs to run on it."""

    engine: Engine
    factory: sessionmaker[Session]
    settings: Settings
    cipher: Any

    def work(self, settings: Settings | None = None) -> None:
        """Run a real worker until no notification job is due (retries due now included: a
        worker started with once=True stops when it finds the queue empty, which it may do while
        a failing job is being rescheduled)."""
        env = JobEnv(settings or self.settings, self.factory, self.cipher)
        for _ in range(10):
            run_worker(env, self.engine, once=True)
            with self.factory() as s:
                due = s.scalar(
                    sa.text(
                        "SELECT count(*) FROM procrastinate_jobs WHERE task_name LIKE "
                        "'notifications.%' AND status IN ('todo', 'doing')"
                    )
                )
            if not due:
                return
        raise AssertionError("notification jobs still due after ten worker runs")


@pytest.fixture
def world(server: Any, settings: Settings, cipher: Any, smtp_server: Any) -> Iterator[World]:
    engine = make_engine(server.new_database())
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as s, s.begin():
        ReferenceService(s).load_shipped()
    _, smtp_port = smtp_server
    quick = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_starttls": False,
            "notify_retry_seconds": 0,
            "notify_max_attempts": 3,
            "notify_timeout_seconds": 2,
            "public_url": "https://pantau.example.go.id",
        }
    )
    yield World(engine, factory, quick, cipher)
    engine.dispose()
