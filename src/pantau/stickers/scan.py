"""Reading stickers from photos and scans (PNG, JPEG) with zxing-cpp."""

from __future__ import annotations

import io
from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

# Searching one format is about ten times faster than searching all (shared/DESIGN.md).
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


class NothingReadable(ValueError):
    """No QR code could be read from the input."""


def read_qr(image_bytes: bytes) -> list[str]:
    """Every QR text found in the image (first try as is, then contrast-stretched greyscale)."""
    try:
        image = Image.open(io.BytesIO(image_bytes))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise NothingReadable(f"not a readable image: {exc}") from None
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    attempts = [upright, ImageOps.autocontrast(upright.convert("L"), cutoff=2)]
    for attempt in attempts:
        found = [
            r.text for r in zxingcpp.read_barcodes(attempt, formats=QR_ONLY) if r.valid and r.text
        ]
        if found:
            return found
    raise NothingReadable("no QR code found in the image")


def qr_texts_from_input(value: str) -> list[str]:
    """INPUT of `pantau sticker verify`: an image file, a text file, or the QR text itself."""
    path = Path(value)
    if len(value) < 4096 and path.exists():
        data = path.read_bytes()
        if data[:4] in (
            b"\x89PNG",
            b"\xff\xd8\xff\xe0",
            b"\xff\xd8\xff\xe1",
            b"\xff\xd8\xff\xdb",
        ) or (data[:2] == b"\xff\xd8"):
            return read_qr(data)
        return [data.decode("utf-8", "replace").strip()]
    return [value.strip()]
