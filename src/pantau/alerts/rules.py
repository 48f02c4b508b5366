"""Alert rules: small units in one registry, each tested on its own (shared/DESIGN.md).

A rule looks at newly stored scans (`on_scans`) or at the time (`sweep`, run by a periodic job) and
returns drafts; the engine deduplicates, routes and stores them. One failing rule is logged and
skipped - it never stops ingestion or the other rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.bans.models import BanEntry
from pantau.people.models import Person
from pantau.pii import PiiCipher
from pantau.reference.geo import distance_km
from pantau.reference.models import ZONES, Office
from pantau.reference.regions import region_index
from pantau.scans.models import Scan
from pantau.stays.models import Stay, StayStatus
from pantau.stays.rules import StayRules, overstay


@dataclass
class Draft:
    kind: str
    severity: str
    dedup_key: str
    summary: str
    office_code: str | None = None  # None: the office nearest the evidence, else the stay's office
    person_id: uuid.UUID | None = None
    stay_id: uuid.UUID | None = None
    serial: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    evidence: list[Scan] = field(default_factory=list)


@dataclass(frozen=True)
class RuleContext:
    session: Session
    now: datetime
    cipher: PiiCipher | None = None
    stay_rules: StayRules = field(default_factory=StayRules)


class Rule:
    kind: ClassVar[str]
    severity: ClassVar[str] = "medium"

    # A rule overrides one or both; the defaults find nothing.
    def on_scans(self, ctx: RuleContext, scans: Sequence[Scan]) -> list[Draft]:  # noqa: ARG002
        return []

    def sweep(self, ctx: RuleContext) -> list[Draft]:  # noqa: ARG002
        return []


def _zone_of(session: Session, office_code: str) -> str:
    office = session.get(Office, office_code)
    return ZONES[office.zone if office else "WIB"]


class OverstayRule(Rule):
    """Past the last allowed day (local calendar): days over, the fee due, the 60-day threshold."""

    kind = "overstay"
    severity = "high"

    def _draft(self, ctx: RuleContext, stay: Stay, evidence: list[Scan]) -> Draft | None:
        over = overstay(
            stay.last_day, ctx.now, _zone_of(ctx.session, stay.office_code), ctx.stay_rules
        )
        if over.days <= 0:
            return None
        action = "deportation and entry ban" if over.deportation else f"fee Rp {over.fee:,}"
        return Draft(
            self.kind,
            self.severity,
            f"overstay:{stay.id}",
            f"Overstay: {over.days} day(s) past {stay.last_day} - {action}",
            office_code=stay.office_code,
            person_id=stay.person_id,
            stay_id=stay.id,
            details={
                "days": over.days,
                "fee": over.fee,
                "deportation": over.deportation,
                "last_day": stay.last_day.isoformat(),
            },
            evidence=evidence,
        )

    def sweep(self, ctx: RuleContext) -> list[Draft]:
        # Cheap filter in SQL (a day of slack for the time zones), exact local-day check in Python.
        stays = ctx.session.scalars(
            sa.select(Stay).where(
                Stay.status == StayStatus.ACTIVE, Stay.last_day < ctx.now.date() + timedelta(days=1)
            )
        )
        return [d for s in stays if (d := self._draft(ctx, s, [])) is not None]

    def on_scans(self, ctx: RuleContext, scans: Sequence[Scan]) -> list[Draft]:
        out = []
        for scan in scans:
            if scan.verdict == "overstay" and scan.stay_id:
                stay = ctx.session.get(Stay, scan.stay_id)
                if stay and (d := self._draft(ctx, stay, [scan])):
                    out.append(d)
        return out


class EndingSoonRule(Rule):
    """A permit ends within N days: long-stay holders get more notice than visitors."""

    kind = "permit-ending"
    severity = "low"
    long_stay_days = 30
    visit_days = 3

    def sweep(self, ctx: RuleContext) -> list[Draft]:
        horizon = ctx.now.date() + timedelta(days=self.long_stay_days)
        out = []
        for stay in ctx.session.scalars(
            sa.select(Stay).where(
                Stay.status == StayStatus.ACTIVE,
                Stay.last_day <= horizon,
                Stay.last_day >= ctx.now.date() - timedelta(days=1),
            )
        ):
            today = ctx.now.astimezone(ZoneInfo(_zone_of(ctx.session, stay.office_code))).date()
            left = (stay.last_day - today).days
            window = (
                self.long_stay_days if stay.permit.value in ("kitas", "kitap") else self.visit_days
            )
            if 0 <= left <= window:
                out.append(
                    Draft(
                        self.kind,
                        self.severity,
                        f"ending:{stay.id}:{stay.last_day}",
                        f"Permit ends in {left} day(s), on {stay.last_day}",
                        office_code=stay.office_code,
                        person_id=stay.person_id,
                        stay_id=stay.id,
                        details={"days_left": left},
                    )
                )
        return out


class ImpossibleTravelRule(Rule):
    """Two scans of one sticker whose distance and times need a speed no traveller has: a likely
    copied sticker. Both accuracies and a margin are granted before judging."""

    kind = "impossible-travel"
    severity = "high"
    max_kmh = 1000.0  # faster than any airliner door to door
    margin_km = 5.0
    min_km = 100.0  # below this, clock and GPS noise dominate

    def required_kmh(self, a: Scan, b: Scan) -> float | None:
        if None in (a.lat, a.lon, b.lat, b.lon):
            return None
        km = distance_km((a.lat, a.lon), (b.lat, b.lon))  # type: ignore[arg-type]
        slack = (a.accuracy_m or 0) / 1000 + (b.accuracy_m or 0) / 1000 + self.margin_km
        if km < self.min_km:
            return None
        hours = abs((b.device_time - a.device_time).total_seconds()) / 3600
        return max(0.0, km - slack) / max(hours, 1 / 60)

    window = timedelta(hours=24)

    def _neighbours(self, ctx: RuleContext, scans: Sequence[Scan]) -> dict[str, list[Scan]]:
        """Every positioned scan of the batch's stickers within the window: one query a batch."""
        located = [s for s in scans if s.serial and s.lat is not None]
        if not located:
            return {}
        low = min(s.device_time for s in located) - self.window
        high = max(s.device_time for s in located) + self.window
        rows = ctx.session.scalars(
            sa.select(Scan)
            .where(
                Scan.serial.in_({s.serial for s in located}),
                Scan.lat.is_not(None),
                Scan.device_time.between(low, high),
            )
            .order_by(Scan.device_time)
        )
        by_serial: dict[str, list[Scan]] = {}
        for row in rows:
            by_serial.setdefault(row.serial or "", []).append(row)
        return by_serial

    def on_scans(self, ctx: RuleContext, scans: Sequence[Scan]) -> list[Draft]:
        out: list[Draft] = []
        flagged: set[str] = set()
        neighbours = self._neighbours(ctx, scans)
        for scan in scans:
            if not scan.serial or scan.lat is None or scan.serial in flagged:
                continue
            for other in neighbours.get(scan.serial, []):
                if other.id == scan.id or abs(other.device_time - scan.device_time) > self.window:
                    continue
                speed = self.required_kmh(other, scan)
                if speed is not None and speed > self.max_kmh:
                    km = distance_km(
                        (other.lat or 0.0, other.lon or 0.0), (scan.lat, scan.lon or 0.0)
                    )
                    out.append(
                        Draft(
                            self.kind,
                            self.severity,
                            f"copied:{scan.serial}",
                            f"Sticker {scan.serial} seen {km:.0f} km apart, needing {speed:.0f} km/h: "
                            "likely copied",
                            person_id=scan.person_id,
                            stay_id=scan.stay_id,
                            serial=scan.serial,
                            details={"kmh": round(speed), "km": round(km)},
                            evidence=[other, scan],
                        )
                    )
                    flagged.add(scan.serial)
                    break
        return out


