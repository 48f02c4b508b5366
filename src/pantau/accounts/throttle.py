"""Sign-in throttling: growing waits instead of a lockout that anyone can trigger.

Failed sign-ins are counted under three keys, each with its own rule:

- the account from one address: after `login_free_failures` failures, each further try must wait
  1 s, 2 s, 4 s ... up to `login_max_delay_minutes` after the last failure (guessing from one
  place becomes hopeless);
- the address, over all accounts: the same after `login_address_free_failures` (spraying);
- the account, over all addresses: after `login_account_free_failures`, waits of at most
  `login_account_max_delay_seconds` (a botnet is slowed, but nobody can keep the real officer,
  on their own address with the right password and code, out for longer than that).

A refused try (still waiting) is not a failure: it extends nothing, and it is refused before the
password is hashed. A sign-in clears its account's counts (the address keeps its own). Counts are
kept in the rate-limit table (pantau.ratelimit: processes are stateless) under one row per key:
`hits` = failures, `expires_at` = the last failure + FORGET, after which the key starts afresh
(and `ratelimit.purge` removes the row). Keys hold keyed hashes, never an address in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from pantau.config import Settings
from pantau.ratelimit import RateLimitHit

FORGET = timedelta(hours=24)  # failures older than a quiet day are forgotten
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the window_start of every throttle row


@dataclass(frozen=True, slots=True)
class Rule:
    free: int  # failures before any wait
    cap: timedelta  # the longest wait

    def delay(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.cap, timedelta(seconds=2 ** min(failures - self.free, 30)))


def keys_for(settings: Settings, username: str, origin: str | None) -> dict[str, Rule]:
    """The three keys of a sign-in try and their rules. The username is used as typed (lower case),
    so an unknown name is throttled exactly as a real one (no enumeration)."""

    def digest(value: str) -> str:
        return hmac.new(settings.secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()[
            :40
        ]

    user, addr = digest("user:" + username), digest("addr:" + (origin or "-"))
    longest = timedelta(minutes=settings.login_max_delay_minutes)
    return {
        f"login:ua:{digest(user + addr)}": Rule(settings.login_free_failures, longest),
        f"login:a:{addr}": Rule(settings.login_address_free_failures, longest),
        f"login:u:{user}": Rule(
            settings.login_account_free_failures,
            timedelta(seconds=settings.login_account_max_delay_seconds),
        ),
    }


def account_keys(keys: dict[str, Rule]) -> list[str]:
    return [k for k in keys if not k.startswith("login:a:")]


def wait_seconds(session: Session, keys: dict[str, Rule], now: datetime) -> int:
    """Seconds until a try is allowed under every key (0: now)."""
    rows = session.execute(
        sa.select(RateLimitHit.key, RateLimitHit.hits, RateLimitHit.expires_at).where(
            RateLimitHit.key.in_(list(keys)), RateLimitHit.window_start == EPOCH
        )
    ).all()
    worst = 0.0
    for key, failures, expires_at in rows:
        if expires_at <= now:
            continue  # forgotten
        allowed = expires_at - FORGET + keys[key].delay(failures)
        worst = max(worst, (allowed - now).total_seconds())
    return math.ceil(worst)


def record_failure(session: Session, keys: dict[str, Rule], now: datetime) -> None:
    table = RateLimitHit.__table__
    for key in sorted(keys):  # one order everywhere: concurrent failures never deadlock
        stmt = insert(RateLimitHit).values(
            key=key, window_start=EPOCH, hits=1, expires_at=now + FORGET
        )
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["key", "window_start"],
                set_={
                    "hits": sa.case((table.c.expires_at <= now, 1), else_=table.c.hits + 1),
                    "expires_at": now + FORGET,
                },
            )
        )


def forget(session: Session, keys: list[str]) -> None:
    session.execute(
        sa.delete(RateLimitHit).where(
            RateLimitHit.key.in_(keys), RateLimitHit.window_start == EPOCH
        )
    )
