"""The live map at scale, and what the base map costs a phone.

    .venv/bin/python bench/maps.py [--people 50000] [--days 30] [--scans-per-day 1.5]
    .venv/bin/python bench/maps.py --existing --people 0   # the environment's database
    .venv/bin/python bench/maps.py --people 0 --basemap-only

1. Clustered scans (`/api/v1/map/scans`, maps.services.clustered_scans): p50/p95 over repeated
   calls for the national view (zoom 5) over the last 24 hours and 7 days, a provincial view
   (zoom 8), a nationality filter, and one office's scope, on a database seeded by `pantau seed`
   (a fresh embedded PostgreSQL in a temporary folder unless --existing). Printed with the table
   sizes, so a figure can be scaled to another size.
2. The base map's bytes on a phone's first load (national view, zoom < 4: 1:110m land and the
   labels), and per scale, as sent (gzipped where Pantau gzips).
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pantau import migrate
from pantau.config import Settings, load_settings
from pantau.db import database_url, make_engine, start_embedded, utcnow
from pantau.demo.seed import SeedOptions, seed
from pantau.keys import pii_cipher
from pantau.maps import basemap
from pantau.maps.services import clustered_scans, map_labels
from pantau.pii import PiiCipher

STATIC = Path(__file__).resolve().parent.parent / "src" / "pantau" / "static"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    out, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out, result


def bench_clusters(engine: Engine, repeat: int) -> None:
    with engine.connect() as c:
        scans = c.scalar(sa.text("SELECT count(*) FROM scan")) or 0
        people = c.scalar(sa.text("SELECT count(*) FROM person")) or 0
        day = c.scalar(
            sa.text("SELECT count(*) FROM scan WHERE device_time >= now() - interval '24 hours'")
        )
    print(f"sizes: {people:,} people, {scans:,} scans ({day:,} in the last 24 hours)")
    now = utcnow()
    cases: list[tuple[str, dict[str, Any]]] = [
        ("national, zoom 5, 24 h", {"since": now - timedelta(hours=24), "zoom": 5}),
        ("national, zoom 5, 7 days", {"since": now - timedelta(days=7), "zoom": 5}),
        ("Bali, zoom 8, 24 h", {"since": now - timedelta(hours=24), "zoom": 8}),
        (
            "national, zoom 5, 24 h, nationality AUS",
            {"since": now - timedelta(hours=24), "zoom": 5, "nationality": "AUS"},
        ),
        (
            "office NGR, zoom 5, 24 h",
            {"since": now - timedelta(hours=24), "zoom": 5, "office": "NGR"},
        ),
    ]
    with Session(engine) as s:
        for name, kw in cases:
            ms, cells = timed(lambda kw=kw: clustered_scans(s, **kw), repeat)
            print(
                f"clustered scans, {name}: {len(cells)} cells, "
                f"p50 {pct(ms, 0.5):.0f} ms, p95 {pct(ms, 0.95):.0f} ms ({repeat} calls)"
            )


def bench_basemap() -> None:
    served = basemap.served()
    labels = json.dumps(map_labels(), separators=(",", ":")).encode()
    script = (STATIC / "maps" / "basemap.js").read_bytes()
    phone = len(served["110m"][1]) + len(labels) + len(script)
    print(
        f"base map, a phone's first load (national view): {phone:,} bytes = 1:110m land "
        f"{len(served['110m'][1]):,} (gzip) + labels {len(labels):,} + basemap.js {len(script):,}"
        f" (labels and script gzipped would be {len(gzip.compress(labels)) + len(gzip.compress(script)):,})"
    )
    for scale, (body, zipped, _) in served.items():
        print(f"base map {scale}: {len(zipped):,} bytes gzipped ({len(body):,} raw)")


def run(engine: Engine, cipher: PiiCipher, args: argparse.Namespace) -> None:
    if args.people:
        opts = SeedOptions(args.people, args.days, args.seed, scans_per_day=args.scans_per_day)
        report = seed(engine, cipher, opts)
        print(
            f"seeded {report.people:,} people, {report.counts.get('scan', 0):,} scans "
            f"in {report.seconds:.0f} s"
        )
    with engine.connect() as c:
        c.execute(sa.text("ANALYZE"))
        c.commit()
    bench_clusters(engine, args.repeat)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--people", type=int, default=50_000, help="people to seed first (0: none)")
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scans-per-day", type=float, default=1.5)
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--existing", action="store_true", help="the environment's database")
    p.add_argument("--basemap-only", action="store_true")
    args = p.parse_args()
    bench_basemap()
    if args.basemap_only:
        return
    if args.existing:
        settings = load_settings()
        engine = make_engine(database_url(settings))
        migrate.upgrade(engine)
        run(engine, pii_cipher(settings), args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        engine = make_engine(start_embedded(settings))
        migrate.upgrade(engine)
        run(engine, pii_cipher(settings), args)
        engine.dispose()


if __name__ == "__main__":
    main()
