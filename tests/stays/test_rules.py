"""Stay rules at their edges: local days in three zones, month ends, extensions, overstay fees."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pantau.errors import PantauError
from pantau.stays.rules import (
    PermitRule,
    StayRuleError,
    StayRules,
    extend,
    extended_last_day,
    last_allowed_day,
    local_day,
    months_end,
    overstay,
    zone_info,
)

ZONES = {"WIB": ("Asia/Jakarta", 7), "WITA": ("Asia/Makassar", 8), "WIT": ("Asia/Jayapura", 9)}


def test_arrival_day_counts_as_day_one():
    at = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
    assert last_allowed_day("visa-exemption", at, "Asia/Jakarta") == date(2026, 3, 30)
    assert last_allowed_day("visit-visa", at, "Asia/Jakarta") == date(2026, 4, 29)


@pytest.mark.parametrize("zone", list(ZONES))
def test_local_day_decides_near_midnight(zone):
    tz, offset = ZONES[zone]
    # 23:30 local on 28 Feb, and 00:30 local on 1 Mar, expressed in UTC.
    before = datetime(2026, 2, 28, 23 - offset, 30, tzinfo=UTC)
    after = datetime(2026, 2, 28, 24 - offset, 30, tzinfo=UTC)  # 00:30 local on 1 March
    assert last_allowed_day("voa", before, tz) == date(2026, 3, 29)
    assert last_allowed_day("voa", after, tz) == date(2026, 3, 30)


@pytest.mark.parametrize("zone", list(ZONES))
def test_overstay_starts_the_local_day_after_the_last(zone):
    tz, offset = ZONES[zone]
    last = date(2026, 3, 30)
    late_on_last = datetime(2026, 3, 30, 23 - offset, 30, tzinfo=UTC)  # 23:30 local on the last day
    early_next = datetime(2026, 3, 30, 24 - offset, 30, tzinfo=UTC)  # 00:30 local the day after
    assert overstay(last, late_on_last, tz).days == 0
    result = overstay(last, early_next, tz)
    assert result.days == 1 and result.fee == 1_000_000 and not result.deportation


def test_sixty_days_over_means_deportation_not_a_fee():
    at = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)
    result = overstay(date(2026, 4, 2), at, "Asia/Makassar")
    assert result.days == 60 and result.deportation and result.fee == 0
    assert overstay(date(2026, 4, 3), at, "Asia/Makassar").fee == 59_000_000


def test_kitas_months_and_month_ends():
    at = datetime(2024, 1, 31, 3, 0, tzinfo=UTC)
    assert last_allowed_day("kitas", at, "Asia/Jakarta", months=12) == date(2025, 1, 30)
    assert last_allowed_day(
        "kitas", datetime(2023, 8, 29, 3, tzinfo=UTC), "Asia/Jakarta", months=6
    ) == date(2024, 2, 28)
    with pytest.raises(PantauError) as exc:
        last_allowed_day("kitas", at, "Asia/Jakarta", months=7)
    assert exc.value.field == "months"


def test_extensions_follow_the_rules():
    arrived = date(2026, 3, 1)
    assert extended_last_day(
        "voa", arrived_on=arrived, last_day=date(2026, 3, 30), extensions_so_far=0
    ) == date(2026, 4, 29)
    with pytest.raises(PantauError):
        extended_last_day(
            "voa", arrived_on=arrived, last_day=date(2026, 4, 29), extensions_so_far=1
        )
    with pytest.raises(PantauError):
        extended_last_day(
            "visa-exemption", arrived_on=arrived, last_day=date(2026, 3, 30), extensions_so_far=0
        )
    # Visit visa: 60-day steps up to 180 days in all.
    last = date(2026, 4, 29)
    last = extended_last_day("visit-visa", arrived_on=arrived, last_day=last, extensions_so_far=0)
    last = extended_last_day("visit-visa", arrived_on=arrived, last_day=last, extensions_so_far=1)
    assert last == date(2026, 8, 27)  # day 180
    assert extended_last_day(
        "kitas", arrived_on=arrived, last_day=date(2027, 2, 28), extensions_so_far=3, months=12
    ) == date(2028, 2, 29)


# --- edges: every zone at 23:30 and 00:30 local, month ends, leap years, configuration ---


def _local(zone: str, y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    """A local wall-clock time in one of the three zones, as the UTC instant that is stored."""
    offset = ZONES[zone][1]
    return datetime(y, m, d, hh, mm, tzinfo=timezone(timedelta(hours=offset))).astimezone(UTC)


@pytest.mark.parametrize("zone", list(ZONES))
@pytest.mark.parametrize(
    ("permit", "months", "late", "early"),
    [
        # 23:30 local on 31 Dec 2023 and 00:30 local on 1 Jan 2024 (the UTC date is 31 Dec for both)
        ("visa-exemption", None, date(2024, 1, 29), date(2024, 1, 30)),
        ("voa", None, date(2024, 1, 29), date(2024, 1, 30)),
        ("visit-visa", None, date(2024, 2, 28), date(2024, 2, 29)),
        ("kitas", 6, date(2024, 6, 30), date(2024, 6, 30)),
        ("kitas", 12, date(2024, 12, 30), date(2024, 12, 31)),
        ("kitas", 24, date(2025, 12, 30), date(2025, 12, 31)),
        ("kitap", None, date(2028, 12, 30), date(2028, 12, 31)),
    ],
)
def test_every_permit_at_23_30_and_00_30_local(zone, permit, months, late, early):
    tz = ZONES[zone][0]
    before = _local(zone, 2023, 12, 31, 23, 30)
    after = _local(zone, 2024, 1, 1, 0, 30)
    assert before.date() == after.date() == date(2023, 12, 31)  # UTC alone cannot tell them apart
    assert last_allowed_day(permit, before, tz, months) == late
    assert last_allowed_day(permit, after, tz, months) == early


@pytest.mark.parametrize("zone", ["WIB", "WITA", "WIT"])
def test_zone_abbreviations_are_accepted(zone):
    at = _local(zone, 2026, 3, 1, 0, 30)
    assert local_day(at, zone) == date(2026, 3, 1)
    assert last_allowed_day("voa", at, zone) == date(2026, 3, 30)


def test_the_same_instant_is_two_days_across_zones():
    at = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 23:30 WIB, 00:30 WITA, 01:30 WIT
    assert local_day(at, "WIB") == date(2026, 3, 1)
    assert local_day(at, "WITA") == local_day(at, "WIT") == date(2026, 3, 2)


def test_naive_times_and_unknown_zones_are_refused():
    with pytest.raises(ValueError, match="aware"):
        last_allowed_day("voa", datetime(2026, 3, 1, 12), "Asia/Jakarta")
    with pytest.raises(StayRuleError) as exc:
        last_allowed_day("voa", datetime(2026, 3, 1, tzinfo=UTC), "Mars/Olympus")
    assert exc.value.field == "zone"


def test_fixed_offsets_when_the_zone_database_is_missing(monkeypatch):
    import pantau.stays.rules as sr

    def missing(name: str) -> None:
        raise sr.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(sr, "ZoneInfo", missing)
    assert zone_info("WIT").utcoffset(None) == timedelta(hours=9)
    assert local_day(datetime(2026, 3, 1, 15, 30, tzinfo=UTC), "Asia/Jayapura") == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("first", "months", "last"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # no 31 Feb: the month's last day, leap year
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2023, 8, 29), 6, date(2024, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # born of a leap day: still a full year
        (date(2024, 2, 29), 48, date(2028, 2, 28)),
        (date(2024, 3, 1), 12, date(2025, 2, 28)),
        (date(2023, 3, 1), 12, date(2024, 2, 29)),
        (date(2024, 12, 31), 6, date(2025, 6, 30)),
        (date(2024, 1, 1), 60, date(2028, 12, 31)),
    ],
)
def test_months_end(first, months, last):
    assert months_end(first, months) == last


def test_kitas_arriving_on_a_leap_day():
    at = _local("WITA", 2024, 2, 29, 10, 0)
    assert last_allowed_day("kitas", at, "WITA", months=12) == date(2025, 2, 28)
    assert last_allowed_day("kitap", at, "WITA") == date(2029, 2, 28)


def test_visa_exemption_across_a_leap_february():
    at = _local("WIB", 2024, 2, 1, 9, 0)
    assert last_allowed_day("visa-exemption", at, "WIB") == date(2024, 3, 1)  # 29 days in Feb
    at = _local("WIB", 2023, 2, 1, 9, 0)
    assert last_allowed_day("visa-exemption", at, "WIB") == date(2023, 3, 2)


def test_extend_positional_form_and_its_refusals():
    assert extend("voa", date(2026, 3, 30), 0) == date(2026, 4, 29)
    with pytest.raises(StayRuleError) as exc:
        extend("voa", date(2026, 4, 29), 1)
    assert exc.value.code == "no_extension" and "lebih dari 1 kali" in exc.value.message("id")
    with pytest.raises(StayRuleError) as exc:
        extend("visa-exemption", date(2026, 3, 30), 0)
    assert "bebas visa kunjungan" in exc.value.message("id")
    assert "cannot be extended at all" in exc.value.message("en")
    with pytest.raises(StayRuleError) as exc:
        extend("visit-visa", date(2026, 8, 27), 2)
    assert exc.value.code == "no_extension"
    with pytest.raises(StayRuleError) as exc:
        extend("tourist", date(2026, 3, 30), 0)
    assert exc.value.code == "unknown_permit" and exc.value.field == "permit"


def test_visit_visa_is_capped_at_180_days_from_arrival():
    arrived = date(2026, 3, 1)
    # A stay shortened by an officer and then extended still ends by day 180.
    assert extend("visit-visa", date(2026, 8, 1), 1, arrived_on=arrived) == date(2026, 8, 27)
    with pytest.raises(StayRuleError, match="180 days"):
        extend("visit-visa", date(2026, 8, 27), 1, arrived_on=arrived)


def test_kitas_and_kitap_renew_from_the_day_after():
    assert extend("kitas", date(2026, 8, 30), 5, months=6) == date(2027, 2, 28)
    assert extend("kitas", date(2027, 8, 30), 5, months=6) == date(2028, 2, 29)
    assert extend("kitap", date(2031, 2, 28), 1) == date(2036, 2, 29)
    with pytest.raises(StayRuleError) as exc:
        extend("kitas", date(2026, 8, 30), 0, months=3)
    assert exc.value.field == "months"


def test_rules_are_configurable():
    rules = StayRules(
        permits={**StayRules().permits, "visa-exemption": PermitRule(days=45)},
        overstay_fee_per_day=2_000_000,
        deportation_threshold_days=30,
    )
    at = _local("WITA", 2026, 3, 1, 12, 0)
    assert last_allowed_day("visa-exemption", at, "WITA", rules=rules) == date(2026, 4, 14)
    assert last_allowed_day("visa-exemption", at, "WITA") == date(2026, 3, 30)  # defaults kept
    assert (
        overstay(date(2026, 3, 30), _local("WITA", 2026, 4, 1, 8, 0), "WITA", rules).fee
        == 4_000_000
    )
    assert overstay(date(2026, 3, 30), _local("WITA", 2026, 4, 29, 8, 0), "WITA", rules).deportation
    with pytest.raises(ValueError, match="either"):
        PermitRule(days=30, months=(6,))


@pytest.mark.parametrize("zone", list(ZONES))
def test_overstay_counts_local_days_across_a_month_end(zone):
    tz = ZONES[zone][0]
    last = date(2024, 2, 28)
    assert overstay(last, _local(zone, 2024, 2, 29, 23, 30), tz).days == 1  # leap day
    assert overstay(last, _local(zone, 2024, 3, 1, 0, 30), tz).days == 2
    at_59 = overstay(last, _local(zone, 2024, 4, 27, 23, 30), tz)
    assert (at_59.days, at_59.fee, at_59.deportation) == (59, 59_000_000, False)
    at_60 = overstay(last, _local(zone, 2024, 4, 28, 0, 30), tz)
    assert (at_60.days, at_60.fee, at_60.deportation) == (60, 0, True)
    assert overstay(last, _local(zone, 2024, 2, 1, 0, 30), tz).days == 0  # not yet over
