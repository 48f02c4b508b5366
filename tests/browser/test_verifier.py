"""The public verifier page /verifikasi in a real Chromium, signed out, with every request to
another host blocked: a printed sticker read by the fake camera says "valid until ...", a revoked
one says revoked, and nothing is sent back. The browser's verification code (shared with the
scanner app) against the published test vectors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from pantau.stickers.models import StatusChange, Sticker, StickerStatus
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.conftest_scanner import api_token, issue, write_mjpeg

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "sticker-vectors.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def two_stickers(live_server):
    """A valid sticker and a revoked one, issued through the API; the revocation as the people
    service records it (sticker status and a status-list line)."""
    officer = api_token(live_server.url, "petugas.ngr")
    valid = issue(live_server.url, officer, 20)
    revoked = issue(live_server.url, officer, 21)
    with live_server.factory() as s, s.begin():
        sticker = s.get(Sticker, revoked.serial)
        assert sticker is not None
        sticker.status = StickerStatus.REVOKED
        s.add(StatusChange(serial=revoked.serial, kind="revoked"))
    return valid, revoked


@pytest.fixture(scope="module")
def verifier_browser(playwright_driver, two_stickers, tmp_path_factory):
    video = write_mjpeg(
        tmp_path_factory.mktemp("verifier") / "two.mjpeg", [s.qr_text for s in two_stickers]
    )
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def visitor(verifier_browser, live_server):
    """A phone with no account and no cookies; requests to any host but Pantau's are aborted and
    recorded, and every request Pantau gets is recorded too."""
    context = verifier_browser.new_context(
        locale="en-GB",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        permissions=["camera"],
    )
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    own = urlsplit(live_server.url).netloc
    blocked: list[str] = []
    requests: list[tuple[str, str, str | None]] = []

    def gate(route):
        request = route.request
        if urlsplit(request.url).netloc != own:
            blocked.append(request.url)
            route.abort()
            return
        requests.append((request.method, request.url, request.post_data))
        route.continue_()

    context.route("**/*", gate)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.blocked, page.requests, page.errors = blocked, requests, errors  # type: ignore[attr-defined]
    yield page
    context.close()


def test_page_headers_and_languages(live_server):
    en = httpx.get(f"{live_server.url}/verifikasi", cookies={"lang": "en"})
    assert en.status_code == 200 and 'lang="en"' in en.text
    assert "Nothing you scan or paste is sent to the server" in en.text
    assert "'wasm-unsafe-eval'" in en.headers["content-security-policy"]
    assert "'unsafe-inline'" not in en.headers["content-security-policy"]
    assert "camera=(self)" in en.headers["permissions-policy"]
    id_ = httpx.get(f"{live_server.url}/verifikasi", cookies={"lang": "id"})
    assert "tidak dikirim ke server" in id_.text
    assert httpx.get(f"{live_server.url}/verify").headers["location"] == "/verifikasi"
    # Found without an account: the sign-in page links to it.
    assert 'href="/verifikasi"' in httpx.get(f"{live_server.url}/login").text


def test_camera_reads_a_valid_and_a_revoked_sticker_signed_out(visitor, live_server, two_stickers):
    valid, revoked = two_stickers
    page = visitor
    page.goto(f"{live_server.url}/verifikasi?decoder=zxing")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#camera")
    page.wait_for_selector("[data-fact=valid-until]")
    page.wait_for_function(
        "() => document.querySelector('[data-fact=valid-until]')?.textContent.startsWith('Valid until')"
    )
    first = page.inner_text("#result")
    assert page.get_attribute("#verdict", "data-verdict") in ("valid", "expiring")
    assert "Genuine" in first and "Not revoked" in first
    # The camera film moves on to the revoked sticker.
    page.wait_for_function("() => document.querySelector('#verdict').dataset.verdict === 'revoked'")
    second = page.inner_text("#result")
    assert "REVOKED" in second and "Revoked: this sticker is no longer valid" in second
    assert "Valid until" not in second
    # Nothing personal on the page: no name, no passport number, not even the serial.
    body = page.inner_text("body")
    for secret in ("Traveller", "SC0000020", valid.serial, revoked.serial):
        assert secret not in body
    assert "zxing" in page.inner_text("#decoder")  # the scanner's decoder, WebAssembly from Pantau
    # Nothing left Pantau's origin, nothing but GETs reached it, and no sticker text in any URL.
    assert page.blocked == []
    assert {m for m, _, _ in page.requests} == {"GET"}
    for _, url, body_sent in page.requests:
        assert body_sent is None
        assert valid.qr_text[4:20] not in url and revoked.qr_text[4:20] not in url
    assert page.errors == []


def test_pasted_text_and_damaged_text(visitor, live_server, two_stickers):
    """Bad inputs tried: a sticker with one character changed, another QR code's text, empty."""
    valid, _ = two_stickers
    page = visitor
    page.goto(f"{live_server.url}/verifikasi")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#paste", valid.qr_text)
    page.click("#paste-form button[type=submit]")
    page.wait_for_selector("[data-fact=valid-until]")
    assert page.get_attribute("#verdict", "data-verdict") in ("valid", "expiring")
    damaged = valid.qr_text[:-3] + ("A" if valid.qr_text[-3] != "A" else "B") + valid.qr_text[-2:]
    for text, verdict in (
        (damaged, "not-genuine"),
        ("https://example.com", "not-pantau"),
        ("", "not-pantau"),
    ):
        page.fill("#paste", text)
        page.click("#paste-form button[type=submit]")
        page.wait_for_function(
            f"() => document.querySelector('#verdict').dataset.verdict === '{verdict}'"
        )
        assert page.query_selector("[data-fact=valid-until]") is None
    assert page.blocked == [] and {m for m, _, _ in page.requests} == {"GET"}


