"""Arrivals, stay extensions and departures over the API (/api/v1)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from pantau import scoped
from pantau.audit.services import Actor
from pantau.scoped import ScopedStay
from pantau.stays.models import Refusal, Stay
from pantau.stays.refusals import REFUSAL_REASONS
from pantau.stays.schemas import (
    ArrivalCreate,
    ArrivalPublic,
    DepartureCreate,
    ExtensionCreate,
    RefusalCreate,
    RefusalPublic,
    RefusalReason,
    StayPublic,
    StickerPublic,
)
from pantau.stays.services import StayService, traveller_from
from pantau.stickers.services import DbStickerVerifier
from pantau.web import Caller, SessionDep, actor_of
from pantau.wiring import stay_service

router = APIRouter(tags=["people"])


def _actor(request: Request, officer: Caller) -> Actor:
    return actor_of(request, officer)


ActorDep = Annotated[Actor, Depends(_actor)]


def _stays(request: Request, db: SessionDep, actor: ActorDep) -> StayService:
    return stay_service(db, request.app.state.cipher, actor)


StaysDep = Annotated[StayService, Depends(_stays)]


@router.post("/api/v1/arrivals", response_model=ArrivalPublic, status_code=201)
def register_arrival(
    body: ArrivalCreate, people: StaysDep, actor: ActorDep, db: SessionDep, officer: Caller
) -> ArrivalPublic:
    """Register an entry from the MRZ (or typed fields): ban-list check, stay, signed sticker.

    403 `entry_banned` when the person is on the entry-ban list (the refusal is recorded);
    409 `possible_match` when a person with the same name, birth date and nationality is known with
    another passport: send again with `match` set to their id, or to "new". 404
    `unknown_checkpoint` for another office's checkpoint."""
    scoped.checkpoint(db, officer, body.checkpoint)
    traveller = traveller_from(body.mrz, body.traveller)
    out = people.register_arrival(
        traveller,
        permit=body.permit,
        checkpoint_code=body.checkpoint,
        actor=actor,
        arrived_at=body.arrived_at,
        months=body.months,
        match=body.match,
        allowed_regions=body.allowed_regions,
        close_open_stay=body.close_open_stay,
    )
    return ArrivalPublic(
        person_id=out.person.id,
        new_person=out.new_person,
        stay=StayPublic.model_validate(out.stay),
        sticker=StickerPublic(
            serial=out.sticker.serial,
            qr_text=out.sticker.qr_text,
            issued_at=out.sticker.issued_at,
            expires_at=out.sticker.expires_at,
        ),
    )


@router.post("/api/v1/stays/{stay_id}/extend", response_model=StayPublic)
def extend_stay(
    stay: ScopedStay, body: ExtensionCreate, people: StaysDep, actor: ActorDep, officer: Caller
) -> Stay:
    """Extend a permit under the rules at an office, with the fee paid and the receipt number;
    the new last day enters the status list. Another office's person's stay answers 404."""
    people.extend(
        stay,
        office_code=body.office or officer.office_code,
        fee=body.fee,
        receipt_number=body.receipt_number,
        months=body.months,
        actor=actor,
    )
    return stay


@router.post("/api/v1/departures", response_model=StayPublic)
def record_departure(
    request: Request,
    body: DepartureCreate,
    people: StaysDep,
    actor: ActorDep,
    db: SessionDep,
    officer: Caller,
) -> Stay:
    """Record departure at an exit checkpoint of your office by the sticker's QR text (or the
    stay id); anyone's stay, since people leave through any checkpoint."""
    scoped.checkpoint(db, officer, body.checkpoint)
    stay = people.stay_for_departure(body.qr_text, body.stay_id, verifier=DbStickerVerifier(db))
    return people.depart(stay, checkpoint_code=body.checkpoint, actor=actor, at=body.departed_at)


@router.get("/api/v1/refusal-reasons", response_model=list[RefusalReason])
def refusal_reasons(officer: Caller) -> list[RefusalReason]:
    """The grounds for refusing entry, as codes with their labels in both languages."""
    return [
        RefusalReason(code=c, label_en=en, label_id=id_) for c, (en, id_) in REFUSAL_REASONS.items()
    ]


@router.post("/api/v1/refusals", response_model=RefusalPublic, status_code=201)
def refuse_entry(
    request: Request, body: RefusalCreate, people: StaysDep, actor: ActorDep, db: SessionDep
) -> Refusal:
    """Record an entry refused at a checkpoint with its ground; 400 for an unknown reason code,
    or "other" without a text. It counts in the refusal statistics."""
    traveller = traveller_from(body.mrz, body.traveller)
    return people.refuse(
        traveller,
        checkpoint_code=body.checkpoint,
        reason=body.reason,
        text=body.text,
        actor=actor,
        at=body.occurred_at,
    )
