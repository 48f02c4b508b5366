"""The scanner web app (/scan/) in a real Chromium with a fake camera and a fake position:
verification in the browser, the IndexedDB outbox, offline scanning sent exactly once."""

from __future__ import annotations

import httpx
import pytest

from pantau.demo.load import DEMO_PASSWORD
from tests.browser import conftest_scanner
from tests.browser.conftest_scanner import KUTA, STICKERS, sign_in_app
from tests.browser.desk_departure import (  # noqa: F401 - collected here: one live server
    test_desk_arrival_then_exit_scan_closes_the_stay,
)

# Fixtures from conftest_scanner.py, made visible to this module.
scanner_world = conftest_scanner.scanner_world
sticker_video = conftest_scanner.sticker_video
camera_browser = conftest_scanner.camera_browser
phone = conftest_scanner.phone

# docs/sticker-format.md section 9: the worked example.
EXAMPLE_TEXT = (
    "PN1:NCFI90/10FFWTWGSLKC 46A9U5BO99%HKA*3K7BJRKDF3HD1FBMFF3BH2D10100000ZGH B9P:6%L63B75IB37B65A:"
    "SI%-9IM56-7+B8VODT+H3124PCSTA193/A6XM8AM9OCA689-Q7$/FY64HEP/KNFJMZEH+F627B5FWMM623C92OEY4DWN-PVT"
    "PJ+PFCBU34SOMD2X3ZA5 /LBS6WU2CGQ/JQBLMCM7%/68/O.BAWEL8VQB9J58RK/K8ER+.F::QG/F:J8"
)
EXAMPLE_KEY = (
    "049bc433ad68eeddb803702a5770fa660115c4e09d8ec8b6674b6f84a48c018672383caec2302d8e1d53808d969edf"
    "0a354414ef1523a5189e82a92903bd194add"
)
EXAMPLE_KID = "f9580248dea1571e"
ICAO_SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)

# In the page: the example's signer as a one-entry trust list, and a Base45 encoder for re-packing.
EXAMPLE_SETUP = """
async ([keyHex, kidHex]) => {
  const codec = await import('/static/scanner/codec.js');
  const verify = await import('/static/scanner/verify.js');
  const key = await crypto.subtle.importKey('raw', codec.fromHex(keyHex),
      {name: 'ECDSA', namedCurve: 'P-256'}, false, ['verify']);
  const trust = {signers: new Map([[kidHex, {code: 'CGK', key, revoked: false, useUntil: null}]])};
  const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  const b45 = (bytes) => {
    let out = '';
    for (let i = 0; i < bytes.length; i += 2) {
      if (i + 1 < bytes.length) {
        let n = bytes[i] * 256 + bytes[i + 1];
        out += B45[n % 45] + B45[Math.floor(n / 45) % 45] + B45[Math.floor(n / 2025)];
      } else {
        out += B45[bytes[i] % 45] + B45[Math.floor(bytes[i] / 45)];
      }
    }
    return out;
  };
  const deflate = async (bytes) => new Uint8Array(await new Response(
      new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
  window.t = {codec, verify, trust, b45, deflate};
}
"""
AT = 1796000000  # 2026-11-30, inside the example's validity


@pytest.fixture
def example_page(phone, live_server):
    phone.goto(f"{live_server.url}/scan/")
    phone.evaluate(EXAMPLE_SETUP, [EXAMPLE_KEY, EXAMPLE_KID])
    return phone


def test_pages_and_headers(live_server):
    base = live_server.url
    redirect = httpx.get(f"{base}/scan", follow_redirects=False)
    assert redirect.status_code == 307 and redirect.headers["location"] == "/scan/"
    page = httpx.get(f"{base}/scan/", cookies={"lang": "en"})
    assert page.status_code == 200 and 'lang="en"' in page.text
    assert "'wasm-unsafe-eval'" in page.headers["content-security-policy"]
    assert " 'unsafe-eval'" not in page.headers["content-security-policy"]  # wasm only, no eval()
    sw = httpx.get(f"{base}/scan/sw.js")
    assert sw.headers["service-worker-allowed"] == "/scan/"
    assert sw.headers["cache-control"] == "no-cache"
    assert "__VERSION__" not in sw.text and "/static/scanner/verify.js" in sw.text
    assert "zxing_reader.wasm" in sw.text
    manifest = httpx.get(f"{base}/scan/manifest.webmanifest").json()
    assert manifest["start_url"] == "/scan/" and manifest["name"] == "Pantau - pemindai stiker"
    for icon in manifest["icons"]:
        assert httpx.get(base + icon["src"]).status_code == 200
    wasm = httpx.get(f"{base}/static/scanner/vendor/zxing-wasm/reader/zxing_reader.wasm")
    assert wasm.headers["content-type"] == "application/wasm"


