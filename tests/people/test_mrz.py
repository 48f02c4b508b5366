"""MRZ parsing with the ICAO 9303 specimens; every check digit corrupted names its field."""

from __future__ import annotations

from datetime import date

import pytest

from pantau.people.mrz import MRZError, build_mrz, build_td3, check_digit, normalise, parse_mrz

TODAY = date(2010, 1, 1)
# ICAO 9303 Part 4 (TD3), Part 5 (TD1), Part 6 (TD2) and Part 7 (MRV-A, MRV-B) specimens.
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
TD1_LONG = (
    "I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<"
)
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
MRVA = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"
MRVB = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<"


def test_icao_td3_specimen():
    m = parse_mrz(TD3, today=TODAY)
    assert (m.surname, m.given_names, m.document_number) == ("ERIKSSON", "ANNA MARIA", "L898902C3")
    assert (m.document_type, m.issuing_state, m.nationality, m.sex) == ("P", "UTO", "UTO", "F")
    assert m.birth_date == date(1974, 8, 12) and m.expiry_date == date(2012, 4, 15)
    assert m.optional_data == "ZE184226B" and m.format == "TD3"


def test_icao_td1_and_td2_specimens():
    td1 = parse_mrz(TD1, today=TODAY)
    assert (td1.format, td1.document_number, td1.surname) == ("TD1", "D23145890", "ERIKSSON")
    td2 = parse_mrz(TD2, today=TODAY)
    assert (td2.format, td2.document_number, td2.birth_date) == (
        "TD2",
        "D23145890",
        date(1974, 8, 12),
    )


def test_td1_long_document_number_overflows_into_the_optional_data():
    m = parse_mrz(TD1_LONG, today=TODAY)
    assert m.document_number == "D23145890734" and m.optional_data == ""
    assert (m.surname, m.given_names, m.sex) == ("STEVENSON", "PETER JOHN", "M")


def test_visa_specimens_have_no_composite():
    a, b = parse_mrz(MRVA, today=TODAY), parse_mrz(MRVB, today=TODAY)
    assert (a.format, b.format) == ("MRVA", "MRVB")
    assert a.document_number == b.document_number == "L8988901C"
    assert a.birth_date == date(1940, 9, 7) and b.expiry_date == date(1996, 12, 10)


def test_spaces_lower_case_and_one_pasted_line_are_accepted():
    assert parse_mrz(TD3.lower().replace("\n", ""), today=TODAY).surname == "ERIKSSON"
    assert parse_mrz(TD3.replace("\n", " "), today=TODAY).document_number == "L898902C3"
    assert parse_mrz("  " + TD3.replace("<<<<<10", "<<<<< 10") + "\r\n", today=TODAY)
    assert parse_mrz(TD1.replace("\n", "  "), today=TODAY).format == "TD1"
    assert normalise("\n\n" + TD2 + "\n\n") == TD2.split("\n")


def _flip(text: str, line: int, position: int) -> str:
    """Change the digit at 1-based (line, position) to another digit."""
    lines = text.split("\n")
    row = lines[line - 1]
    old = row[position - 1]
    new = str((int(old) + 1) % 10) if old.isdigit() else "1"
    lines[line - 1] = row[: position - 1] + new + row[position:]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("text", "line", "position", "field"),
    [
        (TD3, 2, 10, "document_number_check"),
        (TD3, 2, 20, "birth_date_check"),
        (TD3, 2, 28, "expiry_date_check"),
        (TD3, 2, 43, "optional_data_check"),
        (TD3, 2, 44, "composite_check"),
        (TD2, 2, 10, "document_number_check"),
        (TD2, 2, 20, "birth_date_check"),
        (TD2, 2, 28, "expiry_date_check"),
        (TD2, 2, 36, "composite_check"),
        (TD1, 1, 15, "document_number_check"),
        (TD1, 2, 7, "birth_date_check"),
        (TD1, 2, 15, "expiry_date_check"),
        (TD1, 2, 30, "composite_check"),
        (TD1_LONG, 1, 19, "document_number_check"),
        (TD1_LONG, 2, 30, "composite_check"),
        (MRVA, 2, 10, "document_number_check"),
        (MRVA, 2, 20, "birth_date_check"),
        (MRVA, 2, 28, "expiry_date_check"),
        (MRVB, 2, 20, "birth_date_check"),
    ],
)
def test_each_check_digit_names_its_field(text, line, position, field):
    with pytest.raises(MRZError) as exc:
        parse_mrz(_flip(text, line, position), today=TODAY)
    err = exc.value
    assert err.field == field and err.code == "bad_mrz" and err.status == 422
    assert (err.extra["line"], err.extra["position"]) == (line, position)
    assert "periksa" in err.message("id") and "check digit" in err.message("en")


