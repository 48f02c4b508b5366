"""Scan ingestion: validate each scan, verify its sticker, store it once, tell the phone the verdict.

A scan is acknowledged only after the request's transaction commits (SessionDep commits before the
response is sent). The request does the least that makes a scan durable and answered: parse, verify
the sticker (trust list parsed once per process), read the batch's stickers in one query of plain
columns, insert the batch in one multi-row statement (`ON CONFLICT DO NOTHING`: a re-sent UUID is
stored once), and compute each verdict. No ORM object is made per scan. Hooks then run on the stored
rows; the alert hook only queues a job in the same transaction (alerts/views.py), so the rules that
read history run off the request path. One failing hook is logged and isolated, never fatal to
ingestion (traccar's BaseEventHandler).
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer, Role
from pantau.audit.services import SYSTEM, Actor, record_event
from pantau.db import utcnow
from pantau.errors import Forbidden
from pantau.reference.models import ZONES, Checkpoint, Office
from pantau.reference.regions import locate_many
from pantau.scans import partitions
from pantau.scans.models import Scan
from pantau.scans.schemas import ScanError, ScanIn, ScanResult
from pantau.stays.departures import EXIT_ROLES, close_stay, exit_checkpoint
from pantau.stays.models import Stay, StayStatus
from pantau.stickers.models import Sticker, StickerStatus
from pantau.stickers.services import StickerVerifier, Verification

log = logging.getLogger(__name__)
SCANNING_ROLES = frozenset(
    {Role.ADMIN, Role.SUPERVISOR, Role.OFFICER, Role.PARTNER, Role.ACCOMMODATION}
)


@dataclass(slots=True)
class ScanRow:
    """A scan as the ingest path builds and stores it: plain values, the columns of `scan`.

    Hooks receive these (not ORM objects); a hook that needs history reads it itself, or queues a
    job with the ids (`received_at` bounds the partition the rows are in)."""

    id: uuid.UUID
    serial: str | None
    stay_id: uuid.UUID | None
    person_id: uuid.UUID | None
    verdict: str
    kind: str
    device_time: datetime
    fix_time: datetime | None
    received_at: datetime
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    region_code: str | None
    device: str
    scanner_id: uuid.UUID
    scanner_role: str
    scanner_office: str
    flags: list[str]
    qr_text: str | None
    result: dict[str, Any]


SCAN_COLUMNS = tuple(ScanRow.__dataclass_fields__)
# Each column's SQL type in the insert's unnest(); flags and result travel as text and are cast.
_SQL_TYPES = {
    "id": "uuid",
    "stay_id": "uuid",
    "person_id": "uuid",
    "scanner_id": "uuid",
    "device_time": "timestamptz",
    "fix_time": "timestamptz",
    "received_at": "timestamptz",
    "lat": "float8",
    "lon": "float8",
    "accuracy_m": "float8",
}
_FLAGS, _RESULT = SCAN_COLUMNS.index("flags"), SCAN_COLUMNS.index("result")
# One statement: the batch as arrays (unnest), its client UUIDs claimed in scan_key (the dedup
# table: scan's primary key must include its partition key, scans/partitions.py), and only the rows
# whose key this statement claimed stored in scan. A re-sent or concurrently sent id claims nothing.
_INSERT_SQL = (
    "WITH t AS (SELECT * FROM unnest("
    + ", ".join(f"%s::{_SQL_TYPES.get(c, 'text')}[]" for c in SCAN_COLUMNS)
    + f") AS t({', '.join(SCAN_COLUMNS)})), "
    "k AS (INSERT INTO scan_key (id, device_time) SELECT id, device_time FROM t "
    "ON CONFLICT DO NOTHING RETURNING id) "
    f"INSERT INTO scan ({', '.join(SCAN_COLUMNS)}) SELECT "
    + ", ".join(
        {"flags": "t.flags::text[]", "result": "t.result::jsonb"}.get(c, f"t.{c}")
        for c in SCAN_COLUMNS
    )
    + " FROM t JOIN k ON k.id = t.id RETURNING scan.id"
)


def _pg_array(values: list[str]) -> str:
    """A text[] literal (flags are short words; quoted all the same)."""
    inner = ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + inner + "}"


@dataclass(frozen=True, slots=True)
class StickerFacts:
    """What a verdict needs about a sticker and its stay, read as plain columns in one query."""

    serial: str
    status: StickerStatus
    stay_id: uuid.UUID
    person_id: uuid.UUID
    stay_status: StayStatus
    last_day: date
    office_code: str
    zone: str
    kid: bytes  # the signer's key id (a revoked signer's honest holders are no forgers)
    revoked_reason: str | None  # "reissued ...": the sticker was replaced


ScanHook = Callable[[Session, Sequence[ScanRow]], None]


@dataclass(frozen=True)
class ScanRules:
    """Limits on reported times; clocks a little off are kept and flagged, not corrected."""

    reject_future: timedelta = timedelta(hours=24)
    flag_future: timedelta = timedelta(minutes=5)
    reject_past: timedelta = timedelta(days=365)
    flag_past: timedelta = timedelta(days=3)  # held offline for long: plausible, worth a look
    expiring_days: int = 7


_OUTCOME_VERDICT = {
    "tampered": "not-genuine",
    "unknown-key": "not-genuine",
    "revoked-signer": "not-genuine",  # unless the sticker is one the signer really issued
    "retired-signer": "not-genuine",
    "expired": "expired",
    "not-pantau": "not-pantau",
}
# Verdicts for which a hotel's check-in or check-out gets an APOA receipt: a sticker Pantau knows.
_NO_RECEIPT = frozenset({"not-pantau", "not-genuine", "unknown"})


class ScanService:
    def __init__(
        self,
        session: Session,
        *,
        verifier: StickerVerifier,
        rules: ScanRules | None = None,
        hooks: Sequence[ScanHook] = (),
        place: bool = True,
    ) -> None:
        self.session = session
        self.place = place  # put each scan in its regency (off only to measure what it costs)
        self.verifier = verifier
        self.rules = rules or ScanRules()
        self.hooks = hooks
        self._checks: dict[str, Verification] = {}
        self._stickers: dict[str, StickerFacts] = {}
        self._places: dict[uuid.UUID, str] = {}
        self._departing: set[uuid.UUID] = set()

    def ingest(self, raw: Sequence[dict[str, Any]], *, scanner: Officer) -> list[ScanResult]:
        if scanner.role not in EXIT_ROLES and any(
            isinstance(item, dict) and item.get("kind") == "exit" for item in raw
        ):
            raise Forbidden(
                "exit_not_allowed",
                "Only immigration officers at a checkpoint record a departure (exit scan); "
                "record the guest's check-out instead.",
                "Hanya petugas imigrasi di TPI yang mencatat keberangkatan (pindaian keluar); "
                "catat check-out tamu.",
                field="kind",
            )
        now = utcnow()
        results: list[ScanResult | None] = [None] * len(raw)
        valid: list[tuple[int, ScanIn, list[str]]] = []
        for i, item in enumerate(raw):
            parsed = self._parse(item, now)
            if isinstance(parsed, ScanResult):
                results[i] = parsed
            else:
                valid.append((i, *parsed))
        fresh = self._first_of_each([s for _, s, _ in valid])
        self._prefetch(fresh)
        self._place(fresh)
        rows: dict[uuid.UUID, ScanRow] = {}
        for _i, scan_in, flags in valid:
            if scan_in.id not in rows:
                rows[scan_in.id] = self._build(scan_in, flags, scanner, now)
        # Insert first, look up only what was not inserted: a re-sent scan is rare, so the common
        # path costs one statement, not a lookup plus an insert.
        inserted = self._insert(list(rows.values()))
        self._depart([row for row in rows.values() if row.id in inserted], scanner)
        earlier = self._known(set(rows) - inserted)
        answered: set[uuid.UUID] = set()
        for i, scan_in, _ in valid:
            if scan_in.id in inserted and scan_in.id not in answered:
                results[i] = _stored(rows[scan_in.id])
                answered.add(scan_in.id)
            else:
                results[i] = _duplicate(earlier.get(scan_in.id) or rows.get(scan_in.id))
        self._run_hooks([row for row in rows.values() if row.id in inserted])
        return [r for r in results if r is not None]

    # --- steps -----------------------------------------------------------------------------------
    def _parse(self, item: Any, now: datetime) -> tuple[ScanIn, list[str]] | ScanResult:
        ident = str(item.get("id")) if isinstance(item, dict) and item.get("id") else None
        try:
            scan = ScanIn.model_validate(item)
        except ValidationError as exc:
            errors = [
                ScanError(field=".".join(str(p) for p in e["loc"]) or "scan", message=e["msg"])
                for e in exc.errors()
            ]
            return ScanResult(id=ident, status="rejected", errors=errors)
        flags: list[str] = []
        problem = self._time_problem(scan.device_time, now, flags)
        if problem is None and scan.fix_time is not None:
            problem = self._time_problem(scan.fix_time, now, flags, name="fix_time")
        if problem is not None:
            return ScanResult(id=str(scan.id), status="rejected", errors=[problem])
        return scan, sorted(set(flags))

    def _time_problem(
        self, when: datetime, now: datetime, flags: list[str], name: str = "device_time"
    ) -> ScanError | None:
        r = self.rules
        if when - now > r.reject_future:
            return ScanError(field=name, message=f"{name} is more than {r.reject_future} ahead")
        if now - when > r.reject_past:
            return ScanError(
                field=name, message=f"{name} is more than {r.reject_past.days} days old"
            )
        if when - now > r.flag_future:
            flags.append("clock-ahead")
        elif now - when > r.flag_past:
            flags.append("late-upload")
        return None

    def _first_of_each(self, scans: list[ScanIn]) -> list[ScanIn]:
        seen: set[uuid.UUID] = set()
        out = []
        for s in scans:
            if s.id not in seen:
                seen.add(s.id)
                out.append(s)
        return out

    def _known(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, ScanRow]:
        """Scans stored before (re-sent by a phone), with what their phone was told."""
        if not ids:
            return {}
        table = Scan.__table__
        q = sa.select(*(table.c[c] for c in SCAN_COLUMNS)).where(table.c.id.in_(ids))
        return {r.id: ScanRow(*r) for r in self.session.connection().execute(q)}

    def _build(self, scan_in: ScanIn, flags: list[str], scanner: Officer, now: datetime) -> ScanRow:
        verdict, serial, sticker, extra = self._verdict(scan_in)
        flags = sorted({*flags, *extra.pop("flags", [])})
        result: dict[str, Any] = {"verdict": verdict, "serial": serial, **extra}
        if scan_in.kind in ("check-in", "check-out") and sticker and verdict not in _NO_RECEIPT:
            result["receipt"] = f"APOA-{secrets.token_hex(5).upper()}"
        if scan_in.kind == "exit" and sticker and sticker.stay_status is StayStatus.ACTIVE:
            checkpoint = exit_checkpoint(
                self.session,
                lat=scan_in.lat,
                lon=scan_in.lon,
                accuracy_m=scan_in.accuracy_m,
                scanner=scanner,
            )
            if checkpoint and sticker.stay_id not in self._departing:
                self._departing.add(sticker.stay_id)  # twice in one batch: the first closes it
                result["departure"] = checkpoint
            else:
                flags.append("exit-away-from-checkpoint")
        return ScanRow(
            id=scan_in.id,
            serial=serial,
            verdict=verdict,
            kind=scan_in.kind,
            stay_id=sticker.stay_id if sticker else None,
            person_id=sticker.person_id if sticker else None,
            device_time=scan_in.device_time.astimezone(UTC),
            fix_time=scan_in.fix_time.astimezone(UTC) if scan_in.fix_time else None,
            received_at=now,
            lat=scan_in.lat,
            lon=scan_in.lon,
            accuracy_m=scan_in.accuracy_m,
            region_code=self._places.get(scan_in.id),
            device=scan_in.device,
            scanner_id=scanner.id,
            scanner_role=scanner.role.value,
            scanner_office=scanner.office_code,
            flags=flags,
            qr_text=scan_in.qr_text if verdict in ("not-pantau", "not-genuine") else None,
            result=result,
        )

    def _place(self, scans: list[ScanIn]) -> None:
        """Each positioned scan's regency, the batch at once (reference/regions.py)."""
        if not self.place:
            return
        points = [
            (s.lat, s.lon) if s.lat is not None and s.lon is not None else None for s in scans
        ]
        self._places.update(
            {s.id: code for s, code in zip(scans, locate_many(points), strict=True) if code}
        )

    def _prefetch(self, scans: list[ScanIn]) -> None:
        """Verify each QR text once and read the batch's stickers, stays and offices' time zones
        in one query of plain columns, so that a batch of 500 costs a handful of round trips."""
        serials: set[str] = set()
        for s in scans:
            if s.qr_text and s.qr_text not in self._checks:
                self._checks[s.qr_text] = self.verifier.verify(s.qr_text, at=s.device_time)
            serial = self._checks[s.qr_text].serial if s.qr_text else s.serial
            if serial:
                serials.add(serial)
        self._load_stickers(serials)

    def _load_stickers(self, serials: set[str]) -> None:
        serials = serials - self._stickers.keys()
        if not serials:
            return
        q = (
            sa.select(
                Sticker.serial,
                Sticker.status,
                Stay.id,
                Stay.person_id,
                Stay.status,
                Stay.last_day,
                Stay.office_code,
                sa.func.coalesce(Office.zone, "WIB"),
                Sticker.kid,
                Sticker.revoked_reason,
            )
            .join(Stay, Stay.id == Sticker.stay_id)
            .outerjoin(Office, Office.code == Stay.office_code)
            .where(Sticker.serial.in_(serials))
        )
        rows: list[Any] = list(self.session.execute(q))  # ten columns: past select()'s typed arity
        self._stickers.update({r[0]: StickerFacts(*r) for r in rows})

    def _verdict(
        self, scan_in: ScanIn
    ) -> tuple[str, str | None, StickerFacts | None, dict[str, Any]]:
        serial = scan_in.serial
        extra: dict[str, Any] = {}
        signer_revoked = False
        if scan_in.qr_text:
            check = self._checks.get(scan_in.qr_text) or self.verifier.verify(
                scan_in.qr_text, at=scan_in.device_time
            )
            if check.outcome == "not-yet-valid":
                # Issued after the phone's time: the phone's clock is behind, the sticker may be
                # fine. Judged by the server's clock, and flagged as a clock problem.
                check = self.verifier.verify(scan_in.qr_text, at=utcnow())
                extra["flags"] = ["clock-behind"]
            serial = check.serial or serial
            if check.outcome == "revoked-signer" and self._issued_by(serial, check.kid):
                signer_revoked = True  # an honest holder: re-issue, not a forgery
            elif check.outcome != "valid" and check.outcome != "expired":
                return _OUTCOME_VERDICT.get(check.outcome, "not-genuine"), serial, None, extra
        if serial and serial not in self._stickers:
            self._load_stickers({serial})
        sticker = self._stickers.get(serial) if serial else None
        if sticker is None:
            return "unknown", serial, None, extra
        extra["last_day"] = sticker.last_day.isoformat()
        if sticker.status is StickerStatus.REVOKED:
            replaced = (sticker.revoked_reason or "").startswith("reissued")
            return ("replaced" if replaced else "revoked"), serial, sticker, extra
        if sticker.stay_status is not StayStatus.ACTIVE:
            return (
                ("departed" if sticker.stay_status is StayStatus.DEPARTED else "cancelled"),
                serial,
                sticker,
                extra,
            )
        if signer_revoked:
            return "signer-revoked", serial, sticker, extra
        return self._validity(sticker, scan_in.device_time), serial, sticker, extra

    def _issued_by(self, serial: str | None, kid: bytes | None) -> bool:
        """The sticker is one Pantau issued with this key: its holder is honest, whatever became
        of the key since. A serial unknown here, signed with a revoked key, is a forgery."""
        if serial and serial not in self._stickers:
            self._load_stickers({serial})
        sticker = self._stickers.get(serial) if serial else None
        return sticker is not None and kid is not None and sticker.kid == kid

    def _validity(self, sticker: StickerFacts, at: datetime) -> str:
        zone = ZoneInfo(ZONES.get(sticker.zone, ZONES["WIB"]))
        local_day: date = at.astimezone(zone).date()
        if local_day > sticker.last_day:
            return "overstay"
        if (sticker.last_day - local_day).days < self.rules.expiring_days:
            return "expiring"
        return "valid"

    def _insert(self, rows: list[ScanRow]) -> set[uuid.UUID]:
        """One statement for the batch (`INSERT ... SELECT FROM unnest(arrays)`: the same SQL for
        any batch size, one array per column); a scan that a concurrent request (or an earlier
        send) stored first is skipped, not doubled. Returns the ids this statement stored."""
        if not rows:
            return set()
        columns: list[list[Any]] = [[] for _ in SCAN_COLUMNS]
        for row in rows:
            for k, c in enumerate(SCAN_COLUMNS):
                columns[k].append(getattr(row, c))
        columns[_FLAGS] = [_pg_array(v) for v in columns[_FLAGS]]
        columns[_RESULT] = [json.dumps(v, default=str) for v in columns[_RESULT]]
        cursor = self.session.connection().exec_driver_sql(_INSERT_SQL, tuple(columns))
        return {r[0] for r in cursor}

    def _depart(self, rows: list[ScanRow], scanner: Officer) -> None:
        """Exit scans at a checkpoint by immigration staff close their stays (stays/departures)."""
        actor = Actor(scanner.username, scanner.id, "scan")
        for row in rows:
            code = row.result.get("departure")
            stay = self.session.get(Stay, row.stay_id) if code and row.stay_id else None
            if stay is None or stay.status is not StayStatus.ACTIVE:
                continue
            checkpoint = self.session.get_one(Checkpoint, code)
            close_stay(self.session, stay, checkpoint=checkpoint, actor=actor, at=row.device_time)

    def _run_hooks(self, rows: list[ScanRow]) -> None:
        for hook in self.hooks:
            try:
                with self.session.begin_nested():
                    hook(self.session, rows)
            except Exception:
                log.exception("scan hook %s failed; the scans are stored all the same", hook)

    def for_sticker(self, serial: str, *, limit: int = 500) -> list[Scan]:
        q = (
            sa.select(Scan)
            .where(Scan.serial == serial)
            .order_by(Scan.device_time.desc())
            .limit(limit)
        )
        return list(self.session.scalars(q))


