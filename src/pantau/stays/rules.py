"""Stay rules (izin tinggal): lengths, extensions and the overstay fee, from shared/DOMAIN.md.

Values set by law live here as configurable defaults, never as literals in the code that uses them.
A day is a local calendar day of the place (WIB, WITA or WIT); the arrival day counts as day 1.
Permit identifiers: "visa-exemption" (bebas visa kunjungan), "voa" (visa on arrival, B1),
"visit-visa" (visa kunjungan, C index), "kitas" (izin tinggal terbatas), "kitap" (izin tinggal tetap).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pantau.errors import PantauError

# Indonesia's three zones by their local names; IANA names are accepted too.
ZONE_NAMES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
# Offsets fixed since 1988: used when the system has no time-zone database (slim images, Windows
# without the tzdata package), so a missing file never stops arrivals being registered.
_FIXED = {"Asia/Jakarta": 7, "Asia/Pontianak": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}

PERMIT_NAMES = {  # permit -> (English, Bahasa Indonesia)
    "visa-exemption": ("visa exemption", "bebas visa kunjungan"),
    "voa": ("visa on arrival (VOA)", "visa kunjungan saat kedatangan (VOA)"),
    "visit-visa": ("visit visa", "visa kunjungan"),
    "kitas": ("KITAS (limited stay permit)", "KITAS (izin tinggal terbatas)"),
    "kitap": ("KITAP (permanent stay permit)", "KITAP (izin tinggal tetap)"),
}


class StayRuleError(PantauError):
    """A permit, length or extension the rules do not allow; says why in both languages."""


@dataclass(frozen=True)
class PermitRule:
    days: int | None = None  # fixed length in days (visits)
    months: tuple[int, ...] = ()  # allowed lengths in months (KITAS, KITAP); the first is default
    extension_days: int = 0  # each extension adds this many days
    max_total_days: int | None = None  # a visit cannot be extended past this many days in all
    max_extensions: int | None = 0  # None: renewable without a fixed count

    def __post_init__(self) -> None:
        if (self.days is None) == (not self.months):
            raise ValueError("a permit rule has either a length in days or lengths in months")


@dataclass(frozen=True)
class StayRules:
    """The rules in force; build one with other values when the law changes (PP, Permenkumham)."""

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
    # Months a passport must still be valid on the arrival day, per permit (visits: six); 0 means
    # only "not expired" - an expired passport is always refused.
    min_passport_months: dict[str, int] = field(
        default_factory=lambda: {
            "visa-exemption": 6,
            "voa": 6,
            "visit-visa": 6,
            "kitas": 0,
            "kitap": 0,
        }
    )
    overstay_fee_per_day: int = 1_000_000  # Rupiah, PP 28/2019
    deportation_threshold_days: int = 60  # UU 6/2011 Pasal 78

    def rule(self, permit: str) -> PermitRule:
        try:
            return self.permits[permit]
        except KeyError:
            raise StayRuleError(
                "unknown_permit",
                f"Unknown permit {permit!r}.",
                f"Jenis izin tinggal {permit!r} tidak dikenal.",
                field="permit",
            ) from None


def _names(permit: str) -> tuple[str, str]:
    return PERMIT_NAMES.get(permit, (permit, permit))


def zone_info(zone: str) -> tzinfo:
    """The time zone for "WIB"/"WITA"/"WIT" or an IANA name such as "Asia/Makassar"."""
    name = ZONE_NAMES.get(zone.upper(), zone)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name in _FIXED:
            return timezone(timedelta(hours=_FIXED[name]), zone)
        raise StayRuleError(
            "unknown_zone",
            f"Unknown time zone {zone!r}.",
            f"Zona waktu {zone!r} tidak dikenal.",
            field="zone",
        ) from None


def local_day(at: datetime, zone: str) -> date:
    """Which calendar day `at` is at the place; instants are stored in UTC."""
    if at.tzinfo is None or at.utcoffset() is None:
        # A naive time would be read in the server's zone: the day could silently shift.
        raise ValueError("local_day needs an aware datetime (store instants in UTC)")
    return at.astimezone(zone_info(zone)).date()


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_end(first: date, months: int) -> date:
    """Last day of a period of `months` months that starts on `first` (day 1): the day before
    the same date `months` later; when that date does not exist (31 August + 6 months), the
    period ends with the last day of that month - the holder never loses a day to the calendar."""
    target = add_months(first, months)
    if target.day < first.day:  # clamped: "31 February" is past the end of February
        return target
    return target - timedelta(days=1)


def _months(permit: str, rule: PermitRule, months: int | None) -> int:
    chosen = months or rule.months[0]
    if chosen not in rule.months:
        allowed = ", ".join(str(m) for m in rule.months)
        en, id_ = _names(permit)
        raise StayRuleError(
            "bad_months",
            f"A {en} lasts {allowed} months.",
            f"{id_} berlaku {allowed} bulan.",
            field="months",
        )
    return chosen


def last_allowed_day(
    permit: str,
    arrived_at: datetime,
    zone: str,
    months: int | None = None,
    rules: StayRules | None = None,
) -> date:
    """The permit's last day: a 30-day permit starting 1 March ends 30 March. `arrived_at` is an
    aware instant (UTC); `zone` is the checkpoint's zone; `months` picks a KITAS length."""
    rule = (rules or StayRules()).rule(permit)
    first = local_day(arrived_at, zone)
    if rule.days is not None:
        return first + timedelta(days=rule.days - 1)
    return months_end(first, _months(permit, rule, months))


