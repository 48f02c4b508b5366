"""Cases and TAK actions. A deportation, once a second officer approves it, closes the stay, revokes
the sticker (which enters the status list, so scanners refuse it) and proposes an entry ban."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer, Role
from pantau.alerts.models import Alert
from pantau.audit.services import Actor, record_event
from pantau.bans.services import BanInput, BanService
from pantau.cases.models import CASE_FLOW, Action, Case, CaseEntry
from pantau.db import utcnow
from pantau.errors import Conflict, Forbidden, NotFound, PantauError
from pantau.people.models import Person
from pantau.people.services import GIVEN, SURNAME
from pantau.pii import PiiCipher
from pantau.policy import is_national, office_filter, person_in_scope
from pantau.reports.models import Report
from pantau.stays.models import Stay, StayStatus
from pantau.stays.services import latest_stay
from pantau.stickers.models import Sticker
from pantau.stickers.services import StickerService, pretty_serial
from pantau.stickers.token import normalize_serial

SERIOUS = {"deportation", "entry-ban", "permit-cancellation"}  # need a second officer
BAN_YEARS_AFTER_DEPORTATION = 6  # proposed length; the approving officer may change it
STAFF = (Role.ADMIN, Role.SUPERVISOR, Role.OFFICER)


def _scope(officer: Officer) -> sa.ColumnElement[bool]:
    return office_filter(officer, Case.office_code)


class CaseService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open(
        self,
        *,
        title: str,
        officer: Officer,
        actor: Actor,
        report_id: uuid.UUID | None = None,
        alert_id: uuid.UUID | None = None,
    ) -> Case:
        office, source = officer.office_code, "officer"
        if report_id:
            report = self.session.get(Report, report_id)
            if report is None or not self._mine(officer, report.office_code):
                raise NotFound("unknown_report", "No such report.", "Laporan tidak ditemukan.")
            office, source, report.status = report.office_code, "report", "in-progress"
        elif alert_id:
            alert = self.session.get(Alert, alert_id)
            if alert is None or not self._mine(officer, alert.office_code):
                raise NotFound("unknown_alert", "No such alert.", "Peringatan tidak ditemukan.")
            office, source = alert.office_code, "alert"
        if len(title.strip()) < 3:
            raise PantauError(
                "bad_title", "Give the case a title.", "Beri judul kasus.", field="title"
            )
        case = Case(
            office_code=office,
            title=title.strip(),
            source=source,
            report_id=report_id,
            alert_id=alert_id,
            created_by=officer.id,
            assigned_to=officer.id,
        )
        self.session.add(case)
        self.session.flush()
        self._entry(case, officer, "status", "new")
        record_event(
            self.session,
            "cases:case:open",
            actor=actor,
            target=f"case:{case.id}",
            details={"source": source, "office": office},
        )
        return case

    @staticmethod
    def _mine(officer: Officer, office_code: str) -> bool:
        return is_national(officer) or office_code == officer.office_code

    def _entry(
        self,
        case: Case,
        officer: Officer,
        kind: str,
        text: str = "",
        person_id: uuid.UUID | None = None,
    ) -> CaseEntry:
        entry = CaseEntry(
            case_id=case.id, author_id=officer.id, kind=kind, text=text, person_id=person_id
        )
        self.session.add(entry)
        case.updated_at = utcnow()
        return entry

    def get(self, case_id: uuid.UUID, officer: Officer) -> Case:
        case = self.session.scalar(sa.select(Case).where(Case.id == case_id, _scope(officer)))
        if case is None:
            raise NotFound(
                "unknown_case",
                "No such case for your office.",
                "Kasus tidak ditemukan untuk kantor Anda.",
            )
        return case

    def for_officer(self, officer: Officer, *, status: str | None = None) -> list[Case]:
        q = sa.select(Case).where(_scope(officer)).order_by(Case.updated_at.desc()).limit(300)
        if status:
            q = q.where(Case.status == status)
        return list(self.session.scalars(q))

    def of_person(self, person_id: uuid.UUID) -> list[Case]:
        """Every case the person is linked to, oldest first (the person page; not scoped)."""
        return list(
            self.session.scalars(
                sa.select(Case)
                .where(
                    Case.id.in_(
                        sa.select(CaseEntry.case_id).where(CaseEntry.person_id == person_id)
                    )
                )
                .order_by(Case.created_at)
            )
        )

    def link_person(
        self, case: Case, person_id: uuid.UUID, *, officer: Officer, actor: Actor, how: str
    ) -> None:
        """Only a person in the officer's scope (pantau.policy: their office's, or seen in its
        working area) may be linked; another office's answers as an unknown one."""
        if self.session.get(Person, person_id) is None or not person_in_scope(
            self.session, officer, person_id
        ):
            raise NotFound("unknown_person", "No such person.", "Orang tidak ditemukan.")
        self._entry(case, officer, "person", how, person_id)
        record_event(
            self.session,
            "cases:case:link-person",
            actor=actor,
            target=f"case:{case.id}",
            details={"person": str(person_id), "how": how},
        )

    def link_sticker(
        self, case: Case, serial: str, *, officer: Officer, actor: Actor, how: str = ""
    ) -> uuid.UUID:
        """Link the holder of a sticker (typed, or scanned in the field) to the case."""
        clean = normalize_serial(serial)
        sticker = self.session.get(Sticker, clean) if clean else None
        if sticker is None:
            raise NotFound(
                "unknown_sticker",
                "No sticker with this serial.",
                "Tidak ada stiker dengan nomor seri ini.",
                field="serial",
            )
        person_id = sticker.stay.person_id
        self.link_person(
            case,
            person_id,
            officer=officer,
            actor=actor,
            how=f"{how or 'sticker'} {sticker.serial}".strip(),
        )
        return person_id

    def assignable(self, case: Case) -> list[Officer]:
        """Who may be given the case: the office's officers, and supervisors."""
        return list(
            self.session.scalars(
                sa.select(Officer)
                .where(
                    Officer.role.in_(STAFF),
                    sa.or_(
                        Officer.office_code == case.office_code,
                        Officer.role.in_((Role.SUPERVISOR, Role.ADMIN)),
                    ),
                )
                .order_by(Officer.username)
            )
        )

    def assign(self, case: Case, username: str, *, officer: Officer, actor: Actor) -> Officer:
        assignee = next(
            (o for o in self.assignable(case) if o.username == username.strip().lower()), None
        )
        if assignee is None:
            raise PantauError(
                "bad_assignee",
                "Assign the case to an officer of its office or a supervisor.",
                "Serahkan kasus kepada petugas kantornya atau supervisor.",
                field="assignee",
            )
        case.assigned_to = assignee.id
        self._entry(case, officer, "assigned", assignee.username)
        record_event(
            self.session,
            "cases:case:assign",
            actor=actor,
            target=f"case:{case.id}",
            details={"to": assignee.username},
        )
        return assignee

    def note(self, case: Case, text: str, *, officer: Officer, actor: Actor) -> None:
        if not text.strip():
            raise PantauError("empty_note", "The note is empty.", "Catatan kosong.", field="text")
        self._entry(case, officer, "note", text.strip()[:5000])
        record_event(self.session, "cases:case:note", actor=actor, target=f"case:{case.id}")

    def move(
        self, case: Case, to: str, *, officer: Officer, actor: Actor, outcome: str = ""
    ) -> None:
        if to not in CASE_FLOW.get(case.status, ()):
            raise Conflict(
                "bad_transition",
                f"A {case.status} case cannot become {to}.",
                f"Kasus berstatus {case.status} tidak dapat menjadi {to}.",
            )
        if to == "closed" and not outcome.strip():
            raise PantauError(
                "outcome_required",
                "Say how the case ended.",
                "Sebutkan hasil akhir kasus.",
                field="outcome",
            )
        case.status = to
        if to == "closed":
            case.outcome = outcome.strip()
            if case.report_id and (report := self.session.get(Report, case.report_id)):
                report.status = "closed"
        self._entry(case, officer, "status", to if to != "closed" else f"closed: {outcome.strip()}")
        record_event(self.session, f"cases:case:{to}", actor=actor, target=f"case:{case.id}")

    def persons(self, case: Case) -> list[uuid.UUID]:
        return list(
            self.session.scalars(
                sa.select(CaseEntry.person_id)
                .where(CaseEntry.case_id == case.id, CaseEntry.person_id.is_not(None))
                .distinct()
            )
        )

    def timeline(self, case: Case) -> list[CaseEntry]:
        return list(
            self.session.scalars(
                sa.select(CaseEntry).where(CaseEntry.case_id == case.id).order_by(CaseEntry.at)
            )
        )

    def person_facts(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        """What the case page says of each linked person without decrypting a name: nationality, and
        the latest stay's permit, status and sticker serials (the name is on the audited person page)."""
        facts: dict[uuid.UUID, str] = {}
        for person in self.session.scalars(sa.select(Person).where(Person.id.in_(ids))):
            stay = latest_stay(self.session, person.id)
            parts = [person.nationality]
            if stay is not None:
                parts += [stay.permit.value, stay.status.value]
                parts += [f"{pretty_serial(st.serial)} ({st.status.value})" for st in stay.stickers]
            facts[person.id] = " · ".join(parts)
        return facts


class ActionService:
    def __init__(self, session: Session, *, cipher: PiiCipher) -> None:
        self.session = session
        self.cipher = cipher

    def propose(
        self,
        *,
        kind: str,
        person_id: uuid.UUID,
        reason: str,
        officer: Officer,
        actor: Actor,
        case_id: uuid.UUID | None = None,
        details: dict[str, object] | None = None,
    ) -> Action:
        if officer.role not in STAFF:
            raise Forbidden(
                "forbidden",
                "Only immigration staff propose actions.",
                "Hanya petugas imigrasi yang dapat mengusulkan tindakan.",
            )
        if len(reason.strip()) < 5:
            raise PantauError(
                "reason_required",
                "Give the reason and legal basis.",
                "Sebutkan alasan dan dasar hukumnya.",
                field="reason",
            )
        stay = self.session.scalar(
            sa.select(Stay)
            .where(Stay.person_id == person_id)
            .order_by(Stay.arrived_at.desc())
            .limit(1)
        )
        if stay is None:
            raise NotFound(
                "unknown_person",
                "No stay known for this person.",
                "Tidak ada izin tinggal untuk orang ini.",
            )
        action = Action(
            kind=kind,
            person_id=person_id,
            stay_id=stay.id,
            case_id=case_id,
            office_code=officer.office_code,
            reason=reason.strip(),
            details=details or {},
            proposed_by=officer.id,
        )
        self.session.add(action)
        self.session.flush()
        record_event(
            self.session,
            "cases:action:propose",
            actor=actor,
            target=f"person:{person_id}",
            details={"action": str(action.id), "kind": kind},
        )
        if kind not in SERIOUS:
            self._execute(action, actor)
        return action

    def decide(
        self, action_id: uuid.UUID, *, approve: bool, officer: Officer, actor: Actor
    ) -> Action:
        """Four eyes that hold: only a supervisor of the proposing office, or of the national
        centre, decides; never the proposer; another office's action answers as if it did not
        exist (404), as anything else of that office does."""
        action = self.session.get(Action, action_id, with_for_update=True)
        if action is None or not (
            is_national(officer) or action.office_code == officer.office_code
        ):
            raise NotFound("unknown_action", "No such action.", "Tindakan tidak ditemukan.")
        if action.status != "proposed":
            raise Conflict(
                "already_decided",
                "This action was already decided.",
                "Tindakan ini sudah diputuskan.",
            )
        if action.proposed_by == officer.id:
            raise Forbidden(
                "four_eyes",
                "A second officer must approve this action.",
                "Tindakan ini harus disetujui petugas kedua.",
            )
        if officer.role is not Role.SUPERVISOR:
            raise Forbidden(
                "supervisor_required",
                "Only a supervisor of the office or of the national centre decides this action.",
                "Hanya supervisor kantor ini atau pusat yang dapat memutuskan tindakan ini.",
            )
        action.status = "approved" if approve else "rejected"
        action.decided_by, action.decided_at = officer.id, utcnow()
        record_event(
            self.session,
            f"cases:action:{'approve' if approve else 'reject'}",
            actor=actor,
            target=f"person:{action.person_id}",
            details={"action": str(action.id)},
        )
        if approve:
            self._execute(action, actor)
        return action

    def _execute(self, action: Action, actor: Actor) -> None:
        stickers = StickerService(self.session)
        stay = self.session.get(Stay, action.stay_id) if action.stay_id else None
        if action.kind in ("deportation", "permit-cancellation") and stay is not None:
            if stay.status is StayStatus.ACTIVE:
                stay.status = StayStatus.CANCELLED
                stay.departed_at = utcnow() if action.kind == "deportation" else None
            for sticker in stay.stickers:
                stickers.revoke(sticker, reason=action.kind, actor=actor)
        if action.kind == "deportation":
            self.session.add(
                Action(
                    kind="entry-ban",
                    person_id=action.person_id,
                    stay_id=action.stay_id,
                    case_id=action.case_id,
                    office_code=action.office_code,
                    reason=f"After deportation: {action.reason}",
                    details={
                        "years": BAN_YEARS_AFTER_DEPORTATION,
                        "legal_basis": "UU 63/2024 Pasal 102",
                    },
                    # Proposed in the name of the deportation's proposer, so that a supervisor -
                    # not the proposer - decides it.
                    proposed_by=action.proposed_by,
                )
            )
        if action.kind == "entry-ban":
            self._ban(action, actor)
        action.status = "executed"

    def _ban(self, action: Action, actor: Actor) -> None:
        person = self.session.get(Person, action.person_id)
        assert person is not None
        years = int(str(action.details.get("years", BAN_YEARS_AFTER_DEPORTATION)))
        start = date.today()
        BanService(self.session, cipher=self.cipher).add(
            BanInput(
                self.cipher.decrypt(person.surname, SURNAME),
                self.cipher.decrypt(person.given_names, GIVEN),
                person.nationality,
                None,
                None,
                start,
                start + timedelta(days=365 * years),
                str(action.details.get("legal_basis", "UU 63/2024 Pasal 102")),
                action.reason,
            ),
            actor=actor,
            person_id=person.id,
        )

    def for_person(self, person_id: uuid.UUID) -> list[Action]:
        return list(
            self.session.scalars(
                sa.select(Action).where(Action.person_id == person_id).order_by(Action.proposed_at)
            )
        )

    def pending(self, officer: Officer) -> list[Action]:
        q = sa.select(Action).where(
            Action.status == "proposed", office_filter(officer, Action.office_code)
        )
        return list(self.session.scalars(q.order_by(Action.proposed_at)))
