"""Public reports (laporan masyarakat): checked, rate-limited, photos re-encoded, routed to the office
for the place, followed by the reporter through a tracking code that shows the status only."""

from __future__ import annotations

import io
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer
from pantau.audit.services import Actor, record_event
from pantau.errors import NotFound, PantauError
from pantau.pii import PiiCipher
from pantau.policy import office_filter
from pantau.ratelimit import Limit, check
from pantau.reference.gazetteer import Place, gazetteer
from pantau.reference.geo import in_indonesia, nearest_office
from pantau.reference.models import Office
from pantau.reference.regions import locate, office_for_region, region_index
from pantau.reports.models import Report, ReportPhoto

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
# Decoded size of a PNG or WebP (JPEG is decoded at a reduced scale, see reencode): 24 megapixels,
# a phone photo's full size, about 100 MB while decoding. A few KiB of PNG can claim 156 megapixels.
MAX_PIXELS = 24_000_000
DECODES = threading.BoundedSemaphore(2)  # photos decoded at once in this process (memory)
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
    place: str = ""  # a place typed or picked from the suggestions ("Ubud, Gianyar")
    place_code: str = ""  # the suggestion's Kemendagri code, when picked


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
        image = Image.open(io.BytesIO(data))  # reads the header only
        if image.format not in ("JPEG", "PNG", "WEBP"):
            raise UnidentifiedImageError(image.format)
        if image.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale, near the size kept
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        width, height = image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise _not_an_image() from None
    if width * height > MAX_PIXELS:
        raise _bad(
            "photo_too_many_pixels",
            "photos",
            f"A photo may have at most {MAX_PIXELS // 1_000_000} megapixels "
            f"(this one has {width} x {height}).",
            f"Foto paling banyak {MAX_PIXELS // 1_000_000} megapiksel "
            f"(foto ini {width} x {height}).",
        )
    with DECODES:
        try:
            image.load()
        except (OSError, Image.DecompressionBombError):
            raise _not_an_image() from None
        clean: Image.Image = (ImageOps.exif_transpose(image) or image).convert("RGB")
        clean.thumbnail((MAX_SIDE, MAX_SIDE))
        out = io.BytesIO()
        clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), clean.width, clean.height


def gazetteer_regency_name(place: Place) -> str:
    """The regency's name of a gazetteer place ("Kabupaten Gianyar")."""
    gaz = gazetteer()
    parts = place.code.split(".")
    regency = gaz.get(".".join(parts[:2])) if gaz and len(parts) >= 2 else None
    return regency.name if regency else ""


def _same(a: str, b: str) -> bool:
    """Regency names as the boundaries and the gazetteer write them ("Kota Administrasi Jakarta
    Selatan" is "Kota Jakarta Selatan")."""

    def key(name: str) -> str:
        return "".join(ch for ch in name.lower().replace("administrasi", "") if ch.isalnum())

    return bool(a and b) and key(a) == key(b)


def _address(data: ReportInput, place: Place | None) -> str | None:
    """What the reporter wrote about the place: the named place's full name, then their words."""
    parts = [place.label if place else "", data.address.strip()]
    return " · ".join(p for p in parts if p)[:500] or None


def _not_an_image() -> PantauError:
    return _bad(
        "not_an_image",
        "photos",
        "Photos must be JPEG, PNG or WebP images.",
        "Foto harus berupa gambar JPEG, PNG, atau WebP.",
    )


