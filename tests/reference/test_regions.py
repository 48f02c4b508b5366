"""Where is a place: regencies from the real GADM 4.1 boundaries (fetched by `make install`),
offices' working areas over them, scans placed at ingest and alerts routed by place."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pantau.alerts.models import Alert
from pantau.reference import boundaries
from pantau.reference.geo import nearest_office
from pantau.reference.models import OfficeRegion, Region
from pantau.reference.regions import region_index
from pantau.reference.services import ReferenceService
from pantau.scans.models import Scan
from pantau.scans.services import ScanService
from pantau.stickers.services import DbStickerVerifier
from pantau.wiring import alert_engine
from tests.factories import make_account

KUTA = (-8.7220, 115.1720)  # Kabupaten Badung, by Ngurah Rai airport
DENPASAR = (-8.6500, 115.2160)  # Kota Denpasar, the town centre
MEDAN = (3.5952, 98.6722)
RANAI = (3.9400, 108.3800)  # Natuna island: no immigration office on it
JAVA_SEA = (-5.0, 110.0)  # open sea, 100 km from any coast


@pytest.fixture(scope="session")
def index():
    found = region_index()
    assert found is not None, "boundaries missing: run `make install` (it fetches them with npm)"
    return found


@pytest.mark.parametrize(
    ("where", "code", "name"),
    [
        (KUTA, "5103", "Kabupaten Badung"),
        (DENPASAR, "5171", "Kota Denpasar"),
        (MEDAN, "1275", "Kota Medan"),
        (RANAI, "2103", "Kabupaten Natuna"),
        ((-6.1040, 106.8800), "3175", "Kota Jakarta Utara"),  # Tanjung Priok harbour
    ],
)
def test_points_are_placed_in_their_regency(index, where, code, name):
    assert index.locate(*where) == code
    assert index.rows[code]["name"] == name


def test_just_offshore_goes_to_the_nearest_regency_far_offshore_to_none(index):
    # 1.4 km off Sanur beach (a boat at anchor) is still Denpasar's business; 10 km south of the
    # Bukit peninsula is nobody's.
    assert index.locate(-8.6900, 115.2800) == "5171"
    assert index.locate(-8.9300, 115.2000) is None
    assert index.locate(*JAVA_SEA) is None


def test_regions_are_loaded_with_the_reference_data_once_and_keep_edits(db, index):
    assert db.scalar(sa.select(sa.func.count()).select_from(Region)) == len(index.rows) > 490
    unassigned = sa.select(Region.code).where(
        Region.code.not_in(sa.select(OfficeRegion.region_code))
    )
    assert list(db.scalars(unassigned)) == []  # every regency has an office
    badung = db.get(Region, "5103")
    assert (badung.province_code, badung.province_name, badung.kind) == ("51", "Bali", "kabupaten")
    db.get(OfficeRegion, "5103").office_code = "DEN"  # an administrator's change
    db.flush()
    ref = ReferenceService(db)
    ref.load_shipped()
    assert ref.regions_added == 0
    assert db.get(OfficeRegion, "5103").office_code == "DEN"


@pytest.mark.parametrize(
    ("code", "office"),
    [
        ("5103", "NGR"),  # named in Ngurah Rai's working area
        ("5171", "DEN"),
        ("1275", "MDN"),
        ("2103", "BTM"),  # Natuna: no office named it; Batam is Kepulauan Riau's office
        ("5108", "DEN"),  # Buleleng: nearest office in Bali
    ],
)
def test_working_areas_follow_the_documented_rule(db, code, office):
    assert db.get(OfficeRegion, code).office_code == office


def test_integrity_mismatch_is_refused():
    with pytest.raises(boundaries.BoundaryError, match="integrity mismatch"):
        boundaries.check_integrity(b"not the package")
    assert boundaries.spaced("AcehBaratDaya") == "Aceh Barat Daya"


@pytest.fixture
def unknown_scan(db, accounts, cipher):
    officer = make_account(accounts, "petugas.regions", office="JKS").officer
    engine = alert_engine(db, cipher)
    scans = ScanService(
        db, verifier=DbStickerVerifier(db), hooks=[lambda s, rows: engine.on_scans(rows)]
    )

    def scan(where):
        serial = f"ZZ{uuid.uuid4().hex[:10].upper()}"  # no such sticker: an alert by place
        item = {
            "id": str(uuid.uuid4()),
            "serial": serial,
            "device_time": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
            "kind": "check",
            "device": "t",
        }
        if where is not None:
            item |= {"lat": where[0], "lon": where[1], "accuracy_m": 15.0}
        [result] = scans.ingest([item], scanner=officer)
        assert result.status == "stored"
        row = db.scalar(sa.select(Scan).where(Scan.id == uuid.UUID(result.id)))
        alert = db.scalar(sa.select(Alert).where(Alert.serial == serial))
        return row, alert

    return scan


@pytest.mark.parametrize(
    ("where", "region", "office"),
    [
        (KUTA, "5103", "NGR"),
        (DENPASAR, "5171", "DEN"),
        (MEDAN, "1275", "MDN"),
        (RANAI, "2103", "BTM"),
    ],
)
def test_scans_are_placed_at_ingest_and_alerts_go_to_the_working_area(
    db, index, unknown_scan, where, region, office
):
    row, alert = unknown_scan(where)
    assert row.region_code == region
    assert alert.kind == "unknown-sticker-seen" and alert.office_code == office


def test_remote_island_goes_to_its_working_area_not_the_nearest_office(db, index, unknown_scan):
    assert nearest_office(db, *RANAI) == "ENT"  # the old approximation: across the sea
    _, alert = unknown_scan(RANAI)
    assert alert.office_code == "BTM"


def test_a_scan_at_sea_or_without_position_has_no_region(db, index, unknown_scan):
    row, alert = unknown_scan(JAVA_SEA)
    assert row.region_code is None
    assert alert.office_code == nearest_office(db, *JAVA_SEA)  # no stay: the nearest office
    row, alert = unknown_scan(None)
    assert row.region_code is None and alert.office_code == "JKS"  # the scanner's office