def _refuse_extension(permit: str, why_en: str, why_id: str) -> StayRuleError:
    en, id_ = _names(permit)
    return StayRuleError(
        "no_extension",
        f"A {en} cannot be extended {why_en}.",
        f"Izin {id_} tidak dapat diperpanjang {why_id}.",
        field="permit",
    )


def extend(
    permit: str,
    current_last_day: date,
    extensions_so_far: int,
    *,
    arrived_on: date | None = None,
    months: int | None = None,
    rules: StayRules | None = None,
) -> date:
    """The last day after one more extension (perpanjangan izin tinggal), or a StayRuleError.

    Visits grow by fixed steps up to their total (VOA once by 30 days; visit visa by 60 days up to
    180 in all, counted from `arrived_on`, the local arrival day, when given); KITAS and KITAP are
    renewed for a whole number of months from the day after the current last day.
    """
    rule = (rules or StayRules()).rule(permit)
    if rule.max_extensions is not None and extensions_so_far >= rule.max_extensions:
        if rule.max_extensions == 0:
            raise _refuse_extension(permit, "at all", "sama sekali")
        times = rule.max_extensions
        raise _refuse_extension(permit, f"more than {times} time(s)", f"lebih dari {times} kali")
    if rule.months:
        chosen = _months(permit, rule, months)
        return months_end(current_last_day + timedelta(days=1), chosen)
    new_last = current_last_day + timedelta(days=rule.extension_days)
    if rule.max_total_days is not None and arrived_on is not None:
        new_last = min(new_last, arrived_on + timedelta(days=rule.max_total_days - 1))
    if new_last <= current_last_day:
        raise _refuse_extension(
            permit,
            f"past {rule.max_total_days} days in all",
            f"melebihi {rule.max_total_days} hari seluruhnya",
        )
    return new_last


def extended_last_day(
    permit: str,
    *,
    arrived_on: date,
    last_day: date,
    extensions_so_far: int,
    months: int | None = None,
    rules: StayRules | None = None,
) -> date:
    """Keyword form of `extend` (kept for callers that name every argument)."""
    return extend(
        permit,
        last_day,
        extensions_so_far,
        arrived_on=arrived_on,
        months=months,
        rules=rules,
    )


@dataclass(frozen=True)
class Overstay:
    days: int  # local days past the last allowed day; 0 when still within the permit
    fee: int  # Rupiah due (biaya beban overstay); 0 once deportation applies
    deportation: bool  # 60 days or more: deportation and an entry ban instead of the fee


def overstay(last_day: date, now: datetime, zone: str, rules: StayRules | None = None) -> Overstay:
    """Overstay at `now` (aware, UTC) in the place's zone (UU 6/2011 Pasal 78)."""
    r = rules or StayRules()
    days = max(0, (local_day(now, zone) - last_day).days)
    deport = days >= r.deportation_threshold_days
    return Overstay(days, 0 if deport else days * r.overstay_fee_per_day, deport)
