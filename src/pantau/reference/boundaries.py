"""Regency/city boundaries: fetched at install time, verified, compacted; never committed.

Source: GADM 4.1 level 2 (Indonesia's 514 regencies and cities as GADM draws them), as packaged in
the `geojson-indonesia` npm package, version pinned and checked against its sha512 integrity.
GADM's licence allows use but not redistribution, so the geometry is fetched by `make install` (or
`python -m pantau.reference.boundaries`) and written, compacted, to a gitignored file next to this
module. Without that file Pantau still runs: places fall back to the nearest office.

Cleaning (docs/supervision.md "Where is a place"): lakes and reservoirs GADM draws as their own
units are dropped (a point on them goes to the nearest regency); GADM's CamelCase names get their
spaces back; the five Kalimantan Utara units GADM leaves without a code get their Kemendagri codes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PACKAGE = "geojson-indonesia"
VERSION = "1.0.1"
INTEGRITY = "sha512-siwly7spQI6Tyeo5mitBnnoaX4cOM79qsJ71PGohFgKaCnwrYaVkSrWSdZp6WxKsw9BaoypIuNywGAdLSNWwGg=="
MEMBER = "package/geojson/gadm41_IDN_2.json"
PROVINCE_MEMBER = "package/geojson/gadm41_IDN_1.json"
SOURCE = "GADM 4.1 (gadm.org), level 2, via geojson-indonesia 1.0.1"
OUTPUT = Path(__file__).with_name("regions.json.gz")
# ~0.0005 degrees is ~55 m: far below a phone's accuracy in the field, and it shrinks the file tenfold.
TOLERANCE = 0.0005
DIGITS = 5  # ~1 m

# Kemendagri codes for the units GADM 4.1 ships with CC_2 = "NA" (Permendagri 2022 numbering).
MISSING_CODES = {
    ("KalimantanUtara", "Bulungan"): ("6501", "Kabupaten"),
    ("KalimantanUtara", "Malinau"): ("6502", "Kabupaten"),
    ("KalimantanUtara", "Nunukan"): ("6503", "Kabupaten"),
    ("KalimantanUtara", "TanaTidung"): ("6504", "Kabupaten"),
    ("KalimantanUtara", "Tarakan"): ("6571", "Kota"),
}
WATER_NAMES = ("Danau", "Waduk", "Lake")


class BoundaryError(RuntimeError):
    pass


def spaced(name: str) -> str:
    """GADM writes 'AcehBaratDaya'; people write 'Aceh Barat Daya'."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).strip()


def check_integrity(
    blob: bytes, integrity: str = INTEGRITY, *, package: str = f"{PACKAGE}@{VERSION}"
) -> None:
    algo, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algo, blob).digest()).decode()
    if actual != expected:
        raise BoundaryError(
            f"{package}: integrity mismatch (got {algo}-{actual}); refusing the data"
        )


