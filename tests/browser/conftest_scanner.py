"""Fixtures for the scanner app's browser tests (imported by test_scanner.py): stickers issued on
the live server, a fake camera that films them one after another, and a Chromium launched with it."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
from PIL import Image, ImageDraw

from pantau.demo.load import DEMO_PASSWORD, demo_account
from pantau.people.mrz import build_td3
from pantau.stickers import render
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

STICKERS = 10
FRAMES_PER_STICKER = 30  # Chromium plays an MJPEG file at 30 frames a second: one second each
_used_windows: dict[str, int] = {}


def otp_for(username: str) -> str:
    """A one-time code not used before in this run (a code is refused when replayed, so a second
    sign-in of the same account waits for the next 30-second window)."""
    acc = demo_account(username)
    if acc is None or not acc.role.second_factor_required:
        return ""
    totp = pyotp.TOTP(acc.totp_secret)
    window = int(time.time() // 30)
    if _used_windows.get(username, -1) >= window:
        time.sleep(30 - time.time() % 30 + 0.5)
        window = int(time.time() // 30)
    _used_windows[username] = window
    return totp.now()


def api_token(base: str, username: str) -> dict[str, str]:
    data = {"username": username, "password": DEMO_PASSWORD, "otp": otp_for(username)}
    response = httpx.post(f"{base}/api/v1/auth/token", data=data)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@dataclass
class Issued:
    serial: str
    qr_text: str
    mrz: str
    last_day: str


@dataclass
class ScannerWorld:
    base: str
    officer: dict[str, str]
    stickers: list[Issued] = field(default_factory=list)


def issue(base: str, officer: dict[str, str], i: int, *, days_ago: int = 2) -> Issued:
    mrz = build_td3(
        surname=f"Traveller{chr(65 + i)}",
        given_names="Test",
        number=f"SC{i:07d}",
        nationality="AUS",
        birth_date=date(1980 + i, 1 + i % 12, 1 + i),
        sex="F",
        expiry_date=date(2033, 1, 1),
    )
    arrived = datetime.now(UTC) - timedelta(days=days_ago)
    response = httpx.post(
        f"{base}/api/v1/arrivals",
        headers=officer,
        json={
            "mrz": mrz,
            "permit": "visa-exemption",
            "checkpoint": "DPS",
            "arrived_at": arrived.isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Issued(
        body["sticker"]["serial"], body["sticker"]["qr_text"], mrz, body["stay"]["last_day"]
    )


@pytest.fixture(scope="module")
def scanner_world(live_server) -> ScannerWorld:
    officer = api_token(live_server.url, "petugas.ngr")
    world = ScannerWorld(live_server.url, officer)
    world.stickers = [issue(live_server.url, officer, i) for i in range(STICKERS)]
    return world


def sticker_frame(qr_text: str, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A printed sticker as the camera sees it: the label's QR on off-white paper, slightly
    tilted and not filling the view."""
    paper = Image.new("RGB", size, (214, 208, 196))
    code = Image.open(io.BytesIO(render.png(qr_text))).convert("RGB")
    code = code.resize((340, 340), Image.Resampling.NEAREST).rotate(
        4, expand=True, fillcolor=(214, 208, 196), resample=Image.Resampling.BILINEAR
    )
    paper.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    ImageDraw.Draw(paper).text((20, 20), "Pantau test camera", fill=(90, 90, 90))
    return paper


def write_mjpeg(path: Path, texts: list[str], frames_each: int = FRAMES_PER_STICKER) -> Path:
    """Chromium's fake camera reads a .mjpeg file: JPEG images one after another."""
    with path.open("wb") as fh:
        for text in texts:
            buf = io.BytesIO()
            sticker_frame(text).save(buf, "JPEG", quality=85)
            fh.write(buf.getvalue() * frames_each)
    return path


@pytest.fixture(scope="module")
def sticker_video(scanner_world, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("camera")
    return write_mjpeg(folder / "stickers.mjpeg", [s.qr_text for s in scanner_world.stickers])


@pytest.fixture(scope="module")
def camera_browser(playwright_driver, sticker_video):
    """A Chromium of its own: the fake camera is chosen when the browser starts."""
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={sticker_video}",
    ]
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
    yield browser
    browser.close()


# Near the Ngurah Rai office, Kuta (Bali).
KUTA = {"latitude": -8.7215, "longitude": 115.1700, "accuracy": 12}


def phone_context(browser, geolocation: dict[str, float] = KUTA):
    """A phone-sized browser context with camera and location permitted and a fixed position."""
    return browser.new_context(
        locale="id-ID",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation=geolocation,
        permissions=["geolocation", "camera"],
    )


@pytest.fixture
def phone(camera_browser, live_server):
    context = phone_context(camera_browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    page.console_messages = messages  # type: ignore[attr-defined]
    yield page
    context.close()


def sign_in_app(page, base: str, username: str) -> None:
    page.goto(f"{base}/scan/")
    page.wait_for_selector("#signin:not([hidden])")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.fill("#otp", otp_for(username))
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#scanner:not([hidden])")
    page.wait_for_function("() => window.pantauScanner.state.statusIssuedAt !== null")
