"""In-browser decode-and-verify time per camera frame, as the scanner app does it on a phone.

    .venv/bin/python bench/scanner_browser.py [frames]

Headless Chromium (Debian's `chromium`, driven by Playwright) loads the scanner's own modules from
`src/pantau/static/scanner/`. A frame is a printed sticker on paper, as the camera sees it, in a
canvas; per frame the app reads the pixels, decodes the QR with ZXing-C++ in WebAssembly
(`camera.js`) and verifies the token with WebCrypto against a verified trust list (`verify.js`).
Prints the median and 90th percentile over N frames, and the two halves apart. A phone is slower
than this machine: a mid-range Android phone is typically 3-5 times slower at WebAssembly.
"""

from __future__ import annotations

import base64
import functools
import http.server
import io
import secrets
import shutil
import sys
import tempfile
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from PIL import Image

from pantau.stickers import render
from pantau.stickers.pki import FileKeyStore
from pantau.stickers.token import Claims, encode_token
from pantau.stickers.trustlist import export_trust_list


def claims(now: datetime) -> Claims:
    return Claims(
        serial="ID" + secrets.token_hex(5).upper(),
        stay_id=uuid.uuid4().bytes,
        permit="visa-exemption",
        nationality="AUS",
        entry_date=now.date(),
        checkpoint="CGK",
        last_day=now.date() + timedelta(days=29),
        issued_at=now,
        expires_at=now + timedelta(days=395),
        bind_salt=secrets.token_bytes(8),
        binding=secrets.token_bytes(8),
    )


PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pantau"

MEASURE = """
async ([envelope, rootPem, frames, n]) => {
  const codec = await import('/static/scanner/codec.js');
  const verify = await import('/static/scanner/verify.js');
  const camera = await import('/static/scanner/camera.js');
  const trust = await verify.loadTrust(envelope, codec.pemToDer(rootPem));
  const status = new verify.StatusCache();
  const decoder = await camera.makeDecoder('zxing');
  const out = {};
  for (const [name, url] of Object.entries(frames)) {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width; canvas.height = img.height;
    canvas.getContext('2d', {willReadFrequently: true}).drawImage(img, 0, 0);
    const both = [], dec = [], ver = [];
    let text = null;
    for (let i = 0; i < n + 3; i++) {   // three warm-up frames
      const t0 = performance.now();
      const texts = await decoder.decode(canvas);
      const t1 = performance.now();
      const r = await verify.verifySticker(texts[0], {trust, status});
      const t2 = performance.now();
      if (r.outcome !== 'valid') throw new Error('not valid: ' + r.outcome);
      text = texts[0];
      if (i >= 3) { both.push(t2 - t0); dec.push(t1 - t0); ver.push(t2 - t1); }
    }
    out[name] = {both, dec, ver, chars: text.length};
  }
  return out;
}
"""


def frame(text: str, size: tuple[int, int], code_px: int) -> str:
    paper = Image.new("RGB", size, (214, 208, 196))
    code = Image.open(io.BytesIO(render.png(text))).convert("RGB")
    code = code.resize((code_px, code_px), Image.Resampling.BILINEAR).rotate(
        4, expand=True, fillcolor=(214, 208, 196), resample=Image.Resampling.BILINEAR
    )
    paper.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    buf = io.BytesIO()
    paper.save(buf, "JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_package() -> tuple[http.server.ThreadingHTTPServer, str]:
    # The package folder, so that /static/scanner/... is where Pantau serves it.
    handler = functools.partial(QuietHandler, directory=str(PACKAGE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(n: int) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium is not installed (make browser): skipped")
        return
    from playwright.sync_api import sync_playwright

    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as tmp:
        store = FileKeyStore(Path(tmp) / "keys", secrets.token_bytes(16))
        store.init(["CGK"])
        kid, sign = store.signer_for("CGK")
        envelope = export_trust_list(store)
        root_pem = store.root_cert().public_bytes(serialization.Encoding.PEM).decode()
    text = encode_token(claims(now), kid=kid, signer=sign)
    frames = {
        "640x480, sticker 300 px": frame(text, (640, 480), 300),
        "960x720, sticker 420 px": frame(text, (960, 720), 420),
    }
    server, base = serve_package()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True
            )
            page = browser.new_page()
            page.goto(base + "/")
            result = page.evaluate(MEASURE, [envelope, root_pem, frames, n])
            browser.close()
    finally:
        server.shutdown()
    print(f"in-browser decode + verify per frame (Chromium headless, zxing-wasm, WebCrypto), N={n}")
    for name, r in result.items():
        print(
            f"{name:<26} decode+verify median {pct(r['both'], 0.5):6.1f} ms  p90 "
            f"{pct(r['both'], 0.9):6.1f} ms  | decode {pct(r['dec'], 0.5):6.1f} ms"
            f"  verify {pct(r['ver'], 0.5):5.1f} ms  ({r['chars']} characters)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
