"""A signer past its key-use period makes no new stickers: one it signs later is not genuine."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from pantau.stickers.token import Outcome
from pantau.stickers.verify import verify_token
from tests.stickers.test_token import NOW, claims, pki_world, token, trust_of  # noqa: F401


def test_sticker_signed_after_retirement_is_refused(pki_world):  # noqa: F811
    _, root, signers = pki_world
    trust = trust_of(root, signers)
    kid = next(k for k, s in trust.signers.items() if s.code == "DPS")
    retired = replace(trust.signers[kid], use_until=NOW - timedelta(days=30))
    trust.signers[kid] = retired
    late = token(signers, c=replace(claims(), issued_at=NOW))
    assert verify_token(late, trust, at=NOW).outcome is Outcome.RETIRED_SIGNER
    early = token(signers, c=replace(claims(), issued_at=NOW - timedelta(days=31)))
    assert (
        verify_token(early, trust, at=NOW).outcome is Outcome.VALID
    )  # old stickers keep verifying
