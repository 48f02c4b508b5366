"""Monthly partitions of the scan history (PostgreSQL declarative partitioning by `device_time`).

`scan` is partitioned by RANGE (device_time), one partition per calendar month (UTC) named
`scan_YYYY_MM`, plus `scan_default` so that no scan is ever refused for want of a partition. The
indexes are declared on the parent and exist on every partition. Partitions are made ahead by the
worker's daily job (`scans.partitions`: this month and the next two) and by the migration that
converted the table (for every month holding data, and the current and next months).

Idempotency: a partitioned table's primary key must include the partition key, so (id,
device_time) alone would let the same client UUID be stored twice under two device times.
`scan_key` (id primary key) is the dedup table: the ingest inserts the batch's ids there first
(ON CONFLICT DO NOTHING) and stores in `scan` only the rows whose key it inserted, in one
statement. It costs one small index insert per scan and holds 24 bytes a scan; retention deletes
its rows with their partition's months. (A UUIDv7's own time could bound the partition instead,
but phones send UUIDv4 today and a client's clock cannot be trusted to choose the partition.)

Retention drops whole partitions (`drop_before`): no row-by-row DELETE, no table bloat.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import sqlalchemy as sa

PARENT = "scan"
DEFAULT = "scan_default"
_NAME = re.compile(r"^scan_(\d{4})_(\d{2})$")


def month_of(d: date | datetime) -> date:
    return date(d.year, d.month, 1)


def next_month(m: date) -> date:
    return date(m.year + m.month // 12, m.month % 12 + 1, 1)


def name_of(month: date) -> str:
    return f"scan_{month:%Y_%m}"


def months(first: date, last: date) -> list[date]:
    out, m = [], month_of(first)
    while m <= month_of(last):
        out.append(m)
        m = next_month(m)
    return out


def existing(conn: sa.Connection) -> dict[str, date]:
    """The monthly partitions attached to `scan`, by name, with their first day."""
    rows = conn.execute(
        sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :parent"
        ),
        {"parent": PARENT},
    ).scalars()
    out = {}
    for name in rows:
        if m := _NAME.match(name):
            out[name] = date(int(m[1]), int(m[2]), 1)
    return out


def _bound(d: date) -> str:
    return datetime(d.year, d.month, d.day, tzinfo=UTC).isoformat()


def ensure(conn: sa.Connection, first: date, last: date) -> list[str]:
    """Create the monthly partitions from `first`'s month to `last`'s that are missing; rows that
    fell into the default partition for such a month move into it. Returns the names made."""
    have = existing(conn)
    made = []
    for m in months(first, last):
        name = name_of(m)
        if name in have:
            continue
        lo, hi = _bound(m), _bound(next_month(m))
        conn.execute(sa.text("LOCK TABLE scan_default IN ACCESS EXCLUSIVE MODE"))
        stray = conn.scalar(
            sa.text(
                "SELECT count(*) FROM scan_default WHERE device_time >= :lo AND device_time < :hi"
            ),
            {"lo": lo, "hi": hi},
        )
        if stray:
            conn.execute(
                sa.text(
                    "CREATE TEMP TABLE scan_moving ON COMMIT DROP AS SELECT * FROM scan_default "
                    "WHERE device_time >= :lo AND device_time < :hi"
                ),
                {"lo": lo, "hi": hi},
            )
            conn.execute(
                sa.text("DELETE FROM scan_default WHERE device_time >= :lo AND device_time < :hi"),
                {"lo": lo, "hi": hi},
            )
        # Bounds are dates this module made, not user input.
        conn.execute(
            sa.text(
                f"CREATE TABLE {name} PARTITION OF {PARENT} FOR VALUES FROM ('{lo}') TO ('{hi}')"
            )
        )
        if stray:
            conn.execute(sa.text("INSERT INTO scan SELECT * FROM scan_moving"))
            conn.execute(sa.text("DROP TABLE scan_moving"))
        made.append(name)
    return made


def ensure_ahead(conn: sa.Connection, today: date, ahead: int = 2) -> list[str]:
    last = today
    for _ in range(ahead):
        last = next_month(month_of(last))
    return ensure(conn, today, last)


def drop_before(conn: sa.Connection, cutoff: date) -> list[str]:
    """Drop every monthly partition that ends on or before `cutoff`'s month start (whole months
    only), and the dedup keys of the scans they held. Returns the names dropped."""
    limit = month_of(cutoff)
    dropped = []
    for name, m in sorted(existing(conn).items(), key=lambda kv: kv[1]):
        if next_month(m) <= limit:
            conn.execute(sa.text(f"DROP TABLE {name}"))
            dropped.append(name)
    conn.execute(sa.text("DELETE FROM scan_default WHERE device_time < :lo"), {"lo": _bound(limit)})
    conn.execute(sa.text("DELETE FROM scan_key WHERE device_time < :lo"), {"lo": _bound(limit)})
    return dropped
