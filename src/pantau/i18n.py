"""Languages: Bahasa Indonesia first, English second.

Messages are written in English in the code and templates (`_("Sign in")`); the Indonesian catalogue
is a set of gettext .po files under `pantau/locale/id/`, one per domain, loaded with Babel. A missing
translation falls back to English (and a test lists every msgid without one)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

LANGUAGES = ("id", "en")
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    """Indonesian translations from every shipped .po file (read once; the files are immutable)."""
    merged: dict[str, str] = {}
    folder = resources.files("pantau").joinpath("locale", "id")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as fh:
            for message in read_po(fh):
                if message.id and message.string and isinstance(message.id, str):
                    merged[message.id] = str(message.string)
    return merged


def translate(lang: str, msgid: str, **kw: Any) -> str:
    text = catalogue().get(msgid, msgid) if lang == "id" else msgid
    return text.format(**kw) if kw else text


def translator(lang: str) -> Callable[..., str]:
    def _(msgid: str, **kw: Any) -> str:
        return translate(lang, msgid, **kw)

    return _


def pick_language(cookie: str | None, accept: str | None, default: str) -> str:
    if cookie in LANGUAGES:
        return cookie
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default
