"""`pantau seed`: realistic synthetic data, reproducible, adding people on every run."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from typer.testing import CliRunner

from pantau.bans.models import BanEntry
from pantau.cli.main import app
from pantau.db import make_engine
from pantau.demo.seed import SEED_ACTOR, ChunkGenerator, SeedOptions, seed_in_session
from pantau.demo.seed_rows import prepare_world
from pantau.people.models import Person
from pantau.people.services import SURNAME
from pantau.scans.models import Scan
from pantau.stays.models import Refusal, Stay, StayStatus
from pantau.stickers.models import Sticker
from pantau.stickers.services import DbStickerVerifier
from pantau.wiring import alert_engine

NOW = datetime(2026, 3, 1, 4, tzinfo=UTC)


def _n(db, model, *where):
    return db.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_seed_makes_what_supervision_needs(db, cipher):
    report = seed_in_session(db, cipher, SeedOptions(people=300, days=14, signed=3, now=NOW))
    assert report.people == 300 and report.counts["scan"] == _n(db, Scan) > 1000
    assert _n(db, Stay) == 300 and _n(db, Refusal) == 1 and _n(db, BanEntry) == 1
    overstays = _n(db, Stay, Stay.status == StayStatus.ACTIVE, Stay.last_day < NOW.date())
    assert overstays >= 1
    assert {"visa-exemption", "voa"} <= {p.value for p in db.scalars(sa.select(Stay.permit))}
    assert _n(db, Scan, Scan.kind == "check-in") > 100 and _n(db, Scan, Scan.kind == "exit") > 10
    # Every synthetic scan is placed in its site's regency (Kuta's scans in Kabupaten Badung).
    assert _n(db, Scan, Scan.region_code.is_(None)) == 0
    assert _n(db, Scan, Scan.region_code == "5103") > 0
    person = db.scalars(sa.select(Person)).first()
    assert cipher.decrypt(person.surname, SURNAME).isupper()
    # The signed sample verifies like any issued sticker; the rest say what they are.
    signed = db.scalars(sa.select(Sticker).where(~Sticker.qr_text.like("SEED-UNSIGNED:%"))).all()
    assert len(signed) == 3
    check = DbStickerVerifier(db).verify(signed[0].qr_text, at=NOW)
    assert (check.outcome, check.serial) == ("valid", signed[0].serial)
    unsigned = db.scalars(sa.select(Sticker).where(Sticker.qr_text.like("SEED-UNSIGNED:%"))).first()
    assert DbStickerVerifier(db).verify(unsigned.qr_text, at=NOW).outcome == "not-pantau"
    # A copied sticker: the rules see an impossible journey.
    copies = db.scalars(sa.select(Scan).where(Scan.id.in_(report.copied_scans))).all()
    alerts = alert_engine(db, cipher).on_scans(copies, now=NOW)
    assert "impossible-travel" in {a.kind for a in alerts}


def test_same_seed_same_data(db, cipher):
    world = prepare_world(db, cipher, SEED_ACTOR, signing=False)
    opts = SeedOptions(people=50, days=7, signed=0, now=NOW)
    a = ChunkGenerator(world, cipher, opts, NOW).chunk("1:0:0", 50, 0, 0)
    b = ChunkGenerator(world, cipher, opts, NOW).chunk("1:0:0", 50, 0, 0)
    assert a.stay == b.stay and a.scan == b.scan and a.person != b.person  # fresh nonces


def test_cli_adds_people_on_every_run(cli_env):
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(app, ["seed", "--people", "120", "--days", "5", "--signed", "1"])
        assert result.exit_code == 0, result.output
        assert "120 person" in result.output.replace("121 person", "120 person")
    eng = make_engine(cli_env, pool_size=1)
    with eng.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM stay")) == 240
        assert (
            conn.scalar(
                sa.text("SELECT count(*) FROM audit_event WHERE tag = 'seed:people:create'")
            )
            == 2
        )
    eng.dispose()
