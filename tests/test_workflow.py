"""The developer workflow as a developer runs it: `make test` and the CI entry point, with a
stand-in for the virtual environment's Python (what the recipe does with pytest's exit status,
not pytest itself)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def stand_in_venv(tmp_path: Path, exit_status: int) -> Path:
    """A virtual environment, installed as far as make can tell, whose Python exits with
    ``exit_status`` as pytest would."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f"#!/bin/sh\nexit {exit_status}\n")
    python.chmod(0o755)
    for mark in (".installed", ".dev-installed"):  # newer than pyproject.toml: nothing to install
        (venv / mark).touch()
    return venv


def make_test(venv: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")} | {"VENV": str(venv)}
    return subprocess.run(list(command) or ["make", "--no-print-directory", "test"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_make_test_fails_when_pytest_collects_no_tests(tmp_path: Path) -> None:
    """pytest's exit 5 (no tests collected) was turned into a message and success: CI passed a
    suite that ran nothing."""
    done = make_test(stand_in_venv(tmp_path, 5))
    assert done.returncode != 0, done.stdout + done.stderr
    assert "pytest collected no tests: something is broken" in done.stdout + done.stderr
    assert "Error 1" in done.stderr  # the recipe's own status


@pytest.mark.parametrize(("pytest_status", "failed"), [(0, False), (1, True), (2, True)])
def test_make_test_passes_pytests_own_status_on(tmp_path: Path, pytest_status: int, failed: bool) -> None:
    done = make_test(stand_in_venv(tmp_path, pytest_status))
    assert (done.returncode != 0) is failed, done.stdout + done.stderr
    assert "collected no tests" not in done.stdout + done.stderr


def test_ci_fails_when_pytest_collects_no_tests(tmp_path: Path) -> None:
    done = make_test(stand_in_venv(tmp_path, 5), str(ROOT / ".ci" / "run"))
    assert done.returncode != 0
    assert "pytest collected no tests" in done.stdout + done.stderr
    assert "make test failed with exit code" in done.stdout
