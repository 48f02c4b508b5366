"""Migration 0012: stored stickers with a high-S signature get their low twin, which verifies;
others are left alone."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from pantau.stickers.models import Sticker
from pantau.stickers.vectors import high_s_twin
from pantau.stickers.verify import verify_token
from tests.stays.test_arrivals_api import arrive, officer_headers, trust_and_status  # noqa: F401

MIGRATION = next(
    (Path(__file__).resolve().parents[2] / "src/pantau/migrations/versions").glob(
        "*_low_s_stickers.py"
    )
)


def _migration():
    spec = importlib.util.spec_from_file_location("low_s_migration", MIGRATION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_high_s_stickers_are_rewritten_to_their_low_twin(app_client, officer_headers, db):  # noqa: F811
    res = arrive(app_client, officer_headers)
    assert res.status_code == 201, res.text
    serial, genuine = res.json()["sticker"]["serial"], res.json()["sticker"]["qr_text"]
    trust, status = trust_and_status(app_client, officer_headers)
    now = datetime.now(UTC)
    high = high_s_twin(genuine)
    assert verify_token(high, trust, status, at=now).outcome.value == "tampered"
    # As a sticker signed before Pantau normalised s would be stored.
    db.execute(sa.update(Sticker).where(Sticker.serial == serial).values(qr_text=high))
    db.flush()
    assert _migration().normalise(db.connection()) == 1
    db.expire_all()
    fixed = db.get(Sticker, serial).qr_text
    assert verify_token(fixed, trust, status, at=now).valid
    # Already low, or not a sticker at all (bad input): left as it is.
    assert _migration().normalise(db.connection()) == 0
    assert _migration().low_s_text("PN1:not base45 at all") is None
    assert _migration().low_s_text("HC1:ABC") is None
