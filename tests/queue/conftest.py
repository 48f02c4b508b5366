"""Queue fixtures: an office with small quotas, a fixed clock, services with a capturing notifier."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from pantau.demo.queue import add_office
from pantau.notifications.notify import Message
from pantau.queue.booking.nik import make_nik
from pantau.queue.booking.services import BookingService, Choice
from pantau.queue.models import QueueSession
from pantau.queue.privacy import Citizen
from pantau.queue.settings import QueueSettings
from tests.factories import TEST_ACTOR

# Monday 2 March 2026, 11:00 in Bali (WITA): day VISIT's quota opened on 24 February.
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
VISIT = date(2026, 3, 10)  # a Tuesday, no holiday
HOLIDAY = date(2026, 3, 19)  # Hari Suci Nyepi (a Thursday)


@dataclass
class CapturingNotifier:
    sent: list[Message] = field(default_factory=list)

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def last_code(self) -> str:
        body = self.sent[-1].body
        return body.split("kode verifikasi ")[1][:6]


def citizen(i: int = 0, *, birth: date = date(1990, 5, 17), sex: str = "M") -> Citizen:
    nik = make_nik(birth, sex, rng=random.Random(i))
    return Citizen(nik, f"Warga Uji {i}", birth, f"08123{i:07d}", f"warga{i}@contoh.id")


@pytest.fixture
def office(db):
    """NGR with the demo sessions at a tenth of the demo quota (2 regular seats for a new passport
    in the morning, none priority)."""
    add_office(db, "NGR", scale=0.1)
    return "NGR"


@pytest.fixture
def morning(db, office) -> QueueSession:
    return db.query(QueueSession).filter_by(office_code=office, label="Pagi").one()


@pytest.fixture
def afternoon(db, office) -> QueueSession:
    return db.query(QueueSession).filter_by(office_code=office, label="Siang").one()


@pytest.fixture
def notifier() -> CapturingNotifier:
    return CapturingNotifier()


@pytest.fixture
def svc(db, cipher, notifier) -> BookingService:
    return BookingService(
        db, cipher=cipher, notifier=notifier, settings=QueueSettings(), actor=TEST_ACTOR
    )


@pytest.fixture
def choice(morning) -> Choice:
    from pantau.queue.models import ServiceKind

    return Choice("NGR", VISIT, morning.id, ServiceKind.NEW, flexible=False)
