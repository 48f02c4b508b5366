"""Without the boundaries file (no npm at install) Pantau still runs: the log says so once, scans
get no region, and alerts fall back to the nearest office."""

from __future__ import annotations

import functools
import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pantau.alerts.models import Alert
from pantau.reference import boundaries, regions
from pantau.scans.models import Scan
from pantau.scans.services import ScanService
from pantau.stickers.services import DbStickerVerifier
from pantau.wiring import alert_engine
from tests.factories import make_account


@pytest.fixture
def no_boundaries(tmp_path, monkeypatch):
    # The real loader, pointed at a file that is not there.
    monkeypatch.setattr(boundaries, "load", functools.partial(boundaries.load, tmp_path / "x.gz"))
    regions.region_index.cache_clear()
    yield
    monkeypatch.undo()
    regions.region_index.cache_clear()


def test_without_boundaries_places_fall_back_to_the_nearest_office(
    db, accounts, cipher, caplog, no_boundaries
):
    caplog.set_level(logging.WARNING, logger="pantau.reference.regions")
    assert regions.region_index() is None and regions.region_index() is None
    warned = [r for r in caplog.records if "fall back to the nearest office" in r.message]
    assert len(warned) == 1  # said once, not per scan
    assert regions.load_regions(db, fetch=False) == 0
    officer = make_account(accounts, "petugas.noboundary", office="JKS").officer
    engine = alert_engine(db, cipher)
    scans = ScanService(
        db, verifier=DbStickerVerifier(db), hooks=[lambda s, rows: engine.on_scans(rows)]
    )
    item = {
        "id": str(uuid.uuid4()),
        "serial": "ZZNOBOUNDARY",
        "device_time": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "lat": -8.7220,
        "lon": 115.1720,  # Kuta: Ngurah Rai is the nearest office
        "accuracy_m": 10.0,
        "kind": "check",
        "device": "t",
    }
    [res] = scans.ingest([item], scanner=officer)
    assert res.status == "stored"
    assert db.scalar(sa.select(Scan).where(Scan.id == uuid.UUID(res.id))).region_code is None
    alert = db.scalar(sa.select(Alert).where(Alert.serial == "ZZNOBOUNDARY"))
    assert alert.office_code == "NGR"