@pytest.mark.parametrize(
    ("text", "line", "position", "field"),
    [
        (TD3, 2, 2, "document_number_check"),  # a misread number fails its own digit
        (TD3, 2, 15, "birth_date_check"),
        (TD3, 2, 23, "expiry_date_check"),
        (TD3, 2, 32, "optional_data_check"),
        (TD1, 1, 30, "composite_check"),  # optional data 1 is covered only by the composite
        (TD1, 2, 20, "composite_check"),  # and optional data 2 too
        (TD1_LONG, 1, 16, "document_number_check"),  # the overflowed part of a long number
    ],
)
def test_changed_data_is_caught_by_check_digits(text, line, position, field):
    with pytest.raises(MRZError) as exc:
        parse_mrz(_flip(text, line, position), today=TODAY)
    assert exc.value.field == field


def test_absent_personal_number_may_have_a_filler_check_digit():
    line1, line2 = TD3.split("\n")
    body = line2[:28] + "<" * 15
    line2 = body + str(check_digit(body[0:10] + body[13:20] + body[21:43]))
    assert parse_mrz(line1 + "\n" + line2, today=TODAY).optional_data == ""


def test_long_number_without_its_overflow_is_refused():
    bad = TD1.replace("D231458907", "D23145890<")
    with pytest.raises(MRZError) as exc:
        parse_mrz(bad, today=TODAY)
    assert exc.value.field == "document_number_check"


@pytest.mark.parametrize(
    "text", ["", "  \n ", "HELLO", "P<UTO\nL898", TD3 + "\nEXTRA", TD3.replace("<", "#")]
)
def test_malformed(text):
    with pytest.raises(MRZError) as exc:
        parse_mrz(text, today=TODAY)
    assert exc.value.field == "format"
    assert "MRZ" in exc.value.message("id")


def _td3_with(line2_body: str) -> str:
    """TD3 line 2 from its first 43 characters, with every check digit recomputed."""
    b = list(line2_body)
    for start, end in ((0, 9), (13, 19), (21, 27), (28, 42)):
        b[end] = str(check_digit("".join(b[start:end])))
    body = "".join(b)
    return (
        TD3.split("\n")[0] + "\n" + body + str(check_digit(body[0:10] + body[13:20] + body[21:43]))
    )


def test_impossible_dates_name_the_date():
    line2 = TD3.split("\n")[1]
    with pytest.raises(MRZError) as exc:
        parse_mrz(_td3_with(line2[:13] + "741332" + line2[19:43]), today=TODAY)
    assert exc.value.field == "birth_date"
    with pytest.raises(MRZError) as exc:
        parse_mrz(_td3_with(line2[:21] + "130229" + line2[27:43]), today=TODAY)
    assert exc.value.field == "expiry_date"
    with pytest.raises(MRZError) as exc:
        parse_mrz(_td3_with(line2[:13] + "74<<<<" + line2[19:43]), today=TODAY)
    assert exc.value.field == "birth_date" and "manual" in exc.value.message("id")


