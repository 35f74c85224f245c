"""Fixtures of the feeds tests: the shared feed corpora and the conformance runner."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FEEDS_CORPORA = REPO.parent / "shared" / "bench" / "feeds"

# The conformance runner lives with the benchmarks so that both import the same code.
if str(REPO / "benchmarks") not in sys.path:
    sys.path.insert(0, str(REPO / "benchmarks"))


def feeds_corpus(*parts: str) -> Path:
    """A path under ../shared/bench/feeds; skip when absent, fail under CI=true."""
    path = FEEDS_CORPORA.joinpath(*parts)
    if not path.exists():
        message = f"{path} is absent: the shared feed corpora live in ../shared/bench/feeds/"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def feedparser_corpus() -> Path:
    return feeds_corpus("feedparser-corpus")


@pytest.fixture
def real_feeds() -> Path:
    return feeds_corpus("real")
