"""Accounts: creation rules, sign-in with second factor, throttling, sessions and their time-outs."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from pantau.accounts.models import OfficerSession
from pantau.audit.models import AuditEvent
from pantau.db import utcnow
from pantau.errors import PantauError
from tests.factories import PASSWORD, TEST_ACTOR, make_account


def tags(db, target):
    return list(
        db.scalars(
            sa.select(AuditEvent.tag).where(AuditEvent.target == target).order_by(AuditEvent.id)
        )
    )


def test_create_stores_argon2_hash_and_encrypted_seed(accounts, db):
    acc = make_account(accounts)
    assert acc.officer.password_hash.startswith("$argon2id$")
    assert PASSWORD not in acc.officer.password_hash
    assert acc.secret and acc.secret.encode() not in acc.officer.totp_secret
    assert tags(db, "officer:petugas1") == ["accounts:officer:create"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"username": "x"}, "bad_username"),
        ({"username": "has space"}, "bad_username"),
        ({"role": "king"}, "bad_role"),
        ({"office_code": "NOPE"}, "unknown_office"),
        ({"password": "short"}, "weak_password"),
        ({"password": " padded password "}, "weak_password"),
    ],
)
def test_create_refuses_bad_input(accounts, kwargs, code):
    base = {"username": "petugas2", "password": PASSWORD, "role": "officer", "office_code": "NGR"}
    with pytest.raises(PantauError) as exc:
        accounts.create(**{**base, **kwargs}, actor=TEST_ACTOR)
    assert exc.value.code == code
    assert exc.value.message("id") != exc.value.message("en")  # both languages are written


def test_duplicate_username_refused_case_insensitively(accounts):
    make_account(accounts, "petugas1")
    with pytest.raises(PantauError) as exc:
        make_account(accounts, "PETUGAS1")
    assert exc.value.code == "username_taken"


def test_second_factor_is_required_except_for_accommodation(accounts):
    officer = make_account(
        accounts, "petugas.o", with_otp=False
    )  # the flag is overridden for officers
    assert officer.secret is not None
    hotel = make_account(accounts, "hotel1", role="accommodation", with_otp=False)
    assert hotel.secret is None
    assert accounts.authenticate("hotel1", PASSWORD, "", origin=None).username == "hotel1"


def test_sign_in_needs_password_and_code(accounts, db):
    acc = make_account(accounts)
    with pytest.raises(PantauError) as exc:
        accounts.authenticate("petugas1", PASSWORD, "", origin="10.0.0.1")
    assert exc.value.code == "bad_credentials"
    with pytest.raises(PantauError):
        accounts.authenticate("petugas1", "wrong password!", acc.code(), origin=None)
    assert accounts.authenticate("petugas1", PASSWORD, acc.code(), origin=None) is acc.officer
    assert tags(db, "officer:petugas1")[-3:] == [
        "auth:officer:login-failed",
        "auth:officer:login-failed",
        "auth:officer:login",
    ]


def test_one_time_code_cannot_be_replayed(accounts):
    acc = make_account(accounts)
    code = acc.code()
    accounts.authenticate("petugas1", PASSWORD, code, origin=None)
    with pytest.raises(PantauError):
        accounts.authenticate("petugas1", PASSWORD, code, origin=None)


def test_unknown_user_gets_the_same_answer(accounts, db):
    with pytest.raises(PantauError) as exc:
        accounts.authenticate("nobody", PASSWORD, "123456", origin=None)
    assert exc.value.code == "bad_credentials"


def _time_passes(db, seconds: float) -> None:
    """Move every sign-in failure back in time, as if `seconds` had passed."""
    from pantau.ratelimit import RateLimitHit

    db.execute(
        sa.update(RateLimitHit)
        .where(RateLimitHit.key.like("login:%"))
        .values(expires_at=RateLimitHit.expires_at - timedelta(seconds=seconds))
    )


def _just_failed(db) -> None:
    """As if the last failure were now (hashing a password takes time that would eat the wait)."""
    from pantau.accounts.throttle import FORGET
    from pantau.ratelimit import RateLimitHit

    db.execute(
        sa.update(RateLimitHit)
        .where(RateLimitHit.key.like("login:%"))
        .values(expires_at=utcnow() + FORGET)
    )


def _try(accounts, password, otp, origin):
    try:
        return accounts.authenticate("petugas1", password, otp, origin=origin)
    except PantauError as exc:
        return exc


def test_wrong_passwords_from_one_address_cannot_lock_out_the_officer(accounts, db, settings):
    """Issue #12: five wrong passwords from anyone locked an officer out for 15 minutes. Bad input:
    20 wrong passwords from address A (each after its wait, so all 20 count). The officer, from
    address B with the right password and code, signs in - at once, or after at most
    login_account_max_delay_seconds, answered as 429 with retry_after."""
    acc = make_account(accounts)
    a, b = "203.0.113.7", "198.51.100.20"
    waits = []
    for _ in range(20):
        _just_failed(db)
        res = _try(accounts, "wrong password!", "000000", a)
        if res.code == "throttled":  # A waits its turn, then guesses again
            waits.append(res.extra["retry_after"])
            _time_passes(db, res.extra["retry_after"])
            res = _try(accounts, "wrong password!", "000000", a)
        assert res.code == "bad_credentials"
    longest = settings.login_max_delay_minutes * 60
    assert waits == [min(2**i, longest) for i in range(15)]  # 1 s, doubling, capped at 15 min
    _just_failed(db)
    res = _try(accounts, PASSWORD, acc.code(), b)
    if isinstance(res, PantauError):
        assert res.code == "throttled" and res.status == 429
        assert res.extra["retry_after"] <= settings.login_account_max_delay_seconds
        _time_passes(db, res.extra["retry_after"])
        res = _try(accounts, PASSWORD, acc.code(), b)
    assert res is acc.officer


def test_guessing_from_one_address_is_slowed_and_not_counted_while_waiting(accounts, db, settings):
    """After login_free_failures failures from an address, every further try from it waits (1 s,
    doubling); tries made while waiting are refused before the password is checked - even the
    right password - and do not lengthen the wait."""
    acc = make_account(accounts)
    a = "203.0.113.8"
    for _ in range(settings.login_free_failures):
        assert _try(accounts, "wrong password!", "000000", a).code == "bad_credentials"
    _just_failed(db)
    for _ in range(5):
        refused = _try(accounts, "wrong password!", "000000", a)
        assert refused.code == "throttled" and refused.extra["retry_after"] == 1
    assert _try(accounts, PASSWORD, acc.code(), a).code == "throttled"
    _time_passes(db, 1)
    assert _try(accounts, PASSWORD, acc.code(), a) is acc.officer  # a sign-in clears the account


def test_an_unknown_name_is_throttled_like_a_real_one(accounts, db, settings):
    """No enumeration: the same answers for a name that does not exist."""
    a = "203.0.113.9"
    codes = [_try_name(accounts, "nobody", a).code for _ in range(settings.login_free_failures)]
    _just_failed(db)
    codes.append(_try_name(accounts, "nobody", a).code)
    assert codes == ["bad_credentials"] * settings.login_free_failures + ["throttled"]


def test_a_distributed_guess_keeps_the_officer_out_for_a_bounded_time(accounts, db, settings):
    """A botnet: one failure from each of 25 addresses (more than login_account_free_failures).
    The account's own wait is capped, so the officer is kept out for at most
    login_account_max_delay_seconds."""
    acc = make_account(accounts)
    for i in range(settings.login_account_free_failures + 5):
        assert _try(accounts, "wrong password!", "000000", f"10.9.{i}.1").code in (
            "bad_credentials",
            "throttled",
        )
        _time_passes(db, settings.login_account_max_delay_seconds)
    _just_failed(db)
    res = _try(accounts, PASSWORD, acc.code(), "198.51.100.21")
    assert res.code == "throttled"
    assert res.extra["retry_after"] <= settings.login_account_max_delay_seconds
    _time_passes(db, res.extra["retry_after"])
    assert _try(accounts, PASSWORD, acc.code(), "198.51.100.21") is acc.officer


def _try_name(accounts, name, origin):
    try:
        return accounts.authenticate(name, "wrong password!", "000000", origin=origin)
    except PantauError as exc:
        return exc


def test_session_idle_and_absolute_timeouts(accounts, db, settings):
    acc = make_account(accounts)
    token, row = accounts.start_session(acc.officer, kind="web", origin=None, user_agent="t")
    assert accounts.resolve_session(token, kind="web") is row
    assert accounts.resolve_session(token, kind="api") is None  # a cookie is not a bearer token
    row.last_seen_at = utcnow() - timedelta(minutes=settings.session_idle_minutes + 1)
    assert accounts.resolve_session(token, kind="web") is None
    token2, row2 = accounts.start_session(acc.officer, kind="web", origin=None, user_agent="t")
    row2.expires_at = utcnow() - timedelta(seconds=1)
    assert accounts.resolve_session(token2, kind="web") is None
    assert accounts.resolve_session("not-a-token", kind="web") is None


def test_disabling_ends_sessions_and_blocks_sign_in(accounts, db):
    acc = make_account(accounts)
    token, _ = accounts.start_session(acc.officer, kind="api", origin=None, user_agent=None)
    accounts.disable("petugas1", actor=TEST_ACTOR)
    assert accounts.resolve_session(token, kind="api") is None
    assert db.scalar(sa.select(sa.func.count()).select_from(OfficerSession)) == 0
    with pytest.raises(PantauError):
        accounts.authenticate("petugas1", PASSWORD, acc.code(), origin=None)
    with pytest.raises(PantauError) as exc:
        accounts.disable("ghost", actor=TEST_ACTOR)
    assert exc.value.status == 404