def fetch_tarball(workdir: Path, *, package: str = PACKAGE, version: str = VERSION) -> bytes:
    """`npm pack` the pinned version (npm's own registry settings and cache apply)."""
    npm = shutil.which("npm")
    if npm is None:
        raise BoundaryError("npm is not installed: cannot fetch the regency boundaries")
    done = subprocess.run(  # noqa: S603 - fixed arguments, npm found on PATH
        [npm, "pack", f"{package}@{version}", "--silent"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise BoundaryError(f"npm pack failed: {done.stderr.strip()[:500]}")
    tgz = workdir / f"{package}-{version}.tgz"
    if not tgz.exists():
        raise BoundaryError(f"npm pack did not write {tgz.name}")
    return tgz.read_bytes()


def read_member(blob: bytes, name: str = MEMBER) -> dict[str, Any]:
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        member = tar.extractfile(name)
        if member is None:
            raise BoundaryError(f"{name} is missing from the package")
        data: dict[str, Any] = json.loads(member.read())
    return data


def compact(collection: dict[str, Any]) -> list[dict[str, Any]]:
    """GADM features -> our region rows (code, name, kind, province, bbox, simplified geometry)."""
    import shapely
    from shapely.geometry import mapping, shape

    rows: dict[str, dict[str, Any]] = {}
    for feature in collection["features"]:
        p = feature["properties"]
        raw_name, province = p["NAME_2"], p["NAME_1"]
        kind, code = p.get("TYPE_2"), p.get("CC_2")
        if kind == "WaterBody" or raw_name.startswith(WATER_NAMES):
            continue
        if (province, raw_name) in MISSING_CODES:
            code, kind = MISSING_CODES[(province, raw_name)]
        if not (isinstance(code, str) and code.isdigit() and len(code) == 4):
            log.warning("skipping %s/%s: no usable code (%r)", province, raw_name, code)
            continue
        if kind not in ("Kabupaten", "Kota"):
            kind = "Kota" if code[2] == "7" else "Kabupaten"  # Kemendagri: 71-79 are cities
        if code in rows:
            raise BoundaryError(f"duplicate regency code {code} ({raw_name})")
        name = spaced(raw_name)
        if kind == "Kota" and name.startswith("Kota "):
            name = name[5:]
        geom = shape(feature["geometry"]).simplify(TOLERANCE, preserve_topology=True)
        geom = shapely.set_precision(geom, 10**-DIGITS)
        if geom.is_empty:
            geom = shape(feature["geometry"])
        minx, miny, maxx, maxy = geom.bounds
        rows[code] = {
            "code": code,
            "name": f"{kind} {name}",
            "kind": kind.lower(),
            "province_code": code[:2],
            "province_name": spaced(province),
            "bbox": [round(v, DIGITS) for v in (minx, miny, maxx, maxy)],
            "geometry": mapping(geom),
        }
    return sorted(rows.values(), key=lambda r: r["code"])


# Provinces as drawn on the maps (not used to place anything): ~2 km, islets under ~25 km2 left to
# the land layer of the base map.
PROVINCE_TOLERANCE = 0.02
PROVINCE_MIN_PART = 0.002  # square degrees


def compact_provinces(
    collection: dict[str, Any], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """GADM level 1 -> [{code, name, label [lat, lon], geometry}] for drawing; the code is the one
    the province's regencies carry (GADM's level 1 has no Kemendagri code)."""
    import shapely
    from shapely.geometry import MultiPolygon, mapping, shape

    codes = {r["province_name"]: r["province_code"] for r in rows}
    out = []
    for feature in collection["features"]:
        name = spaced(feature["properties"]["NAME_1"])
        if name not in codes:
            log.warning("province %s has no regencies: not drawn", name)
            continue
        full = shape(feature["geometry"])
        simple = full.simplify(PROVINCE_TOLERANCE, preserve_topology=True)
        parts = [g for g in getattr(simple, "geoms", [simple]) if g.area >= PROVINCE_MIN_PART]
        geom = shapely.set_precision(MultiPolygon(parts), 0.001) if parts else simple
        # The label on the largest island, so Maluku's name sits on land, not between islands.
        inner = max(getattr(full, "geoms", [full]), key=lambda g: g.area).representative_point()
        out.append(
            {
                "code": codes[name],
                "name": name,
                "label": [round(inner.y, 3), round(inner.x, 3)],
                "geometry": mapping(geom),
            }
        )
    return sorted(out, key=lambda p: p["code"])


# Regencies as drawn on the maps: ~1 km, 3 decimals (placing uses the finer `geometry`).
DRAW_TOLERANCE = 0.01


def drawn(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """code -> the regency's outline for drawing, prepared once at fetch time."""
    import shapely
    from shapely.geometry import mapping, shape

    out = {}
    for r in rows:
        geom = shape(r["geometry"]).simplify(DRAW_TOLERANCE, preserve_topology=True)
        geom = shapely.set_precision(geom, 0.001)
        if not geom.is_empty:
            out[r["code"]] = mapping(geom)
    return out


def write(
    rows: list[dict[str, Any]],
    out: Path = OUTPUT,
    provinces: list[dict[str, Any]] | None = None,
) -> None:
    payload = {
        "source": SOURCE,
        "licence": "GADM licence: no redistribution",
        "regions": rows,
        "provinces": provinces or [],
        "drawn": drawn(rows),
    }
    text = json.dumps(payload, separators=(",", ":"))
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(gzip.compress(text.encode(), mtime=0))
    tmp.replace(out)


def fetch(out: Path = OUTPUT, *, tarball: Path | None = None) -> int:
    """Fetch (or take `tarball`), verify, compact and write; return how many regions."""
    with tempfile.TemporaryDirectory() as tmp:
        blob = tarball.read_bytes() if tarball else fetch_tarball(Path(tmp))
    check_integrity(blob)
    rows = compact(read_member(blob))
    write(rows, out, compact_provinces(read_member(blob, PROVINCE_MEMBER), rows))
    return len(rows)


def load(path: Path = OUTPUT) -> list[dict[str, Any]] | None:
    """The compacted regions, or None when they were never fetched."""
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    rows: list[dict[str, Any]] = data["regions"]
    return rows


def load_drawing(path: Path = OUTPUT) -> dict[str, Any] | None:
    """{"provinces": [...], "drawn": {code: geometry}} prepared for the maps; None when the
    boundaries were never fetched or were fetched before these were kept (then the maps prepare
    them from the regions, more slowly)."""
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    if not data.get("provinces") or not data.get("drawn"):
        return None
    return {"provinces": data["provinces"], "drawn": data["drawn"]}


def main(argv: list[str]) -> int:
    force = "--force" in argv
    tarball = next((Path(a) for a in argv if a.endswith(".tgz")), None)
    if OUTPUT.exists() and not force:
        print(f"boundaries: {OUTPUT.name} present (use --force to fetch again)")
        return 0
    try:
        n = fetch(tarball=tarball)
    except (BoundaryError, OSError, subprocess.SubprocessError) as exc:
        print(f"boundaries: not fetched ({exc}); places fall back to the nearest office")
        return 1
    print(f"boundaries: {n} regencies/cities written to {OUTPUT} ({SOURCE})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
