"""Fixtures of the extract tests: the fixture pages and the shared appeal corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_page() -> object:
    """Read a fixture page by file name."""

    def read(name: str) -> str:
        return (FIXTURES / name).read_text(encoding="utf-8")

    return read
