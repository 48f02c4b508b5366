"""Checks of what a citizen types: NIK with birth date, name, phone, e-mail, a priority claim.
Each refusal names the field and says why, in Bahasa Indonesia and English."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from pantau.errors import PantauError
from pantau.queue.booking.nik import parse_nik
from pantau.queue.privacy import Citizen

PRIORITY_REASONS = ("elderly", "disability", "child")
_PHONE = re.compile(r"^\+62[0-9]{8,13}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def invalid(code: str, en: str, id_: str, field: str) -> PantauError:
    return PantauError(code, en, id_, status=422, field=field)


def normalise_phone(phone: str) -> str:
    digits = re.sub(r"[\s\-().]", "", phone)
    if digits.startswith("08"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62"):
        digits = "+" + digits
    if not _PHONE.match(digits):
        raise invalid(
            "bad_phone",
            "Give a mobile number such as 0812 3456 7890.",
            "Isi nomor ponsel, misalnya 0812 3456 7890.",
            "phone",
        )
    return digits


def check_citizen(citizen: Citizen) -> Citizen:
    """Check and tidy what the citizen typed; the NIK must match the birth date given."""
    nik = re.sub(r"\s", "", citizen.nik)
    parse_nik(nik, citizen.birth_date)
    name = " ".join(citizen.name.split())
    if not 2 <= len(name) <= 100:
        raise invalid("bad_name", "Give your full name.", "Isi nama lengkap Anda.", "name")
    email = citizen.email.strip()
    if not _EMAIL.match(email) or len(email) > 200:
        raise invalid(
            "bad_email",
            "Give a valid e-mail address.",
            "Isi alamat e-mail yang benar.",
            "email",
        )
    return replace(
        citizen, nik=nik, name=name, phone=normalise_phone(citizen.phone), email=email.lower()
    )


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_priority(reason: str | None, birth: date, day: date) -> None:
    """Age-based priority follows from the birth date; a disability is checked at the office."""
    if reason is None or reason == "disability":
        return
    if reason == "elderly" and age_on(birth, day) >= 60:
        return
    if reason == "child" and age_on(birth, day) < 5:
        return
    raise invalid(
        "priority_not_eligible",
        "Priority seats by age are for people aged 60 or more and children under 5.",
        "Kuota prioritas karena usia untuk yang berusia 60 tahun ke atas dan anak di bawah 5 tahun.",
        "priority_reason",
    )
