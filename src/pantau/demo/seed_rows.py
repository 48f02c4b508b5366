"""What `pantau.demo.seed` writes: COPY lines for each table, the accounts that scan, and the signers.

COPY text format is written by hand because it is the hot path (twenty million scan lines for a
large seed); the values are generated here, so they never hold tabs, newlines or backslashes."""

from __future__ import annotations

import math
import random
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer, Role
from pantau.audit.services import Actor
from pantau.demo.seed_world import Place
from pantau.pii import PiiCipher
from pantau.reference.models import Checkpoint, Office
from pantau.reference.services import ReferenceService
from pantau.stickers.keys import KeyService
from pantau.stickers.token import Claims, binding_value, encode_token

if TYPE_CHECKING:
    from pantau.demo.seed import Ident, Trip

PERSON_COLS = [
    "id",
    "nationality",
    "sex",
    "birth_year",
    "surname",
    "given_names",
    "birth_date",
    "identity_hash",
    "created_at",
]
PASSPORT_COLS = [
    "id",
    "person_id",
    "number_hash",
    "number",
    "issuing_state",
    "document_type",
    "expiry",
    "first_seen_at",
]
STAY_COLS = [
    "id",
    "person_id",
    "passport_id",
    "permit",
    "checkpoint_code",
    "office_code",
    "arrived_at",
    "last_day",
    "extensions",
    "status",
    "departed_at",
    "departure_checkpoint",
]
STICKER_COLS = ["serial", "stay_id", "kid", "issued_at", "expires_at", "qr_text", "status"]
BAN_COLS = [
    "id",
    "person_id",
    "passport_hash",
    "identity_hash",
    "full_name",
    "nationality",
    "starts_on",
    "ends_on",
    "legal_basis",
    "reason",
    "created_at",
]
REFUSAL_COLS = [
    "id",
    "occurred_at",
    "checkpoint_code",
    "nationality",
    "reason",
    "ban_entry_id",
    "person_id",
    "officer_id",
]
SCAN_COLS = [
    "id",
    "serial",
    "stay_id",
    "person_id",
    "verdict",
    "kind",
    "device_time",
    "fix_time",
    "received_at",
    "lat",
    "lon",
    "accuracy_m",
    "device",
    "scanner_id",
    "scanner_role",
    "scanner_office",
    "flags",
    "result",
    "region_code",
]

T = TypeVar("T")
Scanner = tuple[uuid.UUID, str, str]  # officer id, role, office
Signer = Callable[["Ident", uuid.UUID, str, str, str, datetime, date, datetime], str]


@dataclass
class Rows:
    person: list[str] = field(default_factory=list)
    passport: list[str] = field(default_factory=list)
    stay: list[str] = field(default_factory=list)
    sticker: list[str] = field(default_factory=list)
    ban: list[str] = field(default_factory=list)
    refusal: list[str] = field(default_factory=list)
    scan: list[str] = field(default_factory=list)
    copied: list[uuid.UUID] = field(default_factory=list)

    def tables(self) -> dict[str, list[str]]:
        return {
            "person": self.person,
            "passport": self.passport,
            "stay": self.stay,
            "sticker": self.sticker,
            "ban_entry": self.ban,
            "refusal": self.refusal,
            "scan": self.scan,
        }


def _value(v: Any) -> str:
    if v is None:
        return "\\N"
    if isinstance(v, bytes):
        return "\\\\x" + v.hex()
    if isinstance(v, datetime | date):
        return v.isoformat()
    return str(v)


def copy_line(*values: Any) -> str:
    return "\t".join(_value(v) for v in values) + "\n"


def scan_line(
    scan_id: uuid.UUID,
    trip: Trip,
    verdict: str,
    kind: str,
    t: float,
    lat: float,
    lon: float,
    accuracy: float,
    scanner: Scanner,
    region: str | None = None,
) -> str:
    # Fix 5-60 s before the scan; received within minutes (phones upload in batches).
    device = datetime.fromtimestamp(t, UTC)
    fix = datetime.fromtimestamp(t - 5 - (t % 55), UTC)
    received = datetime.fromtimestamp(t + 2 + (t % 300), UTC)
    return (
        f"{scan_id}\t{trip.serial}\t{trip.stay}\t{trip.person}\t{verdict}\t{kind}\t"
        f"{device.isoformat()}\t{fix.isoformat()}\t{received.isoformat()}\t{lat:.6f}\t{lon:.6f}\t"
        f"{accuracy:.1f}\tseed\t{scanner[0]}\t{scanner[1]}\t{scanner[2]}\t{{}}\t{{}}\t"
        f"{_value(region)}\n"
    )


