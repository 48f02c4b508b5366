"""APPAPO under a burst, at the service level (BookingService, as the web views call it; no HTTP):
threads with their own PostgreSQL connections, released together, each attempt its own committed
transaction. Two scenarios on the same kind of quota:

  first-come  10,000+ confirmations at once for 1,000 seats (one slot: every attempt fights over
              the same row, the worst case)
  draw        10,000+ confirmations during a waiting room, then the draw gives the 1,000 seats

Some NIKs come twice (a broker's retry); prints bookings made, overbooked (must be 0), refusals and
errors, latency p50/p99.

    .venv/bin/python bench/queue_burst.py [--attempts 10000] [--seats 1000] [--threads 32]
    [--database-url postgresql://...]    (default: an embedded PostgreSQL in a temporary folder)
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from pantau import migrate
from pantau.audit.services import Actor
from pantau.config import Settings
from pantau.db import make_engine, start_embedded
from pantau.errors import PantauError
from pantau.notifications.notify import NullNotifier
from pantau.pii import KeyRing, PiiCipher
from pantau.queue.booking.lottery import run_draw
from pantau.queue.booking.nik import make_nik
from pantau.queue.booking.services import BookingService, Choice
from pantau.queue.models import (
    ACTIVE,
    SEATED,
    Booking,
    QueueOffice,
    QueueQuota,
    QueueSession,
    QueueSlot,
    ServiceKind,
)
from pantau.queue.privacy import Citizen
from pantau.queue.settings import QueueSettings
from pantau.reference.services import ReferenceService

ACTOR = Actor("bench", origin="bench")
CIPHER = PiiCipher(KeyRing.generate())
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 11:00 in Bali
FIRST_COME_DAY = date(2026, 3, 10)
DRAW_DAY = date(2026, 3, 11)


def service(s: Session) -> BookingService:
    return BookingService(
        s, cipher=CIPHER, notifier=NullNotifier(), settings=QueueSettings(), actor=ACTOR
    )


def setup(factory: sessionmaker[Session], seats: int) -> int:
    with factory() as s, s.begin():
        ReferenceService(s).load_shipped()
        s.add(QueueOffice(office_code="NGR"))
        sess = QueueSession(office_code="NGR", label="Pagi", starts=clock(8), ends=clock(12))
        s.add(sess)
        s.flush()
        s.add(QueueQuota(session_id=sess.id, service=ServiceKind.NEW, regular=seats, priority=0))
        return sess.id


def people(n: int, rng: random.Random) -> list[Citizen]:
    """n citizens with valid NIKs; a fifth of them are a repeat of someone else."""
    distinct = []
    for i in range(n * 4 // 5):
        born = date(1970, 1, 1) + timedelta(days=rng.randrange(15000))
        nik = make_nik(born, rng.choice("MF"), rng=rng)
        distinct.append(Citizen(nik, f"Warga {i}", born, f"0812{i:08d}", f"w{i}@contoh.id"))
    out = distinct + [rng.choice(distinct) for _ in range(n - len(distinct))]
    rng.shuffle(out)
    return out


def prepare(factory, who: list[Citizen], choice: Choice, threads: int, now: datetime) -> list:
    """Request a one-time code for everyone (not timed)."""
    work: list = []
    lock = threading.Lock()

    def run(chunk: list[Citizen]) -> None:
        mine = []
        with factory() as s, s.begin():
            svc = service(s)
            for c in chunk:
                try:
                    req = svc.request(c, choice, now=now)
                    mine.append((req.booking.id, req.otp))
                except PantauError:
                    pass  # a second request of the same NIK after its booking: refused early
        with lock:
            work.extend(mine)

    chunks = [who[i::threads] for i in range(threads)]
    pool = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return work


def burst(
    factory, work: list, threads: int, now: datetime
) -> tuple[Counter[str], list[float], float]:
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def run(share: list) -> None:
        mine: Counter[str] = Counter()
        times = []
        barrier.wait()
        for booking_id, otp in share:
            started = time.perf_counter()
            try:
                with factory() as s, s.begin():
                    b = service(s).confirm(booking_id, otp, now=now)
                    result = b.status.value
            except PantauError as exc:
                result = exc.code
            except Exception as exc:  # an error response: anything but a clear refusal
                result = f"ERROR {type(exc).__name__}"
            times.append(time.perf_counter() - started)
            mine[result] += 1
        with lock:
            outcomes.update(mine)
            latencies.extend(times)

    pool = [threading.Thread(target=run, args=(work[i::threads],)) for i in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    return outcomes, latencies, time.perf_counter() - started


def check(factory, day: date, seats: int) -> tuple[int, int, int]:
    """Bookings made, overbooked seats and NIKs holding more than one active booking."""
    with factory() as s:
        slot = s.scalar(sa.select(QueueSlot).where(QueueSlot.day == day))
        seated = s.scalar(
            sa.select(sa.func.count()).where(Booking.slot_id == slot.id, Booking.status.in_(SEATED))
        )
        doubles = s.scalar(
            sa.select(sa.func.count()).select_from(
                sa.select(Booking.nik_hash)
                .where(Booking.status.in_(ACTIVE))
                .group_by(Booking.nik_hash)
                .having(sa.func.count() > 1)
                .subquery()
            )
        )
    assert slot.booked == seated, "seat counter disagrees with the bookings"
    return seated, max(0, seated - seats), doubles


def report(title: str, outcomes: Counter[str], latencies: list[float], wall: float, made) -> None:
    seated, over, doubles = made
    ms = sorted(x * 1000 for x in latencies)
    errors = sum(v for k, v in outcomes.items() if k.startswith("ERROR"))
    good = ("booked", "waiting")
    refusals = {k: v for k, v in outcomes.items() if not k.startswith("ERROR") and k not in good}
    print(f"\n== {title}")
    print(f"attempts             {sum(outcomes.values())}  in {wall:.1f} s "
          f"({sum(outcomes.values()) / wall:.0f}/s)")  # fmt: skip
    print(f"bookings made        {seated}   (in the waiting room: {outcomes['waiting']})")
    print(f"overbooked           {over}   NIKs with two active bookings: {doubles}")
    print(f"refusals             {refusals}")
    print(f"error responses      {errors}  {[k for k in outcomes if k.startswith('ERROR')]}")
    print(f"latency ms           p50 {statistics.median(ms):.1f}  p99 {ms[int(len(ms) * 0.99) - 1]:.1f}"
          f"  max {ms[-1]:.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--seats", type=int, default=1_000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or start_embedded(Settings(data_dir=Path(tmp)))
        engine = make_engine(url, pool_size=args.threads + 4, max_overflow=0)
        migrate.upgrade(engine)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        session_id = setup(factory, args.seats)
        rng = random.Random(2026)
        print(f"service level, {args.threads} threads with their own connections, "
              f"{args.attempts} attempts for {args.seats} seats, server: "
              f"{'external' if args.database_url else 'embedded PostgreSQL'}")  # fmt: skip

        choice = Choice("NGR", FIRST_COME_DAY, session_id, ServiceKind.NEW, flexible=False)
        work = prepare(factory, people(args.attempts, rng), choice, args.threads, NOW)
        outcomes, lat, wall = burst(factory, work, args.threads, NOW)
        report("first-come: confirmations after the draw", outcomes, lat, wall,
               check(factory, FIRST_COME_DAY, args.seats))  # fmt: skip

        draw_day_choice = Choice("NGR", DRAW_DAY, session_id, ServiceKind.NEW, flexible=False)
        window(factory, DRAW_DAY)
        with factory() as s, s.begin():
            s.execute(
                sa.update(Booking).where(Booking.day == FIRST_COME_DAY).values(status="cancelled")
            )  # fmt: skip - free the NIKs for round two
        work = prepare(factory, people(args.attempts, rng), draw_day_choice, args.threads, NOW)
        outcomes, lat, wall = burst(factory, work, args.threads, NOW)
        report("waiting room: joining during the window", outcomes, lat, wall, (0, 0, 0))
        started = time.perf_counter()
        with factory() as s, s.begin():
            result = run_draw(service(s), "NGR", DRAW_DAY, now=NOW + timedelta(minutes=11))
        took = time.perf_counter() - started
        seated, over, doubles = check(factory, DRAW_DAY, args.seats)
        print(f"\n== the draw\nentrants {result.entrants}  winners {result.winners}  "
              f"took {took:.1f} s\nbookings made        {seated}\n"
              f"overbooked           {over}   NIKs with two active bookings: {doubles}")  # fmt: skip
        engine.dispose()


def window(factory, day: date) -> None:
    """Make `day`'s quota open at NOW: its waiting room is open for the next ten minutes."""
    with factory() as s, s.begin():
        qo = s.get(QueueOffice, "NGR")
        local_now = NOW + timedelta(hours=8)
        qo.days_ahead = (day - local_now.date()).days
        qo.opening_time = (local_now - timedelta(minutes=1)).time()


if __name__ == "__main__":
    main()
