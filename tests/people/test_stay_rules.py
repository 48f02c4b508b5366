"""Stay rules at their edges: local days in three zones, month ends, extensions, overstay fees."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pantau.errors import PantauError
from pantau.people.stay_rules import extended_last_day, last_allowed_day, overstay

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
