"""The entry-ban list over the API (/api/v1/bans)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from pantau.audit.services import Actor
from pantau.bans.models import BanEntry
from pantau.bans.schemas import BanCreate, BanPublic
from pantau.bans.services import BanInput, BanService
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter(tags=["people"])


def _actor(request: Request, officer: Caller) -> Actor:
    return actor_of(request, officer)


ActorDep = Annotated[Actor, Depends(_actor)]


@router.get("/api/v1/bans", response_model=list[BanPublic])
def list_bans(request: Request, db: SessionDep, officer: Caller) -> list[BanEntry]:
    return BanService(db, cipher=request.app.state.cipher).list()


@router.post("/api/v1/bans", response_model=BanPublic, status_code=201)
def add_ban(request: Request, body: BanCreate, db: SessionDep, actor: ActorDep) -> BanEntry:
    """Put a person on the entry-ban list (penangkalan) with its period and legal basis."""
    return BanService(db, cipher=request.app.state.cipher).add(
        BanInput(**body.model_dump()), actor=actor
    )
