"""ICAO 9303 machine-readable zones: TD3 (passports, 2 x 44), TD2 (2 x 36), TD1 (3 x 30).

Every check digit is verified; an error names the field that is wrong, in Bahasa Indonesia and English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pantau.errors import PantauError

_WEIGHTS = (7, 3, 1)
_CHARS = re.compile(r"^[A-Z0-9<]+$")
FIELD_NAMES_ID = {
    "format": "format MRZ",
    "document_number": "nomor dokumen",
    "birth_date": "tanggal lahir",
    "expiry_date": "tanggal habis berlaku",
    "optional_data": "data opsional",
    "composite": "digit periksa gabungan",
    "nationality": "kewarganegaraan",
    "sex": "jenis kelamin",
}


class MRZError(PantauError):
    def __init__(self, field: str, en: str, id_: str) -> None:
        super().__init__("bad_mrz", en, id_, status=422, field=field)


def check_digit(text: str) -> int:
    total = 0
    for i, ch in enumerate(text):
        if ch.isdigit():
            v = int(ch)
        elif ch.isalpha():
            v = ord(ch) - 55
        else:
            v = 0
        total += v * _WEIGHTS[i % 3]
    return total % 10


@dataclass(frozen=True)
class MRZ:
    document_type: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: date
    sex: str  # M, F or X
    expiry_date: date
    optional_data: str


def _bad_digit(field: str) -> MRZError:
    return MRZError(
        field,
        f"The check digit of the {field.replace('_', ' ')} does not match: re-read the MRZ.",
        f"Digit periksa {FIELD_NAMES_ID.get(field, field)} tidak cocok: baca ulang MRZ.",
    )


def _check(field: str, value: str, digit: str) -> None:
    if digit == "<" and set(value) == {"<"}:
        return  # an absent optional field may have a filler check digit
    if not digit.isdigit() or check_digit(value) != int(digit):
        raise _bad_digit(field)


def _date(text: str, field: str, *, future: bool, today: date) -> date:
    if not text.isdigit():
        raise MRZError(
            field,
            f"The {field.replace('_', ' ')} is not a date (YYMMDD).",
            f"{FIELD_NAMES_ID[field].capitalize()} bukan tanggal (YYMMDD).",
        )
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:])
    century = 2000 if (yy <= (today.year % 100) + (20 if future else 0)) else 1900
    try:
        return date(century + yy, mm, dd)
    except ValueError:
        raise MRZError(
            field,
            f"The {field.replace('_', ' ')} {text} is not a real date.",
            f"{FIELD_NAMES_ID[field].capitalize()} {text} bukan tanggal yang ada.",
        ) from None


def _names(text: str) -> tuple[str, str]:
    surname, _, given = text.partition("<<")
    clean = lambda s: " ".join(p for p in s.split("<") if p)  # noqa: E731
    return clean(surname), clean(given)


def normalise(text: str) -> list[str]:
    lines = [ln.strip().upper().replace(" ", "") for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) == 1 and len(lines[0]) in (88, 72, 90):  # pasted as one line
        size = {88: 44, 72: 36, 90: 30}[len(lines[0])]
        lines = [lines[0][i : i + size] for i in range(0, len(lines[0]), size)]
    return lines


def parse_mrz(text: str, *, today: date | None = None) -> MRZ:
    today = today or date.today()
    lines = normalise(text)
    shape = tuple(len(ln) for ln in lines)
    if not lines or any(not _CHARS.match(ln) for ln in lines):
        raise MRZError(
            "format",
            "The MRZ may hold only A-Z, 0-9 and '<'.",
            "MRZ hanya boleh berisi A-Z, 0-9, dan '<'.",
        )
    if shape == (44, 44):
        return _td3(lines, today)
    if shape == (36, 36):
        return _td2(lines, today)
    if shape == (30, 30, 30):
        return _td1(lines, today)
    raise MRZError(
        "format",
        f"Expected 2 lines of 44 (passport), 2 of 36 or 3 of 30 characters; got {shape}.",
        f"Diharapkan 2 baris 44 (paspor), 2 baris 36, atau 3 baris 30 karakter; terbaca {shape}.",
    )


def _common(
    doc_type: str,
    state: str,
    names: str,
    number: str,
    nat: str,
    birth: str,
    sex: str,
    expiry: str,
    optional: str,
    today: date,
) -> MRZ:
    if sex not in ("M", "F", "<"):
        raise MRZError("sex", "Sex must be M, F or <.", "Jenis kelamin harus M, F, atau <.")
    surname, given = _names(names)
    return MRZ(
        document_type=doc_type.replace("<", ""),
        issuing_state=state.replace("<", ""),
        surname=surname,
        given_names=given,
        document_number=number.replace("<", ""),
        nationality=nat.replace("<", ""),
        birth_date=_date(birth, "birth_date", future=False, today=today),
        sex="X" if sex == "<" else sex,
        expiry_date=_date(expiry, "expiry_date", future=True, today=today),
        optional_data=optional.replace("<", " ").strip(),
    )


def _td3(lines: list[str], today: date) -> MRZ:
    a, b = lines
    _check("document_number", b[0:9], b[9])
    _check("birth_date", b[13:19], b[19])
    _check("expiry_date", b[21:27], b[27])
    _check("optional_data", b[28:42], b[42])
    _check("composite", b[0:10] + b[13:20] + b[21:43], b[43])
    return _common(
        a[0:2], a[2:5], a[5:44], b[0:9], b[10:13], b[13:19], b[20], b[21:27], b[28:42], today
    )


def _td2(lines: list[str], today: date) -> MRZ:
    a, b = lines
    _check("document_number", b[0:9], b[9])
    _check("birth_date", b[13:19], b[19])
    _check("expiry_date", b[21:27], b[27])
    _check("composite", b[0:10] + b[13:20] + b[21:35], b[35])
    return _common(
        a[0:2], a[2:5], a[5:36], b[0:9], b[10:13], b[13:19], b[20], b[21:27], b[28:35], today
    )


def _td1(lines: list[str], today: date) -> MRZ:
    a, b, c = lines
    number, optional = a[5:14], a[15:30]
    if a[14] == "<" and optional.strip("<"):
        # Long document numbers continue in the optional field, ending with their check digit.
        extra = optional.split("<", 1)[0]
        number, digit = number + extra[:-1], extra[-1]
        _check("document_number", number, digit)
        optional = optional[len(extra) :]
    else:
        _check("document_number", number, a[14])
    _check("birth_date", b[0:6], b[6])
    _check("expiry_date", b[8:14], b[14])
    _check("composite", a[5:30] + b[0:7] + b[8:15] + b[18:29], b[29])
    return _common(
        a[0:2], a[2:5], c, number, b[15:18], b[0:6], b[7], b[8:14], optional + b[18:29], today
    )


def build_td3(
    *,
    surname: str,
    given_names: str,
    number: str,
    nationality: str,
    birth_date: date,
    sex: str,
    expiry_date: date,
    issuing_state: str | None = None,
    optional: str = "",
) -> str:
    """A valid passport MRZ for demo data and tests (names transliterated to A-Z by the caller)."""

    def field(text: str, size: int) -> str:
        clean = re.sub(r"[^A-Z0-9]+", "<", text.upper())
        return (clean + "<" * size)[:size]

    names = (field(surname, 39).rstrip("<") + "<<" + field(given_names, 39)).ljust(39, "<")[:39]
    num = field(number, 9)
    opt = field(optional, 14)
    birth, expiry = f"{birth_date:%y%m%d}", f"{expiry_date:%y%m%d}"
    line1 = "P<" + field(issuing_state or nationality, 3) + names
    body = (
        num
        + str(check_digit(num))
        + field(nationality, 3)
        + birth
        + str(check_digit(birth))
        + sex
        + expiry
        + str(check_digit(expiry))
        + opt
        + ("<" if not optional else str(check_digit(opt)))
    )
    composite = body[0:10] + body[13:20] + body[21:43]
    return line1 + "\n" + body + str(check_digit(composite))
