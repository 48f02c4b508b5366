"""ICAO 9303 machine-readable zones (MRZ): TD3 passports (2 x 44), TD2 (2 x 36) and TD1 (3 x 30)
identity cards, and the MRV-A / MRV-B visa stickers (2 x 44, 2 x 36).

Every check digit the format carries is verified; an error names the field that is wrong
(`birth_date_check`, `composite_check`, ...) with a message in English and Bahasa Indonesia, so the
officer at the checkpoint (TPI) knows which part of the passport to re-read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pantau.errors import PantauError

Format = Literal["TD3", "TD2", "TD1", "MRVA", "MRVB"]

_WEIGHTS = (7, 3, 1)
_VALUES = {ch: i for i, ch in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {"<": 0}
_CHARS = re.compile(r"^[A-Z0-9<]+$")
_LETTERS = re.compile(r"^[A-Z<]+$")
_SHAPES = {88: (2, 44), 72: (2, 36), 90: (3, 30)}

FIELD_NAMES = {  # field -> (English, Bahasa Indonesia)
    "format": ("MRZ format", "format MRZ"),
    "document_type": ("document type", "jenis dokumen"),
    "issuing_state": ("issuing state", "negara penerbit"),
    "document_number": ("document number", "nomor dokumen"),
    "nationality": ("nationality", "kewarganegaraan"),
    "birth_date": ("birth date", "tanggal lahir"),
    "sex": ("sex", "jenis kelamin"),
    "expiry_date": ("expiry date", "tanggal habis berlaku"),
    "optional_data": ("optional data (personal number)", "data opsional (nomor pribadi)"),
    "composite": ("whole line (composite)", "gabungan"),
}


class MRZError(PantauError):
    """An MRZ that cannot be right; `field` names the part to re-read."""

    def __init__(
        self, field: str, en: str, id_: str, *, line: int | None = None, position: int | None = None
    ) -> None:
        super().__init__("bad_mrz", en, id_, status=422, field=field)
        # Where a check digit sits goes into the API answer, so a form can point at it.
        if line is not None:
            self.extra.update(line=line, position=position)


@dataclass(frozen=True)
class MRZ:
    document_type: str  # "P", "PD", "I", "ID", "V", ... (fillers removed)
    issuing_state: str  # ICAO 9303 code: "IDN", "UTO", "D" for Germany
    surname: str
    given_names: str
    document_number: str  # whole number, also when it overflowed into the optional data (TD1/TD2)
    nationality: str
    birth_date: date
    sex: str  # M, F or X (unspecified)
    expiry_date: date
    optional_data: str  # personal number or issuer data, fillers as spaces, trimmed
    format: Format = "TD3"


@dataclass(frozen=True)
class _Layout:
    """Positions in the MRZ read as one string (line 2 of a TD3 starts at 44)."""

    format: Format
    names: slice
    number: slice
    number_cd: int
    nationality: slice
    birth: slice
    birth_cd: int
    sex: int
    expiry: slice
    expiry_cd: int
    optional: slice
    optional_cd: int | None = None
    optional2: slice | None = None
    composite: tuple[slice, ...] = ()
    composite_cd: int | None = None
    overflow: bool = False  # a number longer than 9 continues in `optional` (TD1, TD2)


_TD3 = _Layout(
    "TD3", slice(5, 44), slice(44, 53), 53, slice(54, 57), slice(57, 63), 63, 64,
    slice(65, 71), 71, slice(72, 86), 86,
    composite=(slice(44, 54), slice(57, 64), slice(65, 87)), composite_cd=87,
)  # fmt: skip
_MRVA = _Layout(
    "MRVA", slice(5, 44), slice(44, 53), 53, slice(54, 57), slice(57, 63), 63, 64,
    slice(65, 71), 71, slice(72, 88),
)  # fmt: skip
_TD2 = _Layout(
    "TD2", slice(5, 36), slice(36, 45), 45, slice(46, 49), slice(49, 55), 55, 56,
    slice(57, 63), 63, slice(64, 71),
    composite=(slice(36, 46), slice(49, 56), slice(57, 71)), composite_cd=71, overflow=True,
)  # fmt: skip
_MRVB = _Layout(
    "MRVB", slice(5, 36), slice(36, 45), 45, slice(46, 49), slice(49, 55), 55, 56,
    slice(57, 63), 63, slice(64, 72),
)  # fmt: skip
_TD1 = _Layout(
    "TD1", slice(60, 90), slice(5, 14), 14, slice(45, 48), slice(30, 36), 36, 37,
    slice(38, 44), 44, slice(15, 30), optional2=slice(48, 59),
    composite=(slice(5, 30), slice(30, 37), slice(38, 45), slice(48, 59)), composite_cd=59,
    overflow=True,
)  # fmt: skip
_LAYOUTS: dict[Format, _Layout] = {x.format: x for x in (_TD3, _MRVA, _TD2, _MRVB, _TD1)}


def check_digit(text: str) -> int:
    """ICAO 9303 Part 3 check digit: weights 7, 3, 1; A=10 ... Z=35; '<' counts 0."""
    try:
        return sum(_VALUES[ch] * _WEIGHTS[i % 3] for i, ch in enumerate(text)) % 10
    except KeyError as exc:
        raise ValueError(f"not an MRZ character: {exc.args[0]!r}") from None


def _where(index: int, width: int) -> dict[str, int]:
    return {"line": index // width + 1, "position": index % width + 1}


def _bad_digit(field: str, index: int, width: int) -> MRZError:
    en, id_ = FIELD_NAMES[field]
    at = _where(index, width)
    place_en = f"line {at['line']}, position {at['position']}"
    place_id = f"baris {at['line']}, posisi {at['position']}"
    return MRZError(
        f"{field}_check",
        f"The check digit of the {en} ({place_en}) does not match: re-read the {en}.",
        f"Digit periksa {id_} ({place_id}) tidak cocok: baca ulang {id_}.",
        **at,
    )


def _check(field: str, value: str, digit: str, index: int, width: int) -> None:
    if not digit.isdigit() or check_digit(value) != int(digit):
        raise _bad_digit(field, index, width)


def _resolve_year(yy: int, mm: int, dd: int, *, expiry: bool, today: date) -> int:
    """Two-digit years: a birth date is the latest one not after today; an expiry date lies
    within 79 years before and 20 years after today (passports last at most 10 years, but old
    expired ones are still shown)."""
    if expiry:
        low = today.year - 79
        return low + (yy - low) % 100
    year = today.year - (today.year - yy) % 100
    return year - 100 if (year, mm, dd) > (today.year, today.month, today.day) else year


def _date(text: str, field: str, *, today: date) -> date:
    en, id_ = FIELD_NAMES[field]
    if "<" in text:
        raise MRZError(
            field,
            f"The {en} is partly unknown ({text}); enter the traveller by hand.",
            f"{id_.capitalize()} sebagian tidak diketahui ({text}); isi data pelaku perjalanan manual.",
        )
    if not text.isdigit():
        raise MRZError(
            field,
            f"The {en} is not a date (YYMMDD).",
            f"{id_.capitalize()} bukan tanggal (YYMMDD).",
        )
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:])
    try:
        return date(_resolve_year(yy, mm, dd, expiry=field == "expiry_date", today=today), mm, dd)
    except ValueError:
        raise MRZError(
            field,
            f"The {en} {text} is not a real date.",
            f"{id_.capitalize()} {text} bukan tanggal yang ada.",
        ) from None


def _names(text: str) -> tuple[str, str]:
    surname, _, given = text.partition("<<")

    def clean(part: str) -> str:
        return " ".join(p for p in part.split("<") if p)

    return clean(surname), clean(given)


def normalise(text: str) -> list[str]:
    """MRZ lines from what a reader or an officer gives: any case, spaces inside, lines split by
    newlines or pasted end to end (with or without spaces between them)."""
    lines = [re.sub(r"\s+", "", ln).upper() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    joined = "".join(lines)
    if len(lines) != 1 or len(joined) not in _SHAPES:
        return lines
    count, width = _SHAPES[len(joined)]
    return [joined[i * width : (i + 1) * width] for i in range(count)]


def _layout(lines: list[str]) -> _Layout:
    shape = tuple(len(ln) for ln in lines)
    visa = bool(lines) and lines[0].startswith("V")
    found: dict[tuple[int, ...], _Layout] = {
        (44, 44): _MRVA if visa else _TD3,
        (36, 36): _MRVB if visa else _TD2,
        (30, 30, 30): _TD1,
    }
    if shape not in found:
        raise MRZError(
            "format",
            f"An MRZ has 2 lines of 44 (passport), 2 of 36 or 3 of 30 characters; got {shape}.",
            f"MRZ terdiri atas 2 baris 44 (paspor), 2 baris 36, atau 3 baris 30 karakter; terbaca {shape}.",
        )
    return found[shape]


def _document_number(flat: str, lay: _Layout, width: int) -> tuple[str, str]:
    """(number, optional data left after it): ICAO's overflow rule puts '<' where the check
    digit would be, and the rest of a long number plus its check digit in the optional data."""
    number, optional = flat[lay.number], flat[lay.optional]
    if lay.overflow and flat[lay.number_cd] == "<" and optional[:1] not in ("", "<"):
        extra = optional.split("<", 1)[0]
        if len(extra) < 2:
            raise _bad_digit("document_number", lay.optional.start + len(extra) - 1, width)
        _check(
            "document_number",
            number + extra[:-1],
            extra[-1],
            lay.optional.start + len(extra) - 1,
            width,
        )
        return number + extra[:-1], optional[len(extra) :]
    _check("document_number", number, flat[lay.number_cd], lay.number_cd, width)
    return number, optional


def _check_digits(flat: str, lay: _Layout, width: int) -> tuple[str, str]:
    number, optional = _document_number(flat, lay, width)
    _check("birth_date", flat[lay.birth], flat[lay.birth_cd], lay.birth_cd, width)
    _check("expiry_date", flat[lay.expiry], flat[lay.expiry_cd], lay.expiry_cd, width)
    if lay.optional_cd is not None:
        digit = flat[lay.optional_cd]
        # A personal number that is absent may carry '<' as its check digit (ICAO 9303 Part 4).
        if not (digit == "<" and not optional.strip("<")):
            _check("optional_data", optional, digit, lay.optional_cd, width)
    if lay.composite_cd is not None:
        joined = "".join(flat[s] for s in lay.composite)
        _check("composite", joined, flat[lay.composite_cd], lay.composite_cd, width)
    return number, optional


def _codes(flat: str, lay: _Layout) -> None:
    """OCR reads O as 0 and I as 1: codes that must be letters are checked before use."""
    for field, part in (
        ("document_type", slice(0, 2)),
        ("issuing_state", slice(2, 5)),
        ("nationality", lay.nationality),
    ):
        if not _LETTERS.match(flat[part]) or not flat[part].strip("<"):
            en, id_ = FIELD_NAMES[field]
            raise MRZError(
                field,
                f"The {en} {flat[part]!r} must be letters.",
                f"{id_.capitalize()} {flat[part]!r} harus berupa huruf.",
            )
    if flat[lay.sex] not in "MFX<":
        raise MRZError("sex", "Sex must be M, F, X or <.", "Jenis kelamin harus M, F, X, atau <.")


def parse_mrz(text: str, *, today: date | None = None) -> MRZ:
    """Read and verify an MRZ; `today` decides the century of two-digit years."""
    today = today or date.today()
    lines = normalise(text)
    if not lines or any(not _CHARS.match(ln) for ln in lines):
        raise MRZError(
            "format",
            "The MRZ may hold only A-Z, 0-9 and '<'.",
            "MRZ hanya boleh berisi A-Z, 0-9, dan '<'.",
        )
    lay = _layout(lines)
    flat, width = "".join(lines), len(lines[0])
    number, optional = _check_digits(flat, lay, width)
    _codes(flat, lay)
    if lay.optional2 is not None:
        optional += "<" + flat[lay.optional2]
    surname, given = _names(flat[lay.names])
    return MRZ(
        document_type=flat[0:2].replace("<", ""),
        issuing_state=flat[2:5].replace("<", ""),
        surname=surname,
        given_names=given,
        document_number=number.replace("<", ""),
        nationality=flat[lay.nationality].replace("<", ""),
        birth_date=_date(flat[lay.birth], "birth_date", today=today),
        sex="X" if flat[lay.sex] == "<" else flat[lay.sex],
        expiry_date=_date(flat[lay.expiry], "expiry_date", today=today),
        optional_data=" ".join(p for p in optional.split("<") if p),
        format=lay.format,
    )


def _field(text: str, size: int) -> str:
    """Transliterated, filled to size: accents dropped (ICAO 9303 Part 3, section 6), anything
    else that is not A-Z or 0-9 becomes '<'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    clean = re.sub(r"[^A-Z0-9]+", "<", plain)
    return (clean + "<" * size)[:size]


