"""Loading and editing reference data. Loading is idempotent: existing rows are updated, never dropped,
so an administrator's later edits to fields the package does not ship survive a re-run."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.reference.models import Checkpoint, Office
from pantau.reference.regions import load_regions


def shipped_reference() -> dict[str, list[dict[str, Any]]]:
    text = resources.files("pantau.reference").joinpath("data.json").read_text("utf-8")
    data: dict[str, list[dict[str, Any]]] = json.loads(text)
    return data


class ReferenceService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.regions_added = 0

    def load_shipped(self) -> tuple[int, int]:
        """Insert the shipped offices and checkpoints that are missing; return how many were added."""
        data = shipped_reference()
        offices = [{**o, "kind": o.get("kind", "kanim"), "active": True} for o in data["offices"]]
        checkpoints = [
            {
                **{k: v for k, v in c.items() if k != "office"},
                "office_code": c["office"],
                "active": True,
            }
            for c in data["checkpoints"]
        ]
        added_o = self.session.execute(
            insert(Office).values(offices).on_conflict_do_nothing().returning(Office.code)
        ).all()
        added_c = self.session.execute(
            insert(Checkpoint)
            .values(checkpoints)
            .on_conflict_do_nothing()
            .returning(Checkpoint.code)
        ).all()
        # Regencies and offices' working areas over them (none when boundaries are not installed).
        self.regions_added = load_regions(self.session)
        return len(added_o), len(added_c)

    def load_shipped_audited(self, actor: Actor) -> tuple[int, int]:
        """`load_shipped`, with an audit event when anything was added (production installs load
        the reference data through `pantau db upgrade` / `pantau reference load`)."""
        offices, checkpoints = self.load_shipped()
        if offices or checkpoints or self.regions_added:
            record_event(
                self.session,
                "reference:shipped:load",
                actor=actor,
                details={
                    "offices": offices,
                    "checkpoints": checkpoints,
                    "regions": self.regions_added,
                },
            )
        return offices, checkpoints

    def office(self, code: str) -> Office | None:
        return self.session.get(Office, code.upper())

    def checkpoint(self, code: str) -> Checkpoint | None:
        return self.session.get(Checkpoint, code.upper())

    def offices(self, *, active_only: bool = True) -> list[Office]:
        q = sa.select(Office).order_by(Office.code)
        if active_only:
            q = q.where(Office.active)
        return list(self.session.scalars(q))

    def checkpoints(self, *, active_only: bool = True) -> list[Checkpoint]:
        q = sa.select(Checkpoint).order_by(Checkpoint.code)
        if active_only:
            q = q.where(Checkpoint.active)
        return list(self.session.scalars(q))

    def update_office(
        self, code: str, *, name: str | None = None, working_area: list[str] | None = None
    ) -> Office:
        office = self.office(code)
        if office is None:
            raise LookupError(f"unknown office {code!r}")
        if name is not None:
            office.name = name.strip()
        if working_area is not None:
            office.working_area = [a.strip() for a in working_area if a.strip()]
        return office
