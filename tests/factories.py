"""Test data builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyotp

from pantau.accounts.models import Officer
from pantau.accounts.services import AccountService
from pantau.audit.services import Actor

PASSWORD = "correct horse battery"
TEST_ACTOR = Actor("test", origin="test")


@dataclass
class Account:
    officer: Officer
    password: str
    secret: str | None

    def code(self, at: datetime | None = None) -> str:
        assert self.secret
        totp = pyotp.TOTP(self.secret)
        return totp.at(at) if at else totp.now()


def make_account(
    accounts: AccountService,
    username: str = "petugas1",
    role: str = "officer",
    office: str = "NGR",
    *,
    with_otp: bool = True,
) -> Account:
    new = accounts.create(
        username=username,
        password=PASSWORD,
        role=role,
        office_code=office,
        full_name=username.title(),
        with_otp=with_otp,
        actor=TEST_ACTOR,
    )
    return Account(new.officer, PASSWORD, accounts.totp_secret(new.officer))
