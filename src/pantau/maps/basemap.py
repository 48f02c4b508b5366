"""The base map drawn under every map without internet: land, coastlines and neighbouring countries.

Source: Natural Earth 4.1.0 admin-0 countries (public domain), as the TopoJSON of the npm package
`world-atlas` 2.0.2 (ISC), at three scales: 1:110m, 1:50m and 1:10m. Natural Earth is public
domain, so the derived file is committed (`basemap.json.gz` next to this module, about 300 kB) and a
server needs neither npm nor internet. `python -m pantau.maps.basemap --build` makes it again from
the pinned package (checked against its sha512 integrity): countries cut to a box around the
archipelago, coordinates rounded, one FeatureCollection per scale. The browser asks for the scale
that suits its zoom (basemap.js), so a phone on the national view loads the 1:110m file only.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from pantau.reference import boundaries

PACKAGE = "world-atlas"
VERSION = "2.0.2"
INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
SOURCE = "Natural Earth 4.1.0 (public domain), via world-atlas 2.0.2"
OUTPUT = Path(__file__).with_name("basemap.json.gz")
# Indonesia and its neighbours (Malaysia, Singapore, Brunei, the Philippines, Timor-Leste, Papua New
# Guinea, northern Australia, the tip of Thailand): west, south, east, north.
BOX = (88.0, -18.0, 148.0, 14.0)
# scale -> (npm member, decimals kept, simplification in degrees)
LEVELS = {
    "110m": ("package/countries-110m.json", 2, 0.0),
    "50m": ("package/countries-50m.json", 3, 0.0),
    "10m": ("package/countries-10m.json", 3, 0.003),
}
INDONESIA = "360"  # ISO 3166-1 numeric


def decode(topology: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """TopoJSON object -> GeoJSON features (quantized, delta-encoded arcs)."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points if not out else points[1:])
        return out

    features = []
    for g in topology["objects"][name]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g.get("arcs", [])
        if g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        # Quantization leaves some islets as rings of fewer than four points: dropped.
        rings = [[r for r in (ring(a) for a in poly) if len(r) >= 4] for poly in polys]
        coords: Any = [p for p in rings if p]
        if not coords:
            continue
        features.append(
            {
                "type": "Feature",
                "id": g.get("id"),
                "properties": g.get("properties") or {},
                "geometry": {"type": "MultiPolygon", "coordinates": coords},
            }
        )
    return features


def level(topology: dict[str, Any], digits: int, tolerance: float) -> dict[str, Any]:
    import shapely
    from shapely.geometry import box, mapping, shape

    clip = box(*BOX)
    out = []
    for f in decode(topology, "countries"):
        geom = shape(f["geometry"]).buffer(0)
        minx, _, maxx, _ = geom.bounds
        if maxx - minx > 180 or not geom.intersects(clip):  # across the antimeridian (Fiji)
            continue
        geom = geom.intersection(clip)
        if tolerance:
            geom = geom.simplify(tolerance, preserve_topology=True)
        geom = shapely.set_precision(geom, 10**-digits)
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        out.append(
            {
                "type": "Feature",
                "properties": {"name": f["properties"].get("name"), "home": f["id"] == INDONESIA},
                "geometry": mapping(geom),
            }
        )
    out.sort(key=lambda f: f["properties"]["home"])  # Indonesia drawn last, over its neighbours
    return {"type": "FeatureCollection", "features": out}


def build(tarball: Path | None = None, out: Path = OUTPUT) -> dict[str, int]:
    """Fetch (npm pack, pinned and verified) or take `tarball`; write the base map; sizes in bytes."""
    import io
    import tarfile

    with tempfile.TemporaryDirectory() as tmp:
        blob = (
            tarball.read_bytes()
            if tarball
            else boundaries.fetch_tarball(Path(tmp), package=PACKAGE, version=VERSION)
        )
    boundaries.check_integrity(blob, INTEGRITY, package=f"{PACKAGE}@{VERSION}")
    levels = {}
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        for name, (member, digits, tolerance) in LEVELS.items():
            fh = tar.extractfile(member)
            if fh is None:
                raise boundaries.BoundaryError(f"{member} is missing from {PACKAGE}")
            levels[name] = level(json.loads(fh.read()), digits, tolerance)
    payload = {"source": SOURCE, "licence": "public domain", "box": BOX, "levels": levels}
    out.write_bytes(gzip.compress(json.dumps(payload, separators=(",", ":")).encode(), mtime=0))
    return {k: len(json.dumps(v, separators=(",", ":"))) for k, v in levels.items()}


@functools.lru_cache(maxsize=1)
def served() -> dict[str, tuple[bytes, bytes, str]]:
    """scale -> (GeoJSON bytes, gzipped, ETag), built once per process from the committed file."""
    payload = json.loads(gzip.decompress(OUTPUT.read_bytes()))
    out = {}
    for name, collection in payload["levels"].items():
        collection["attribution"] = payload["source"]
        body = json.dumps(collection, separators=(",", ":")).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        out[name] = (body, gzip.compress(body, mtime=0), etag)
    return out


if __name__ == "__main__":
    if "--build" not in sys.argv:
        print("usage: python -m pantau.maps.basemap --build [world-atlas-2.0.2.tgz]")
        sys.exit(2)
    given = next((Path(a) for a in sys.argv if a.endswith(".tgz")), None)
    for scale, size in build(given).items():
        print(f"basemap {scale}: {size} bytes of GeoJSON")
    print(f"written {OUTPUT} ({OUTPUT.stat().st_size} bytes gzipped)")
