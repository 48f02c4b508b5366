"""MRZ parsing with the ICAO 9303 specimens; every check digit corrupted names its field."""

from __future__ import annotations

from datetime import date

import pytest

from pantau.people.mrz import MRZError, build_td3, check_digit, parse_mrz

TODAY = date(2010, 1, 1)
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"


def test_icao_td3_specimen():
    m = parse_mrz(TD3, today=TODAY)
    assert (m.surname, m.given_names, m.document_number) == ("ERIKSSON", "ANNA MARIA", "L898902C3")
    assert m.nationality == "UTO" and m.sex == "F"
    assert m.birth_date == date(1974, 8, 12) and m.expiry_date == date(2012, 4, 15)
    assert m.optional_data == "ZE184226B"


def test_icao_td1_and_td2_specimens():
    assert parse_mrz(TD1, today=TODAY).document_number == "D23145890"
    assert parse_mrz(TD2, today=TODAY).birth_date == date(1974, 8, 12)


def test_spaces_lower_case_and_one_pasted_line_are_accepted():
    assert parse_mrz(TD3.lower().replace("\n", ""), today=TODAY).surname == "ERIKSSON"
    assert parse_mrz("  " + TD3.replace("<<<<<10", "<<<<< 10") + "\n", today=TODAY)


@pytest.mark.parametrize(
    ("position", "field"),
    [
        (9, "document_number"),
        (19, "birth_date"),
        (27, "expiry_date"),
        (42, "optional_data"),
        (43, "composite"),
    ],
)
def test_each_check_digit_names_its_field(position, field):
    line1, line2 = TD3.split("\n")
    digit = line2[position]
    wrong = str((int(digit) + 1) % 10)
    bad = line1 + "\n" + line2[:position] + wrong + line2[position + 1 :]
    with pytest.raises(MRZError) as exc:
        parse_mrz(bad, today=TODAY)
    assert exc.value.field == field
    assert "periksa" in exc.value.message("id")


def test_changed_data_is_caught_by_check_digits():
    changed = TD3.replace("L898902C3", "L898902C4")
    with pytest.raises(MRZError) as exc:
        parse_mrz(changed, today=TODAY)
    assert exc.value.field == "document_number"


@pytest.mark.parametrize(
    "text", ["", "HELLO", "P<UTO\nL898", TD3 + "\nEXTRA", TD3.replace("<", "#")]
)
def test_malformed(text):
    with pytest.raises(MRZError) as exc:
        parse_mrz(text, today=TODAY)
    assert exc.value.field == "format"


def test_impossible_date():
    body = "L898902C36UTO7413322F1204159ZE184226B<<<<<1"
    line2 = body + str(check_digit(body[0:10] + body[13:20] + body[21:43]))
    # Fix the birth date's own check digit so only the date itself is wrong.
    line2 = line2[:19] + str(check_digit("741332")) + line2[20:]
    line2 = line2[:43] + str(check_digit(line2[0:10] + line2[13:20] + line2[21:43]))
    with pytest.raises(MRZError) as exc:
        parse_mrz(TD3.split("\n")[0] + "\n" + line2, today=TODAY)
    assert exc.value.field == "birth_date"


def test_build_round_trip():
    text = build_td3(
        surname="van der Berg",
        given_names="Anne",
        number="NL12AB345",
        nationality="NLD",
        birth_date=date(2001, 2, 28),
        sex="F",
        expiry_date=date(2030, 6, 30),
    )
    m = parse_mrz(text, today=date(2026, 11, 28))
    assert (m.surname, m.given_names, m.document_number) == ("VAN DER BERG", "ANNE", "NL12AB345")
    assert m.birth_date == date(2001, 2, 28) and m.expiry_date == date(2030, 6, 30)
