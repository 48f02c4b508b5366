"""API shapes of stickers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class StickerPublic(BaseModel):
    serial: str
    qr_text: str
    issued_at: datetime
    expires_at: datetime
