"""Public reports (laporan masyarakat): checked, rate-limited, photos re-encoded, routed to the office
for the place, followed by the reporter through a tracking code that shows the status only."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.errors import NotFound, PantauError
from pantau.pii import PiiCipher
from pantau.ratelimit import Limit, check
from pantau.reference.geo import in_indonesia, nearest_office
from pantau.reference.regions import locate, office_for_region, region_index
from pantau.reports.models import Report, ReportPhoto

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
PER_ADDRESS = Limit(5, 3600)  # five reports an hour from one address
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CONTACT = "report.contact"


@dataclass
class ReportInput:
    description: str
    lat: float | None
    lon: float | None
    address: str
    seen_at: datetime | None
    contact: str
    photos: list[bytes]
    language: str = "id"


def _bad(code: str, field: str, en: str, id_: str) -> PantauError:
    return PantauError(code, en, id_, status=422, field=field)


def reencode(data: bytes) -> tuple[bytes, int, int]:
    """Images only; re-encoded as JPEG so that EXIF (with GPS and camera) and anything hidden in the
    file is dropped."""
    if len(data) > MAX_PHOTO_BYTES:
        raise _bad(
            "photo_too_large",
            "photos",
            "A photo may be at most 5 MB.",
            "Ukuran foto paling besar 5 MB.",
        )
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ("JPEG", "PNG", "WEBP"):
            raise UnidentifiedImageError(image.format)
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise _bad(
            "not_an_image",
            "photos",
            "Photos must be JPEG, PNG or WebP images.",
            "Foto harus berupa gambar JPEG, PNG, atau WebP.",
        ) from None
    clean: Image.Image = (ImageOps.exif_transpose(image) or image).convert("RGB")
    clean.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), clean.width, clean.height


class ReportService:
    def __init__(self, session: Session, *, cipher: PiiCipher) -> None:
        self.session = session
        self.cipher = cipher

    def _validate(self, data: ReportInput) -> str:
        if len(data.description.strip()) < 10:
            raise _bad(
                "empty_description",
                "description",
                "Describe what you saw in at least 10 characters.",
                "Jelaskan apa yang Anda lihat, minimal 10 karakter.",
            )
        if data.lat is None or data.lon is None:
            raise _bad(
                "no_place",
                "lat",
                "Put a pin on the map where it happened.",
                "Tandai di peta tempat kejadiannya.",
            )
        region = locate(data.lat, data.lon) if in_indonesia(data.lat, data.lon) else None
        if not in_indonesia(data.lat, data.lon) or (region is None and region_index() is not None):
            raise _bad(
                "outside_indonesia",
                "lat",
                "The place must be in Indonesia.",
                "Tempat kejadian harus di Indonesia.",
            )
        if len(data.photos) > MAX_PHOTOS:
            raise _bad(
                "too_many_photos",
                "photos",
                f"At most {MAX_PHOTOS} photos.",
                f"Paling banyak {MAX_PHOTOS} foto.",
            )
        # The office whose working area holds the place; without boundaries, the nearest office.
        office = office_for_region(self.session, region) if region else None
        office = office or nearest_office(self.session, data.lat, data.lon)
        if office is None:
            raise PantauError(
                "no_office",
                "No office can take reports now.",
                "Belum ada kantor yang dapat menerima laporan.",
                status=503,
            )
        return office

    def submit(self, data: ReportInput, *, origin: str | None) -> Report:
        check(self.session, f"report:{origin or '-'}", PER_ADDRESS)
        office = self._validate(data)
        photos = [reencode(p) for p in data.photos]  # before anything is stored: all or nothing
        report = Report(
            tracking_code="".join(secrets.choice(CODE_ALPHABET) for _ in range(10)),
            description=data.description.strip()[:5000],
            seen_at=data.seen_at,
            lat=data.lat,
            lon=data.lon,
            address=data.address.strip()[:500] or None,
            office_code=office,
            contact=self.cipher.encrypt(data.contact.strip(), CONTACT)
            if data.contact.strip()
            else None,
            language=data.language,
        )
        report.photos = [ReportPhoto(jpeg=j, width=w, height=h) for j, w, h in photos]
        self.session.add(report)
        self.session.flush()
        record_event(
            self.session,
            "cases:report:receive",
            actor=Actor("public", origin=origin),
            target=f"report:{report.id}",
            details={"office": office, "photos": len(photos)},
        )
        return report

    def by_code(self, code: str) -> Report:
        report = (
            self.session.query(Report).filter(Report.tracking_code == code.strip().upper()).first()
        )
        if report is None:
            raise NotFound(
                "unknown_report",
                "No report with this tracking code.",
                "Tidak ada laporan dengan kode ini.",
            )
        return report
