"""API shapes of published statistics."""

from __future__ import annotations

from pydantic import BaseModel


class RefusalStat(BaseModel):
    period: str
    nationality: str
    checkpoint: str
    refusals: int
