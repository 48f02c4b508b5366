"""`pantau sticker verify` on another machine with no network: photos of printed stickers, a
tampered text, a revoked signer, a rotated-out key, nothing readable."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from PIL import Image, ImageEnhance, ImageFilter
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.db import make_engine
from pantau.stickers import render
from pantau.stickers.models import Sticker

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def demo(cli_env, tmp_path):
    assert run("demo", "--no-serve").exit_code == 0
    engine = make_engine(cli_env)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(Sticker.serial, Sticker.qr_text).limit(2)).all()
    engine.dispose()
    trust = tmp_path / "trust.json"
    assert run("keys", "export-trust-list", str(trust)).exit_code == 0
    return {"stickers": rows, "trust": trust, "tmp": tmp_path}


def photo(text, tmp_path, name, transform):
    image = Image.open(io.BytesIO(render.png(text, scale=8))).convert("RGB")
    canvas = Image.new("RGB", (image.width + 200, image.height + 200), (235, 228, 210))  # paper
    canvas.paste(image, (100, 100))
    out = tmp_path / name
    transform(canvas).save(out, quality=70) if name.endswith(".jpg") else transform(canvas).save(
        out
    )
    return out


TRANSFORMS = {
    "plain.png": lambda im: im,
    "rotated.png": lambda im: im.rotate(17, expand=True, fillcolor=(235, 228, 210)),
    "blurred.jpg": lambda im: im.filter(ImageFilter.GaussianBlur(2)),
    "low-contrast.jpg": lambda im: ImageEnhance.Contrast(im).enhance(0.35),
    "small-upside-down.jpg": lambda im: im.rotate(180).resize((im.width // 2, im.height // 2)),
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_photos_of_printed_stickers_verify(demo, name):
    serial, text = demo["stickers"][0]
    path = photo(text, demo["tmp"], name, TRANSFORMS[name])
    res = run("sticker", "verify", str(path), "--trust-list", str(demo["trust"]))
    assert res.exit_code == 0, res.output
    assert "VALID" in res.output and serial in res.output


def test_tampered_text_unknown_and_nothing_readable(demo):
    _, text = demo["stickers"][0]
    tampered = text[:-8] + ("A" if text[-8] != "A" else "B") + text[-7:]
    res = run("sticker", "verify", tampered, "--trust-list", str(demo["trust"]))
    assert res.exit_code == 1 and "TAMPERED" in res.output
    res = run("sticker", "verify", "HC1:SOMETHING-ELSE", "--trust-list", str(demo["trust"]))
    assert res.exit_code == 1 and "NOT-PANTAU" in res.output
    blank = demo["tmp"] / "blank.png"
    Image.new("RGB", (200, 200), "white").save(blank)
    res = run("sticker", "verify", str(blank), "--trust-list", str(demo["trust"]))
    assert res.exit_code == 2 and "nothing readable" in res.output


def test_rotation_keeps_old_stickers_valid_and_revocation_fails_them(demo):
    _, text = demo["stickers"][0]
    listing = run("keys", "list").output
    signer = json.loads(demo["trust"].read_text())
    assert "signer" in listing and signer["root_pem"].startswith("-----BEGIN CERTIFICATE")
    from pantau.stickers.token import unwrap

    kid = unwrap(text).kid.hex()
    code = next(line.split()[1] for line in listing.splitlines() if kid in line)
    assert run("keys", "rotate", code).exit_code == 0
    rotated = demo["tmp"] / "rotated.json"
    run("keys", "export-trust-list", str(rotated))
    assert run("sticker", "verify", text, "--trust-list", str(rotated)).exit_code == 0
    assert run("keys", "revoke", kid, "--reason", "key leaked").exit_code == 0
    revoked = demo["tmp"] / "revoked.json"
    run("keys", "export-trust-list", str(revoked))
    res = run("sticker", "verify", text, "--trust-list", str(revoked))
    assert res.exit_code == 1 and "REVOKED-SIGNER" in res.output


def test_bad_trust_list_file(demo, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"trust_list": {"payload": "AAAA", "signature": "AAAA"}, "root_pem": "x"}')
    res = run("sticker", "verify", "PN1:XX", "--trust-list", str(bad))
    assert res.exit_code == 2 and "cannot use trust list" in res.output


ODD_TEXTS = [
    "A" * 300,  # longer than a file name may be (ENAMETOOLONG): crashed with a traceback
    "A" * 3000,
    "PN1:" + "Z" * 5000,  # long, with the sticker prefix
    "HC1:" + "9" * 20000,  # past the 4,096 characters where no file is looked for
    "ABC\x00DEF",  # a NUL byte (not a valid file name either)
    "   ",  # only blanks: nothing readable
]


def test_long_or_odd_text_is_a_message_not_a_traceback(demo):
    """Bad inputs tried: texts of 300, 3,000, 5,000 and 20,000 characters, a NUL byte, blanks.
    Each is refused with a one-line reason and exit 1 (not valid) or 2 (nothing readable)."""
    for text in ODD_TEXTS:
        res = run("sticker", "verify", text, "--trust-list", str(demo["trust"]))
        assert res.exit_code in (1, 2), (text[:20], res.output)
        assert "Traceback" not in res.output
        assert res.output.strip()
