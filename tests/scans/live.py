"""A real `pantau serve` (and `pantau worker`) on a fresh database, for tests over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from pantau.accounts.services import AccountService
from pantau.config import Settings
from pantau.db import make_engine
from pantau.pii import PiiCipher
from pantau.reference.services import ReferenceService
from tests.factories import make_account

PANTAU = str(Path(sys.executable).with_name("pantau"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    url: str  # the database
    env: dict[str, str]
    port: int
    token: str
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [PANTAU, *args], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.procs.append(proc)
        return proc

    def serve(self, workers: int = 1) -> subprocess.Popen[bytes]:
        proc = self.start("serve", "--port", str(self.port), "--workers", str(workers))
        wait_up(self.base, proc)
        return proc

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        self.procs.clear()


def wait_up(base: str, proc: subprocess.Popen[bytes], limit_s: float = 120) -> None:
    start = time.monotonic()
    while time.monotonic() - start < limit_s:
        if proc.poll() is not None:
            raise RuntimeError(f"pantau serve exited with {proc.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("pantau serve did not answer")


@contextmanager
def live_pantau(server: object, settings: Settings, cipher: PiiCipher) -> Iterator[Live]:
    """A fresh migrated database with the reference data and one officer's API token."""
    url: str = server.new_database()  # type: ignore[attr-defined]
    engine = make_engine(url, pool_size=1)
    with Session(engine) as s, s.begin():
        ReferenceService(s).load_shipped()
        accounts = AccountService(s, settings=settings, cipher=cipher)
        acc = make_account(accounts, "petugas.live", office="NGR")
        token, _ = accounts.start_session(acc.officer, kind="api", origin=None, user_agent=None)
    engine.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PANTAU_DATA_DIR": str(settings.data_dir),  # the keys the test's cipher uses
        "PANTAU_SECRET_KEY": settings.secret_key,
        "PANTAU_ENVIRONMENT": "test",
    }
    live = Live(url, env, free_port(), token)
    try:
        yield live
    finally:
        live.stop()