def _numbers(lay: _Layout, number: str, optional: str) -> tuple[str, str, str]:
    """(9-character number field, its check digit, the optional data field)."""
    number = _field(number, len(number)).rstrip("<")
    width = lay.optional.stop - lay.optional.start
    if len(number) <= 9:
        num = _field(number, 9)
        return num, str(check_digit(num)), _field(optional, width)
    if not lay.overflow or len(number) - 9 + 1 > width:
        raise ValueError(f"a {lay.format} cannot carry a {len(number)}-character document number")
    rest = number[9:] + str(check_digit(number))
    return number[:9], "<", _field(rest + ("<" + optional if optional else ""), width)


def build_mrz(
    format: Format = "TD3",
    *,
    surname: str,
    given_names: str,
    number: str,
    nationality: str,
    birth_date: date,
    sex: str,
    expiry_date: date,
    issuing_state: str | None = None,
    document_type: str | None = None,
    optional: str = "",
    optional2: str = "",
) -> str:
    """A valid MRZ (lines joined by newlines) for demo data and tests."""
    lay = _LAYOUTS[format]
    width = 30 if format == "TD1" else (44 if format in ("TD3", "MRVA") else 36)
    kind = document_type or {"TD3": "P", "MRVA": "V", "MRVB": "V"}.get(format, "I")
    flat = ["<"] * (width * (3 if format == "TD1" else 2))

    def put(part: slice | int, text: str) -> None:
        start = part.start if isinstance(part, slice) else part
        flat[start : start + len(text)] = list(text)

    size = lay.names.stop - lay.names.start
    names = (_field(surname, size).rstrip("<") + "<<" + _field(given_names, size))[:size]
    num, num_cd, opt = _numbers(lay, number, optional)
    birth, expiry = f"{birth_date:%y%m%d}", f"{expiry_date:%y%m%d}"
    put(0, _field(kind, 2) + _field(issuing_state or nationality, 3))
    put(lay.names, names)
    put(lay.number, num + num_cd)
    put(lay.nationality, _field(nationality, 3))
    put(lay.birth, birth + str(check_digit(birth)) + (sex if sex in "MF" else "<"))
    put(lay.expiry, expiry + str(check_digit(expiry)))
    put(lay.optional, opt)
    if lay.optional_cd is not None:
        put(lay.optional_cd, str(check_digit(opt)) if opt.strip("<") else "<")
    if lay.optional2 is not None:
        put(lay.optional2, _field(optional2, lay.optional2.stop - lay.optional2.start))
    if lay.composite_cd is not None:
        put(lay.composite_cd, str(check_digit("".join("".join(flat[s]) for s in lay.composite))))
    text = "".join(flat)
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


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
    """A valid passport MRZ for demo data and tests."""
    return build_mrz(
        "TD3",
        surname=surname,
        given_names=given_names,
        number=number,
        nationality=nationality,
        birth_date=birth_date,
        sex=sex,
        expiry_date=expiry_date,
        issuing_state=issuing_state,
        optional=optional,
    )
