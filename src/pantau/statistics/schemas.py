"""API shapes of published statistics."""

from __future__ import annotations

from pydantic import BaseModel


class RefusalStat(BaseModel):
    period: str
    nationality: str
    checkpoint: str
    reason: str  # a code of GET /api/v1/refusal-reasons
    refusals: int
