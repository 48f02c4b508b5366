"""Refusals of entry (penolakan masuk) at a checkpoint, each with a ground from one code list modelled
on UU 6/2011 Pasal 13 (simplified, shared/DOMAIN.md). The codes are the API's identifiers and the
statistics' groups; the labels are what officers and the published figures read."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.db import utcnow
from pantau.errors import PantauError
from pantau.reference.models import Checkpoint
from pantau.stays.models import REFUSAL_CODES, Refusal

# code -> (English, Bahasa Indonesia); the order is the order officers see.
REFUSAL_REASONS: dict[str, tuple[str, str]] = {
    "entry-ban": ("On the entry-ban list", "Tercantum dalam daftar penangkalan"),
    "invalid-document": (
        "Invalid, expired or too short travel document",
        "Dokumen perjalanan tidak sah, kedaluwarsa, atau masa berlakunya kurang",
    ),
    "no-visa": ("No valid visa or stay permit", "Tidak memiliki visa atau izin tinggal yang sah"),
    "false-statement": (
        "False statements or suspected fraud",
        "Keterangan palsu atau dugaan pemalsuan",
    ),
    "no-return-or-means": (
        "No return ticket or means of support",
        "Tidak memiliki tiket kembali atau biaya hidup",
    ),
    "public-order-health": (
        "Threat to public order, security or health",
        "Membahayakan ketertiban umum, keamanan, atau kesehatan",
    ),
    "other": ("Other (stated)", "Lainnya (dijelaskan)"),
}


assert tuple(REFUSAL_REASONS) == REFUSAL_CODES  # one list: the labels follow the codes


def reason_label(code: str, lang: str) -> str:
    en, id_ = REFUSAL_REASONS.get(code, (code, code))
    return en if lang == "en" else id_


def check_reason(code: str, text: str | None) -> tuple[str, str | None]:
    """The reason code and its text, or a PantauError naming the allowed codes."""
    code = (code or "").strip().lower()
    if code not in REFUSAL_REASONS:
        allowed = ", ".join(REFUSAL_REASONS)
        raise PantauError(
            "unknown_refusal_reason",
            f"Unknown refusal reason {code!r}; use one of: {allowed}.",
            f"Alasan penolakan {code!r} tidak dikenal; gunakan salah satu: {allowed}.",
            field="reason",
        )
    clean = (text or "").strip() or None
    if code == "other" and clean is None:
        raise PantauError(
            "refusal_text_required",
            'Say why the entry is refused ("other").',
            'Jelaskan alasan penolakan ("lainnya").',
            field="text",
        )
    return code, clean


def record_refusal(
    session: Session,
    *,
    checkpoint: Checkpoint,
    nationality: str,
    reason: str,
    actor: Actor,
    text: str | None = None,
    person_id: uuid.UUID | None = None,
    ban_entry_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> Refusal:
    code, clean = check_reason(reason, text)
    refusal = Refusal(
        occurred_at=at or utcnow(),
        checkpoint_code=checkpoint.code,
        nationality=nationality.upper(),
        reason=code,
        reason_text=clean,
        ban_entry_id=ban_entry_id,
        person_id=person_id,
        officer_id=actor.id,
    )
    session.add(refusal)
    session.flush()
    record_event(
        session,
        "people:arrival:refuse",
        actor=actor,
        target=f"ban:{ban_entry_id}" if ban_entry_id else f"refusal:{refusal.id}",
        details={
            "refusal": str(refusal.id),
            "checkpoint": checkpoint.code,
            "nationality": refusal.nationality,
            "reason": code,
        },
    )
    return refusal