class VerdictRule(Rule):
    """Scans whose verdict is itself a finding: revoked, departed, forged or unknown stickers."""

    kind = "sticker-finding"
    FINDINGS: ClassVar[dict[str, tuple[str, str, str]]] = {
        "revoked": ("revoked-sticker-seen", "high", "Revoked sticker seen"),
        "departed": ("seen-after-departure", "high", "Sticker seen after its holder departed"),
        "cancelled": ("seen-after-departure", "high", "Sticker of a cancelled stay seen"),
        "not-genuine": ("forged-sticker-seen", "high", "Forged or altered sticker seen"),
        "unknown": ("unknown-sticker-seen", "medium", "Unknown sticker seen"),
        "replaced": ("replaced-sticker-seen", "medium", "Replaced sticker seen"),
        # An honest holder of a sticker whose signer key was revoked: a task for the office that
        # issued it (re-issue), never a forgery alert against the holder.
        "signer-revoked": (
            "reissue-needed",
            "low",
            "Sticker signed by a revoked key: re-issue it at an office",
        ),
    }

    def _subject(self, ctx: RuleContext, scan: Scan) -> str:
        """What one alert gathers: a sticker Pantau knows by its serial; an undecodable or
        unknown one by the place and local day, so one damaged sticker scanned seven times (or a
        bad batch of prints) is one alert, not one per scan."""
        if scan.stay_id is not None or (scan.serial and scan.verdict != "unknown"):
            return scan.serial or str(scan.id)
        # The regency; at sea, a cell of about 11 km (routed by its position, so it must not merge
        # with a scan routed to the scanner's office); with no position, the scanner's office.
        if scan.region_code:
            place = scan.region_code
        elif scan.lat is not None and scan.lon is not None:
            place = f"{scan.lat:.1f},{scan.lon:.1f}"
        else:
            place = scan.scanner_office
        office = ctx.session.get(Office, scan.scanner_office)
        day = scan.device_time.astimezone(ZoneInfo(ZONES[office.zone if office else "WIB"]))
        return f"{place} {day.date().isoformat()}"

    def on_scans(self, ctx: RuleContext, scans: Sequence[Scan]) -> list[Draft]:
        out = []
        for scan in scans:
            finding = self.FINDINGS.get(scan.verdict)
            if finding is None:
                continue
            kind, severity, summary = finding
            subject = self._subject(ctx, scan)
            office = None
            if scan.stay_id and (scan.lat is None or scan.verdict == "signer-revoked"):
                stay = ctx.session.get(Stay, scan.stay_id)
                office = stay.office_code if stay else None
            out.append(
                Draft(
                    kind,
                    severity,
                    f"{kind}:{subject}",
                    f"{summary}: {subject}",
                    office_code=office or (scan.scanner_office if scan.lat is None else None),
                    person_id=scan.person_id,
                    stay_id=scan.stay_id,
                    serial=scan.serial,
                    evidence=[scan],
                )
            )
        return out


