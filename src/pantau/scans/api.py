"""Scan ingestion API: POST /api/v1/scans (one or a batch), GET /api/v1/scans?sticker=SERIAL."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from pantau import scoped, wiring
from pantau.audit.services import record_event
from pantau.errors import PantauError
from pantau.scans.schemas import MAX_BATCH, ScanBatchResult, ScanPublic
from pantau.scans.services import ScanService
from pantau.stickers.token import normalize_serial
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter(tags=["scans"])


def scan_service(request: Request, db: SessionDep) -> ScanService:
    return wiring.scan_service(db, request.app.state.scan_hooks)


ScansDep = Annotated[ScanService, Depends(scan_service)]


@router.post("/api/v1/scans", response_model=ScanBatchResult)
def ingest_scans(
    scanner: Caller,
    scans: ScansDep,
    body: Annotated[dict[str, Any] | list[Any], Body()],
) -> ScanBatchResult:
    """Store one scan (`{"scans": [scan]}` or the scan itself) or a batch of up to 1,000.

    Each scan gets its own result; a scan whose `id` was stored before answers `duplicate` with the
    original verdict and stores nothing new. The answer comes after the scans are durable."""
    items = _items(body)
    results = scans.ingest(items, scanner=scanner)
    counts = {
        s: sum(1 for r in results if r.status == s) for s in ("stored", "duplicate", "rejected")
    }
    return ScanBatchResult(
        results=results,
        stored=counts["stored"],
        duplicates=counts["duplicate"],
        rejected=counts["rejected"],
    )


def _items(body: dict[str, Any] | list[Any]) -> list[Any]:
    items = body.get("scans", [body]) if isinstance(body, dict) else body
    if not isinstance(items, list) or not items:
        raise PantauError(
            "empty_batch", "Send at least one scan.", "Kirim minimal satu pindaian.", status=422
        )
    if len(items) > MAX_BATCH:
        raise PantauError(
            "batch_too_large",
            f"At most {MAX_BATCH} scans per request; split the batch.",
            f"Paling banyak {MAX_BATCH} pindaian per permintaan; bagi kirimannya.",
            status=413,
        )
    return items


@router.get("/api/v1/scans", response_model=list[ScanPublic])
def list_scans(
    request: Request,
    reader: Caller,
    scans: ScansDep,
    db: SessionDep,
    sticker: Annotated[str, Query(min_length=4, max_length=24, description="Sticker serial")],
) -> list[Any]:
    """A sticker's stored scans, newest first (immigration staff, for a person in their office's
    scope: another office's sticker answers 404; the read is audited)."""
    scoped.sticker(db, reader, sticker)
    serial = normalize_serial(sticker)  # as printed: ID-XXXXX-XXXXX, any case
    rows = scans.for_sticker(serial)
    record_event(
        db,
        "scans:sticker:read",
        actor=actor_of(request, reader),
        target=f"sticker:{serial}",
        details={"rows": len(rows)},
    )
    return rows
