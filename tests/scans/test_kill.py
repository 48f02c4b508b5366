"""Crash safety of ingest: several clients send scans over HTTP while the web process is killed
with SIGKILL, again and again; each client re-sends what was not acknowledged with the same UUIDs
(as the scanner's outbox does). Every acknowledged scan is stored, exactly once."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from datetime import UTC, datetime

import httpx
import sqlalchemy as sa

from pantau.db import make_engine
from tests.scans.live import live_pantau

CLIENTS = 3
KILLS = 3


def test_sigkill_during_ingest_loses_and_doubles_nothing_acknowledged(server, settings, cipher):
    with live_pantau(server, settings, cipher) as live:
        proc = live.serve()
        acked: list[set[str]] = [set() for _ in range(CLIENTS)]
        sent: set[str] = set()
        stop = threading.Event()

        def client(k: int) -> None:
            with httpx.Client(base_url=live.base, headers=live.headers, timeout=10) as c:
                while not stop.is_set():
                    batch = [
                        {
                            "id": str(uuid.uuid4()),
                            "serial": f"IDKILL{k}{n:05d}",
                            "device_time": datetime.now(UTC).isoformat(),
                            "device": f"phone-{k}",
                        }
                        for n in range(3)
                    ]
                    sent.update(s["id"] for s in batch)
                    while True:  # the outbox: the same scans until acknowledged
                        try:
                            res = c.post("/api/v1/scans", json={"scans": batch})
                            if res.status_code == 200:
                                acked[k].update(r["id"] for r in res.json()["results"])
                                break
                        except httpx.HTTPError:
                            pass
                        if stop.is_set() and time.monotonic() > deadline:
                            return
                        time.sleep(0.05)

        deadline = float("inf")
        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        for t in threads:
            t.start()

        def answered() -> int:
            return sum(len(a) for a in acked)

        for _ in range(KILLS):
            # Kill while scans flow: once the (re)started server has answered a few more.
            before, waited = answered(), time.monotonic()
            while answered() < before + 3 * CLIENTS and time.monotonic() - waited < 60:
                time.sleep(0.05)
            time.sleep(0.2)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            live.procs.remove(proc)
            proc = live.serve()
        time.sleep(1.0)
        deadline = time.monotonic() + 30  # the last batches get their answers
        stop.set()
        for t in threads:
            t.join(60)
        assert not any(t.is_alive() for t in threads)

        everyone = set().union(*acked)
        assert len(everyone) >= 3 * CLIENTS * KILLS, "too few scans acknowledged to say anything"
        engine = make_engine(live.url, pool_size=1)
        with engine.connect() as conn:
            stored = dict(
                conn.execute(sa.text("SELECT id::text, count(*) FROM scan GROUP BY id")).all()
            )
            keys = conn.scalar(sa.text("SELECT count(*) FROM scan_key"))
        engine.dispose()
        assert everyone <= stored.keys(), "an acknowledged scan was lost"
        assert set(stored.values()) == {1}, "a scan was stored twice"
        assert stored.keys() <= sent and keys == len(stored)
