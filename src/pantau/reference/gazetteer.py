"""Place names people type: provinces, regencies and cities, districts (kecamatan) and villages
(desa/kelurahan), so a report can name a place without a pin ("Ubud, Gianyar").

Source: the npm package `idn-area-data` 4.0.1 (code MIT; data under the Open Database Licence,
ODbL 1.0, from the Kemendagri regulation), version pinned and checked against its sha512 integrity.
Like the boundaries it is fetched at install time (`make install`, or
`python -m pantau.reference.gazetteer`) and written, compacted, to a gitignored file next to this
module; ODbL asks for attribution (README, docs/supervision.md) and that a changed database be
shared alike. Without the file the report form still takes a pin.

Codes are Kemendagri's: province "51", regency "51.04", district "51.04.05", village
"51.04.05.2001". A regency's code without dots ("5104") is the region code of the boundaries.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pantau.reference import boundaries

PACKAGE = "idn-area-data"
VERSION = "4.0.1"
INTEGRITY = "sha512-PhNSIl5T7swVwwWxJOFMtCaeHAF9TUu0HLDf+36EIWZro9j7au83AFIJiBQGL+iRsBDA2OlpJ5fjiqxNYndzOQ=="
SOURCE = "idn-area-data 4.0.1 (Kemendagri codes and names; ODbL 1.0)"
OUTPUT = Path(__file__).with_name("places.json.gz")
LEVELS = ("provinces", "regencies", "districts", "villages")
RANK = {"province": 0, "regency": 1, "district": 2, "village": 3}  # bigger first when equal


def compact(blob: bytes) -> dict[str, Any]:
    """The package's CSV files -> {level: [[code, name], ...]}."""
    out: dict[str, Any] = {"source": SOURCE}
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        for level in LEVELS:
            member = tar.extractfile(f"package/data/{level}.csv")
            if member is None:
                raise boundaries.BoundaryError(f"{level}.csv is missing from {PACKAGE}")
            rows = csv.DictReader(io.StringIO(member.read().decode("utf-8")))
            out[level] = [[r["code"], r["name"].strip()] for r in rows]
    return out


def fetch(out: Path = OUTPUT, *, tarball: Path | None = None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        blob = (
            tarball.read_bytes()
            if tarball
            else boundaries.fetch_tarball(Path(tmp), package=PACKAGE, version=VERSION)
        )
    boundaries.check_integrity(blob, INTEGRITY, package=f"{PACKAGE}@{VERSION}")
    data = compact(blob)
    tmp_out = out.with_suffix(".tmp")
    tmp_out.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":")).encode(), mtime=0))
    tmp_out.replace(out)
    return sum(len(data[level]) for level in LEVELS)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_PREFIX = re.compile(
    r"^(kabupaten|kab|kota|provinsi|kecamatan|kec|desa|kelurahan|kel)\b\.?\s*", re.I
)


def _bare(name: str) -> str:
    """'Kabupaten Gianyar' -> 'gianyar' (what people type)."""
    return _key(_PREFIX.sub("", name))


@dataclass(frozen=True, slots=True)
class Place:
    code: str  # Kemendagri code with dots
    name: str
    kind: str  # province | regency | district | village
    label: str  # "Ubud, Kabupaten Gianyar, Bali"

    @property
    def regency(self) -> str | None:
        """The regency's code as the boundaries write it ("5104"); None for a province."""
        parts = self.code.split(".")
        return parts[0] + parts[1] if len(parts) >= 2 else None

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "kind": self.kind, "label": self.label}


class Gazetteer:
    def __init__(self, data: dict[str, Any]) -> None:
        names = {code: name for level in LEVELS for code, name in data[level]}
        kinds = {
            "provinces": "province",
            "regencies": "regency",
            "districts": "district",
            "villages": "village",
        }
        self.places: dict[str, Place] = {}
        self._index: list[tuple[str, str, str]] = []  # (bare name, context key, code)
        for level in LEVELS:
            for code, name in data[level]:
                parts = code.split(".")
                ancestors = [
                    names.get(".".join(parts[:i]), "") for i in range(len(parts) - 1, 0, -1)
                ]
                label = ", ".join([name, *[a for a in ancestors if a]])
                self.places[code] = Place(code, name, kinds[level], label)
                self._index.append((_bare(name), _key(label), code))

    def get(self, code: str) -> Place | None:
        return self.places.get(code.strip())

    def search(self, text: str, limit: int = 10) -> list[Place]:
        """Places whose name matches the first part typed, and whose regency or province matches
        the rest: "Ubud, Gianyar" -> the district Ubud and the village Ubud in Gianyar."""
        parts = [_bare(p) for p in text.split(",")]
        parts = [p for p in parts if p]
        if not parts or len(parts[0]) < 2:
            return []
        first, rest = parts[0], parts[1:]
        found = []
        for bare, context, code in self._index:
            if first not in bare or not all(r in context for r in rest):
                continue
            place = self.places[code]
            exact = 0 if bare == first else 1 if bare.startswith(first) else 2
            found.append((exact, RANK[place.kind], len(place.label), place.label, place))
        found.sort(key=lambda f: f[:4])
        return [f[4] for f in found[:limit]]


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer | None:
    if not OUTPUT.exists():
        return None
    return Gazetteer(json.loads(gzip.decompress(OUTPUT.read_bytes())))


def main(argv: list[str]) -> int:
    force = "--force" in argv
    tarball = next((Path(a) for a in argv if a.endswith(".tgz")), None)
    if OUTPUT.exists() and not force:
        print(f"gazetteer: {OUTPUT.name} present (use --force to fetch again)")
        return 0
    try:
        n = fetch(tarball=tarball)
    except (boundaries.BoundaryError, OSError, subprocess.SubprocessError) as exc:
        print(f"gazetteer: not fetched ({exc}); reports need a pin on the map")
        return 1
    print(f"gazetteer: {n} places written to {OUTPUT} ({SOURCE})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
