"""Every message meant for people exists in Bahasa Indonesia."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from pantau.i18n import catalogue, pick_language, translate

SRC = Path(str(resources.files("pantau")))
ROUTE_FILES = ("api.py", "pages.py", "public.py")  # the route modules: every word a user reads
CALL = re.compile(r"""\b_\(\s*(['"])(.+?)\1""")


def _msgids() -> set[str]:
    found: set[str] = set()
    for path in [*SRC.rglob("*.html"), *(p for n in ROUTE_FILES for p in SRC.rglob(n))]:
        found.update(m.group(2) for m in CALL.finditer(path.read_text("utf-8")))
    return found


def test_every_msgid_has_an_indonesian_translation():
    missing = sorted(m for m in _msgids() if m not in catalogue())
    assert missing == [], f"add these to a .po file under pantau/locale/id/: {missing}"


def test_translate_and_fallback():
    assert translate("id", "Sign in") == "Masuk"
    assert translate("en", "Sign in") == "Sign in"
    assert translate("id", "Welcome, {name}", name="Siti") == "Selamat datang, Siti"
    assert translate("id", "no such message") == "no such message"


def test_language_choice():
    assert pick_language(None, None, "id") == "id"
    assert pick_language("en", "id", "id") == "en"
    assert pick_language(None, "en-GB,en;q=0.9", "id") == "en"
    assert pick_language("xx", None, "id") == "id"
