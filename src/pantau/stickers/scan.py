"""Reading stickers from photos and scans (PNG, JPEG) with zxing-cpp, and the offline check behind
`pantau sticker verify INPUT --trust-list FILE`."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import zxingcpp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from pantau.stickers.token import PREFIX
from pantau.stickers.trustlist import DocumentError, StatusCache, TrustList
from pantau.stickers.verify import Result, binding_matches, verify_token

# Searching one format is about ten times faster than searching all (shared/DESIGN.md).
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
MAX_SIDE = 2000  # phone photos are shrunk to this first: faster, and zxing reads them as well
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8")
EXIT_VALID, EXIT_NOT_VALID, EXIT_UNREADABLE = 0, 1, 2


class NothingReadable(ValueError):
    """No QR code could be read from the input."""


def _attempts(image: Image.Image) -> Iterator[Image.Image]:
    """Cheapest first: as is, then contrast-stretched grey, then sharpened (soft focus)."""
    yield image
    grey = ImageOps.autocontrast(image.convert("L"), cutoff=2)
    yield grey
    yield grey.filter(ImageFilter.UnsharpMask(radius=3, percent=200, threshold=0))


def read_qr(image_bytes: bytes) -> list[str]:
    """Every QR text found in the image; NothingReadable when there is none."""
    try:
        image = Image.open(io.BytesIO(image_bytes))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise NothingReadable(f"not a readable image: {exc}") from None
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    if max(upright.size) > MAX_SIDE:
        upright.thumbnail((MAX_SIDE, MAX_SIDE))
    for attempt in _attempts(upright):
        results = zxingcpp.read_barcodes(attempt, formats=QR_ONLY)
        found = [r.text for r in results if r.valid and r.text]
        if found:
            return found
    raise NothingReadable("no QR code found in the image")


def qr_texts_from_input(value: str) -> list[str]:
    """INPUT of `pantau sticker verify`: an image file, a text file, or the QR text itself."""
    path = Path(value)
    try:
        is_file = len(value) < 4096 and "\x00" not in value and path.is_file()
    except OSError:  # a QR text longer than a file name may be (ENAMETOOLONG) is not a file
        is_file = False
    if is_file:
        data = path.read_bytes()
        if data.startswith(IMAGE_MAGIC):
            return read_qr(data)
        return [data.decode("utf-8", "replace").strip()]
    return [value.strip()]


def verify_input(
    value: str, trust: TrustList, status: StatusCache | None = None, *, at: datetime | None = None
) -> Result:
    """Verify the sticker in a photo, scan, text file or QR text. With several QR codes in one
    picture, the first Pantau one counts. NothingReadable when there is nothing to verify."""
    texts = [t for t in qr_texts_from_input(value) if t]
    if not texts:
        raise NothingReadable("the input is empty")
    ours = [t for t in texts if t.startswith(PREFIX)]
    return verify_token((ours or texts)[0], trust, status, at=at)


def load_trust_file(
    path: Path, root_pem: bytes | None = None
) -> tuple[TrustList, StatusCache, x509.Certificate, bool]:
    """A bundle from `pantau keys export-trust-list` ({root_pem, trust_list, status_list}) or a
    bare signed trust list (then `root_pem` is required). Returns the root and whether it was
    pinned by the caller rather than taken from the same file."""
    doc: dict[str, Any] = json.loads(path.read_text())
    bundled = "trust_list" in doc
    if root_pem is None and not (bundled and "root_pem" in doc):
        raise DocumentError("no root certificate: pass the pinned root (--root)")
    root = x509.load_pem_x509_certificate(root_pem or doc["root_pem"].encode())
    trust = TrustList.from_document(doc["trust_list"] if bundled else doc, root)
    status = StatusCache()
    deltas = doc.get("status_list") if bundled else None
    for delta in deltas if isinstance(deltas, list) else [deltas] if deltas else []:
        status.apply(delta, root)
    return trust, status, root, root_pem is not None


def _claim_lines(result: Result, today: date) -> list[str]:
    c = result.claims
    if c is None:
        return [f"  kid {result.kid.hex()}"] if result.kid else []
    lines = [
        f"  serial {c.serial}  permit {c.permit}  nationality {c.nationality}",
        f"  entered {c.entry_date} at {c.checkpoint}  last allowed day {result.last_day}",
        f"  signed by {result.signer_code} (kid {result.kid.hex() if result.kid else '-'})"
        f"  issued {c.issued_at:%Y-%m-%d %H:%M} UTC  expires {c.expires_at:%Y-%m-%d}",
    ]
    if result.valid and result.last_day and result.last_day < today:
        lines.append(f"  overstay: the permit ended on {result.last_day}")
    return lines


def _binding_line(result: Result, mrz: str) -> tuple[bool | None, str]:
    """(matches?, line); None when the MRZ itself cannot be read."""
    # The MRZ parser belongs to the people package; imported here so the rest needs no people code.
    from pantau.people.mrz import MRZError, parse_mrz

    if result.claims is None:
        return None, "  passport binding: no claims to check"
    try:
        m = parse_mrz(mrz)
    except MRZError as exc:
        return None, f"MRZ not readable: {exc}"
    same = binding_matches(
        result.claims,
        document_number=m.document_number,
        nationality=m.nationality,
        birth_date=m.birth_date,
    )
    text = "matches this passport" if same else "does NOT belong to this passport"
    return same, f"  passport binding: {text}"


def verify_command(
    value: str,
    trust_file: Path,
    *,
    root_file: Path | None = None,
    mrz: str | None = None,
    at: datetime | None = None,
) -> tuple[int, list[str]]:
    """The body of `pantau sticker verify`: (exit code, lines to print). Exit 0 valid, 1 not
    valid (or not this passport), 2 nothing readable or an unusable trust list."""
    try:
        pem = root_file.read_bytes() if root_file else None
        trust, status, root, pinned = load_trust_file(trust_file, pem)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return EXIT_UNREADABLE, [f"error: cannot use trust list {trust_file}: {exc}"]
    try:
        result = verify_input(value, trust, status, at=at)
    except NothingReadable as exc:
        return EXIT_UNREADABLE, [f"nothing readable: {exc}"]
    lines = [f"{result.outcome.value.upper()}: {result.message}"]
    lines += _claim_lines(result, (at or datetime.now(UTC)).date())
    code = EXIT_VALID if result.valid else EXIT_NOT_VALID
    if mrz and result.claims is not None:
        same, line = _binding_line(result, mrz)
        if same is None:
            return EXIT_UNREADABLE, [*lines, line]
        lines.append(line)
        code = code if same else EXIT_NOT_VALID
    if not pinned:
        fp = hashlib.sha256(root.public_bytes(serialization.Encoding.DER)).hexdigest()
        lines.append(
            f"  root taken from the trust-list file (SHA-256 {fp[:16]}...); --root pins it"
        )
    return code, lines
