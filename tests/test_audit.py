"""The audit log: append-only through PostgreSQL, and tampering behind its back is detected."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from pantau.audit.models import AuditEvent
from pantau.audit.services import Actor, record_event, verify_chain

ACTOR = Actor("tester", origin="127.0.0.1")


def _write(db, n=4):
    return [
        record_event(
            db,
            "test:thing:touch",
            actor=ACTOR,
            target=f"thing:{i}",
            details={"i": i, "note": "café ✓"},
        )
        for i in range(n)
    ]


def test_chain_verifies_and_links_rows(db):
    rows = _write(db)
    assert all(b.prev_hash == a.hash for a, b in pairwise(rows))
    db.expire_all()  # verify what PostgreSQL gives back, not the objects in memory
    result = verify_chain(db)
    assert result.ok and result.checked >= 4


def test_bad_tag_refused(db):
    with pytest.raises(ValueError, match="source:subject:action"):
        record_event(db, "login", actor=ACTOR)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor = 'someone else'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
    ],
)
def test_application_cannot_change_or_remove_rows(db, statement):
    _write(db, 1)
    db.flush()
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(sa.text(statement))


def _behind_the_back(db, sql, **params):
    """What a superuser could do: switch the trigger off, change rows, switch it on again."""
    db.execute(sa.text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
    db.execute(sa.text(sql), params)
    db.execute(sa.text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    db.expire_all()


def test_altered_row_is_named(db):
    rows = _write(db)
    _behind_the_back(db, "UPDATE audit_event SET target = 'thing:x' WHERE id = :id", id=rows[1].id)
    result = verify_chain(db)
    assert not result.ok
    assert result.broken_id == rows[1].id
    assert "changed" in result.reason


def test_removed_row_is_found(db):
    rows = _write(db)
    _behind_the_back(db, "DELETE FROM audit_event WHERE id = :id", id=rows[2].id)
    result = verify_chain(db)
    assert not result.ok and result.broken_id == rows[3].id


def test_reordered_rows_are_found(db):
    rows = _write(db)
    a, b = rows[1].id, rows[2].id
    cols = "occurred_at, actor, tag, target, origin, details, prev_hash, hash"
    saved = {
        i: db.execute(sa.text(f"SELECT {cols} FROM audit_event WHERE id = :i"), {"i": i}).one()
        for i in (a, b)
    }
    db.execute(sa.text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
    db.execute(sa.text("UPDATE audit_event SET hash = '\\x00' WHERE id = :a"), {"a": a})
    for dst, src in ((b, a), (a, b)):  # swap the two rows' contents: the order of events changes
        row = saved[src]
        db.execute(
            sa.text(
                "UPDATE audit_event SET occurred_at=:o, actor=:ac, tag=:t, target=:ta, origin=:og, "
                "details=CAST(:d AS jsonb), prev_hash=:p, hash=:h WHERE id = :id"
            ),
            {
                "o": row[0],
                "ac": row[1],
                "t": row[2],
                "ta": row[3],
                "og": row[4],
                "d": json.dumps(row[5]),
                "p": row[6],
                "h": row[7],
                "id": dst,
            },
        )
    db.execute(sa.text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    db.expire_all()
    result = verify_chain(db)
    assert not result.ok and result.broken_id == a


def test_events_count(db):
    before = db.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    _write(db, 2)
    assert db.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before + 2
