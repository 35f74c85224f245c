"""Fixtures for the stories tests: the shared ECB+ corpus (skipped when absent, failed under CI)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench"
ECBPLUS = BENCH / "stories" / "ecbplus"


def _load(split: str) -> list[dict]:
    path = ECBPLUS / f"{split}.jsonl"
    if not path.exists():
        message = f"ECB+ corpus not found at {path}: the shared corpora live in ../shared/"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def ecbplus_train() -> list[dict]:
    """The ECB+ train split (575 articles, 50 events)."""
    return _load("train")


@pytest.fixture(scope="session")
def ecbplus_dev() -> list[dict]:
    """The ECB+ dev split (197 articles, 16 events)."""
    return _load("dev")
