"""Placing a scan in its regency: point lookups per second, and what placement adds to ingest.

    .venv/bin/python bench/regions.py [--lookups 20000] [--batches 10]

Lookups: points spread over the archipelago's regencies (each a regency's inner point moved up to
~5 km, so some land at sea) and points anywhere in the Indonesia box (mostly sea: the slow path, the
nearest-regency search). Ingest: ScanService on the embedded PostgreSQL, batches of 500 scans of
real stickers with the alert rules off, with placement and without, alternating, in the same run.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from shapely.geometry import shape
from sqlalchemy.orm import Session

from pantau import migrate
from pantau.accounts.models import Officer
from pantau.config import Settings
from pantau.db import make_engine, start_embedded
from pantau.demo.load import demo_account
from pantau.reference.geo import INDONESIA_BOX
from pantau.reference.regions import region_index
from pantau.scans.services import ScanService
from pantau.stickers.services import DbStickerVerifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scans_ingest import make_stickers


def land_points(n: int, rng: random.Random) -> list[tuple[float, float]]:
    index = region_index()
    assert index is not None, "boundaries missing: run `make install`"
    inner = [shape(r["geometry"]).representative_point() for r in index.rows.values()]
    out = []
    for _ in range(n):
        p = rng.choice(inner)
        out.append((p.y + rng.uniform(-0.05, 0.05), p.x + rng.uniform(-0.05, 0.05)))
    return out


def box_points(n: int, rng: random.Random) -> list[tuple[float, float]]:
    south, west, north, east = INDONESIA_BOX
    return [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(n)]


def lookups_per_s(points: list[tuple[float, float]]) -> tuple[float, float]:
    index = region_index()
    assert index is not None
    start = time.perf_counter()
    found = sum(1 for lat, lon in points if index.locate(lat, lon) is not None)
    return len(points) / (time.perf_counter() - start), found / len(points)


def batch_lookups_per_s(points: list[tuple[float, float]]) -> float:
    index = region_index()
    assert index is not None
    start = time.perf_counter()
    for i in range(0, len(points), 500):
        index.locate_many(points[i : i + 500])
    return len(points) / (time.perf_counter() - start)


def ingest_rate(engine, texts, points, officer, *, place: bool, batch: int = 500) -> float:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC) - timedelta(minutes=1)
    items = [
        {
            "id": str(uuid.uuid4()),
            "qr_text": texts[i % len(texts)],
            "device_time": now.isoformat(),
            "lat": points[i % len(points)][0],
            "lon": points[i % len(points)][1],
            "accuracy_m": 15.0,
            "kind": "check",
            "device": "bench",
        }
        for i in range(batch)
    ]
    with Session(engine) as s:
        scans = ScanService(s, verifier=DbStickerVerifier(s), place=place)
        start = time.perf_counter()
        with s.begin():
            stored = scans.ingest(items, scanner=officer)
        took = time.perf_counter() - start
    assert all(r.status == "stored" for r in stored)
    return batch / took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=20000)
    parser.add_argument("--batches", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(5)
    start = time.perf_counter()
    region_index()
    built = time.perf_counter() - start
    land = land_points(args.lookups, rng)
    box = box_points(args.lookups // 4, rng)
    land_rate, land_found = lookups_per_s(land)
    box_rate, box_found = lookups_per_s(box)
    land_batch = batch_lookups_per_s(land)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        engine = make_engine(start_embedded(settings))
        migrate.upgrade(engine)
        texts = make_stickers(engine, settings, 100)
        user = demo_account("petugas.ngr")
        assert user is not None
        with Session(engine) as s:
            officer = s.scalar(sa.select(Officer).where(Officer.username == user.username))
            s.expunge_all()
        ingest_rate(engine, texts, land, officer, place=True)  # warm-up
        with_place, without = [], []
        for _ in range(args.batches):
            with_place.append(ingest_rate(engine, texts, land, officer, place=True))
            without.append(ingest_rate(engine, texts, land, officer, place=False))
        engine.dispose()
    wp, wo = sorted(with_place)[len(with_place) // 2], sorted(without)[len(without) // 2]
    print(f"index build (497 regencies, STRtree + prepared polygons): {built:.2f} s")
    print(
        f"lookups/s, points near regencies' inner points: {land_rate:,.0f} ({land_found:.0%} placed)"
    )
    print(f"lookups/s, same points, batches of 500 (as ingest does): {land_batch:,.0f}")
    print(
        f"lookups/s, points anywhere in the Indonesia box: {box_rate:,.0f} ({box_found:.0%} placed)"
    )
    print(f"ingest scans/s, batches of 500, rules off, with placement:    {wp:,.0f} (median)")
    print(f"ingest scans/s, batches of 500, rules off, without placement: {wo:,.0f} (median)")
    print(f"ratio with/without placement: {wp / wo:.2f}")


if __name__ == "__main__":
    main()
