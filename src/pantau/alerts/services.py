"""Running the rules, storing alerts once per subject, routing them, and their workflow."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer, Role
from pantau.alerts.models import OPEN_STATES, SEVERITY_RANK, Alert
from pantau.alerts.rules import Draft, Rule, RuleContext, default_rules
from pantau.audit.services import Actor, record_event
from pantau.db import utcnow
from pantau.errors import Conflict, Forbidden, NotFound, PantauError
from pantau.pii import PiiCipher
from pantau.policy import office_filter
from pantau.reference.geo import nearest_office
from pantau.reference.places import place_name, place_time
from pantau.reference.regions import locate, office_for_region, region_index
from pantau.scans.models import Scan
from pantau.stays.models import Stay

log = logging.getLogger(__name__)
DATA_CENTRE = "PST"
TRANSITIONS = {
    "acknowledge": ({"open"}, "acknowledged"),
    "resolve": ({"open", "acknowledged"}, "resolved"),
    "dismiss": ({"open", "acknowledged"}, "dismissed"),
}


# Told of each alert raised or escalated, in the engine's transaction: (session, alert, event) with
# event "raised" or "escalated". Notifications plug in here (pantau.wiring.alert_engine), the way
# alerts plug into scan ingestion; alerts know nothing of who listens.
AlertHook = Callable[[Session, Alert, str], None]


class AlertEngine:
    def __init__(
        self,
        session: Session,
        *,
        cipher: PiiCipher | None = None,
        rules: Sequence[Rule] | None = None,
        hooks: Sequence[AlertHook] = (),
    ) -> None:
        self.session = session
        self.cipher = cipher
        self.rules = list(rules) if rules is not None else default_rules()
        self.hooks = list(hooks)

    def _ctx(self, now: datetime | None) -> RuleContext:
        return RuleContext(self.session, now or utcnow(), self.cipher)

    def on_scans(self, scans: Sequence[Scan], *, now: datetime | None = None) -> list[Alert]:
        ctx = self._ctx(now)
        return self._run(lambda rule: rule.on_scans(ctx, scans))

    def sweep(self, *, now: datetime | None = None) -> list[Alert]:
        ctx = self._ctx(now)
        return self._run(lambda rule: rule.sweep(ctx))

    def _run(self, call: object) -> list[Alert]:
        stored: list[Alert] = []
        for rule in self.rules:
            try:
                with self.session.begin_nested():
                    drafts = call(rule)  # type: ignore[operator]
                    stored.extend(self.store(d) for d in drafts)
            except Exception:
                log.exception("alert rule %s failed; the other rules still run", rule.kind)
        return stored

    # --- storing -----------------------------------------------------------------------------------
    def route(self, draft: Draft) -> str:
        """The office whose working area holds the place of the evidence (the scan's regency);
        else, when no boundaries are installed, the office nearest the place; else the stay's
        (the person's registered) office; else the office nearest the place; else the data
        centre."""
        if draft.office_code:
            return draft.office_code
        where = next((s for s in reversed(draft.evidence) if s.lat is not None), None)
        point: tuple[float, float] | None = None
        if where is not None and where.lat is not None and where.lon is not None:
            point = (where.lat, where.lon)
        if where is not None and point is not None:
            region = where.region_code or locate(*point)  # scans stored before regions were
            if region is not None and (code := office_for_region(self.session, region)):
                return code
            if region_index() is None and (code := nearest_office(self.session, *point)):
                return code
        if draft.stay_id:
            stay = self.session.get(Stay, draft.stay_id)
            if stay:
                return stay.office_code
        if point is not None and (code := nearest_office(self.session, *point)):
            return code
        return DATA_CENTRE

    def store(self, draft: Draft) -> Alert:
        now = utcnow()
        evidence = [s.id for s in draft.evidence]
        stmt = (
            insert(Alert)
            .values(
                id=uuid.uuid4(),
                kind=draft.kind,
                severity=draft.severity,
                status="open",
                office_code=self.route(draft),
                person_id=draft.person_id,
                stay_id=draft.stay_id,
                serial=draft.serial,
                dedup_key=draft.dedup_key,
                summary=draft.summary,
                details=draft.details,
                evidence=evidence,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_update(
                index_elements=["dedup_key"],
                index_where=sa.text("status IN ('open','acknowledged')"),
                set_={
                    "evidence": sa.func.array_cat(
                        Alert.evidence, sa.cast(evidence, Alert.evidence.type)
                    ),
                    "details": draft.details,
                    "summary": draft.summary,
                    "updated_at": now,
                },
            )
            # xmax is 0 on a row this statement inserted, not on one it updated (a repeat).
            .returning(Alert.id, sa.literal_column("xmax = 0", sa.Boolean))
        )
        alert_id, inserted = self.session.execute(stmt).one()
        alert = self.session.get(Alert, alert_id, populate_existing=True)
        assert alert is not None
        event = self._event(alert, inserted=bool(inserted), severity=draft.severity)
        if event is not None:
            for hook in self.hooks:
                hook(self.session, alert, event)
        return alert

    def _event(self, alert: Alert, *, inserted: bool, severity: str) -> str | None:
        """A new alert is raised; a repeat whose draft is more severe than the open alert raises the
        alert's severity and is escalated; any other repeat (deduplicated evidence) is no event."""
        if inserted:
            return "raised"
        if SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK.get(alert.severity, 0):
            alert.severity = severity
            alert.updated_at = utcnow()
            self.session.flush()
            return "escalated"
        return None


def alert_places(session: Session, alerts: Sequence[Alert]) -> dict[uuid.UUID, dict[str, str]]:
    """Where and when each alert was last seen, as people read it: the latest evidence scan's
    regency and province by name and its time on the clock of the place (WIB/WITA/WIT)."""
    last = {a.id: a.evidence[-1] for a in alerts if a.evidence}
    if not last:
        return {}
    rows = session.execute(
        sa.select(Scan.id, Scan.region_code, Scan.device_time).where(Scan.id.in_(last.values()))
    )
    seen = {sid: (region, at) for sid, region, at in rows}
    out = {}
    for alert_id, scan_id in last.items():
        if scan_id in seen:
            region, at = seen[scan_id]
            out[alert_id] = {"place": place_name(region), "time": place_time(at, region)}
    return out


class AlertService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def visible_to(self, officer: Officer) -> sa.ColumnElement[bool]:
        """National accounts see the country; others their own office's alerts (pantau.policy)."""
        return office_filter(officer, Alert.office_code)

    def list(
        self,
        officer: Officer,
        *,
        person: uuid.UUID | None = None,
        kind: str | None = None,
        status: str | None = None,
        office: str | None = None,
        limit: int = 200,
    ) -> list[Alert]:
        q = sa.select(Alert).where(self.visible_to(officer))
        if person:
            q = q.where(Alert.person_id == person)
        if kind:
            q = q.where(Alert.kind == kind)
        if status == "active":
            q = q.where(Alert.status.in_(OPEN_STATES))
        elif status:
            q = q.where(Alert.status == status)
        if office:
            q = q.where(Alert.office_code == office.upper())
        order = sa.case({"high": 0, "medium": 1, "low": 2}, value=Alert.severity)
        return list(self.session.scalars(q.order_by(order, Alert.updated_at.desc()).limit(limit)))

    def get(self, alert_id: uuid.UUID, officer: Officer) -> Alert:
        alert = self.session.scalar(
            sa.select(Alert).where(Alert.id == alert_id, self.visible_to(officer))
        )
        if alert is None:
            raise NotFound(
                "unknown_alert",
                "No such alert for your office.",
                "Peringatan tidak ditemukan untuk kantor Anda.",
            )
        return alert

    def act(
        self, alert_id: uuid.UUID, action: str, *, officer: Officer, actor: Actor, reason: str = ""
    ) -> Alert:
        if action not in TRANSITIONS:
            raise PantauError(
                "bad_action",
                "Action is acknowledge, resolve or dismiss.",
                "Tindakan: acknowledge, resolve, atau dismiss.",
                field="action",
            )
        if officer.role is Role.PARTNER or officer.role is Role.ACCOMMODATION:
            raise Forbidden(
                "forbidden",
                "Your role may not work alerts.",
                "Peran Anda tidak dapat menangani peringatan.",
            )
        alert = self.get(alert_id, officer)
        allowed_from, to = TRANSITIONS[action]
        if alert.status not in allowed_from:
            raise Conflict(
                "bad_transition",
                f"An alert that is {alert.status} cannot be {to}.",
                f"Peringatan berstatus {alert.status} tidak dapat diubah ke {to}.",
            )
        if action == "dismiss" and len(reason.strip()) < 5:
            raise PantauError(
                "reason_required",
                "Say why the alert is dismissed.",
                "Sebutkan alasan peringatan diabaikan.",
                field="reason",
            )
        alert.status = to
        alert.updated_at = utcnow()
        if to in ("resolved", "dismissed"):
            alert.closed_at = alert.updated_at
            alert.closed_by = officer.id
            alert.close_reason = reason.strip() or None
        record_event(
            self.session,
            f"alerts:alert:{action}",
            actor=actor,
            target=f"alert:{alert.id}",
            details={"kind": alert.kind, "reason": reason.strip()},
        )
        return alert
