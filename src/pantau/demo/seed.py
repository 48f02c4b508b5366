"""Synthetic arrivals at scale for `pantau seed`: people, passports, stays, stickers, scans along
plausible routes (hotel check-ins, TIMPORA and officer checks), overstays, copied stickers and
banned persons refused at the border. Synthetic people; any likeness is chance.

Why it looks like this:
- Rows are generated in chunks and written with PostgreSQL COPY: a million people and twenty
  million scans through the ORM would take hours. A writer thread sends one chunk while the next is
  generated, so Python and PostgreSQL work at the same time.
- Names, birth dates and passport numbers are encrypted with the real PiiCipher and hashed with the
  real lookup keys, so the seeded people are found and shown exactly like registered ones.
- Stickers: a real token costs about 23 ms, nearly all of it the PBKDF2 passport binding
  (100,000 rounds, on purpose). So only a sample (`signed`, default 200 per run) gets a real token
  signed by its checkpoint's current document signer (one key per checkpoint, as at a real desk);
  the others carry `SEED-UNSIGNED:<serial>` as QR text (a scanner answers "not Pantau") and the
  signer's kid. A million real tokens would take six CPU-hours.
- Foreign keys are checked by construction: when the database role may, the COPY session runs with
  `session_replication_role = replica`, which skips the per-row FK triggers (3 per scan).
- Reproducible: the random stream is derived from `seed` and the number of people already in the
  database, so the same seed on an equal database gives the same rows, and a second run adds new
  people instead of colliding with the first.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.demo.seed_rows import (
    Rows,
    Scanners,
    World,
    copy_line,
    cumulative,
    new_serial,
    open_writer,
    pick,
    pick_cumulative,
    poisson,
    prepare_world,
    scan_line,
    travel,
    ts,
    uuid_at,
    write_rows,
)
from pantau.demo.seed_world import (
    DEPARTURE_BY_PLACE,
    OTHER_CHECKPOINTS,
    OTHERS,
    OTHERS_SHARE,
    PLACES,
    ROUTES,
    SOURCES,
    Place,
)
from pantau.people.identity import identity_hash, passport_hash
from pantau.pii import PiiCipher
from pantau.reference.models import ZONES
from pantau.reference.regions import locate
from pantau.stays.rules import last_allowed_day

DAY = 86400.0
T = TypeVar("T")
SEED_ACTOR = Actor("seed", origin="cli")
KITAS_SHARE, KITAP_SHARE, OVERSTAY_SHARE = 0.015, 0.003, 0.006


@dataclass(frozen=True)
class SeedOptions:
    people: int
    days: int
    seed: int = 1
    chunk: int = 5000
    signed: int = 200  # stickers with a real signed token (see the module docstring)
    scans_per_day: float = 1.5  # checks per day of stay besides check-in, check-out and exit
    now: datetime | None = None


@dataclass
class SeedReport:
    people: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    pii_seconds: float = 0.0  # encryption and keyed hashes
    signing_seconds: float = 0.0
    replica_mode: bool = False
    copied_scans: list[uuid.UUID] = field(default_factory=list)  # the far copies, for the rules

    def add(self, rows: Rows) -> None:
        for table, lines in rows.tables().items():
            self.counts[table] = self.counts.get(table, 0) + len(lines)


@dataclass
class Trip:
    """One person's stay as generated: what the scan lines need."""

    person: uuid.UUID
    stay: uuid.UUID
    serial: str
    end_ts: float  # first instant after the last allowed day (local calendar)
    scans: list[tuple[float, Place]] = field(default_factory=list)


