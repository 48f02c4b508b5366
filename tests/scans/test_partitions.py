"""The scan history partitioned by month: made ahead, pruned by time-bounded queries, dropped by
retention, and a client UUID still stored once (scan_key)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pantau.audit.models import AuditEvent
from pantau.db import utcnow
from pantau.scans import partitions
from pantau.scans.services import ScanService, drop_scans_before, ensure_partitions_ahead
from pantau.stickers.services import DbStickerVerifier
from tests.factories import TEST_ACTOR, make_account


@pytest.fixture
def ingest(db, accounts):
    officer = make_account(accounts, "petugas.part", office="NGR").officer
    service = ScanService(db, verifier=DbStickerVerifier(db))

    def run(at: datetime, ident: uuid.UUID | None = None, serial: str = "IDPARTITION1"):
        item = {
            "id": str(ident or uuid.uuid4()),
            "serial": serial,
            "device_time": at.isoformat(),
            "device": "t",
        }
        return service.ingest([item], scanner=officer)[0]

    return run


def where(db, ident) -> str:
    return db.scalar(
        sa.text("SELECT tableoid::regclass::text FROM scan WHERE id = :i"), {"i": ident}
    )


def test_partitions_exist_ahead_and_a_scan_lands_in_its_month(db, ingest):
    now = utcnow()
    have = partitions.existing(db.connection())
    month = partitions.month_of(now)
    for m in partitions.months(month, partitions.next_month(partitions.next_month(month))):
        assert partitions.name_of(m) in have
    res = ingest(now)
    assert res.status == "stored"
    assert where(db, res.id) == partitions.name_of(month)
    assert ensure_partitions_ahead(db, now.date()) == []  # idempotent


def test_a_time_bounded_query_reads_only_its_months_partitions(db):
    month = partitions.month_of(utcnow())
    following = partitions.next_month(month)
    lo = datetime(month.year, month.month, 2, tzinfo=UTC)
    plan = "\n".join(
        db.execute(
            sa.text("EXPLAIN SELECT id FROM scan WHERE device_time >= :lo AND device_time < :hi"),
            {"lo": lo, "hi": lo + timedelta(days=5)},
        ).scalars()
    )
    assert partitions.name_of(month) in plan
    assert partitions.name_of(following) not in plan and "scan_default" not in plan
    # A person's track over a few days: the same pruning through the index.
    plan = "\n".join(
        db.execute(
            sa.text(
                "EXPLAIN SELECT id FROM scan WHERE person_id = :p "
                "AND device_time BETWEEN :lo AND :hi"
            ),
            {"p": uuid.uuid4(), "lo": lo, "hi": lo + timedelta(days=3)},
        ).scalars()
    )
    assert partitions.name_of(month) in plan and partitions.name_of(following) not in plan


def test_a_client_uuid_is_stored_once_even_with_another_device_time(db, ingest):
    """Bad input tried: the same id re-sent with a device time in another month (another
    partition): the primary key (id, device_time) alone would store it twice."""
    ident = uuid.uuid4()
    now = utcnow()
    assert ingest(now, ident).status == "stored"
    again = ingest(now - timedelta(days=40), ident)
    assert again.status == "duplicate" and again.verdict == "unknown"
    assert db.scalar(sa.text("SELECT count(*) FROM scan WHERE id = :i"), {"i": ident}) == 1
    assert db.scalar(sa.text("SELECT count(*) FROM scan_key WHERE id = :i"), {"i": ident}) == 1


def test_rows_in_the_default_partition_move_into_a_new_month(db, ingest):
    old = utcnow() - timedelta(days=150)
    month = partitions.month_of(old)
    if partitions.name_of(month) in partitions.existing(db.connection()):
        pytest.skip("that month's partition already exists in this database")
    res = ingest(old)
    assert where(db, res.id) == "scan_default"
    assert partitions.ensure(db.connection(), old.date(), old.date()) == [partitions.name_of(month)]
    assert where(db, res.id) == partitions.name_of(month)


def test_retention_drops_whole_months_and_their_keys(db, ingest):
    now = utcnow()
    old = now - timedelta(days=100)
    partitions.ensure(db.connection(), old.date(), old.date())
    gone, kept = ingest(old), ingest(now)
    cutoff = partitions.month_of(now)
    dropped = drop_scans_before(db, cutoff, actor=TEST_ACTOR)
    assert partitions.name_of(partitions.month_of(old)) in dropped
    assert partitions.name_of(cutoff) not in dropped
    assert where(db, gone.id) is None and where(db, kept.id) == partitions.name_of(cutoff)
    assert db.scalar(sa.text("SELECT count(*) FROM scan_key WHERE id = :i"), {"i": gone.id}) == 0
    event = db.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.tag == "scans:partition:drop")
        .order_by(AuditEvent.id.desc())
    )
    assert (
        event is not None
        and partitions.name_of(partitions.month_of(old)) in event.details["partitions"]
    )
