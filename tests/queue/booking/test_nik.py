"""NIK structure: province codes, regions, birth date with +40 for women, serial; synthetic NIKs."""

from __future__ import annotations

import random
from datetime import date

import pytest

from pantau.queue.booking.nik import PROVINCES, NIKError, make_nik, parse_nik

TODAY = date(2026, 11, 28)


def test_a_man_born_in_denpasar():
    nik = parse_nik("5171011705900001", today=TODAY)
    assert (nik.province, nik.province_name, nik.regency, nik.district) == (
        "51",
        "Bali",
        "71",
        "01",
    )
    assert nik.region_code == "51.71.01"
    assert (nik.birth_date, nik.sex, nik.serial) == (date(1990, 5, 17), "M", 1)


def test_a_woman_has_forty_added_to_the_day():
    nik = parse_nik("3174055705900123", date(1990, 5, 17), today=TODAY)
    assert (nik.sex, nik.birth_date, nik.province_name) == ("F", date(1990, 5, 17), "DKI Jakarta")
    assert parse_nik("3174057105900123", today=TODAY).birth_date == date(1990, 5, 31)


def test_grouped_input_is_accepted():
    assert parse_nik(" 5171 0117 0590 0001 ", today=TODAY).value == "5171011705900001"
    assert parse_nik("51.71.01-170590-0001", today=TODAY).value == "5171011705900001"


def test_two_digit_years_are_never_in_the_future():
    assert parse_nik("5171012811260001", today=TODAY).birth_date == date(2026, 11, 28)
    assert parse_nik("5171012911260001", today=TODAY).birth_date == date(1926, 11, 29)
    assert parse_nik("5171010101270001", today=TODAY).birth_date == date(1927, 1, 1)
    assert parse_nik("5171012902000001", today=TODAY).birth_date == date(2000, 2, 29)


def test_a_given_birth_date_decides_the_century():
    assert parse_nik("5171010101250001", date(1925, 1, 1), today=TODAY).birth_date == date(
        1925, 1, 1
    )


@pytest.mark.parametrize(
    ("nik", "code", "id_text", "en_text"),
    [
        ("12345", "nik_format", "16 digit", "16 digits"),
        ("51710117059000011", "nik_format", "16 digit", "16 digits"),
        ("51710a1705900001", "nik_format", "16 digit", "16 digits"),
        ("５１７１０１１７０５９００００１", "nik_format", "16 digit", "16 digits"),  # full-width
        ("9971011705900001", "nik_province", "kode provinsi", "province code"),
        ("2071011705900001", "nik_province", "kode provinsi", "province code"),
        ("9771011705900001", "nik_province", "kode provinsi", "province code"),  # BPS, not a NIK
        ("5100011705900001", "nik_region", "kabupaten/kota", "regency"),
        ("5171001705900001", "nik_region", "kecamatan", "district"),
        ("5171013202900001", "nik_bad_date", "tanggal lahir", "birth date"),  # 32 Feb
        ("5171010013900001", "nik_bad_date", "tanggal lahir", "birth date"),  # month 13
        ("5171010005900001", "nik_bad_date", "tanggal lahir", "birth date"),  # day 0
        ("5171013605900001", "nik_bad_date", "tanggal lahir", "birth date"),  # 36: neither sex
        ("5171017205900001", "nik_bad_date", "tanggal lahir", "birth date"),  # 72 - 40 = 32
        ("5171012902010001", "nik_bad_date", "tanggal lahir", "birth date"),  # 29 Feb 2001
        ("5171016902010001", "nik_bad_date", "tanggal lahir", "birth date"),  # the same, a woman
        ("5171011705900000", "nik_serial", "0000", "0000"),
    ],
)
def test_bad_niks_say_why_in_both_languages(nik, code, id_text, en_text):
    with pytest.raises(NIKError) as exc:
        parse_nik(nik, today=TODAY)
    err = exc.value
    assert (err.code, err.field, err.status) == (code, "nik", 422)
    assert id_text in err.message("id") and en_text in err.message("en")


@pytest.mark.parametrize(
    "given", [date(1990, 5, 18), date(1991, 5, 17), date(1990, 6, 17), date(2090, 5, 17)]
)
def test_a_birth_date_that_disagrees_is_refused(given):
    with pytest.raises(NIKError) as exc:
        parse_nik("5171011705900001", given, today=TODAY)
    assert exc.value.code == "nik_birth_date"
    assert "Tanggal lahir tidak sesuai" in exc.value.message("id")


def test_the_sex_in_the_nik_is_not_mistaken_for_the_date():
    # A woman's NIK read as a man's would give day 57: the given date is checked against day 17.
    assert parse_nik("5171015705900001", date(1990, 5, 17), today=TODAY).sex == "F"


def test_every_province_code_including_the_papuan_ones_of_2022():
    assert len(PROVINCES) == 38
    assert {"93", "94", "95", "96"} <= PROVINCES.keys()
    assert PROVINCES["96"] == "Papua Barat Daya"
    for code in PROVINCES:
        assert parse_nik(f"{code}01011705900001", today=TODAY).province == code


@pytest.mark.parametrize("seed", range(200))
def test_synthetic_niks_parse_back(seed):
    rng = random.Random(seed)
    born = date(1940, 1, 1).fromordinal(
        rng.randint(date(1940, 1, 1).toordinal(), TODAY.toordinal())
    )
    sex = rng.choice("MF")
    nik = make_nik(born, sex, rng=rng, province=None if seed % 2 else "73")
    parsed = parse_nik(nik, born, today=TODAY)
    assert (parsed.birth_date, parsed.sex) == (born, sex)
    assert seed % 2 or parsed.province_name == "Sulawesi Selatan"


def test_synthetic_niks_are_reproducible_and_refuse_unknown_provinces():
    born = date(1990, 5, 17)
    assert make_nik(born, rng=random.Random(7)) == make_nik(born, rng=random.Random(7))
    assert make_nik(born, "F", rng=random.Random(7))[6:8] == "57"
    with pytest.raises(ValueError, match="province"):
        make_nik(born, province="99")