def test_worked_example_verifies_in_the_browser(example_page):
    result = example_page.evaluate(
        "async ([text, at]) => { const r = await t.verify.verifySticker(text, {trust: t.trust, "
        "status: null, now: at}); return {...r, claims: {...r.claims, salt: null, binding: null}}; }",
        [EXAMPLE_TEXT, AT],
    )
    assert result["outcome"] == "valid"
    assert result["serial"] == "ID7K3M9QZ2XA"
    assert result["lastDay"] == "2026-12-27"
    claims = result["claims"]
    assert claims["stay"] == "01937a4e-8c2b-7d3e-9a41-5f6b2c8d9e10"
    assert (claims["permit"], claims["nationality"], claims["checkpoint"]) == (2, "UTO", "CGK")
    assert claims["entry"] == "2026-11-28"
    # An unknown signer, a revoked sticker, a moved last day, a clock in the past and expiry:
    outcomes = example_page.evaluate(
        """async ([text, at]) => {
          const v = t.verify, status = new v.StatusCache(3, ['ID7K3M9QZ2XA'], {});
          const moved = new v.StatusCache(4, [], {ID7K3M9QZ2XA: '2027-01-26'});
          return [
            (await v.verifySticker(text, {trust: {signers: new Map()}, status: null, now: at})).outcome,
            (await v.verifySticker(text, {trust: t.trust, status, now: at})).outcome,
            (await v.verifySticker(text, {trust: t.trust, status: moved, now: at})).lastDay,
            (await v.verifySticker(text, {trust: t.trust, status: null, now: 1795834800 - 400})).outcome,
            (await v.verifySticker(text, {trust: t.trust, status: null, now: 1829952000})).outcome,
            (await v.verifySticker('HC1:ABC', {trust: t.trust, status: null, now: at})).outcome,
          ];
        }""",
        [EXAMPLE_TEXT, AT],
    )
    assert outcomes == [
        "unknown-key",
        "revoked-sticker",
        "2027-01-26",
        "not-yet-valid",
        "expired",
        "not-pantau",
    ]


def test_every_single_bit_flip_is_rejected(example_page):
    """Flip each bit of the COSE bytes, re-pack (zlib, Base45) and verify: none may pass."""
    outcome = example_page.evaluate(
        """async ([text, at]) => {
          const cose = await t.codec.inflate(t.codec.base45Decode(text.slice(4)));
          const seen = {};
          for (let i = 0; i < cose.length * 8; i++) {
            const copy = cose.slice();
            copy[i >> 3] ^= 1 << (i & 7);
            const packed = 'PN1:' + t.b45(await t.deflate(copy));
            const r = await t.verify.verifySticker(packed, {trust: t.trust, status: null, now: at});
            seen[r.outcome] = (seen[r.outcome] || 0) + 1;
          }
          const plain = 'PN1:' + t.b45(await t.deflate(cose));
          const back = (await t.verify.verifySticker(plain, {trust: t.trust, status: null, now: at})).outcome;
          return {bits: cose.length * 8, seen, back};
        }""",
        [EXAMPLE_TEXT, AT],
    )
    assert outcome["back"] == "valid"  # the re-packing itself is faithful
    assert outcome["bits"] == 167 * 8
    assert "valid" not in outcome["seen"], outcome["seen"]
    assert sum(outcome["seen"].values()) == outcome["bits"]


def test_passport_binding_and_mrz(example_page):
    result = example_page.evaluate(
        """async (mrzText) => {
          const mrz = await import('/static/scanner/mrz.js');
          const passport = mrz.parseMrz(mrzText);
          const salt = t.codec.fromHex('9f3c1a7e5b20d4c8');
          const binding = t.codec.toHex(await t.verify.bindingOf(salt, passport));
          let bad;
          try { mrz.parseMrz(mrzText.replace('L898902C36', 'L898902C37')); } catch (e) { bad = e.code; }
          return {passport, binding, bad};
        }""",
        ICAO_SPECIMEN,
    )
    assert result["passport"] == {
        "documentNumber": "L898902C3",
        "nationality": "UTO",
        "birthDate": "740812",
    }
    assert result["binding"] == "b99eb16c89123241"  # docs/sticker-format.md section 4
    assert result["bad"] == "document_number"


