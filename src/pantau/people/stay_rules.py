"""Stay rules (izin tinggal): lengths, extensions and the overstay fee, from shared/DOMAIN.md.

Values set by law live here as configurable defaults, never as literals in the code that uses them.
A day is a local calendar day of the place (WIB, WITA or WIT); the arrival day counts as day 1.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pantau.errors import PantauError


@dataclass(frozen=True)
class PermitRule:
    days: int | None = None  # fixed length in days (visits)
    months: tuple[int, ...] = ()  # allowed lengths in months (KITAS, KITAP)
    extension_days: int = 0  # each extension adds this many days
    max_total_days: int | None = None  # a visit cannot be extended past this many days in all
    max_extensions: int | None = 0  # None: renewable without a fixed count


@dataclass(frozen=True)
class StayRules:
    permits: dict[str, PermitRule] = field(
        default_factory=lambda: {
            "visa-exemption": PermitRule(days=30),
            "voa": PermitRule(days=30, extension_days=30, max_total_days=60, max_extensions=1),
            "visit-visa": PermitRule(
                days=60, extension_days=60, max_total_days=180, max_extensions=2
            ),
            "kitas": PermitRule(months=(6, 12, 24), max_extensions=None),
            "kitap": PermitRule(months=(60,), max_extensions=None),
        }
    )
    overstay_fee_per_day: int = 1_000_000  # Rupiah, PP 28/2019
    deportation_threshold_days: int = 60  # UU 6/2011 Pasal 78

    def rule(self, permit: str) -> PermitRule:
        try:
            return self.permits[permit]
        except KeyError:
            raise PantauError(
                "unknown_permit",
                f"Unknown permit {permit!r}.",
                f"Jenis izin tinggal {permit!r} tidak dikenal.",
                field="permit",
            ) from None


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_day(at: datetime, zone: str) -> date:
    return at.astimezone(ZoneInfo(zone)).date()


def last_allowed_day(
    permit: str,
    arrived_at: datetime,
    zone: str,
    months: int | None = None,
    rules: StayRules | None = None,
) -> date:
    """The permit's last day: a 30-day permit starting 1 March ends 30 March."""
    rule = (rules or StayRules()).rule(permit)
    first = local_day(arrived_at, zone)
    if rule.days is not None:
        return first + timedelta(days=rule.days - 1)
    chosen = months or rule.months[0]
    if chosen not in rule.months:
        allowed = ", ".join(str(m) for m in rule.months)
        raise PantauError(
            "bad_months",
            f"A {permit} lasts {allowed} months.",
            f"{permit.upper()} berlaku {allowed} bulan.",
            field="months",
        )
    return add_months(first, chosen) - timedelta(days=1)


def extended_last_day(
    permit: str,
    *,
    arrived_on: date,
    last_day: date,
    extensions_so_far: int,
    months: int | None = None,
    rules: StayRules | None = None,
) -> date:
    """The new last day after one extension, or a clear refusal when the rules allow none."""
    rule = (rules or StayRules()).rule(permit)
    if rule.max_extensions is not None and extensions_so_far >= rule.max_extensions:
        raise PantauError(
            "no_extension",
            f"A {permit} cannot be extended (again).",
            f"Izin {permit} tidak dapat diperpanjang (lagi).",
        )
    if rule.months:
        chosen = months or rule.months[0]
        if chosen not in rule.months:
            allowed = ", ".join(str(m) for m in rule.months)
            raise PantauError(
                "bad_months",
                f"A {permit} is renewed for {allowed} months.",
                f"{permit.upper()} diperpanjang {allowed} bulan.",
                field="months",
            )
        return add_months(last_day + timedelta(days=1), chosen) - timedelta(days=1)
    new_last = last_day + timedelta(days=rule.extension_days)
    if rule.max_total_days is not None:
        new_last = min(new_last, arrived_on + timedelta(days=rule.max_total_days - 1))
    if new_last <= last_day:
        raise PantauError(
            "no_extension",
            f"A {permit} cannot go past {rule.max_total_days} days.",
            f"Izin {permit} tidak dapat melebihi {rule.max_total_days} hari.",
        )
    return new_last


@dataclass(frozen=True)
class Overstay:
    days: int
    fee: int
    deportation: bool  # 60 days or more: deportation and an entry ban instead of the fee


def overstay(last_day: date, now: datetime, zone: str, rules: StayRules | None = None) -> Overstay:
    r = rules or StayRules()
    days = max(0, (local_day(now, zone) - last_day).days)
    deport = days >= r.deportation_threshold_days
    return Overstay(days, 0 if deport else days * r.overstay_fee_per_day, deport)
