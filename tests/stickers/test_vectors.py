"""The published test vectors (docs/sticker-vectors.json): reproducible from the command, and every
Python verifier of the project agrees with them - the library, `pantau sticker verify` and the
reference verifier for third parties in examples/. The browser's is checked in
tests/browser/test_verifier.py."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.stickers import vectors
from pantau.stickers.cose import P256_ORDER
from pantau.stickers.trustlist import StatusCache, TrustList
from pantau.stickers.verify import verify_token

ROOT = Path(__file__).resolve().parents[2]
VECTORS_FILE = ROOT / "docs" / "sticker-vectors.json"
EXAMPLE = ROOT / "examples" / "verify_sticker.py"
DOC = json.loads(VECTORS_FILE.read_text("utf-8"))
VECTORS = {v["name"]: v for v in DOC["vectors"]}
REQUIRED = {
    "valid": "valid",
    "expired": "expired",
    "not-yet-valid": "not-yet-valid",
    "revoked-sticker": "revoked-sticker",
    "revoked-signer": "revoked-signer",
    "unknown-kid": "unknown-key",
    "tampered-payload": "tampered",
    "bad-signature": "tampered",
    "high-s-signature": "tampered",
    "wrong-prefix": "not-pantau",
    "bad-base45-character": "tampered",
    "bad-zlib": "tampered",
}
runner = CliRunner()


def test_committed_file_is_what_the_command_writes(tmp_path):
    """Regenerating gives the same bytes: keys, certificates and signatures are deterministic."""
    out = tmp_path / "vectors.json"
    result = runner.invoke(app, ["sticker", "vectors", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == VECTORS_FILE.read_text("utf-8"), (
        "docs/sticker-vectors.json is stale: run `pantau sticker vectors docs/sticker-vectors.json`"
    )


def test_the_issue_s_cases_are_all_there():
    for name, outcome in REQUIRED.items():
        assert VECTORS[name]["expected"]["outcome"] == outcome
    for v in DOC["vectors"]:
        assert {"qr_text", "trust_list", "status_list", "at", "expected"} <= set(v)


def test_the_high_s_vector_is_a_valid_ecdsa_signature():
    """So the vector tests the low-S rule and nothing else: with the rule left out it would verify."""
    root = x509.load_pem_x509_certificate(DOC["root_pem"].encode())
    trust = TrustList.from_document(VECTORS["high-s-signature"]["trust_list"], root)
    cose = cbor2.loads(vectors.cose_of(VECTORS["high-s-signature"]["qr_text"]))
    protected, _, payload, sig = cose.value
    kid = cbor2.loads(protected)[4]
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    assert s > P256_ORDER // 2
    public = trust.signers[kid].cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(
        encode_dss_signature(r, s),
        cbor2.dumps(["Signature1", protected, b"", payload]),
        ec.ECDSA(hashes.SHA256()),
    )
    # The genuine sticker it was made from is the low twin.
    valid = cbor2.loads(vectors.cose_of(VECTORS["valid"]["qr_text"])).value[3]
    assert int.from_bytes(valid[32:], "big") == P256_ORDER - s


def _lists(v):
    root = x509.load_pem_x509_certificate(DOC["root_pem"].encode())
    status = StatusCache()
    for delta in v["status_list"]:
        status.apply(delta, root)
    return TrustList.from_document(v["trust_list"], root), status


@pytest.mark.parametrize("name", list(VECTORS))
def test_python_library(name):
    v = VECTORS[name]
    trust, status = _lists(v)
    result = verify_token(v["qr_text"], trust, status, at=datetime.fromisoformat(v["at"]))
    assert result.outcome.value == v["expected"]["outcome"]
    if "last_day" in v["expected"]:
        assert result.last_day is not None
        assert result.last_day.isoformat() == v["expected"]["last_day"]


def test_cli(tmp_path):
    """`pantau sticker verify TEXTFILE --trust-list BUNDLE --root ROOT --at TIME` for each vector:
    exit 0 for valid, 1 for every other outcome, the outcome named on the first line."""
    root = tmp_path / "root.pem"
    root.write_text(DOC["root_pem"])
    for v in DOC["vectors"]:
        bundle = tmp_path / f"{v['name']}.json"
        bundle.write_text(
            json.dumps({"trust_list": v["trust_list"], "status_list": v["status_list"]})
        )
        text = tmp_path / f"{v['name']}.txt"
        text.write_text(v["qr_text"])
        args = ["sticker", "verify", str(text), "--trust-list", str(bundle), "--root", str(root)]
        result = runner.invoke(app, [*args, "--at", v["at"]], catch_exceptions=False)
        expected = v["expected"]["outcome"]
        assert result.exit_code == (0 if expected == "valid" else 1), (v["name"], result.output)
        assert result.output.startswith(f"{expected.upper()}:"), (v["name"], result.output)
        if "last_day" in v["expected"]:
            assert f"last allowed day {v['expected']['last_day']}" in result.output


def test_cli_refuses_a_bad_time(tmp_path):
    """Bad input: --at that is not a time."""
    bundle = tmp_path / "b.json"
    bundle.write_text("{}")
    result = runner.invoke(
        app, ["sticker", "verify", "PN1:X", "--trust-list", str(bundle), "--at", "tomorrow"]
    )
    assert result.exit_code == 2 and "not an ISO 8601 time" in result.output


def _example():
    spec = importlib.util.spec_from_file_location("verify_sticker", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", list(VECTORS))
def test_reference_verifier_for_third_parties(name):
    ex = _example()
    v = VECTORS[name]
    root = x509.load_pem_x509_certificate(DOC["root_pem"].encode())
    signers = ex.load_trust(v["trust_list"], root)
    status = ex.load_status(v["status_list"], root)
    outcome, last_day = ex.verify(v["qr_text"], signers, status, datetime.fromisoformat(v["at"]))
    assert outcome == v["expected"]["outcome"]
    assert last_day == v["expected"].get("last_day", last_day)


def test_reference_verifier_runs_as_documented():
    """As docs/sticker-format.md tells a third party to run it; it imports nothing from Pantau."""
    imports = [ln for ln in EXAMPLE.read_text().splitlines() if ln.startswith(("import", "from"))]
    assert imports and not [ln for ln in imports if "pantau" in ln]
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--vectors", str(VECTORS_FILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(DOC['vectors'])} passed, 0 failed" in done.stdout


def test_reference_verifier_fails_a_wrong_expectation(tmp_path):
    """The check is not vacuous: a vector whose expectation is wrong makes it exit 1."""
    doc = json.loads(VECTORS_FILE.read_text("utf-8"))
    doc["vectors"] = [VECTORS["high-s-signature"] | {"expected": {"outcome": "valid"}}]
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(doc))
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--vectors", str(wrong)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and "FAIL high-s-signature" in done.stdout