def test_outbox_survives_a_reload(phone, live_server):
    phone.goto(f"{live_server.url}/scan/")
    ids = phone.evaluate(
        """async () => {
          const outbox = await import('/static/scanner/outbox.js');
          const ids = [crypto.randomUUID(), crypto.randomUUID()];
          for (const id of ids) await outbox.enqueue({id, qr_text: 'PN1:X', device_time: new Date().toISOString(),
              kind: 'check', device: 'test', fix_time: null, lat: null, lon: null, accuracy_m: null});
          return ids;
        }"""
    )
    phone.reload()
    kept = phone.evaluate(
        "async () => (await (await import('/static/scanner/outbox.js')).waiting()).map(s => s.id)"
    )
    assert sorted(kept) == sorted(ids)


def _server_scans(base: str, officer: dict[str, str], serial: str) -> list[dict]:
    response = httpx.get(f"{base}/api/v1/scans", params={"sticker": serial}, headers=officer)
    assert response.status_code == 200, response.text
    return response.json()


def test_offline_scans_reload_and_reach_the_server_exactly_once(phone, live_server, scanner_world):
    """The issue's 'done when': no network, ten stickers scanned, the app closed and opened again,
    the network back - and the data centre holds exactly those ten scans, with position and times."""
    base = live_server.url
    sign_in_app(phone, base, "petugas.cgk")
    phone.evaluate("async () => { await navigator.serviceWorker.ready; }")
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.context.set_offline(True)
    phone.reload()  # opens from the service worker's cache
    phone.wait_for_selector("#scanner:not([hidden])")
    assert phone.locator("#net").inner_text() == "Luring"
    assert (
        phone.evaluate(
            # no-store: the root is public and cacheable (max-age), so only the network counts
            "() => fetch('/api/v1/trust-list/root', {cache: 'no-store'})"
            ".then(() => 'reached', () => 'offline')"
        )
        == "offline"
    )
    assert phone.evaluate("async () => !!(await caches.match('/scan/'))")
    phone.click("#camera")
    phone.wait_for_function(
        f"() => document.querySelector('#waiting').dataset.count === '{STICKERS}'", timeout=60_000
    )
    phone.click("#camera")  # stop
    assert (
        phone.locator("#decoder").inner_text() == "Pembaca QR: zxing-wasm"
    )  # no BarcodeDetector here
    assert phone.locator("#verdict").inner_text() == "BERLAKU"
    phone.reload()  # closed and opened again, still offline
    phone.wait_for_selector("#scanner:not([hidden])")
    phone.wait_for_function(
        f"() => document.querySelector('#waiting').dataset.count === '{STICKERS}'"
    )
    phone.context.set_offline(False)
    phone.wait_for_function(
        "() => document.querySelector('#waiting').dataset.count === '0'", timeout=30_000
    )
    for sticker in scanner_world.stickers:
        rows = [
            r
            for r in _server_scans(base, scanner_world.officer, sticker.serial)
            if r["device"].startswith("web-")
        ]
        assert len(rows) == 1, (sticker.serial, rows)
        row = rows[0]
        assert row["verdict"] == "valid" and row["kind"] == "check"
        assert (
            abs(row["lat"] - KUTA["latitude"]) < 1e-6 and abs(row["lon"] - KUTA["longitude"]) < 1e-6
        )
        assert row["accuracy_m"] == KUTA["accuracy"]
        assert row["fix_time"] is not None and row["device_time"] < row["received_at"]
        assert row["scanner_role"] == "officer"


