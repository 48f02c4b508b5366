"""Supervision queries on a seeded database: a person's track (p50/p95), an office's overstay list,
the national dashboard's queries, and alert rule evaluation per ingested scan (AlertEngine.on_scans
on batches). Each figure is printed with the table sizes it ran on.

    .venv/bin/python bench/supervision.py [--people 20000] [--days 30] [--scans-per-day 1.5]
    .venv/bin/python bench/supervision.py --existing --people 0   # the database of the environment
                                                                  # (DATABASE_URL / PANTAU_DATA_DIR)

By default it seeds a fresh embedded PostgreSQL in a temporary folder (a couple of minutes).
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pantau import migrate
from pantau.config import Settings, load_settings
from pantau.dashboards.services import DashboardService
from pantau.db import database_url, make_engine, start_embedded
from pantau.demo.seed import SeedOptions, seed
from pantau.keys import pii_cipher
from pantau.maps.services import track
from pantau.people.models import Person
from pantau.pii import PiiCipher
from pantau.scans.models import Scan
from pantau.stays.models import Stay, StayStatus
from pantau.wiring import alert_engine

TABLES = ("person", "stay", "scan", "alert")


def sizes(engine: Engine) -> str:
    with engine.connect() as c:
        n = {t: c.scalar(sa.text(f"SELECT count(*) FROM {t}")) or 0 for t in TABLES}
    return ", ".join(f"{v:,} {k}s" for k, v in n.items())


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def bench_track(engine: Engine, samples: int) -> None:
    with Session(engine) as s:
        ids = list(
            s.scalars(sa.select(Person.id).order_by(sa.func.random()).limit(samples))
        )  # random() over persons: fine once, not timed
        ms = [timed(functools.partial(track, s, pid), 1)[0] for pid in ids]
        points = sum(len(track(s, pid)) for pid in ids[:50]) / max(1, min(50, len(ids)))
    print(
        f"track of a person ({len(ids)} people, ~{points:.0f} points each): "
        f"p50 {pct(ms, 0.5):.2f} ms, p95 {pct(ms, 0.95):.2f} ms"
    )


def overstay_list(s: Session, office: str) -> list[Any]:
    """What an office works through: its stays past the last day, oldest first."""
    today = datetime.now(UTC).date()
    return list(
        s.execute(
            sa.select(Stay.id, Stay.person_id, Stay.last_day, Person.nationality)
            .join(Person, Person.id == Stay.person_id)
            .where(
                Stay.office_code == office,
                Stay.status == StayStatus.ACTIVE,
                Stay.last_day < today,
            )
            .order_by(Stay.last_day)
        )
    )


def bench_overstays(engine: Engine) -> None:
    with Session(engine) as s:
        for office in ("NGR", "SHA", "MDN"):
            rows = overstay_list(s, office)
            ms = timed(functools.partial(overstay_list, s, office), 5)
            print(
                f"overstay list of {office} ({len(rows):,} rows): "
                f"median {statistics.median(ms):.1f} ms"
            )


def bench_dashboard(engine: Engine) -> None:
    with Session(engine) as s:
        for scope in (None, "NGR"):
            d = DashboardService(s, office=scope)
            name = scope or "national"
            parts = {
                "present total": d.present_total,
                "by nationality": lambda d=d: d.present_by("nationality"),
                "by permit": lambda d=d: d.present_by("permit"),
                "by office": lambda d=d: d.present_by("office"),
                "30 days per day": lambda d=d: d.daily(30),
            }
            line = ", ".join(
                f"{k} {statistics.median(timed(fn, 3)):.0f} ms" for k, fn in parts.items()
            )
            print(f"dashboard {name}: {line}")


def _batch(s: Session, size: int, officer: uuid.UUID, now: datetime) -> list[Scan]:
    stays = s.execute(
        sa.select(Stay.id, Stay.person_id, Stay.last_day)
        .where(Stay.status == StayStatus.ACTIVE)
        .order_by(sa.func.random())
        .limit(size)
    ).all()
    serials: dict[uuid.UUID, str] = dict(
        s.execute(
            sa.text("SELECT stay_id, serial FROM sticker WHERE stay_id = ANY(:ids)"),
            {"ids": [r.id for r in stays]},
        ).all()
    )
    r = random.Random(size)
    scans = [
        Scan(
            id=uuid.uuid4(),
            serial=serials.get(st.id),
            stay_id=st.id,
            person_id=st.person_id,
            verdict="overstay" if st.last_day < now.date() else "valid",
            kind="check",
            device_time=now - timedelta(seconds=r.uniform(0, 600)),
            fix_time=now,
            lat=-8.7 + r.gauss(0, 0.05),
            lon=115.17 + r.gauss(0, 0.05),
            accuracy_m=15.0,
            device="bench",
            scanner_id=officer,
            scanner_role="officer",
            scanner_office="NGR",
            flags=[],
            result={},
        )
        for st in stays
    ]
    s.add_all(scans)
    s.flush()
    return scans


def bench_rules(engine: Engine, cipher: PiiCipher, batch: int, batches: int) -> None:
    """New scans of random present people are inserted in a transaction that is rolled back;
    only AlertEngine.on_scans is timed."""
    with Session(engine) as s, s.begin():
        officer = s.scalar(sa.text("SELECT id FROM officer WHERE username = 'seed.officer.ngr'"))
        now = datetime.now(UTC)
        engine_ = alert_engine(s, cipher)
        per_scan, raised = [], 0
        for _ in range(batches):
            scans = _batch(s, batch, officer, now)
            t0 = time.perf_counter()
            raised += len(engine_.on_scans(scans, now=now))
            per_scan.append((time.perf_counter() - t0) * 1e6 / max(1, len(scans)))
        s.rollback()
    print(
        f"alert rules on ingest ({batches} batches of {batch} scans, {raised} alerts raised): "
        f"median {statistics.median(per_scan):.0f} us per scan, "
        f"worst batch {max(per_scan):.0f} us per scan"
    )


def run(engine: Engine, cipher: PiiCipher, args: argparse.Namespace) -> None:
    if args.people:
        opts = SeedOptions(args.people, args.days, args.seed, scans_per_day=args.scans_per_day)
        report = seed(engine, cipher, opts)
        print(
            f"seeded {report.people:,} people, {report.counts.get('scan', 0):,} scans in "
            f"{report.seconds:.0f} s (encryption {report.pii_seconds:.1f} s, "
            f"signing {report.signing_seconds:.1f} s)"
        )
    with engine.connect() as c:
        c.execute(sa.text("ANALYZE"))
        c.commit()
    print(f"sizes: {sizes(engine)}")
    bench_track(engine, args.samples)
    bench_overstays(engine)
    bench_dashboard(engine)
    bench_rules(engine, cipher, args.batch, args.batches)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--people", type=int, default=20_000, help="people to seed first (0: none)")
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scans-per-day", type=float, default=1.5)
    p.add_argument("--samples", type=int, default=200, help="people whose track is timed")
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--batches", type=int, default=10)
    p.add_argument("--existing", action="store_true", help="the environment's database")
    args = p.parse_args()
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