def test_browser_verifier_passes_the_test_vectors(visitor, live_server):
    """verify.js (the scanner's and this page's) against docs/sticker-vectors.json."""
    page = visitor
    page.goto(f"{live_server.url}/verifikasi")
    results = page.evaluate(
        """async (doc) => {
          const codec = await import('/static/scanner/codec.js');
          const v = await import('/static/scanner/verify.js');
          const rootDer = codec.pemToDer(doc.root_pem);
          const out = {};
          for (const vec of doc.vectors) {
            const trust = await v.loadTrust(vec.trust_list, rootDer);
            const status = new v.StatusCache();
            for (const delta of vec.status_list) await status.apply(delta, trust.rootKey);
            const r = await v.verifySticker(vec.qr_text, {trust, status, now: Date.parse(vec.at) / 1000});
            out[vec.name] = {outcome: r.outcome, last_day: r.lastDay ?? null};
          }
          return out;
        }""",
        VECTORS,
    )
    for vec in VECTORS["vectors"]:
        got = results[vec["name"]]
        assert got["outcome"] == vec["expected"]["outcome"], (vec["name"], got)
        if "last_day" in vec["expected"]:
            assert got["last_day"] == vec["expected"]["last_day"], vec["name"]
    assert len(results) == len(VECTORS["vectors"])


def test_reference_verifier_with_the_published_documents(live_server, two_stickers, tmp_path):
    """examples/verify_sticker.py as a third party runs it: the root pinned from a file, the lists
    fetched over HTTP from the running server without an account."""
    valid, revoked = two_stickers
    root = tmp_path / "root.pem"
    root.write_bytes(httpx.get(f"{live_server.url}/api/v1/trust-list/root").content)
    example = Path(__file__).resolve().parents[2] / "examples" / "verify_sticker.py"
    outcomes = []
    for sticker in (valid, revoked):
        done = subprocess.run(
            [
                sys.executable,
                str(example),
                "--server",
                live_server.url,
                "--root",
                str(root),
                sticker.qr_text,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        outcomes.append((done.returncode, done.stdout.split()[:2]))
    assert outcomes == [(0, ["valid", valid.last_day]), (1, ["revoked-sticker", revoked.last_day])]
