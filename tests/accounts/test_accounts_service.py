"""Accounts: creation rules, sign-in with second factor, lockout, sessions and their time-outs."""

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


def test_lockout_after_repeated_failures(accounts, settings):
    acc = make_account(accounts)
    for _ in range(settings.login_max_failures):
        with pytest.raises(PantauError):
            accounts.authenticate("petugas1", "wrong password!", "000000", origin=None)
    with pytest.raises(PantauError) as exc:
        accounts.authenticate("petugas1", PASSWORD, acc.code(), origin=None)
    assert exc.value.code == "locked"
    assert exc.value.status == 429
    acc.officer.locked_until = utcnow() - timedelta(seconds=1)  # the lock runs out
    assert accounts.authenticate("petugas1", PASSWORD, acc.code(), origin=None)


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
