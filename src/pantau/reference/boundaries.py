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


def check_integrity(blob: bytes, integrity: str = INTEGRITY) -> None:
    algo, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algo, blob).digest()).decode()
    if actual != expected:
        raise BoundaryError(
            f"{PACKAGE}@{VERSION}: integrity mismatch (got {algo}-{actual}); refusing the data"
        )


def fetch_tarball(workdir: Path) -> bytes:
    """`npm pack` the pinned version (npm's own registry settings and cache apply)."""
    npm = shutil.which("npm")
    if npm is None:
        raise BoundaryError("npm is not installed: cannot fetch the regency boundaries")
    done = subprocess.run(  # noqa: S603 - fixed arguments, npm found on PATH
        [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise BoundaryError(f"npm pack failed: {done.stderr.strip()[:500]}")
    tgz = workdir / f"{PACKAGE}-{VERSION}.tgz"
    if not tgz.exists():
        raise BoundaryError(f"npm pack did not write {tgz.name}")
    return tgz.read_bytes()


def read_member(blob: bytes) -> dict[str, Any]:
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise BoundaryError(f"{MEMBER} is missing from the package")
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


def write(rows: list[dict[str, Any]], out: Path = OUTPUT) -> None:
    payload = {"source": SOURCE, "licence": "GADM licence: no redistribution", "regions": rows}
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
    write(rows, out)
    return len(rows)


def load(path: Path = OUTPUT) -> list[dict[str, Any]] | None:
    """The compacted regions, or None when they were never fetched."""
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    rows: list[dict[str, Any]] = data["regions"]
    return rows


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