def uuid_at(t: float, r: Any) -> uuid.UUID:
    """A version-7 UUID for the instant `t` from the seeded stream: time-ordered like uuid7(),
    reproducible unlike it."""
    value = (int(t * 1000) & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= r.getrandbits(12) << 64
    value |= 0b10 << 62
    value |= r.getrandbits(62)
    return uuid.UUID(int=value)


@dataclass(frozen=True)
class Scanners:
    officer: Scanner
    partner: Scanner
    hotel: Scanner


@dataclass
class World:
    checkpoint_zone: dict[str, str]
    checkpoint_office: dict[str, str]
    checkpoint_place: dict[str, Place]
    scanners: dict[str, Scanners]
    signers: dict[str, tuple[bytes, Signer | None]]


def prepare_world(session: Session, cipher: PiiCipher, actor: Actor, *, signing: bool) -> World:
    """Reference data, one officer, TIMPORA partner and hotel account per office (disabled: they
    only sign the seeded scans), and each checkpoint's signer."""
    reference = ReferenceService(session)
    reference.load_shipped()
    checkpoints = list(session.scalars(sa.select(Checkpoint)))
    offices = list(session.scalars(sa.select(Office)))
    return World(
        {c.code: c.zone for c in checkpoints},
        {c.code: c.office_code for c in checkpoints},
        {c.code: Place(c.code, c.lat, c.lon, c.office_code) for c in checkpoints},
        _scanners(session, [o.code for o in offices]),
        _signers(session, cipher, actor, [c.code for c in checkpoints], signing=signing),
    )


def _scanners(session: Session, offices: list[str]) -> dict[str, Scanners]:
    roles = {"officer": Role.OFFICER, "timpora": Role.PARTNER, "hotel": Role.ACCOMMODATION}
    now = datetime.now(UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "username": f"seed.{prefix}.{code.lower()}",
            "full_name": f"Seed {prefix} {code}",
            "role": role.value,
            "office_code": code,
            # Not an argon2 hash: no password matches, and the account is disabled anyway.
            "password_hash": "!seed-" + secrets.token_hex(8),
            "disabled_at": now,
            "created_at": now,
            "failed_logins": 0,
        }
        for code in offices
        for prefix, role in roles.items()
    ]
    session.execute(
        insert(Officer).values(rows).on_conflict_do_nothing(index_elements=["username"])
    )
    found = {
        o.username: (o.id, o.role.value, o.office_code)
        for o in session.scalars(sa.select(Officer).where(Officer.username.like("seed.%")))
    }
    return {
        code: Scanners(
            found[f"seed.officer.{code.lower()}"],
            found[f"seed.timpora.{code.lower()}"],
            found[f"seed.hotel.{code.lower()}"],
        )
        for code in offices
    }


def _signers(
    session: Session, cipher: PiiCipher, actor: Actor, codes: list[str], *, signing: bool
) -> dict[str, tuple[bytes, Signer | None]]:
    keys = KeyService(session, cipher=cipher)
    keys.init(codes, actor=actor)
    out: dict[str, tuple[bytes, Signer | None]] = {}
    for code in codes:
        kid, sign = keys.signer_for(code, actor=actor)

        def make(
            ident: Ident,
            stay: uuid.UUID,
            serial: str,
            permit: str,
            cp: str,
            issued: datetime,
            last_day: date,
            expires: datetime,
            kid: bytes = kid,
            sign: Callable[[bytes], bytes] = sign,
        ) -> str:
            salt = secrets.token_bytes(8)
            claims = Claims(
                serial=serial,
                stay_id=stay.bytes,
                permit=permit,
                nationality=ident.nationality,
                entry_date=issued.date(),
                checkpoint=cp,
                last_day=last_day,
                issued_at=issued,
                expires_at=expires,
                bind_salt=salt,
                binding=binding_value(
                    salt,
                    document_number=ident.number,
                    nationality=ident.nationality,
                    birth_date=ident.birth,
                ),
            )
            return encode_token(claims, kid=kid, signer=sign)

        out[code] = (kid, make if signing else None)
    return out


# --- small helpers -------------------------------------------------------------------------------
def cumulative(weights: list[float]) -> list[float]:
    total, out, acc = sum(weights), [], 0.0
    for w in weights:
        acc += w / total
        out.append(acc)
    return out


def pick_cumulative(cum: list[float], u: float) -> int:
    return next((k for k, c in enumerate(cum) if u < c), len(cum) - 1)


def pick(r: random.Random, options: Sequence[tuple[T, float]]) -> T:
    values = [o for o, _ in options]
    return r.choices(values, weights=[w for _, w in options])[0]


def poisson(r: random.Random, mean: float) -> int:
    # Knuth's method is fine for the small means of a stay; larger ones are rounded normals.
    if mean > 30:
        return max(0, round(r.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, r.random()
    while p > limit:
        k, p = k + 1, p * r.random()
    return k


def km(a: Place, b: Place) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(h))


def travel(a: Place, b: Place) -> float:
    return 3600 + km(a, b) / 500 * 3600


def new_serial(r: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "ID" + "".join(r.choices(alphabet, k=10))


def ts(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


# --- writing -------------------------------------------------------------------------------------
def open_writer(engine: Engine) -> tuple[psycopg.Connection[tuple[object, ...]], bool]:
    raw = engine.raw_connection()
    conn: psycopg.Connection[tuple[object, ...]] = raw.driver_connection  # type: ignore[assignment]
    try:
        conn.execute("SET session_replication_role = replica")
        replica = True
    except psycopg.errors.InsufficientPrivilege:
        conn.rollback()
        replica = False
    conn.commit()
    return conn, replica


def write_rows(conn: psycopg.Connection[tuple[object, ...]], rows: Rows, *, commit: bool) -> None:
    tables = rows.tables()
    with conn.cursor() as cur:
        for table, cols in (
            ("person", PERSON_COLS),
            ("passport", PASSPORT_COLS),
            ("stay", STAY_COLS),
            ("sticker", STICKER_COLS),
            ("ban_entry", BAN_COLS),
            ("refusal", REFUSAL_COLS),
            ("scan", SCAN_COLS),
        ):
            if tables[table]:
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                    cp.write("".join(tables[table]))
    if commit:
        conn.commit()
