"""Issue 16's ratios in one run, each beside its raw baseline measured in the same run on the
embedded PostgreSQL:

- scans over HTTP, one per request, against `pantau serve --workers N` (a uvicorn subprocess, as
  README runs it), beside raw one-row INSERT transactions at the same concurrency;
- scans over HTTP in batches of 500, beside raw 500-row INSERT transactions, same concurrency;
- sticker verification (full path, trust list parsed once) beside raw P-256 verifications;
- chained audit appends beside plain inserts of the same rows (one transaction each);
- the time from a scan's acknowledgement until `pantau worker` has raised its alert (p50/p95),
  while single scans keep arriving.

    .venv/bin/python bench/scans_ingest.py [--seconds 5] [--stickers 200] [--workers 2]
        [--clients 4] [--probes 40]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import pyotp
import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.orm import Session

from pantau import migrate
from pantau.audit.services import Actor, record_event
from pantau.config import Settings
from pantau.db import make_engine, start_embedded
from pantau.demo.load import DEMO_PASSWORD, demo_account, load_demo
from pantau.keys import pii_cipher
from pantau.people.services import Traveller
from pantau.stays.models import Permit
from pantau.stickers.services import trust_from_db
from pantau.stickers.verify import verify_token
from pantau.wiring import stay_service

ACTOR = Actor("bench", origin="bench")
PANTAU = str(Path(sys.executable).with_name("pantau"))


def make_stickers(engine: sa.Engine, settings: Settings, n: int) -> list[str]:
    cipher = pii_cipher(settings)
    with Session(engine) as s, s.begin():
        load_demo(s, settings, cipher)
        people = stay_service(s, cipher, ACTOR)
        texts = []
        for i in range(n):
            t = Traveller(
                "BENCH",
                f"P{i}",
                "AUS",
                date(1980, 1, 1) + timedelta(days=i),
                "F",
                f"B{i:08d}",
                "P",
                "AUS",
                None,
            )
            out = people.register_arrival(
                t,
                permit=Permit.VOA,
                checkpoint_code="DPS",
                actor=ACTOR,
                arrived_at=datetime.now(UTC) - timedelta(days=1),
            )
            texts.append(out.sticker.qr_text)
    return texts


def scan(qr: str | None, i: int, serial: str | None = None) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": str(uuid.uuid4()),
        "qr_text": qr,
        "serial": serial,
        "device_time": now.isoformat(),
        "fix_time": now.isoformat(),
        "lat": -8.65 + (i % 100) * 1e-4,
        "lon": 115.21,
        "accuracy_m": 15.0,
        "kind": "check",
        "device": "bench",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def concurrently(
    clients: int, seconds: float, work: Callable[[int, Callable[[], bool]], int]
) -> float:
    """Run `work(client_no, still_running)` in `clients` threads; rows done per second."""
    done = [0] * clients
    start = time.perf_counter()

    def running() -> bool:
        return time.perf_counter() - start < seconds

    def run(k: int) -> None:
        try:
            done[k] = work(k, running)
        except Exception as exc:  # shown, not swallowed by the thread
            print(f"client {k} failed: {exc!r}", file=sys.stderr)
            raise

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - start)


def http_rate(
    base: str, token: str, texts: list[str], batch: int, seconds: float, clients: int
) -> float:
    def work(k: int, running: Callable[[], bool]) -> int:
        stored, i = 0, k * 7919
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as c:
            while running():
                body = {"scans": [scan(texts[(i + j) % len(texts)], i + j) for j in range(batch)]}
                res = c.post("/api/v1/scans", json=body)
                if res.status_code == 429:  # the server's overload gate: retry as a phone does
                    time.sleep(float(res.headers.get("retry-after", "0.05")) / 10)
                    continue
                res.raise_for_status()
                stored += res.json()["stored"]
                i += batch
        return stored

    return concurrently(clients, seconds, work)


RAW_SQL = (
    "INSERT INTO scan (id, serial, verdict, kind, device_time, fix_time, received_at, lat, "
    "lon, accuracy_m, device, scanner_id, scanner_role, scanner_office, flags, result) VALUES "
    "(%s, 'IDXXXXXXXXXX', 'valid', 'check', now(), now(), now(), -8.65, 115.21, 15, 'raw', "
    "%s, 'officer', 'NGR', '{}', '{}')"
)


def raw_rate(url: str, seconds: float, batch: int, clients: int) -> float:
    libpq = url.replace("postgresql+psycopg", "postgresql")

    def work(_k: int, running: Callable[[], bool]) -> int:
        done = 0
        with psycopg.connect(libpq) as conn:
            officer = conn.execute("SELECT id FROM officer LIMIT 1").fetchone()[0]  # type: ignore[index]
            conn.commit()
            while running():
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(RAW_SQL, [(uuid.uuid4(), officer) for _ in range(batch)])
                done += batch
        return done

    return concurrently(clients, seconds, work)


def rate(fn: Callable[[], object], seconds: float) -> float:
    fn()
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(20):
            fn()
        n += 20
    return n / elapsed


def verify_rates(engine: sa.Engine, text: str, seconds: float) -> tuple[float, float]:
    with Session(engine) as s:
        trust = trust_from_db(s)
    assert trust is not None
    now = datetime.now(UTC)
    assert verify_token(text, trust, at=now).valid
    key = ec.generate_private_key(ec.SECP256R1())
    data = secrets.token_bytes(200)
    der = key.sign(data, ec.ECDSA(hashes.SHA256()))
    public = key.public_key()
    full = rate(lambda: verify_token(text, trust, at=now), seconds)
    raw = rate(lambda: public.verify(der, data, ec.ECDSA(hashes.SHA256())), seconds)
    return full, raw


def audit_rates(engine: sa.Engine, n: int) -> tuple[float, float]:
    started = time.perf_counter()
    for i in range(n):
        with Session(engine) as s, s.begin():
            record_event(s, "bench:event:append", actor=ACTOR, target=f"t:{i}", details={"i": i})
    chained = n / (time.perf_counter() - started)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE plain (LIKE audit_event INCLUDING DEFAULTS)"))
    started = time.perf_counter()
    for i in range(n):
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO plain (id, occurred_at, actor, tag, target, origin, details, "
                    "prev_hash, hash) VALUES (:i, now(), 'bench', 'bench:event:append', :t, "
                    "'bench', '{}', '\\x00', '\\x00')"
                ),
                {"i": i, "t": f"t:{i}"},
            )
    plain = n / (time.perf_counter() - started)
    return chained, plain


def wait_queue_empty(engine: sa.Engine, limit_s: float) -> float:
    start = time.perf_counter()
    with engine.connect() as conn:
        while time.perf_counter() - start < limit_s:
            left = conn.scalar(
                sa.text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo','doing')")
            )
            conn.rollback()
            if not left:
                break
            time.sleep(0.5)
    return time.perf_counter() - start


def alert_latencies(
    base: str, token: str, engine: sa.Engine, texts: list[str], probes: int
) -> list[float]:
    """Each probe: a scan of an unknown serial (an alert of its own); the time from the response
    until the alert row is visible. Single scans keep arriving from two other clients meanwhile."""
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c:
            i = 0
            while not stop.is_set():
                c.post("/api/v1/scans", json=scan(texts[i % len(texts)], i))
                i += 1

    background = [threading.Thread(target=load) for _ in range(2)]
    for t in background:
        t.start()
    out: list[float] = []
    try:
        with (
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c,
            engine.connect() as conn,
        ):
            for n in range(probes):
                serial = f"IDLAT{n:07d}"
                res = c.post("/api/v1/scans", json=scan(None, n, serial=serial))
                acked = time.perf_counter()
                assert res.json()["results"][0]["verdict"] == "unknown", res.text
                while time.perf_counter() - acked < 60:
                    found = conn.scalar(
                        sa.text("SELECT 1 FROM alert WHERE serial = :s"), {"s": serial}
                    )
                    conn.rollback()
                    if found:
                        out.append(time.perf_counter() - acked)
                        break
                    time.sleep(0.01)
                else:
                    out.append(float("inf"))
                time.sleep(0.1)
    finally:
        stop.set()
        for t in background:
            t.join()
    return out


def wait_up(base: str, proc: subprocess.Popen[bytes], limit_s: float = 180) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        if proc.poll() is not None:
            raise SystemExit(f"pantau serve exited with {proc.returncode}")
        try:
            if httpx.get(base + "/healthz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("pantau serve did not answer")


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--stickers", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="pantau serve --workers")
    parser.add_argument("--clients", type=int, default=4, help="concurrent single-scan clients")
    parser.add_argument("--batch-clients", type=int, default=2)
    parser.add_argument("--probes", type=int, default=40, help="alert-latency probes")
    parser.add_argument("--audit-events", type=int, default=1000)
    args = parser.parse_args()
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        url = start_embedded(settings)
        engine = make_engine(url)
        migrate.upgrade(engine)
        texts = make_stickers(engine, settings, args.stickers)
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "PANTAU_DATA_DIR": tmp}
        base = f"http://127.0.0.1:{port}"
        try:
            procs.append(
                subprocess.Popen(
                    [PANTAU, "serve", "--port", str(port), "--workers", str(args.workers)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
            )
            wait_up(base, procs[0])
            user = demo_account("petugas.ngr")
            assert user is not None
            token = httpx.post(
                base + "/api/v1/auth/token",
                data={
                    "username": user.username,
                    "password": DEMO_PASSWORD,
                    "otp": pyotp.TOTP(user.totp_secret).now(),
                },
            ).json()["access_token"]
            # Warm every worker process first (its first scans load the regency boundaries).
            http_rate(base, token, texts, 1, max(args.seconds, 10), args.clients * 2)
            single = http_rate(base, token, texts, 1, args.seconds, args.clients)
            batched = http_rate(base, token, texts, 500, args.seconds, args.batch_clients)
            raw_single = raw_rate(url, args.seconds, 1, args.clients)
            raw_batch = raw_rate(url, args.seconds, 500, args.batch_clients)
            verify, raw_verify = verify_rates(engine, texts[0], min(args.seconds, 3))
            chained, plain = audit_rates(engine, args.audit_events)
            # The rules queued by the ingest above run now (a worker started earlier would have
            # competed with the measurements for this machine's cores).
            procs.append(
                subprocess.Popen(
                    [PANTAU, "worker", "--concurrency", "4"], env=env, stdout=subprocess.DEVNULL
                )
            )
            drained = wait_queue_empty(engine, 600)
            latencies = alert_latencies(base, token, engine, texts, args.probes)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(20)
        with engine.connect() as conn:
            alerts = conn.scalar(sa.text("SELECT count(*) FROM alert"))
            scans = conn.scalar(sa.text("SELECT count(*) FROM scan"))
        engine.dispose()

    rows = [
        ("scans/s over HTTP, 1 per request", single, "raw 1-row transactions/s", raw_single, 0.25),
        (
            "scans/s over HTTP, batches of 500",
            batched,
            "raw rows/s, 500-row transactions",
            raw_batch,
            0.5,
        ),
        ("stickers verified/s (full path)", verify, "raw P-256 verifies/s", raw_verify, 0.75),
        ("audit appends/s (chained)", chained, "plain inserts/s", plain, 0.5),
    ]
    print(f"{'Pantau':<36} {'/s':>9}   {'raw baseline, same run':<34} {'/s':>9}  ratio  goal")
    for name, mine, raw_name, raw, goal in rows:
        ok = "met" if mine / raw >= goal else "NOT met"
        print(
            f"{name:<36} {mine:>9,.0f}   {raw_name:<34} {raw:>9,.0f}  {mine / raw:.2f}  >= {goal} {ok}"
        )
    print(
        f"alert raised after the acknowledgement: p50 {statistics.median(latencies):.2f} s, "
        f"p95 {p95(latencies):.2f} s, max {max(latencies):.2f} s over {len(latencies)} probes "
        f"(goal p95 <= 5 s: {'met' if p95(latencies) <= 5 else 'NOT met'})"
    )
    print(
        f"(pantau serve --workers {args.workers}; {args.clients} single-scan clients and "
        f"{args.batch_clients} batch clients, raw at the same concurrency; {args.stickers} "
        f"stickers; {scans:,} scans stored, {alerts} alerts; the rules queued during the "
        f"throughput runs took {drained:.0f} s for one worker to drain)"
    )


if __name__ == "__main__":
    main()