class BannedSeenRule(Rule):
    """A person on the entry-ban list is seen inside the country."""

    kind = "banned-person-seen"
    severity = "high"

    def on_scans(self, ctx: RuleContext, scans: Sequence[Scan]) -> list[Draft]:
        ids = {s.person_id for s in scans if s.person_id}
        if not ids:
            return []
        today = ctx.now.date()
        hits = ctx.session.execute(
            sa.select(Person.id, BanEntry.legal_basis)
            .join(
                BanEntry,
                sa.or_(
                    BanEntry.person_id == Person.id, BanEntry.identity_hash == Person.identity_hash
                ),
            )
            .where(
                Person.id.in_(ids),
                BanEntry.lifted_at.is_(None),
                BanEntry.starts_on <= today,
                sa.or_(BanEntry.ends_on.is_(None), BanEntry.ends_on >= today),
            )
        ).all()
        banned = dict(hits)
        return [
            Draft(
                self.kind,
                self.severity,
                f"banned:{scan.person_id}",
                f"Person on the entry-ban list seen ({banned[scan.person_id]})",
                person_id=scan.person_id,
                serial=scan.serial,
                evidence=[scan],
            )
            for scan in scans
            if scan.person_id in banned
        ]


class NotSeenRule(Rule):
    """A long-stay permit holder (KITAS/KITAP) not seen for N days."""

    kind = "not-seen"
    severity = "low"
    days = 90

    def sweep(self, ctx: RuleContext) -> list[Draft]:
        since = ctx.now - timedelta(days=self.days)
        last_seen = (
            sa.select(sa.func.max(Scan.device_time))
            .where(Scan.stay_id == Stay.id)
            .correlate(Stay)
            .scalar_subquery()
        )
        q = sa.select(Stay).where(
            Stay.status == StayStatus.ACTIVE,
            Stay.permit.in_(["kitas", "kitap"]),
            Stay.arrived_at < since,
            sa.func.coalesce(last_seen, Stay.arrived_at) < since,
        )
        return [
            Draft(
                self.kind,
                self.severity,
                f"not-seen:{s.id}",
                f"Long-stay permit holder not seen for {self.days} days",
                office_code=s.office_code,
                person_id=s.person_id,
                stay_id=s.id,
            )
            for s in ctx.session.scalars(q)
        ]


