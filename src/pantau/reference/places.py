"""Places and times as people read them: a regency code as "Kabupaten Gianyar, Bali", a time as
"2026-11-29 21:10 WITA" on the clock of the place (docs/supervision.md "Where is a place").

Indonesia keeps three clocks, by province: WIB (UTC+7) for Sumatra, Java, West and Central
Kalimantan; WITA (UTC+8) for Bali, Nusa Tenggara, South, East and North Kalimantan and Sulawesi;
WIT (UTC+9) for Maluku and Papua."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pantau.reference.regions import region_index

ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
WIT_PREFIX = ("8", "9")  # Maluku 81-82, Papua 91-96


def zone_of_region(code: str | None, default: str = "WIB") -> str:
    """WIB, WITA or WIT for a regency (or province) code; `default` when unknown."""
    if not code or len(code) < 2 or not code[:2].isdigit():
        return default
    if code.startswith(WIT_PREFIX):
        return "WIT"
    return "WITA" if code[:2] in WITA_PROVINCES else "WIB"


def local_time(at: datetime | None, zone: str = "WIB", *, seconds: bool = False) -> str:
    """`at` on the clock of `zone`, with the zone's name: '2026-11-29 21:10 WITA'."""
    if at is None:
        return ""
    fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{at.astimezone(ZoneInfo(ZONES.get(zone, ZONES['WIB']))).strftime(fmt)} {zone}"


def region_place(code: str | None) -> tuple[str, str] | None:
    """(regency or city name, province name), or None when unknown or without boundaries."""
    index = region_index() if code else None
    row = index.rows.get(code or "") if index else None
    return (row["name"], row["province_name"]) if row else None


def place_name(code: str | None) -> str:
    """'Kabupaten Gianyar, Bali'; '' when the place is unknown."""
    place = region_place(code)
    return f"{place[0]}, {place[1]}" if place else ""


def place_time(at: datetime | None, code: str | None, default: str = "WIB") -> str:
    """`at` on the clock of the regency `code` (`default` zone when the place is unknown)."""
    return local_time(at, zone_of_region(code, default))


# Checkpoints as Indonesians name them (the shipped reference keeps an English description).
CHECKPOINT_NAMES = {
    "CGK": "Bandara Internasional Soekarno-Hatta",
    "DPS": "Bandara Internasional I Gusti Ngurah Rai",
    "KNO": "Bandara Internasional Kualanamu",
    "SUB": "Bandara Internasional Juanda",
    "UPG": "Bandara Internasional Sultan Hasanuddin",
    "YIA": "Bandara Internasional Yogyakarta",
    "LOP": "Bandara Internasional Lombok",
    "BTH": "Bandara Internasional Hang Nadim",
    "BTC": "Pelabuhan Internasional Batam Center",
    "LBJ": "Bandara Komodo",
    "MDC": "Bandara Internasional Sam Ratulangi",
    "DJJ": "Bandara Sentani",
    "ETK": "PLBN Entikong",
    "MTA": "PLBN Mota'ain",
}
KIND_PREFIX = {"airport": "Bandara", "seaport": "Pelabuhan", "land": "PLBN"}


def checkpoint_name(code: str, name: str, kind: str) -> str:
    """'Bandara Internasional Soekarno-Hatta'; for a checkpoint not in the list, the kind's
    Indonesian word before its name ('Pelabuhan Sekupang')."""
    if code in CHECKPOINT_NAMES:
        return CHECKPOINT_NAMES[code]
    prefix = KIND_PREFIX.get(kind, "")
    return name if not prefix or name.startswith(prefix) else f"{prefix} {name}"
