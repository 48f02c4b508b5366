"""The dashboards' daily series with and without the indexes of migration 0010 (alert.created_at;
stay.arrived_at and stay.departed_at are the same shape), on years of alerts of which the last 30
days are charted.

    .venv/bin/python bench/daily_series_indexes.py [--url postgresql://postgres@127.0.0.1:5432/test]
        [--alerts 1000000] [--years 3]

It creates a scratch database on that server, migrates it, fills `alert` with generate_series, times
DashboardService.daily() (national and one office) with the index, then with it dropped inside a
transaction that is rolled back, and drops the scratch database.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from pantau import migrate
from pantau.dashboards.services import DashboardService
from pantau.db import make_engine
from pantau.reference.services import ReferenceService

FILL = sa.text(
    """
    INSERT INTO alert (id, kind, severity, status, office_code, dedup_key, summary, details,
                       evidence, created_at, updated_at)
    SELECT gen_random_uuid(), 'overstay', 'high', 'resolved',
           (ARRAY['NGR','DEN','JKS','MDN','BTM'])[1 + i % 5], 'k' || i, 's', '{}'::jsonb, '{}',
           now() - (random() * :years * 365) * interval '1 day',
           now()
    FROM generate_series(1, :n) AS i
    """
)


def median_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(out)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    p.add_argument("--alerts", type=int, default=1_000_000)
    p.add_argument("--years", type=float, default=3)
    args = p.parse_args()

    admin = make_engine(args.url, isolation_level="AUTOCOMMIT", pool_size=1)
    name = f"pantau_bench_{secrets.token_hex(4)}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url, pool_size=1)
    try:
        migrate.upgrade(engine)
        with Session(engine) as s, s.begin():
            ReferenceService(s).load_shipped()
            offices = set(s.scalars(sa.text("SELECT code FROM office")))
            missing = {"NGR", "DEN", "JKS", "MDN", "BTM"} - offices
            assert not missing, f"shipped offices lack {missing}"
            s.execute(FILL, {"n": args.alerts, "years": args.years})
        with engine.connect() as c:
            c.execute(sa.text("ANALYZE alert"))
        print(f"{args.alerts:,} alerts over {args.years:g} years; 30 days charted")
        for office in (None, "NGR"):
            with Session(engine) as s:
                with_index = median_ms(lambda s=s, o=office: DashboardService(s, office=o).daily())
                s.execute(sa.text("DROP INDEX ix_alert_created_at"))
                s.execute(sa.text("ANALYZE alert"))
                without = median_ms(lambda s=s, o=office: DashboardService(s, office=o).daily())
                s.rollback()
            label = office or "national"
            print(
                f"daily() {label:>8}: {with_index:7.1f} ms with ix_alert_created_at, "
                f"{without:7.1f} ms without ({without / with_index:.1f}x)"
            )
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
