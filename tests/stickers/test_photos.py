"""Rendered stickers, photographed: zxing-cpp reads them after rotation, blur, low contrast and JPEG
compression, and `pantau sticker verify` says which outcome, with exit codes 0, 1 and 2."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from PIL import Image, ImageEnhance, ImageFilter
from typer.testing import CliRunner

from pantau.cli.sticker import app
from pantau.people.mrz import build_td3
from pantau.stickers import render
from pantau.stickers.scan import NothingReadable, read_qr, verify_command
from pantau.stickers.trustlist import export_trust_list

PAPER = (235, 228, 210)


def photo(text, transform, *, jpeg_quality=None):
    image = Image.open(io.BytesIO(render.png(text, scale=6))).convert("RGB")
    canvas = Image.new("RGB", (image.width + 160, image.height + 160), PAPER)
    canvas.paste(image, (80, 80))
    out = io.BytesIO()
    transform(canvas).save(out, format="JPEG" if jpeg_quality else "PNG", quality=jpeg_quality or 0)
    return out.getvalue()


TRANSFORMS = {
    "plain": (lambda im: im, None),
    "rotated-17": (lambda im: im.rotate(17, expand=True, fillcolor=PAPER), None),
    "rotated-90": (lambda im: im.rotate(90, expand=True), None),
    "blurred": (lambda im: im.filter(ImageFilter.GaussianBlur(2.5)), None),
    "low-contrast": (lambda im: ImageEnhance.Contrast(im).enhance(0.25), None),
    "dim": (lambda im: ImageEnhance.Brightness(im).enhance(0.45), None),
    "jpeg-q20": (lambda im: im, 20),
    "small-blurred-jpeg": (
        lambda im: im.resize((im.width * 2 // 3, im.height * 2 // 3)).filter(
            ImageFilter.GaussianBlur(1)
        ),
        35,
    ),
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_photos_decode(world, name):
    text, _ = world.issue("CGK")
    transform, quality = TRANSFORMS[name]
    assert read_qr(photo(text, transform, jpeg_quality=quality)) == [text]


def test_blank_and_garbage_images_say_nothing_readable():
    blank = io.BytesIO()
    Image.new("RGB", (300, 300), "white").save(blank, format="PNG")
    with pytest.raises(NothingReadable):
        read_qr(blank.getvalue())
    with pytest.raises(NothingReadable, match="not a readable image"):
        read_qr(b"\x89PNG not really")


def test_svg_png_pdf_and_sheet(world):
    text, claims = world.issue("DPS")
    assert render.svg(text).startswith(b"<svg") and render.png(text).startswith(b"\x89PNG")
    label = render.label_pdf(text, claims.serial)
    assert (
        label.startswith(b"%PDF")
        and label.count(b"/Type /Page\n") + label.count(b"/Type /Page ") >= 1
    )
    sheet = render.sheet_pdf([(text, claims.serial)] * 30)
    assert (
        sheet.startswith(b"%PDF")
        and sheet.count(b"/Type /Page") - sheet.count(b"/Type /Pages") == 2
    )


@pytest.fixture
def bundle(world, tmp_path):
    def write(name="trust.json"):
        root = world.store.root_cert()
        doc = {
            "root_pem": root.public_bytes(serialization.Encoding.PEM).decode(),
            "trust_list": export_trust_list(world.store),
        }
        path = tmp_path / name
        path.write_text(json.dumps(doc))
        return path

    return write


def test_verify_command_after_rotation_and_revocation(world, bundle, tmp_path):
    text, claims = world.issue("CGK")
    image = tmp_path / "sticker.jpg"
    image.write_bytes(photo(text, TRANSFORMS["rotated-17"][0], jpeg_quality=60))
    kid = world.store.signer_for("CGK")[0]
    world.store.rotate("CGK")
    code, lines = verify_command(str(image), bundle(), at=world.clock.now)
    assert code == 0 and lines[0].startswith("VALID") and claims.serial in "\n".join(lines)
    assert "root taken from the trust-list file" in lines[-1]
    world.store.revoke(kid, reason="test")
    code, lines = verify_command(str(image), bundle("revoked.json"), at=world.clock.now)
    assert code == 1 and lines[0].startswith("REVOKED-SIGNER")


def test_verify_command_expired_tampered_and_unreadable(world, bundle, tmp_path):
    text, claims = world.issue("DPS")
    trust = bundle()
    code, lines = verify_command(text, trust, at=claims.expires_at + timedelta(days=1))
    assert code == 1 and lines[0].startswith("EXPIRED")
    tampered = text[:-6] + ("0" if text[-6] != "0" else "1") + text[-5:]
    assert verify_command(tampered, trust)[0] == 1
    blank = tmp_path / "blank.png"
    Image.new("RGB", (200, 200), "white").save(blank)
    code, lines = verify_command(str(blank), trust)
    assert code == 2 and "nothing readable" in lines[0]
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    code, lines = verify_command(text, bad)
    assert code == 2 and "cannot use trust list" in lines[0]


def test_cli_verify_with_pinned_root_and_mrz(world, bundle, tmp_path):
    from tests.stickers.test_verify import SPECIMEN

    text, _ = world.issue("CGK")
    root = tmp_path / "root.pem"
    root.write_bytes(world.store.root_cert().public_bytes(serialization.Encoding.PEM))
    runner = CliRunner()
    args = ["verify", text, "--trust-list", str(bundle()), "--root", str(root)]
    res = runner.invoke(app, [*args, "--mrz", SPECIMEN])
    assert res.exit_code == 0, res.output
    assert "VALID" in res.output and "matches this passport" in res.output
    other = build_td3(
        surname="Eriksson",
        given_names="Anna Maria",
        number="L898902C4",  # another passport of the same person
        nationality="UTO",
        birth_date=date(1974, 8, 12),
        sex="F",
        expiry_date=date(2032, 4, 15),
    )
    res = runner.invoke(app, [*args, "--mrz", other])
    assert res.exit_code == 1 and "does NOT belong" in res.output
    res = runner.invoke(app, [*args, "--mrz", "P<UTO" + "<" * 39 + "\nNOT AN MRZ"])
    assert res.exit_code == 2 and "MRZ" in res.output
    res = runner.invoke(app, ["verify", "HC1:NOT-OURS", "--trust-list", str(bundle())])
    assert res.exit_code == 1 and "NOT-PANTAU" in res.output
