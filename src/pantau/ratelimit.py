"""Rate limits kept in PostgreSQL: processes are stateless and may run on several machines, so no
counter lives in memory.

A fixed window per key: one upsert that adds a hit and returns the count so far. Keys should not carry
personal data in clear; callers pass keyed hashes (pantau.pii.PiiCipher.lookup_hash) of NIKs and
addresses. Windows that ended are removed by `purge`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from pantau.db import Base, utcnow
from pantau.errors import PantauError


class RateLimitHit(Base):
    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RateLimited(PantauError):
    status = 429


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` hits per `seconds` for one key."""

    count: int
    seconds: int


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def hit(session: Session, key: str, limit: Limit, *, now: datetime | None = None) -> int:
    """Count one hit; return how many this window holds (including this one)."""
    now = now or utcnow()
    start = _window_start(now, limit.seconds)
    stmt = (
        insert(RateLimitHit)
        .values(
            key=key,
            window_start=start,
            hits=1,
            expires_at=start + timedelta(seconds=limit.seconds),
        )
        .on_conflict_do_update(
            index_elements=["key", "window_start"], set_={"hits": RateLimitHit.hits + 1}
        )
        .returning(RateLimitHit.hits)
    )
    return int(session.execute(stmt).scalar_one())


def check(session: Session, key: str, limit: Limit, *, now: datetime | None = None) -> None:
    """Count one hit and refuse it (429) when the window is full."""
    if hit(session, key, limit, now=now) > limit.count:
        minutes = max(1, limit.seconds // 60)
        raise RateLimited(
            "rate_limited",
            f"Too many attempts. Try again in {minutes} minutes.",
            f"Terlalu banyak percobaan. Coba lagi dalam {minutes} menit.",
            retry_after=minutes * 60,
        )


def purge(session: Session, *, now: datetime | None = None) -> int:
    """Remove windows that have ended."""
    result = session.execute(
        sa.delete(RateLimitHit).where(RateLimitHit.expires_at < (now or utcnow()))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
