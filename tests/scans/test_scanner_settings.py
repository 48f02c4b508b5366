"""The scanner's list maximum age comes from the settings and reaches the page the phone runs."""

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