class ChunkGenerator:
    """Makes the rows for one chunk of people from its own random stream."""

    def __init__(self, world: World, cipher: PiiCipher, opts: SeedOptions, now: datetime) -> None:
        self.world, self.cipher, self.opts = world, cipher, opts
        self.now_ts = now.timestamp()
        self.start_ts = self.now_ts - opts.days * DAY
        weights = [s.share for s in SOURCES] + [OTHERS_SHARE]
        self.source_weights = list(cumulative(weights))
        self.pii_seconds = 0.0
        self.signing_seconds = 0.0
        self.rng = random.Random()  # noqa: S311 - synthetic data, not security
        self.index = 0
        self.regions: dict[str, str | None] = {}

    def chunk(self, stream: str, n: int, sign_first: int, base: int) -> Rows:
        self.rng.seed(stream)
        self.index = base  # people made so far: makes passport numbers unique
        rows = Rows()
        copied = set(self.rng.sample(range(n), min(n, max(1, round(n / 10_000)))))
        banned = max(1, round(n / 20_000)) if n >= 100 else 0
        for i in range(n):
            self._one(rows, i < sign_first, i in copied)
        for _ in range(banned):
            self._banned(rows)
        return rows

    # --- who ---------------------------------------------------------------------------------
    def _source(self) -> tuple[str, bool, tuple[tuple[str, float], ...], str, str]:
        r = self.rng
        k = pick_cumulative(self.source_weights, r.random())
        if k == len(SOURCES):
            nat = r.choice(OTHERS)
            return nat, nat in ("PHL", "THA", "VNM"), OTHER_CHECKPOINTS, "MARTIN", "ALEX"
        s = SOURCES[k]
        return s.code, s.exempt, s.checkpoints, r.choice(s.surnames), r.choice(s.given)

    def _identity(self, rows: Rows, nat: str, surname: str, given: str, at: float) -> Ident:
        r = self.rng
        t0 = time.perf_counter()
        birth = date(1950 + r.randrange(55), 1 + r.randrange(12), 1 + r.randrange(28))
        # Random numbers would collide (birthdays) at a million; a bijection of the index cannot.
        number = f"{nat[0]}{self.index * 7_919 % 10**9:09d}"
        self.index += 1
        person, passport = uuid_at(at, r), uuid_at(at, r)
        c = self.cipher
        i_hash = identity_hash(
            c, surname=surname, given_names=given, birth_date=birth, nationality=nat
        )
        p_hash = passport_hash(c, nat, number)
        rows.person.append(
            copy_line(
                person,
                nat,
                r.choice("MF"),
                birth.year,
                c.encrypt(surname, "person.surname"),
                c.encrypt(given, "person.given_names"),
                c.encrypt(birth.isoformat(), "person.birth_date"),
                i_hash,
                ts(at),
            )
        )
        expiry = date(2027 + r.randrange(8), 1 + r.randrange(12), 1 + r.randrange(28))
        rows.passport.append(
            copy_line(
                passport,
                person,
                p_hash,
                c.encrypt(number, "passport.number"),
                nat,
                "P",
                expiry,
                ts(at),
            )
        )
        self.pii_seconds += time.perf_counter() - t0
        return Ident(person, passport, nat, surname, given, birth, number, i_hash, p_hash)

    # --- one person --------------------------------------------------------------------------
    def _one(self, rows: Rows, sign: bool, copied: bool) -> None:
        r = self.rng
        nat, exempt, checkpoints, surname, given = self._source()
        cp = pick(r, checkpoints)
        kind = r.random()
        places: tuple[str, ...]
        if kind < KITAS_SHARE + KITAP_SHARE:
            permit = "kitas" if kind < KITAS_SHARE else "kitap"
            arrived = self.now_ts - r.uniform(5, 330) * DAY
            departs, places = math.inf, (self._route(cp)[0],)
        elif kind < KITAS_SHARE + KITAP_SHARE + OVERSTAY_SHARE:
            permit = "visa-exemption" if exempt else "voa"
            arrived = self.now_ts - (30 + min(r.expovariate(1 / 12), 120)) * DAY
            departs, places = math.inf, (self._route(cp)[-1],)
        else:
            permit = "visa-exemption" if exempt else ("voa" if r.random() < 0.9 else "visit-visa")
            arrived = r.uniform(self.start_ts, self.now_ts)
            departs, places = arrived + self._length() * DAY, self._route(cp)
        ident = self._identity(rows, nat, surname, given, arrived)
        trip = self._stay(rows, ident, cp, permit, arrived, departs, places, sign=sign)
        if copied:
            self._copy(rows, trip)

    def _length(self) -> float:
        u = self.rng.random()
        if u < 0.15:
            return self.rng.uniform(1, 4)
        return self.rng.uniform(4, 15) if u < 0.95 else self.rng.uniform(15, 28)

    def _route(self, cp: str) -> tuple[str, ...]:
        return pick(self.rng, [(r, w) for w, r in ROUTES[cp]])

    def _stay(
        self,
        rows: Rows,
        ident: Ident,
        cp: str,
        permit: str,
        arrived: float,
        departs: float,
        places: tuple[str, ...],
        *,
        sign: bool,
    ) -> Trip:
        r, w = self.rng, self.world
        at = datetime.fromtimestamp(arrived, UTC)
        months = r.choice((6, 12, 24)) if permit == "kitas" else None
        zone = ZONES[w.checkpoint_zone[cp]]
        last_day = last_allowed_day(permit, at, zone, months)
        end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), ZoneInfo(zone))
        stay, serial = uuid_at(arrived, r), new_serial(r)
        exit_cp = DEPARTURE_BY_PLACE.get(places[-1], "DPS")
        gone = departs <= self.now_ts
        rows.stay.append(
            copy_line(
                stay,
                ident.person,
                ident.passport,
                permit,
                cp,
                w.checkpoint_office[cp],
                at,
                last_day,
                0,
                "departed" if gone else "active",
                datetime.fromtimestamp(departs, UTC) if gone else None,
                exit_cp if gone else None,
            )
        )
        self._sticker(rows, ident, stay, serial, permit, cp, at, last_day, sign=sign)
        trip = Trip(ident.person, stay, serial, end.timestamp())
        # Long stays began before the window: only their days inside it make scans.
        t0 = max(arrived, self.start_ts - DAY)
        self._itinerary(trip, cp, places, t0, min(departs, self.now_ts + DAY))
        self._scan_lines(rows, trip, exit_cp if gone else None, departs)
        return trip

    def _sticker(
        self,
        rows: Rows,
        ident: Ident,
        stay: uuid.UUID,
        serial: str,
        permit: str,
        cp: str,
        at: datetime,
        last_day: date,
        *,
        sign: bool,
    ) -> None:
        issued = at.replace(microsecond=0)
        expires = datetime.combine(last_day, datetime.min.time(), UTC) + timedelta(days=366)
        kid, signer = self.world.signers[cp]
        text = f"SEED-UNSIGNED:{serial}"
        if sign and signer is not None:
            t0 = time.perf_counter()
            text = signer(ident, stay, serial, permit, cp, issued, last_day, expires)
            self.signing_seconds += time.perf_counter() - t0
        rows.sticker.append(copy_line(serial, stay, kid, issued, expires, text, "active"))

    # --- where and when ----------------------------------------------------------------------
    def _itinerary(
        self, trip: Trip, cp: str, places: tuple[str, ...], t0: float, t1: float
    ) -> None:
        """Check-in at each place, checks while there, check-out when leaving; travel between
        places takes an hour plus the distance at 500 km/h, so honest tracks never look
        impossible."""
        r = self.rng
        cuts = sorted(r.uniform(t0, t1) for _ in range(len(places) - 1))
        bounds = [t0, *cuts, t1]
        prev = self.world.checkpoint_place[cp]
        for k, name in enumerate(places):
            p = PLACES[name]
            a, b = bounds[k] + travel(prev, p), bounds[k + 1]
            if a >= b:
                continue
            trip.scans.append((a, p))
            for _ in range(poisson(r, self.opts.scans_per_day * (b - a) / DAY)):
                trip.scans.append((r.uniform(a, b), p))
            trip.scans.append((b, p))
            prev = p

    def _scan_lines(self, rows: Rows, trip: Trip, exit_cp: str | None, departs: float) -> None:
        trip.scans.sort(key=lambda s: s[0])
        last = len(trip.scans) - 1
        for k, (t, place) in enumerate(trip.scans):
            kind = "check-in" if k == 0 else ("check-out" if k == last else "check")
            self._scan(rows, trip, t, place, kind)
        if exit_cp is not None:
            self._scan(rows, trip, departs, self.world.checkpoint_place[exit_cp], "exit")

    def _scan(self, rows: Rows, trip: Trip, t: float, place: Place, kind: str) -> uuid.UUID | None:
        if not self.start_ts <= t <= self.now_ts:
            return None
        r = self.rng
        who = self.world.scanners[place.office]
        if kind == "exit":
            scanner = who.officer
        elif kind != "check":
            scanner = who.hotel
        else:
            u = r.random()
            scanner = who.hotel if u < 0.6 else (who.partner if u < 0.85 else who.officer)
        verdict = (
            "overstay"
            if t >= trip.end_ts
            else ("expiring" if t >= trip.end_ts - 7 * DAY else "valid")
        )
        lat, lon = place.lat + r.gauss(0, 0.01), place.lon + r.gauss(0, 0.01)
        scan_id = uuid.UUID(int=r.getrandbits(128), version=4)
        # The site's regency, looked up once per site (a scan jittered ~1 km across a regency's
        # boundary keeps its site's regency: synthetic data).
        if place.name not in self.regions:
            self.regions[place.name] = locate(place.lat, place.lon)
        rows.scan.append(
            scan_line(
                scan_id,
                trip,
                verdict,
                kind,
                t,
                lat,
                lon,
                r.uniform(5, 40),
                scanner,
                self.regions[place.name],
            )
        )
        return scan_id

    def _copy(self, rows: Rows, trip: Trip) -> None:
        """A copied sticker: the same serial scanned at a far place within the hour."""
        seen = [(t, p) for t, p in trip.scans if self.start_ts <= t <= self.now_ts - 3600]
        if not seen:
            return
        t, place = self.rng.choice(seen)
        far = PLACES["Medan"] if place.lon > 110 else PLACES["Kuta"]
        copy = self._scan(rows, trip, t + self.rng.uniform(1200, 3300), far, "check")
        if copy is not None:
            rows.copied.append(copy)

    # --- refused at the border ---------------------------------------------------------------
    def _banned(self, rows: Rows) -> None:
        """A visitor who was deported and banned earlier, refused when coming back."""
        r = self.rng
        nat, _, checkpoints, surname, given = self._source()
        cp = pick(r, checkpoints)
        at = self.now_ts - r.uniform(0.1, 1) * self.opts.days * DAY
        ident = self._identity(rows, nat, surname, given, at - 400 * DAY)
        ban = uuid_at(at, r)
        starts = (datetime.fromtimestamp(at, UTC) - timedelta(days=300)).date()
        t0 = time.perf_counter()
        name = self.cipher.encrypt(f"{surname}, {given}", "ban_entry.full_name")
        self.pii_seconds += time.perf_counter() - t0
        rows.ban.append(
            copy_line(
                ban,
                ident.person,
                ident.p_hash,
                ident.i_hash,
                name,
                nat,
                starts,
                starts + timedelta(days=365 * 5),
                "UU 63/2024 Pasal 102",
                "Deported for misuse of a stay permit (synthetic)",
                ts(at - 300 * DAY),
            )
        )
        officer = self.world.scanners[self.world.checkpoint_office[cp]].officer[0]
        rows.refusal.append(
            copy_line(uuid_at(at, r), ts(at), cp, nat, "entry-ban", ban, ident.person, officer)
        )