class OutsideAreaRule(Rule):
    """Seen outside the regencies a permit is tied to (a KITAS for work in Kabupaten Badung seen in
    Surabaya). Only when the point is farther from the allowed area than its accuracy plus a margin
    (the boundaries are simplified by ~55 m), so GPS jitter along the edge raises nothing; one open
    alert per stay, repeats add evidence."""

    kind = "outside-permitted-area"
    severity = "medium"
    margin_m = 300.0

    def on_scans(self, ctx: RuleContext, scans: Sequence[Scan]) -> list[Draft]:
        located = [s for s in scans if s.stay_id and s.lat is not None and s.lon is not None]
        if not located:
            return []
        areas = dict(
            ctx.session.execute(
                sa.select(Stay.id, Stay.allowed_regions).where(
                    Stay.id.in_({s.stay_id for s in located}),
                    Stay.status == StayStatus.ACTIVE,
                    sa.func.cardinality(Stay.allowed_regions) > 0,
                )
            ).all()
        )
        index = region_index() if areas else None
        if index is None:
            return []
        out: list[Draft] = []
        flagged: set[uuid.UUID] = set()
        for scan in located:
            stay_id = scan.stay_id
            allowed = areas.get(stay_id) if stay_id else None
            if not allowed or stay_id is None or scan.region_code in allowed or stay_id in flagged:
                continue
            away = index.outside_m(allowed, scan.lat or 0.0, scan.lon or 0.0)
            if away is None or away <= (scan.accuracy_m or 0.0) + self.margin_m:
                continue
            flagged.add(stay_id)
            names = ", ".join(index.rows[c]["name"] for c in allowed if c in index.rows)
            out.append(
                Draft(
                    self.kind,
                    self.severity,
                    f"outside-area:{scan.stay_id}",
                    f"Seen {away / 1000:.1f} km outside the permitted area ({names})",
                    person_id=scan.person_id,
                    stay_id=scan.stay_id,
                    serial=scan.serial,
                    details={"km": round(away / 1000, 1), "allowed": list(allowed)},
                    evidence=[scan],
                )
            )
        return out


def default_rules() -> list[Rule]:
    from pantau.alerts.geofence import GeofenceRule  # it subclasses Rule, defined above

    return [
        OverstayRule(),
        EndingSoonRule(),
        ImpossibleTravelRule(),
        VerdictRule(),
        BannedSeenRule(),
        NotSeenRule(),
        GeofenceRule(),
        OutsideAreaRule(),
    ]


def today_in(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()
