"""APPAPO's opening minute over HTTP, against `pantau serve` as README runs it (a real uvicorn
process on 127.0.0.1, its own embedded PostgreSQL or the one named by --database-url).

Clients behave like citizens' browsers: each has its own address (X-Forwarded-For, which uvicorn
trusts from 127.0.0.1 as behind a reverse proxy) and device id, asks for a one-time code
(POST /api/v1/queue/bookings), reads it from its "phone" (the outbox, decrypted with the server's
key ring), confirms it (POST .../confirm), and tries again after Retry-After when the server says
it is busy. A tenth of the citizens come twice (a broker's retry). /healthz is polled throughout.

Prints, per scenario: seats booked, overbooked (must be 0), NIKs with two active bookings (must be
0), answers by status, 5xx, unanswered (over --timeout), latency p50/p99/max, /healthz worst.

    .venv/bin/python bench/queue_burst_http.py [--attempts 10000] [--seats 1000] [--clients 400]
        [--database-url postgresql://...]

The same driver is the CI storm test (tests/queue/test_storm_http.py: 400 clients, 5 seats,
5 rounds).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from pantau import migrate
from pantau.config import Settings
from pantau.db import make_engine, start_embedded, utcnow
from pantau.keys import pii_cipher
from pantau.notifications.notify import read_outbox
from pantau.pii import PiiCipher
from pantau.queue.booking.nik import make_nik
from pantau.queue.models import (
    ACTIVE,
    SEATED,
    Booking,
    QueueOffice,
    QueueQuota,
    QueueSession,
    QueueSlot,
    ServiceKind,
)
from pantau.queue.offices.availability import office_availability
from pantau.queue.privacy import Citizen
from pantau.reference.services import ReferenceService

OFFICE = "NGR"
OTP = re.compile(r"kode verifikasi (\d{6})")


@dataclass
class Tally:
    """What the clients saw in one scenario."""

    statuses: Counter[str] = field(default_factory=Counter)  # "request 201", "confirm 409", ...
    latencies: list[float] = field(default_factory=list)  # seconds, every answered request
    unanswered: int = 0  # no answer within the timeout (or the connection failed)
    errors: list[str] = field(default_factory=list)
    health: list[float] = field(default_factory=list)  # /healthz answer times (inf = none)
    wall: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for k, n in self.statuses.items() if k.split()[-1].startswith("5"))

    def merge(self, other: Tally) -> None:
        self.statuses.update(other.statuses)
        self.latencies += other.latencies
        self.unanswered += other.unanswered
        self.errors += other.errors
        self.health += other.health
        self.wall += other.wall


@dataclass(frozen=True)
class Seats:
    session_id: int
    days: list[date]


# -- the database and the server ----------------------------------------------------------------


def prepare(url: str, seats: int, rounds: int) -> Seats:
    """Migrate, load the offices, give NGR one session a day with `seats` seats for a new passport,
    every day of the week, the quota open for 60 days ahead and no waiting room: first come, first
    served, every seat fought over. Returns `rounds` open days."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    migrate.upgrade(engine)
    with Session(engine) as s, s.begin():
        ReferenceService(s).load_shipped()
        s.add(QueueOffice(office_code=OFFICE, days_ahead=60, waiting_minutes=0))
        sess = QueueSession(
            office_code=OFFICE, label="Pagi", starts=clock(8), ends=clock(12), weekdays=0b1111111
        )
        s.add(sess)
        s.flush()
        s.add(QueueQuota(session_id=sess.id, service=ServiceKind.NEW, regular=seats, priority=0))
        s.flush()
        days = [d.day for d in office_availability(s, OFFICE, now=utcnow()) if d.state == "open"][
            1:
        ]  # not tomorrow: a run across local midnight would find it in the past
        session_id = sess.id
    engine.dispose()
    if len(days) < rounds:
        raise SystemExit(f"only {len(days)} open days for {rounds} rounds")
    return Seats(session_id, days[:rounds])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_async(coro: Any) -> Any:
    """asyncio.run, also from a thread whose event loop is already running (a test process where
    Playwright's sync API holds one): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@contextmanager
def serve(url: str, data_dir: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`pantau serve` in a process of its own, as README runs it; yields its base URL."""
    port = free_port()
    pantau = Path(sys.executable).with_name("pantau")
    environ = {
        **os.environ,
        "DATABASE_URL": url,
        "PANTAU_DATA_DIR": str(data_dir),
        "PANTAU_PORT": str(port),
        **(env or {}),
    }
    log = (data_dir / "serve.log").open("wb")
    proc = subprocess.Popen([str(pantau), "serve"], env=environ, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("pantau serve stopped: " + (data_dir / "serve.log").read_text())
            try:
                if run_async(http(base, "GET", "/healthz", timeout=2)).status == 200:
                    break
            except (OSError, TimeoutError, ValueError, IndexError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("pantau serve did not answer /healthz within 60 s")
            time.sleep(0.2)
        # Citizens load the office list before the minute; the first request also builds
        # FastAPI's route tables (about a second of CPU, once per process).
        run_async(http(base, "GET", "/api/v1/queue/offices", timeout=30))
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def server_log(data_dir: Path) -> str:
    path = data_dir / "serve.log"
    return path.read_text(errors="replace") if path.exists() else ""


# -- the crowd ----------------------------------------------------------------------------------


def crowd(n: int, rng: random.Random, start: int = 0) -> list[Citizen]:
    """n citizens; a tenth of them are a second arrival of someone else (a broker's retry)."""
    distinct = []
    for i in range(start, start + n - n // 10):
        born = date(1970, 1, 1) + timedelta(days=rng.randrange(15000))
        nik = make_nik(born, rng.choice("MF"), rng=rng)
        distinct.append(Citizen(nik, f"Warga {i}", born, f"0812{i:08d}", f"w{i}@contoh.id"))
    out = distinct + [rng.choice(distinct) for _ in range(n - len(distinct))]
    rng.shuffle(out)
    return out


class Phones:
    """Where citizens read their one-time code: the outbox, decrypted as the demo's page does."""

    def __init__(self, url: str, cipher: PiiCipher) -> None:
        self.engine = make_engine(url, pool_size=4, max_overflow=0)
        self.factory = sessionmaker(bind=self.engine)
        self.cipher = cipher

    def code(self, email: str) -> str | None:
        with self.factory() as s:
            for m in read_outbox(s, self.cipher, to=email, limit=3):
                if found := OTP.search(m.body):
                    return found.group(1)
        return None

    def close(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


async def http(base: str, method: str, path: str, body: dict | None = None,
               headers: dict[str, str] | None = None, *, timeout: float) -> Answer:  # fmt: skip
    """One HTTP/1.1 request on a connection of its own. A minimal client: with hundreds of
    requests at once, a full client library spends more CPU than the server under test."""
    host, port = base.removeprefix("http://").split(":")
    data = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close",
            f"Content-Length: {len(data)}"]  # fmt: skip
    if body is not None:
        head.append("Content-Type: application/json")
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]

    async def exchange() -> Answer:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
            raw = await reader.read()
        finally:
            writer.close()
        top, _, rest = raw.partition(b"\r\n\r\n")
        lines = top.decode("latin-1").split("\r\n")
        fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        return Answer(int(lines[0].split()[1]), {k.lower(): v for k, v in fields.items()}, rest)

    return await asyncio.wait_for(exchange(), timeout)


async def _call(
    base: str, tally: Tally, kind: str, path: str, body: dict, headers: dict, timeout: float
) -> Answer | None:
    """One request, retried (up to 3 times) when the server answers busy with Retry-After."""
    res = None
    for _ in range(4):
        started = time.perf_counter()
        try:
            res = await http(base, "POST", path, body, headers, timeout=timeout)
        except (OSError, TimeoutError, ValueError, IndexError) as exc:
            tally.unanswered += 1
            tally.errors.append(f"{kind}: {type(exc).__name__}")
            return None
        tally.latencies.append(time.perf_counter() - started)
        tally.statuses[f"{kind} {res.status}"] += 1
        if res.status in (429, 503) and "retry-after" in res.headers:
            retry = float(res.headers["retry-after"])
            if retry <= 5:  # the server is busy: come back; a rate limit (minutes) ends the visit
                await asyncio.sleep(retry * random.uniform(1, 3))
                continue
        return res
    return res


async def _citizen(
    base: str, tally: Tally, timeout: float, phones: Phones, who: Citizen, n: int, day: date,
    session_id: int,
) -> None:  # fmt: skip
    headers = {"x-forwarded-for": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
               "x-device-id": f"device-{n}", "accept-language": "id"}  # fmt: skip
    body = {
        "office": OFFICE, "day": day.isoformat(), "session_id": session_id, "service": "new",
        "nik": who.nik, "name": who.name, "birth_date": who.birth_date.isoformat(),
        "phone": who.phone, "email": who.email, "flexible": False,
    }  # fmt: skip
    res = await _call(base, tally, "request", "/api/v1/queue/bookings", body, headers, timeout)
    if res is None or res.status != 201:
        return
    otp = await asyncio.to_thread(phones.code, who.email)
    if otp is None:
        tally.errors.append("no code in the outbox")
        return
    booking = res.json()["id"]
    path = f"/api/v1/queue/bookings/{booking}/confirm"
    await _call(base, tally, "confirm", path, {"otp": otp}, headers, timeout)


async def _watch_health(base: str, tally: Tally, stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            ok = (await http(base, "GET", "/healthz", timeout=5)).status == 200
        except (OSError, TimeoutError, ValueError, IndexError):
            ok = False
        tally.health.append(time.perf_counter() - started if ok else float("inf"))
        await asyncio.sleep(0.25)


async def storm(
    base: str, phones: Phones, people: list[Citizen], day: date, session_id: int,
    *, clients: int, timeout: float, first: int = 0,
) -> Tally:  # fmt: skip
    """Everyone in `people` books `day`, `clients` of them at once (all at once if equal)."""
    tally = Tally()
    stop = asyncio.Event()
    watcher = asyncio.create_task(_watch_health(base, tally, stop))
    await asyncio.sleep(0.3)
    gate = asyncio.Semaphore(clients)

    async def one(i: int, who: Citizen) -> None:
        async with gate:
            await _citizen(base, tally, timeout, phones, who, first + i, day, session_id)

    started = time.perf_counter()
    await asyncio.gather(*(one(i, who) for i, who in enumerate(people)))
    tally.wall = time.perf_counter() - started
    await asyncio.sleep(0.3)
    stop.set()
    await watcher
    return tally


def booked(url: str, day: date, seats: int) -> tuple[int, int, int]:
    """Seats booked on `day`, seats overbooked, NIKs holding more than one active booking."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    with Session(engine) as s:
        seated = s.scalar(
            sa.select(sa.func.count()).where(Booking.day == day, Booking.status.in_(SEATED))
        )
        counted = s.scalar(sa.select(sa.func.sum(QueueSlot.booked)).where(QueueSlot.day == day))
        doubles = s.scalar(
            sa.select(sa.func.count()).select_from(
                sa.select(Booking.nik_hash)
                .where(Booking.status.in_(ACTIVE))
                .group_by(Booking.nik_hash)
                .having(sa.func.count() > 1)
                .subquery()
            )
        )
    engine.dispose()
    assert counted == seated, f"seat counter {counted} disagrees with {seated} bookings"
    return int(seated or 0), max(0, int(seated or 0) - seats), int(doubles or 0)


def report(title: str, tally: Tally, made: tuple[int, int, int], seats: int) -> None:
    seated, over, doubles = made
    ms = sorted(x * 1000 for x in tally.latencies) or [0.0]
    health = [h for h in tally.health if h != float("inf")]
    answers = sum(tally.statuses.values())
    print(f"\n== {title}")
    print(
        f"answers              {answers} in {tally.wall:.1f} s ({answers / max(tally.wall, 1e-9):.0f}/s)"
    )
    print(
        f"seats booked         {seated} of {seats}   overbooked {over}   NIKs with two active bookings {doubles}"
    )
    print(f"by status            {dict(sorted(tally.statuses.items()))}")
    print(
        f"5xx                  {tally.server_errors}   unanswered {tally.unanswered}  {Counter(tally.errors).most_common(3)}"
    )
    print(
        f"latency ms           p50 {statistics.median(ms):.0f}  p99 {ms[max(0, int(len(ms) * 0.99) - 1)]:.0f}  max {ms[-1]:.0f}"
    )
    print(f"/healthz             {len(tally.health)} polls, {len(tally.health) - len(health)} unanswered, "
          f"worst {max(health, default=0) * 1000:.0f} ms")  # fmt: skip


# -- the benchmark ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--seats", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=400, help="citizens at once")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--database-url", default=None, help="a server to make a database on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        admin = args.database_url or start_embedded(Settings(data_dir=data / "embedded"))
        name = f"pantau_burst_{os.getpid()}"
        admin_engine = make_engine(admin, isolation_level="AUTOCOMMIT", pool_size=1)
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
        try:
            seats = prepare(url, args.seats, 2)
            cipher = pii_cipher(Settings(data_dir=data))
            phones = Phones(url, cipher)
            rng = random.Random(2026)
            print(f"`pantau serve` over HTTP: {args.attempts} citizens for {args.seats} seats, "
                  f"{args.clients} at once; server: {'external' if args.database_url else 'embedded'} "
                  "PostgreSQL, 1 worker")  # fmt: skip
            with serve(url, data) as base:
                baseline = run_async(
                    storm(base, phones, crowd(20, rng, 10**6), seats.days[0], seats.session_id,
                          clients=1, timeout=args.timeout, first=10**6)
                )  # fmt: skip
                report("baseline: one citizen at a time", baseline, (0, 0, 0), 0)
                tally = run_async(
                    storm(base, phones, crowd(args.attempts, rng), seats.days[1],
                          seats.session_id, clients=args.clients, timeout=args.timeout)
                )  # fmt: skip
                report("burst", tally, booked(url, seats.days[1], args.seats), args.seats)
            phones.close()
        finally:
            with admin_engine.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin_engine.dispose()


if __name__ == "__main__":
    main()