def test_hotel_records_check_in_with_receipt_and_sees_validity_only(
    phone, live_server, scanner_world
):
    sign_in_app(phone, live_server.url, "hotel.kuta")
    kinds = phone.locator("#kinds button").all_inner_texts()
    assert kinds == ["Check-in tamu", "Check-out tamu"]
    sticker = scanner_world.stickers[0]
    phone.evaluate("(text) => window.pantauScanner.handleText(text)", sticker.qr_text)
    assert phone.locator("#verdict").inner_text() == "BERLAKU"
    phone.wait_for_function(
        "() => document.querySelector('#sync-state').dataset.state === 'stored'"
    )
    assert "Tanda terima" in phone.locator("#sync-state").inner_text()
    assert (
        phone.locator("#mrz-box").is_hidden() is False
    )  # binding check offered on a valid sticker
    phone.click("#person-button")
    phone.wait_for_selector("#person dl")
    shown = phone.locator("#person").inner_text()
    assert "Nama" not in shown and "Traveller" not in shown.upper()


def test_officer_checks_passport_binding_and_sees_the_person(phone, live_server, scanner_world):
    sign_in_app(phone, live_server.url, "timpora.bali")
    sticker = scanner_world.stickers[1]
    phone.evaluate("(text) => window.pantauScanner.handleText(text)", sticker.qr_text)
    phone.click("#mrz-box summary")
    phone.fill("#mrz", sticker.mrz)
    phone.click("#mrz-check")
    phone.wait_for_function("() => document.querySelector('#mrz-result').dataset.match === 'true'")
    phone.fill("#mrz", scanner_world.stickers[2].mrz)
    phone.click("#mrz-check")
    phone.wait_for_function("() => document.querySelector('#mrz-result').dataset.match === 'false'")
    phone.click("#person-button")
    phone.wait_for_selector("#person dl")
    assert "TRAVELLERB" in phone.locator("#person").inner_text().upper()


def test_stale_lists_cannot_vouch_and_forgery_is_named(phone, live_server, scanner_world):
    sign_in_app(phone, live_server.url, "petugas.mdn")
    sticker = scanner_world.stickers[3]
    forged = (
        sticker.qr_text[:-6] + ("A" if sticker.qr_text[-6] != "A" else "B") + sticker.qr_text[-5:]
    )
    phone.evaluate("(text) => window.pantauScanner.handleText(text)", forged)
    assert phone.locator("#verdict").inner_text() == "TIDAK ASLI"
    phone.evaluate(
        "() => { const s = window.pantauScanner.state; s.statusIssuedAt = new Date(Date.now() - 8 * 86400000); }"
    )
    phone.evaluate("(text) => window.pantauScanner.handleText(text)", sticker.qr_text)
    assert phone.locator("#verdict").inner_text() == "TIDAK DAPAT DIPASTIKAN"
    assert "8 hari" in phone.locator("#verdict-detail").inner_text()


def test_trust_list_and_status_list_are_checked_against_the_pinned_root(phone, live_server):
    base = live_server.url
    token = httpx.post(
        f"{base}/api/v1/auth/device-token",
        data={"username": "hotel.kuta", "password": DEMO_PASSWORD, "otp": ""},
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    trust = httpx.get(f"{base}/api/v1/trust-list", headers=auth).json()
    status = httpx.get(f"{base}/api/v1/status-list?since=0", headers=auth).json()
    root = httpx.get(f"{base}/api/v1/trust-list/root").text
    phone.goto(f"{base}/scan/")
    outcome = phone.evaluate(
        """async ([trust, status, rootPem]) => {
          const codec = await import('/static/scanner/codec.js');
          const v = await import('/static/scanner/verify.js');
          const root = codec.pemToDer(rootPem);
          const good = await v.loadTrust(trust, root);
          const refuse = async (fn) => { try { await fn(); return 'accepted'; } catch (e) { return e.constructor.name; } };
          const raw = codec.fromBase64(trust.payload);
          raw[raw.length - 3] ^= 1;
          const flipped = {...trust, payload: codec.toBase64(raw)};
          const cache = new v.StatusCache(0);
          const applied = await cache.apply(status, good.rootKey);
          return {
            signers: good.signers.size,
            flipped: await refuse(() => v.loadTrust(flipped, root)),
            otherRoot: await refuse(() => v.loadTrust(trust, root.slice(0, -1))),
            statusAsTrust: await refuse(() => v.loadTrust(status, root)),
            applied, version: cache.version,
          };
        }""",
        [trust, status, root],
    )
    assert outcome["signers"] >= 1
    assert outcome["flipped"] == "DocumentError"
    assert outcome["otherRoot"] != "accepted"
    assert outcome["statusAsTrust"] == "DocumentError"
    assert outcome["applied"]["complete"] is True
