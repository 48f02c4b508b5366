"""README's command and settings tables say what the code has: every CLI command (walked from the
Typer app) and every setting (read from the settings classes) appears there."""

from __future__ import annotations

import re
from pathlib import Path

from pantau.config import Settings
from pantau.queue.settings import QueueSettings
from tests.test_cli import cli_commands

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _env_names(settings: type, prefix: str) -> list[str]:
    names = []
    for name, field in settings.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        names.append(str(choices[0]) if choices else f"{prefix}{name.upper()}")
    return names


def test_every_command_is_in_the_command_table():
    rows = [
        line
        for line in _section(README, "Command line").splitlines()
        if line.startswith("| `pantau")
    ]
    missing = []
    for command in cli_commands():
        group, *rest = command
        lines = [r for r in rows if re.search(rf"`pantau {re.escape(group)}\b", r)]
        if not lines or (
            rest and not any(re.search(rf"\b{re.escape(rest[0])}\b", r) for r in lines)
        ):
            missing.append(" ".join(command))
    assert missing == [], f"add these commands to README's command table: {missing}"


def test_every_setting_is_in_the_configuration_table():
    table = _section(README, "Configuration")
    missing = [name for name in _env_names(Settings, "PANTAU_") if f"`{name}`" not in table]
    assert missing == [], f"add these settings to README's configuration table: {missing}"
    # The queue's settings are summed up as PANTAU_QUEUE_* there and listed in docs/appapo.md.
    assert "`PANTAU_QUEUE_*`" in table
    appapo = _section((ROOT / "docs" / "appapo.md").read_text("utf-8"), "Settings")
    missing = [
        name
        for name in _env_names(QueueSettings, "PANTAU_QUEUE_")
        if f"`{name.removeprefix('PANTAU_QUEUE_')}`" not in appapo
    ]
    assert missing == [], f"add these settings to docs/appapo.md: {missing}"
