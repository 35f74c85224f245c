"""Fixtures for the demo corpus tests: one demo server per module, at a fixed serve time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from demo_helpers import NOW

from progleton.demo import DemoServer


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with DemoServer(now=NOW) as server:
        yield server
