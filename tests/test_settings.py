"""Settings that users set: the scanner's list maximum age reaches the page; secrets stay out of reprs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from pantau.app import create_app
from pantau.config import Settings


def test_the_page_carries_the_configured_maximum_age(engine, settings, cipher):
    app = create_app(
        settings.model_copy(update={"scanner_trust_max_age_days": 3}), engine=engine, cipher=cipher
    )
    with TestClient(app) as client:
        page = client.get("/scan/")
    assert page.status_code == 200
    assert 'data-trust-max-age-days="3"' in page.text


@pytest.mark.parametrize("days", [0, -1, 91])
def test_a_maximum_age_out_of_range_is_refused(days):
    # 0 would make every cached list stale at once; past 90 days a revoked sticker passes for a season.
    with pytest.raises(ValidationError, match="scanner_trust_max_age_days"):
        Settings(scanner_trust_max_age_days=days)


def test_secrets_stay_out_of_the_settings_repr():
    # Test failures and logs print the settings object; the secrets must not appear there.
    s = Settings(secret_key="a-very-private-key", smtp_password="smtp-pass-42")
    assert "a-very-private-key" not in repr(s) and "smtp-pass-42" not in repr(s)
    assert s.secret_key == "a-very-private-key"
