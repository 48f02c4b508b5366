"""The NIK (Nomor Induk Kependudukan): the 16-digit national identity number of a citizen.

Layout: PP KK CC DDMMYY SSSS - province, regency/city, district, birth date (40 added to the day for
women, two-digit year), and a serial from 0001. There is no check digit: structure and the birth
date are what can be checked without the civil registry (Dukcapil).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from pantau.errors import PantauError

# Province codes (kode wilayah, Kemendagri), including the Papuan provinces of 2022.
PROVINCES = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung",
    "19": "Kepulauan Bangka Belitung", "21": "Kepulauan Riau", "31": "DKI Jakarta",
    "32": "Jawa Barat", "33": "Jawa Tengah", "34": "DI Yogyakarta", "35": "Jawa Timur",
    "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat", "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat", "62": "Kalimantan Tengah", "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara",
    "75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara",
    "91": "Papua", "92": "Papua Barat", "93": "Papua Selatan", "94": "Papua Tengah",
    "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}  # fmt: skip


class NIKError(PantauError):
    """A NIK that cannot be right; the message says why, in Bahasa Indonesia and English."""

    status = 422

    def __init__(self, code: str, en: str, id: str) -> None:
        super().__init__(code, en, id, field="nik")


@dataclass(frozen=True, slots=True)
class NIK:
    value: str
    province: str
    regency: str
    district: str
    birth_date: date
    sex: str  # "M" or "F"
    serial: int

    @property
    def province_name(self) -> str:
        return PROVINCES[self.province]


def _birth_date(nik: str, given: date | None) -> tuple[date, str]:
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if day > 40 else "M"
    day = day - 40 if day > 40 else day
    if given is not None:
        century = given.year - given.year % 100
    else:
        this_year = date.today().year
        century = this_year - this_year % 100 - (100 if yy > this_year % 100 else 0)
    try:
        return date(century + yy, month, day), sex
    except ValueError:
        raise NIKError(
            "nik_bad_date",
            "The NIK does not hold a real birth date (digits 7 to 12).",
            "NIK tidak memuat tanggal lahir yang benar (digit ke-7 sampai ke-12).",
        ) from None


def parse_nik(nik: str, birth_date: date | None = None) -> NIK:
    """Check a NIK's structure and, when given, that it holds this birth date."""
    value = "".join(nik.split())
    if len(value) != 16 or not value.isdigit():
        raise NIKError(
            "nik_format", "A NIK has exactly 16 digits.", "NIK terdiri atas tepat 16 digit."
        )
    if value[:2] not in PROVINCES:
        raise NIKError(
            "nik_province",
            "The NIK starts with an unknown province code.",
            "NIK diawali kode provinsi yang tidak dikenal.",
        )
    if value[2:4] == "00" or value[4:6] == "00":
        raise NIKError(
            "nik_region",
            "The NIK's regency or district code cannot be 00.",
            "Kode kabupaten/kota atau kecamatan pada NIK tidak boleh 00.",
        )
    born, sex = _birth_date(value, birth_date)
    if int(value[12:]) == 0:
        raise NIKError(
            "nik_serial",
            "The NIK's last four digits cannot be 0000.",
            "Empat digit terakhir NIK tidak boleh 0000.",
        )
    if birth_date is not None and born != birth_date:
        raise NIKError(
            "nik_birth_date",
            "The birth date does not match the NIK.",
            "Tanggal lahir tidak sesuai dengan NIK.",
        )
    return NIK(value, value[:2], value[2:4], value[4:6], born, sex, int(value[12:]))


def make_nik(
    birth_date: date, sex: str = "M", *, rng: random.Random | None = None, province: str = "51"
) -> str:
    """A synthetic, well-formed NIK for tests and demo data (not anyone's real number)."""
    rng = rng or random.Random()  # noqa: S311 - synthetic test data, not a secret
    day = birth_date.day + (40 if sex == "F" else 0)
    return (
        f"{province}{rng.randint(1, 79):02d}{rng.randint(1, 40):02d}"
        f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{rng.randint(1, 9999):04d}"
    )