def test_letters_where_codes_belong():
    line1, line2 = TD3.split("\n")
    with pytest.raises(MRZError) as exc:
        parse_mrz(line1 + "\n" + line2[:10] + "UT0" + line2[13:], today=TODAY)
    assert exc.value.field == "nationality"
    with pytest.raises(MRZError) as exc:
        parse_mrz("P<U7O" + line1[5:] + "\n" + line2, today=TODAY)
    assert exc.value.field == "issuing_state"
    with pytest.raises(MRZError) as exc:
        parse_mrz(_td3_with(line2[:20] + "Q" + line2[21:43]), today=TODAY)
    assert exc.value.field == "sex"


@pytest.mark.parametrize(
    ("today", "birth", "expiry"),
    [
        (date(2026, 11, 28), date(1974, 8, 12), date(2012, 4, 15)),
        (date(2010, 1, 1), date(1974, 8, 12), date(2012, 4, 15)),
    ],
)
def test_two_digit_years_follow_today(today, birth, expiry):
    m = parse_mrz(TD3, today=today)
    assert (m.birth_date, m.expiry_date) == (birth, expiry)


def test_birth_this_century_or_the_last_and_expiry_up_to_twenty_years_ahead():
    today = date(2026, 6, 15)
    kw = {"surname": "A", "given_names": "B", "number": "X1", "nationality": "AUS", "sex": "M"}
    baby = build_td3(**kw, birth_date=date(2026, 6, 15), expiry_date=date(2031, 6, 14))
    assert parse_mrz(baby, today=today).birth_date == date(2026, 6, 15)
    old = build_td3(**kw, birth_date=date(1926, 6, 16), expiry_date=date(2046, 1, 1))
    m = parse_mrz(old, today=today)
    assert m.birth_date == date(1926, 6, 16) and m.expiry_date == date(2046, 1, 1)
    stale = build_td3(**kw, birth_date=date(1950, 1, 1), expiry_date=date(1947, 1, 1))
    assert parse_mrz(stale, today=today).expiry_date == date(1947, 1, 1)


FIELDS = {
    "surname": "van der Berg",
    "given_names": "Anne Marie",
    "nationality": "NLD",
    "birth_date": date(2000, 2, 29),
    "sex": "F",
    "expiry_date": date(2030, 6, 30),
}


@pytest.mark.parametrize("fmt", ["TD3", "TD2", "TD1", "MRVA", "MRVB"])
def test_build_round_trip_in_every_format(fmt):
    text = build_mrz(fmt, **FIELDS, number="NL12AB345", optional="A12")
    m = parse_mrz(text, today=date(2026, 11, 28))
    assert m.format == fmt
    assert (m.surname, m.given_names, m.document_number) == (
        "VAN DER BERG",
        "ANNE MARIE",
        "NL12AB345",
    )
    assert (m.nationality, m.sex) == ("NLD", "F")
    assert m.birth_date == date(2000, 2, 29) and m.expiry_date == date(2030, 6, 30)
    assert m.optional_data == "A12"


@pytest.mark.parametrize("fmt", ["TD1", "TD2"])
def test_build_long_document_numbers(fmt):
    text = build_mrz(fmt, **FIELDS, number="D23145890734", optional="X9")
    m = parse_mrz(text, today=date(2026, 11, 28))
    assert m.document_number == "D23145890734" and m.optional_data == "X9"


def test_build_refuses_what_the_format_cannot_carry():
    with pytest.raises(ValueError, match="TD3"):
        build_mrz("TD3", **FIELDS, number="1234567890")


def test_build_td3_matches_the_specimen_and_transliterates():
    text = build_td3(
        surname="Eriksson",
        given_names="Anna María",
        number="L898902C3",
        nationality="UTO",
        birth_date=date(1974, 8, 12),
        sex="F",
        expiry_date=date(2012, 4, 15),
        optional="ZE184226B",
    )
    assert text == TD3
    unknown_sex = build_td3(**{**FIELDS, "sex": "X"}, number="P1")
    assert parse_mrz(unknown_sex, today=TODAY).sex == "X"


def test_check_digit_vectors():
    assert check_digit("L898902C3") == 6
    assert check_digit("740812") == 2
    assert check_digit("<<<<") == 0
    with pytest.raises(ValueError, match="not an MRZ character"):
        check_digit("a")
