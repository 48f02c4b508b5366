"""Trust list and status list: signed by the root, checked against the pinned root, deltas."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from pantau.stickers import pki
from pantau.stickers.cose import key_signer
from pantau.stickers.token import Outcome
from pantau.stickers.trustlist import (
    LAST_DAY,
    REVOKED,
    DocumentError,
    StatusCache,
    StatusEntry,
    TrustList,
    apply_deltas,
    build_status_delta,
    build_trust_list,
    export_trust_list,
    seal,
)
from pantau.stickers.verify import verify_token


def _payload(doc):
    return json.loads(base64.b64decode(doc["payload"]))


def _reseal_unsigned(doc, payload):
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return {**doc, "payload": base64.b64encode(raw).decode()}


def test_trust_list_round_trip(world):
    doc = export_trust_list(world.store)
    body = _payload(doc)
    assert body["format"] == "pantau-trust-list/1" and len(body["signers"]) == 2
    trust = TrustList.from_document(doc, world.store.root_cert())
    assert {s.code for s in trust.signers.values()} == {"CGK", "DPS"}


def test_trust_list_tampering_is_detected(world):
    doc = export_trust_list(world.store)
    root = world.store.root_cert()
    body = _payload(doc)
    body["signers"][0]["revoked"] = True
    with pytest.raises(DocumentError, match="signature"):
        TrustList.from_document(_reseal_unsigned(doc, body), root)
    sig = bytearray(base64.b64decode(doc["signature"]))
    sig[5] ^= 1
    with pytest.raises(DocumentError):
        TrustList.from_document({**doc, "signature": base64.b64encode(sig).decode()}, root)
    with pytest.raises(DocumentError):
        TrustList.from_document({"payload": "!!"}, root)


def test_another_root_is_refused(world, tmp_path):
    doc = export_trust_list(world.store)
    _, other_root = pki.make_root(world.clock.now)
    with pytest.raises(DocumentError, match="national root"):
        TrustList.from_document(doc, other_root)


def test_signer_from_another_root_is_refused_even_when_signed(world):
    # A root-signed list that smuggles in a certificate the root never issued.
    root_key_sign = world.store.root_signer()
    rogue_key, rogue_root = pki.make_root(world.clock.now)
    _, rogue_cert = pki.make_signer(rogue_key, rogue_root, "CGK", world.clock.now)
    from pantau.stickers.trustlist import Signer

    doc = build_trust_list(
        world.store.root_cert(),
        [Signer(pki.kid_of(rogue_cert), "CGK", rogue_cert, False)],
        sign=root_key_sign,
    )
    with pytest.raises(DocumentError, match="not issued by the root"):
        TrustList.from_document(doc, world.store.root_cert())


def test_unknown_key(world):
    text, _ = world.issue("DPS")
    trust = world.trust()
    del trust.signers[next(k for k, s in trust.signers.items() if s.code == "DPS")]
    assert verify_token(text, trust, at=world.clock.now).outcome is Outcome.UNKNOWN_KEY


def _deltas(world):
    sign, kid = world.store.root_signer(), pki.kid_of(world.store.root_cert())
    entries = [
        StatusEntry(1, "IDAAAAA00001", REVOKED),
        StatusEntry(2, "IDAAAAA00002", LAST_DAY, date(2027, 3, 1)),
        StatusEntry(3, "IDAAAAA00003", REVOKED),
    ]
    first = build_status_delta(entries[:2], since=0, sign=sign, root_kid=kid)
    second = build_status_delta(entries, since=2, sign=sign, root_kid=kid)
    return first, second


def test_status_deltas_since_semantics(world):
    root = world.store.root_cert()
    first, second = _deltas(world)
    assert _payload(second)["since"] == 2 and [e["v"] for e in _payload(second)["entries"]] == [3]
    cache = StatusCache()
    with pytest.raises(DocumentError, match="starts at 2"):
        cache.apply(second, root)  # a gap: versions 1 and 2 would be missed
    assert apply_deltas(cache, [first, second], root) == 3 and cache.version == 3
    assert cache.revoked == {"IDAAAAA00001", "IDAAAAA00003"}
    assert cache.last_day == {"IDAAAAA00002": date(2027, 3, 1)}
    assert (
        cache.apply(first, root) == 0 and cache.version == 3
    )  # replaying old news changes nothing


def test_status_list_tampering_leaves_cache_untouched(world):
    root = world.store.root_cert()
    first, _ = _deltas(world)
    body = _payload(first)
    body["entries"][0]["kind"] = "last-day"
    cache = StatusCache()
    with pytest.raises(DocumentError):
        cache.apply(_reseal_unsigned(first, body), root)
    assert cache == StatusCache()
    sign, kid = world.store.root_signer(), pki.kid_of(root)
    bad = seal(
        {
            "format": "pantau-status-list/1",
            "since": 0,
            "version": 1,
            "entries": [
                {"v": 1, "serial": "X", "kind": "revoked"},
                {"v": 9, "serial": "Y", "kind": "revoked"},
            ],
        },
        root_kid=kid,
        sign=sign,
    )
    with pytest.raises(DocumentError, match="outside"):
        cache.apply(bad, root)
    assert cache == StatusCache()


def test_revoked_sticker_and_extension_via_status_list(world):
    root = world.store.root_cert()
    text, claims = world.issue("CGK")
    extended_text, extended = world.issue("CGK")
    sign, kid = world.store.root_signer(), pki.kid_of(root)
    new_day = extended.last_day + timedelta(days=30)
    delta = build_status_delta(
        [
            StatusEntry(1, claims.serial, REVOKED),
            StatusEntry(2, extended.serial, LAST_DAY, new_day),
        ],
        since=0,
        sign=sign,
        root_kid=kid,
    )
    cache = StatusCache()
    cache.apply(delta, root)
    trust = world.trust()
    assert verify_token(text, trust, cache, at=world.clock.now).outcome is Outcome.REVOKED_STICKER
    result = verify_token(extended_text, trust, cache, at=world.clock.now)
    assert result.valid and result.last_day == new_day


def test_documents_module_still_serves_old_imports():
    from pantau.stickers import documents, trustlist

    assert documents.TrustList is trustlist.TrustList and documents.seal is trustlist.seal
    assert callable(key_signer(ec.generate_private_key(ec.SECP256R1())))
