"""Durable scans ingested per second over HTTP (one scan per request, and batches of 500), with the
alert rules hooked in, beside the raw rate of inserting the same rows straight into PostgreSQL,
measured in the same run on the embedded PostgreSQL.

    .venv/bin/python bench/scans_ingest.py [--seconds 5] [--stickers 200]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pyotp
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau import migrate
from pantau.audit.services import Actor
from pantau.config import Settings
from pantau.db import make_engine, start_embedded
from pantau.demo.load import DEMO_PASSWORD, demo_account, load_demo
from pantau.keys import pii_cipher
from pantau.people.services import Traveller
from pantau.stays.models import Permit
from pantau.wiring import stay_service

ACTOR = Actor("bench", origin="bench")


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


def scan(qr: str, i: int) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": str(uuid.uuid4()),
        "qr_text": qr,
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


def http_rate(base: str, token: str, texts: list[str], batch: int, seconds: float) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    stored, i = 0, 0
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            body = {"scans": [scan(texts[(i + k) % len(texts)], i + k) for k in range(batch)]}
            res = client.post("/api/v1/scans", json=body)
            res.raise_for_status()
            stored += res.json()["stored"]
            i += batch
        return stored / (time.perf_counter() - start)


def raw_rate(url: str, seconds: float, batch: int = 500) -> float:
    import psycopg

    conn = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
    officer = conn.execute("SELECT id FROM officer LIMIT 1").fetchone()[0]  # type: ignore[index]
    sql = (
        "INSERT INTO scan (id, serial, verdict, kind, device_time, fix_time, received_at, lat, "
        "lon, accuracy_m, device, scanner_id, scanner_role, scanner_office, flags, result) VALUES "
        "(%s, 'IDXXXXXXXXXX', 'valid', 'check', now(), now(), now(), -8.65, 115.21, 15, 'raw', "
        "%s, 'officer', 'NGR', '{}', '{}')"
    )
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany(sql, [(uuid.uuid4(), officer) for _ in range(batch)])
        done += batch
    conn.close()
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--stickers", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        url = start_embedded(settings)
        engine = make_engine(url)
        migrate.upgrade(engine)
        texts = make_stickers(engine, settings, args.stickers)
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "PANTAU_DATA_DIR": tmp}
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("pantau")), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(base + "/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
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
            single = http_rate(base, token, texts, 1, args.seconds)
            batched = http_rate(base, token, texts, 500, args.seconds)
        finally:
            server.terminate()
            server.wait(10)
        raw = raw_rate(url, args.seconds)
        raw_single = raw_rate(url, args.seconds, batch=1)
        with engine.connect() as conn:
            alerts = conn.scalar(sa.text("SELECT count(*) FROM alert"))
        engine.dispose()
    print(f"scans ingested/s over HTTP, one per request (durable, rules on): {single:,.0f}")
    print(f"scans ingested/s over HTTP, batches of 500 (durable, rules on):  {batched:,.0f}")
    print(f"raw INSERT rows/s, same table, 500-row transactions:              {raw:,.0f}")
    print(f"raw INSERT rows/s, same table, one row per transaction:           {raw_single:,.0f}")
    print(f"ratio batched/raw-500: {batched / raw:.2f}   single/raw-1: {single / raw_single:.2f}")
    print("(one durable commit per request: single-scan requests are bound by the disk's fsync)")
    print(f"({args.stickers} stickers; one worker process; alerts raised during the run: {alerts})")


if __name__ == "__main__":
    main()
