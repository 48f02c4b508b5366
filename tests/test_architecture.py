"""The import contracts of `make lint` (pyproject.toml, [tool.importlinter]) hold, and they would
catch a back-edge: each case below adds one forbidden import to a copy of the source and expects
lint-imports to name the contract it breaks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(src: Path, cwd: Path, contract: str | None = None) -> subprocess.CompletedProcess[str]:
    args = [str(LINT), "--no-cache"]
    if contract:
        args += ["--contract", contract]
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_contracts_hold_on_the_source():
    out = _lint(ROOT / "src", ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "BROKEN" not in out.stdout


# (module that gains the import, the import, the contract it breaks)
BACK_EDGES = [
    ("alerts/services.py", "import pantau.notifications.services", "alerts-not-notifications"),
    ("people/services.py", "import pantau.stays.models", "core-acyclic"),
    ("stickers/services.py", "import pantau.scans.services", "core-acyclic"),
    ("stays/services.py", "import fastapi", "domain-not-web"),
    ("cases/models.py", "import pantau.web", "domain-not-web"),
    ("stays/services.py", "import pantau.stays.api", "routes-services-models"),
]


@pytest.mark.parametrize(("module", "line", "contract"), BACK_EDGES)
def test_a_back_edge_breaks_its_contract(tmp_path: Path, module: str, line: str, contract: str):
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "pantau",
        src / "pantau",
        ignore=shutil.ignore_patterns("__pycache__", "*.gz", "static", "templates", "locale"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = src / "pantau" / module
    target.write_text(target.read_text("utf-8") + f"\n{line}  # a back-edge\n", "utf-8")
    out = _lint(src, tmp_path, contract)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "BROKEN" in out.stdout
