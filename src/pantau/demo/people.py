"""Demo arrivals for `pantau demo`: a few visitors at several checkpoints, one overstayer, one banned
person refused at the border. Synthetic people; any likeness is chance."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.audit.services import Actor
from pantau.bans.services import BanInput, BanService
from pantau.errors import PantauError
from pantau.people.models import Person
from pantau.people.services import Traveller
from pantau.pii import PiiCipher
from pantau.reference.models import Region
from pantau.stays.models import Permit
from pantau.wiring import stay_service

VISITORS = [
    ("MYS", "AHMAD", "FARID", "M", "DPS", "visa-exemption"),
    ("CHN", "WANG", "LI", "F", "DPS", "voa"),
    ("SGP", "TAN", "WEI MING", "M", "BTC", "visa-exemption"),
    ("AUS", "MITCHELL", "SARAH", "F", "DPS", "voa"),
    ("TLS", "DA COSTA", "JOAO", "M", "MTA", "visa-exemption"),
    ("IND", "SHARMA", "PRIYA", "F", "CGK", "visit-visa"),
    ("JPN", "SATO", "KENJI", "M", "CGK", "kitas"),
    ("USA", "JOHNSON", "EMILY", "F", "LOP", "voa"),
    ("KOR", "KIM", "JI HOON", "M", "LBJ", "voa"),
    ("GBR", "BROWN", "OLIVER", "M", "YIA", "voa"),
    ("NLD", "DE VRIES", "SANNE", "F", "KNO", "voa"),
    ("DEU", "MUELLER", "JONAS", "M", "UPG", "visit-visa"),
]


def _traveller(i: int, nat: str, surname: str, given: str, sex: str) -> Traveller:
    rng = random.Random(i)  # noqa: S311 - reproducible demo data, not security
    return Traveller(
        surname,
        given,
        nat,
        date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        sex,
        f"{nat[0]}{rng.randrange(10**7, 10**8)}",
        "P",
        nat,
        date(2031, 6, 30),
    )


def load_people_demo(session: Session, cipher: PiiCipher, actor: Actor) -> int:
    """Arrivals for the demo, once (skipped when people exist)."""
    if session.scalar(sa.select(sa.func.count()).select_from(Person)):
        return 0
    people = stay_service(session, cipher, actor)
    now = datetime.now(UTC)
    # The KITAS holder works in Kota Tangerang only (when the regency boundaries are installed).
    tangerang = ["3671"] if session.get(Region, "3671") is not None else []
    for i, (nat, surname, given, sex, checkpoint, permit) in enumerate(VISITORS):
        arrived = now - timedelta(days=3 + i * 2)
        people.register_arrival(
            _traveller(i, nat, surname, given, sex),
            permit=Permit(permit),
            checkpoint_code=checkpoint,
            actor=actor,
            arrived_at=arrived,
            months=12 if permit == "kitas" else None,
            allowed_regions=tangerang if permit == "kitas" else (),
        )
    # An overstayer: visa exemption 30 days, arrived 41 days ago.
    people.register_arrival(
        _traveller(99, "RUS", "IVANOV", "DMITRY", "M"),
        permit=Permit.VISA_EXEMPTION,
        checkpoint_code="DPS",
        actor=actor,
        arrived_at=now - timedelta(days=41),
    )
    banned = _traveller(98, "CHN", "ZHANG", "WEI", "M")
    BanService(session, cipher=cipher).add(
        BanInput(
            banned.surname,
            banned.given_names,
            banned.nationality,
            banned.birth_date,
            banned.document_number,
            date(2025, 1, 1),
            date(2035, 1, 1),
            "UU 63/2024 Pasal 102",
            "Deported in 2024 for misuse of a stay permit",
        ),
        actor=actor,
    )
    # Refused, as it should be; the refusal row stays for the statistics.
    with contextlib.suppress(PantauError):
        people.register_arrival(
            banned,
            permit=Permit.VOA,
            checkpoint_code="CGK",
            actor=actor,
            arrived_at=now - timedelta(days=1),
        )
    return len(VISITORS) + 1
