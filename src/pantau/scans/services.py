"""Scan ingestion: validate each scan, verify its sticker, store it once, tell the phone the verdict.

A scan is acknowledged only after the request's transaction commits (SessionDep commits before the
response is sent). Rule hooks (alerts, issue 5) run after the rows are in; one failing hook is logged
and isolated, never fatal to ingestion (traccar's BaseEventHandler).
"""

from __future__ import annotations

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
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, joinedload

from pantau.accounts.models import Officer, Role
from pantau.db import utcnow
from pantau.reference.models import ZONES, Office
from pantau.reference.regions import locate_many
from pantau.scans.models import Scan
from pantau.scans.schemas import ScanError, ScanIn, ScanResult
from pantau.stays.models import Stay, StayStatus
from pantau.stickers.models import Sticker, StickerStatus
from pantau.stickers.services import StickerVerifier, Verification

log = logging.getLogger(__name__)
SCANNING_ROLES = frozenset(
    {Role.ADMIN, Role.SUPERVISOR, Role.OFFICER, Role.PARTNER, Role.ACCOMMODATION}
)


ScanHook = Callable[[Session, Sequence[Scan]], None]


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
    "revoked-signer": "not-genuine",
    "expired": "expired",
    "not-pantau": "not-pantau",
}


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
        self._stickers: dict[str, Sticker] = {}
        self._zones: dict[str, str] = {}
        self._places: dict[uuid.UUID, str] = {}

    def ingest(self, raw: Sequence[dict[str, Any]], *, scanner: Officer) -> list[ScanResult]:
        now = utcnow()
        results: list[ScanResult | None] = [None] * len(raw)
        valid: list[tuple[int, ScanIn, list[str]]] = []
        for i, item in enumerate(raw):
            parsed = self._parse(item, now)
            if isinstance(parsed, ScanResult):
                results[i] = parsed
            else:
                valid.append((i, *parsed))
        stored = self._known({s.id for _, s, _ in valid})
        self._prefetch([s for _, s, _ in valid if s.id not in stored])
        self._place([s for _, s, _ in valid if s.id not in stored])
        rows: list[tuple[int, Scan]] = []
        seen: set[uuid.UUID] = set()
        for i, scan_in, flags in valid:
            if scan_in.id in stored or scan_in.id in seen:
                results[i] = _duplicate(stored.get(scan_in.id))
                continue
            seen.add(scan_in.id)
            rows.append((i, self._build(scan_in, flags, scanner, now)))
        inserted = self._insert([row for _, row in rows])
        for i, row in rows:
            results[i] = (
                _stored(row)
                if row.id in inserted
                else _duplicate(self._known({row.id}).get(row.id))
            )
        self._run_hooks([row for _, row in rows if row.id in inserted])
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

    def _known(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, Scan]:
        if not ids:
            return {}
        rows = self.session.scalars(sa.select(Scan).where(Scan.id.in_(ids)))
        return {row.id: row for row in rows}

    def _build(self, scan_in: ScanIn, flags: list[str], scanner: Officer, now: datetime) -> Scan:
        verdict, serial, sticker, extra = self._verdict(scan_in)
        result: dict[str, Any] = {"verdict": verdict, "serial": serial, **extra}
        if scan_in.kind in ("check-in", "check-out") and verdict not in ("not-pantau",):
            result["receipt"] = f"APOA-{secrets.token_hex(5).upper()}"
        return Scan(
            id=scan_in.id,
            serial=serial,
            verdict=verdict,
            kind=scan_in.kind,
            stay_id=sticker.stay_id if sticker else None,
            person_id=sticker.stay.person_id if sticker else None,
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
        """Verify each QR text once and load the batch's stickers and stays in one query, so that
        a batch of 500 costs a handful of round trips, not thousands."""
        serials: set[str] = set()
        for s in scans:
            if s.qr_text and s.qr_text not in self._checks:
                self._checks[s.qr_text] = self.verifier.verify(s.qr_text, at=s.device_time)
            serial = self._checks[s.qr_text].serial if s.qr_text else s.serial
            if serial:
                serials.add(serial)
        if serials:
            # Held here: the session's identity map only keeps objects someone references.
            q = (
                sa.select(Sticker)
                .options(joinedload(Sticker.stay))
                .where(Sticker.serial.in_(serials))
            )
            self._stickers.update({s.serial: s for s in self.session.scalars(q)})

    def _verdict(self, scan_in: ScanIn) -> tuple[str, str | None, Sticker | None, dict[str, Any]]:
        serial = scan_in.serial
        if scan_in.qr_text:
            check = self._checks.get(scan_in.qr_text) or self.verifier.verify(
                scan_in.qr_text, at=scan_in.device_time
            )
            serial = check.serial or serial
            if check.outcome != "valid" and check.outcome != "expired":
                return _OUTCOME_VERDICT.get(check.outcome, "not-genuine"), serial, None, {}
        sticker = (
            (self._stickers.get(serial) or self.session.get(Sticker, serial)) if serial else None
        )
        if sticker is None:
            return "unknown", serial, None, {}
        stay = sticker.stay
        extra = {"last_day": stay.last_day.isoformat()}
        if sticker.status is StickerStatus.REVOKED:
            return "revoked", serial, sticker, extra
        if stay.status is not StayStatus.ACTIVE:
            return (
                ("departed" if stay.status is StayStatus.DEPARTED else "cancelled"),
                serial,
                sticker,
                extra,
            )
        return self._validity(stay, scan_in.device_time), serial, sticker, extra

    def _validity(self, stay: Stay, at: datetime) -> str:
        if not self._zones:
            self._zones = {o.code: o.zone for o in self.session.scalars(sa.select(Office))}
        zone = ZoneInfo(ZONES[self._zones.get(stay.office_code, "WIB")])
        local_day: date = at.astimezone(zone).date()
        if local_day > stay.last_day:
            return "overstay"
        if (stay.last_day - local_day).days < self.rules.expiring_days:
            return "expiring"
        return "valid"

    def _insert(self, rows: list[Scan]) -> set[uuid.UUID]:
        """Insert; a scan that a concurrent request stored first is skipped, not doubled."""
        if not rows:
            return set()
        cols = [c.key for c in Scan.__table__.columns]
        values = [{c: getattr(r, c) for c in cols} for r in rows]
        # Core insert with a parameter list: SQLAlchemy batches it as multi-row VALUES
        # ("insertmanyvalues") without the ORM's per-row bookkeeping.
        table = sa.Table("scan", Scan.metadata)  # the same Table object, typed as one
        stmt = insert(table).on_conflict_do_nothing(index_elements=["id"]).returning(table.c.id)
        return set(self.session.connection().execute(stmt, values).scalars())

    def _run_hooks(self, rows: list[Scan]) -> None:
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


def _stored(row: Scan) -> ScanResult:
    return ScanResult(
        id=str(row.id),
        status="stored",
        verdict=row.verdict,
        serial=row.serial,
        last_day=row.result.get("last_day"),
        flags=row.flags,
        receipt=row.result.get("receipt"),
    )


def _duplicate(row: Scan | None) -> ScanResult:
    if row is None:  # pragma: no cover - a row that vanished between insert and read
        return ScanResult(id=None, status="duplicate")
    res = _stored(row)
    res.status = "duplicate"
    return res
