"""The NIK (Nomor Induk Kependudukan): the 16-digit national identity number of a citizen (WNI).

Layout: PP KK CC DDMMYY SSSS - province, regency/city (kabupaten/kota), district (kecamatan), birth
date (40 added to the day for women, two-digit year), and a serial from 0001. There is no check
digit: structure and the birth date are what can be checked without the civil registry (Dukcapil).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from pantau.errors import PantauError

# Province codes (kode wilayah, Kemendagri; Kepmendagri 100.1.1-6117/2022 for the Papuan provinces
# formed in 2022). A NIK keeps the code it was issued with: before 2022 Papua was 94 and Papua Barat
# 91, so the name of 91 or 94 is the province that holds the code now, not always where the person
# was registered. Statistics Indonesia (BPS) numbers the Papuan provinces differently (up to 97);
# NIKs follow Kemendagri.
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

WOMAN_DAY_OFFSET = 40


class NIKError(PantauError):
    """A NIK that cannot be right; the message says why, in Bahasa Indonesia and English.

    Codes: nik_format, nik_province, nik_region, nik_bad_date, nik_serial, nik_birth_date.
    """

    status = 422

    def __init__(self, code: str, en: str, id: str) -> None:
        super().__init__(code, en, id, field="nik")


@dataclass(frozen=True, slots=True)
class NIK:
    value: str
    province: str  # two digits, e.g. "51"
    regency: str  # kabupaten (01-69) or kota (71-99), two digits
    district: str  # kecamatan, two digits
    birth_date: date
    sex: str  # "M" or "F"
    serial: int

    @property
    def province_name(self) -> str:
        return PROVINCES[self.province]

    @property
    def region_code(self) -> str:
        """Province, regency and district as Kemendagri writes them: "51.71.01"."""
        return f"{self.province}.{self.regency}.{self.district}"


def _bad_date() -> NIKError:
    return NIKError(
        "nik_bad_date",
        "The NIK does not hold a real birth date (digits 7 to 12).",
        "NIK tidak memuat tanggal lahir yang benar (digit ke-7 sampai ke-12).",
    )


def _birth_date(nik: str, today: date) -> tuple[date, str]:
    """The birth date in digits 7-12: the latest date with that two-digit year not after today."""
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if day > WOMAN_DAY_OFFSET else "M"
    day -= WOMAN_DAY_OFFSET if sex == "F" else 0
    year = today.year - (today.year - yy) % 100
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    try:
        return date(year, month, day), sex
    except ValueError:
        raise _bad_date() from None


def _structure(value: str) -> None:
    # isdigit() alone would let Arabic-Indic or full-width digits through.
    if len(value) != 16 or not (value.isascii() and value.isdigit()):
        raise NIKError(
            "nik_format", "A NIK has exactly 16 digits.", "NIK terdiri atas tepat 16 digit."
        )
    if value[:2] not in PROVINCES:
        raise NIKError(
            "nik_province",
            f"The NIK starts with {value[:2]}, which is not a province code.",
            f"NIK diawali {value[:2]}, yang bukan kode provinsi.",
        )
    if value[2:4] == "00" or value[4:6] == "00":
        raise NIKError(
            "nik_region",
            "The NIK's regency or district code cannot be 00.",
            "Kode kabupaten/kota atau kecamatan pada NIK tidak boleh 00.",
        )


def parse_nik(nik: str, birth_date: date | None = None, *, today: date | None = None) -> NIK:
    """Check a NIK's structure and, when given, that it holds this birth date (tanggal lahir).

    Spaces, dots and dashes between digit groups are ignored ("5171 0117 0590 0001").
    """
    value = "".join(ch for ch in nik if ch not in " .-\t")
    _structure(value)
    today = today or date.today()
    born, sex = _birth_date(value, today)
    if int(value[12:]) == 0:
        raise NIKError(
            "nik_serial",
            "The NIK's last four digits cannot be 0000.",
            "Empat digit terakhir NIK tidak boleh 0000.",
        )
    if birth_date is not None and (
        birth_date > today
        or (born.day, born.month, born.year % 100)
        != (birth_date.day, birth_date.month, birth_date.year % 100)
    ):
        raise NIKError(
            "nik_birth_date",
            "The birth date does not match the NIK.",
            "Tanggal lahir tidak sesuai dengan NIK.",
        )
    if birth_date is not None:
        born = birth_date  # the NIK holds two digits of the year; the citizen gave all four
    return NIK(value, value[:2], value[2:4], value[4:6], born, sex, int(value[12:]))


def make_nik(
    birth_date: date,
    sex: str = "M",
    *,
    rng: random.Random | None = None,
    province: str | None = "51",
) -> str:
    """A synthetic, well-formed NIK for tests and demo data (not anyone's real number).

    `province=None` picks one at random; regency, district and serial are random.
    """
    rng = rng or random.Random()  # noqa: S311 - synthetic demo data, not a secret
    code = province if province is not None else rng.choice(sorted(PROVINCES))
    if code not in PROVINCES:
        raise ValueError(f"{code!r} is not a province code")
    day = birth_date.day + (WOMAN_DAY_OFFSET if sex == "F" else 0)
    # Draws stay in the order they always had, so seeded demo data and benchmarks do not change.
    return (
        f"{code}{rng.randint(1, 79):02d}{rng.randint(1, 40):02d}"
        f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{rng.randint(1, 9999):04d}"
    )
