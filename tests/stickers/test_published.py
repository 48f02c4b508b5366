"""The trust documents over HTTP, signed out: the root, the trust list and the status list are
public (issue #18: they answered 401 without an account), hold nothing personal, and carry an
ETag (If-None-Match answers 304) and max-age so that many verifiers can poll them cheaply."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import pytest
from cryptography import x509

from pantau.stickers.documents import StatusCache, TrustList
from pantau.stickers.keys import KeyService
from pantau.stickers.models import StatusChange
from pantau.stickers.published import PERIOD_SECONDS, period_start
from tests.factories import TEST_ACTOR
from tests.stays.test_arrivals_api import arrive, officer_headers  # noqa: F401 (fixture)

DOCUMENTS = ["/api/v1/trust-list/root", "/api/v1/trust-list", "/api/v1/status-list?since=0"]


def payload(response):
    return json.loads(base64.b64decode(response.json()["payload"]))


@pytest.fixture
def issued(app_client, officer_headers):  # noqa: F811
    """One sticker issued through the API; then the client is signed out."""
    res = arrive(app_client, officer_headers)
    assert res.status_code == 201, res.text
    app_client.cookies.clear()
    return res.json()


def test_documents_are_public_and_verify(app_client, issued):
    for path in DOCUMENTS:
        res = app_client.get(path)  # no Authorization header, no cookie
        assert res.status_code == 200, (path, res.text)
        assert res.headers["cache-control"].startswith("public, max-age=")
        assert res.headers["etag"].startswith('W/"')
        assert res.headers["access-control-allow-origin"] == "*"
    root = x509.load_pem_x509_certificate(app_client.get(DOCUMENTS[0]).content)
    trust = TrustList.from_document(app_client.get(DOCUMENTS[1]).json(), root)
    assert {s.code for s in trust.signers.values()} == {"CGK", "DPS"}
    StatusCache().apply(app_client.get(DOCUMENTS[2]).json(), root)
    # Nothing personal: the traveller's name and passport number appear in no document.
    for path in DOCUMENTS[1:]:
        text = json.dumps(payload(app_client.get(path)))
        assert "Smith" not in text and "PA1234567" not in text and "Jane" not in text


def test_if_none_match_answers_304_until_something_changes(app_client, issued, db, cipher):
    """Bad inputs tried: a stale ETag, a list of ETags, a strong form of the weak one, `*`."""
    first = {path: app_client.get(path) for path in DOCUMENTS}
    for path, res in first.items():
        etag = res.headers["etag"]
        again = app_client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", path
        assert again.headers["etag"] == etag and "max-age" in again.headers["cache-control"]
        assert app_client.get(path, headers={"If-None-Match": f'W/"x", {etag}'}).status_code == 304
        strong = etag.removeprefix("W/")
        assert app_client.get(path, headers={"If-None-Match": strong}).status_code == 304
        assert app_client.get(path, headers={"If-None-Match": "*"}).status_code == 304
        stale = app_client.get(path, headers={"If-None-Match": 'W/"stale"'})
        assert stale.status_code == 200 and stale.content
    # Within one publication period the payload is the same (issued_at is the period's start).
    again = payload(app_client.get(DOCUMENTS[1]))
    assert again == payload(first[DOCUMENTS[1]])
    issued_at = datetime.fromisoformat(again["issued_at"])
    assert issued_at.timestamp() % PERIOD_SECONDS == 0 and issued_at <= period_start()
    # A revocation changes the status list (and its ETag) but not the trust list.
    serial = issued["sticker"]["serial"]
    db.add(StatusChange(serial=serial, kind="revoked"))
    db.flush()
    status = app_client.get(
        DOCUMENTS[2], headers={"If-None-Match": first[DOCUMENTS[2]].headers["etag"]}
    )
    assert status.status_code == 200
    assert [e["serial"] for e in payload(status)["entries"]][-1] == serial
    trust_etag = first[DOCUMENTS[1]].headers["etag"]
    assert app_client.get(DOCUMENTS[1], headers={"If-None-Match": trust_etag}).status_code == 304
    # Revoking a signer changes the trust list.
    keys = KeyService(db, cipher=cipher)
    cgk = next(k for k in keys.list() if k.code == "CGK")
    keys.revoke(cgk.kid.hex(), reason="test", actor=TEST_ACTOR)
    db.flush()
    changed = app_client.get(DOCUMENTS[1], headers={"If-None-Match": trust_etag})
    assert changed.status_code == 200 and changed.headers["etag"] != trust_etag
    assert [s["revoked"] for s in payload(changed)["signers"] if s["code"] == "CGK"] == [True]


def test_status_deltas_as_before(app_client, issued, db):
    serial = issued["sticker"]["serial"]
    db.add(StatusChange(serial=serial, kind="revoked"))
    db.flush()
    full = payload(app_client.get("/api/v1/status-list?since=0"))
    version = full["version"]
    after = payload(app_client.get(f"/api/v1/status-list?since={version}"))
    assert after["entries"] == [] and after["since"] == after["version"] == version
    before = payload(app_client.get(f"/api/v1/status-list?since={version - 1}"))
    assert [e["v"] for e in before["entries"]] == [version]
    # Bad input: a negative version is refused with a 4xx, not a 500.
    assert app_client.get("/api/v1/status-list?since=-1").status_code == 422