class ReportService:
    def __init__(self, session: Session, *, cipher: PiiCipher) -> None:
        self.session = session
        self.cipher = cipher

    def _named_place(self, data: ReportInput) -> Place | None:
        """The place the reporter named (picked from the suggestions, or typed), or None."""
        if not data.place.strip() and not data.place_code.strip():
            return None
        gaz = gazetteer()
        place = None
        if gaz is not None:
            place = gaz.get(data.place_code) if data.place_code.strip() else None
            if place is None and data.place.strip():
                found = gaz.search(data.place, limit=1)
                place = found[0] if found else None
        if place is None:
            raise _bad(
                "unknown_place",
                "place",
                "We do not know this place. Pick one from the suggestions, or put a pin on the map.",
                "Tempat ini tidak dikenal. Pilih salah satu dari saran, atau tandai di peta.",
            )
        if place.regency is None:
            raise _bad(
                "vague_place",
                "place",
                "Name at least the regency or city, not only the province.",
                "Sebutkan setidaknya kabupaten atau kota, bukan hanya provinsi.",
            )
        return place

    def _place_office(self, place: Place) -> str | None:
        """The office whose working area holds the named place's regency (matched by code, else
        by name: codes of regencies split off since the boundaries were drawn differ)."""
        code = place.regency
        office = office_for_region(self.session, code) if code else None
        regency = gazetteer_regency_name(place)
        if office is None and (index := region_index()) is not None:
            for row in index.rows.values():
                if _same(row["name"], regency):
                    office = office_for_region(self.session, row["code"])
                    break
        if office is None:  # without boundaries: the offices' shipped working areas, by name
            kanims = self.session.scalars(sa.select(Office).where(Office.active))
            office = next(
                (o.code for o in kanims if any(_same(a, regency) for a in o.working_area)), None
            )
        return office

    def _validate(self, data: ReportInput) -> str:
        if len(data.description.strip()) < 10:
            raise _bad(
                "empty_description",
                "description",
                "Describe what you saw in at least 10 characters.",
                "Jelaskan apa yang Anda lihat, minimal 10 karakter.",
            )
        named = self._named_place(data)
        if (data.lat is None or data.lon is None) and named is not None:
            self._check_photos(data)
            office = self._place_office(named)
            if office is None:
                raise _bad(
                    "unrouted_place",
                    "place",
                    "No office is known for this place yet. Put a pin on the map.",
                    "Belum ada kantor untuk tempat ini. Tandai tempatnya di peta.",
                )
            return office
        if data.lat is None or data.lon is None:
            raise _bad(
                "no_place",
                "lat",
                "Type the place and pick it from the suggestions, or put a pin on the map.",
                "Ketik nama tempat lalu pilih dari saran, atau tandai di peta.",
            )
        region = locate(data.lat, data.lon) if in_indonesia(data.lat, data.lon) else None
        if not in_indonesia(data.lat, data.lon) or (region is None and region_index() is not None):
            raise _bad(
                "outside_indonesia",
                "lat",
                "The place must be in Indonesia.",
                "Tempat kejadian harus di Indonesia.",
            )
        self._check_photos(data)
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

    def _check_photos(self, data: ReportInput) -> None:
        if len(data.photos) > MAX_PHOTOS:
            raise _bad(
                "too_many_photos",
                "photos",
                f"At most {MAX_PHOTOS} photos.",
                f"Paling banyak {MAX_PHOTOS} foto.",
            )

    def count_attempt(self, origin: str | None) -> None:
        """Count a submission from this address (429 past the limit). The caller commits the count
        before the work, so that a submission that fails still counts."""
        check(self.session, f"report:{origin or '-'}", PER_ADDRESS)

    def submit(self, data: ReportInput, *, origin: str | None) -> Report:
        """Store a report; the caller has counted the attempt (count_attempt)."""
        office = self._validate(data)
        photos = [reencode(p) for p in data.photos]  # before anything is stored: all or nothing
        report = Report(
            tracking_code="".join(secrets.choice(CODE_ALPHABET) for _ in range(10)),
            description=data.description.strip()[:5000],
            seen_at=data.seen_at,
            lat=data.lat,
            lon=data.lon,
            address=_address(data, self._named_place(data)),
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


def reports_for(
    session: Session, officer: Officer, *, status: str | None = None, limit: int = 300
) -> list[Report]:
    """Reports newest first: the officer's office's (national roles: all, pantau.policy)."""
    q = (
        sa.select(Report)
        .where(office_filter(officer, Report.office_code))
        .order_by(Report.received_at.desc())
        .limit(limit)
    )
    if status is not None:
        q = q.where(Report.status == status)
    return list(session.scalars(q))