@dataclass(frozen=True, slots=True)
class Ident:
    person: uuid.UUID
    passport: uuid.UUID
    nationality: str
    surname: str
    given: str
    birth: date
    number: str
    i_hash: bytes
    p_hash: bytes


# --- running -------------------------------------------------------------------------------------
def _people_so_far(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(sa.table("person"))) or 0


def _chunks(
    gen: ChunkGenerator, opts: SeedOptions, run: int, report: SeedReport
) -> Iterator[tuple[int, Rows]]:
    done = 0
    for k in range(math.ceil(opts.people / opts.chunk)):
        n = min(opts.chunk, opts.people - done)
        # Index ranges never overlap: a chunk has room for its banned, a run starts past twice
        # the people already there (each earlier run used less than that).
        base = 2 * run + k * (opts.chunk + opts.chunk // 100 + 1)
        rows = gen.chunk(f"{opts.seed}:{run}:{k}", n, max(0, opts.signed - done), base)
        report.add(rows)
        report.copied_scans.extend(rows.copied)
        done += n
        yield n, rows
    report.people = done
    report.pii_seconds, report.signing_seconds = gen.pii_seconds, gen.signing_seconds


def seed(
    engine: Engine,
    cipher: PiiCipher,
    opts: SeedOptions,
    progress: Callable[[int], None] | None = None,
) -> SeedReport:
    """Add `opts.people` synthetic people; commits chunk by chunk (a large run interrupted keeps
    what it wrote)."""
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        world = prepare_world(session, cipher, SEED_ACTOR, signing=opts.signed > 0)
        run = _people_so_far(session)
    gen = ChunkGenerator(world, cipher, opts, opts.now or datetime.now(UTC))
    report = SeedReport()
    conn, report.replica_mode = open_writer(engine)
    pending: Future[None] | None = None
    with ThreadPoolExecutor(1) as pool:
        for n, rows in _chunks(gen, opts, run, report):
            if pending is not None:
                pending.result()
            pending = pool.submit(write_rows, conn, rows, commit=True)
            if progress:
                progress(n)
        if pending is not None:
            pending.result()
    conn.close()
    report.seconds = time.perf_counter() - started
    with Session(engine) as session, session.begin():
        _record(session, opts, report)
    return report


def seed_in_session(session: Session, cipher: PiiCipher, opts: SeedOptions) -> SeedReport:
    """The same inside the caller's transaction (demo data, tests): nothing is committed here,
    foreign keys are checked. Meant for small runs."""
    started = time.perf_counter()
    world = prepare_world(session, cipher, SEED_ACTOR, signing=opts.signed > 0)
    gen = ChunkGenerator(world, cipher, opts, opts.now or datetime.now(UTC))
    report = SeedReport()
    conn: psycopg.Connection[tuple[object, ...]] = session.connection().connection.driver_connection  # type: ignore[assignment]
    for _, rows in _chunks(gen, opts, _people_so_far(session), report):
        write_rows(conn, rows, commit=False)
    report.seconds = time.perf_counter() - started
    _record(session, opts, report)
    return report


def _record(session: Session, opts: SeedOptions, report: SeedReport) -> None:
    record_event(
        session,
        "seed:people:create",
        actor=SEED_ACTOR,
        target="seed",
        details={"seed": opts.seed, "days": opts.days, **report.counts},
    )


__all__ = ["Scanners", "SeedOptions", "SeedReport", "seed", "seed_in_session"]
