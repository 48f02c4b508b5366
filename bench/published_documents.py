"""Polling the public trust documents over HTTP: answers per second and bytes per answer for a
full answer (200, signed anew) and for a revalidation with If-None-Match (304, no body), for the
trust list and the whole status list, on the demo data and the embedded PostgreSQL, one client,
one `pantau serve` worker.

    .venv/bin/python bench/published_documents.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from pantau import migrate
from pantau.config import Settings
from pantau.db import make_engine, start_embedded
from pantau.demo.load import load_demo
from pantau.keys import pii_cipher

PATHS = ["/api/v1/trust-list", "/api/v1/status-list?since=0"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rate(client: httpx.Client, path: str, etag: str | None, seconds: float) -> tuple[float, int]:
    headers = {"If-None-Match": etag} if etag else {}
    n, size = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        res = client.get(path, headers=headers)
        assert res.status_code == (304 if etag else 200), res.status_code
        n += 1
        size = len(res.content)
    return n / (time.perf_counter() - start), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        url = start_embedded(settings)
        engine = make_engine(url)
        migrate.upgrade(engine)
        with Session(engine) as s, s.begin():
            load_demo(s, settings, pii_cipher(settings))
        engine.dispose()
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "PANTAU_DATA_DIR": tmp}
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("pantau")), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        rows = []
        baseline = 0.0
        try:
            for _ in range(100):
                try:
                    if httpx.get(base + "/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            with httpx.Client(base_url=base, timeout=30) as client:  # no account
                baseline, _ = rate(client, "/healthz", None, args.seconds)
                for path in PATHS:
                    first = client.get(path)
                    first.raise_for_status()
                    entries = first.json()
                    full, full_size = rate(client, path, None, args.seconds)
                    cached, cached_size = rate(client, path, first.headers["etag"], args.seconds)
                    rows.append((path, full, full_size, cached, cached_size, len(entries)))
        finally:
            server.terminate()
            server.wait(10)
    print(f"{'document':32} {'200/s':>8} {'bytes':>8} {'304/s':>8} {'bytes':>6}")
    for path, full, full_size, cached, cached_size, _ in rows:
        print(f"{path:32} {full:8,.0f} {full_size:8,} {cached:8,.0f} {cached_size:6,}")
    print(f"{'/healthz (baseline)':32} {baseline:8,.0f}")
    print("(one client, sequential requests, one `pantau serve` worker; demo data; no account)")


if __name__ == "__main__":
    main()
