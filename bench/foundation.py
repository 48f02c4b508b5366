"""Foundation costs: audit-log appends (hash chain under an advisory lock) against plain inserts of
the same rows, and password hashing, measured in the same run on the embedded PostgreSQL.

    .venv/bin/python bench/foundation.py [--events 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau import migrate, security
from pantau.audit.services import Actor, record_event
from pantau.config import Settings
from pantau.db import make_engine, start_embedded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(start_embedded(Settings(data_dir=Path(tmp))))
        migrate.upgrade(engine)
        actor = Actor("bench", origin="bench")
        n = args.events

        started = time.perf_counter()
        for i in range(n):
            with Session(engine) as s, s.begin():
                record_event(
                    s, "bench:event:append", actor=actor, target=f"t:{i}", details={"i": i}
                )
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

        started = time.perf_counter()
        for _ in range(20):
            digest = security.hash_password("correct horse battery")
        hashes = 20 / (time.perf_counter() - started)
        started = time.perf_counter()
        for _ in range(20):
            security.verify_password(digest, "correct horse battery")
        verifies = 20 / (time.perf_counter() - started)
        engine.dispose()

    print(f"audit events appended/s (chained, one transaction each): {chained:,.0f}")
    print(f"plain inserts/s of the same rows (one transaction each):  {plain:,.0f}")
    print(f"ratio chained/plain: {chained / plain:.2f}")
    print(f"argon2id hashes/s: {hashes:.1f}   verifies/s: {verifies:.1f} (one core)")


if __name__ == "__main__":
    main()