def ensure_partitions_ahead(session: Session, today: date) -> list[str]:
    """Make the scan history's monthly partitions for this month and the next two."""
    made = partitions.ensure_ahead(session.connection(), today)
    if made:
        record_event(session, "scans:partition:create", actor=SYSTEM, details={"partitions": made})
    return made


def drop_scans_before(session: Session, cutoff: date, *, actor: Actor) -> list[str]:
    """Retention: drop the monthly partitions that end on or before `cutoff`'s month (whole
    months: dropping a partition deletes without touching rows one by one). The policy of what to
    keep lives with the retention settings; this only carries it out, audited."""
    dropped = partitions.drop_before(session.connection(), cutoff)
    record_event(
        session,
        "scans:partition:drop",
        actor=actor,
        details={"before": partitions.month_of(cutoff).isoformat(), "partitions": dropped},
    )
    return dropped


def _stored(row: ScanRow) -> ScanResult:
    return ScanResult(
        id=str(row.id),
        status="stored",
        verdict=row.verdict,
        serial=row.serial,
        last_day=row.result.get("last_day"),
        flags=row.flags,
        receipt=row.result.get("receipt"),
        departure=row.result.get("departure"),
    )


def _duplicate(row: ScanRow | None) -> ScanResult:
    if row is None:  # pragma: no cover - a row that vanished between insert and read
        return ScanResult(id=None, status="duplicate")
    res = _stored(row)
    res.status = "duplicate"
    return res


def scans_of_person(
    session: Session, person_id: uuid.UUID, *, since: datetime | None = None, limit: int = 200
) -> list[Scan]:
    """A person's scans, newest first (by the phone's time)."""
    q = sa.select(Scan).where(Scan.person_id == person_id)
    if since is not None:
        q = q.where(Scan.device_time >= since)
    return list(session.scalars(q.order_by(Scan.device_time.desc()).limit(limit)))
