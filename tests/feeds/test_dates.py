"""Feed dates whose zone or shape the fast path and feedparser's handlers misread."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from progleton.feeds.dates import parse_date


@pytest.mark.parametrize(("written", "expected"), [
    ("Mon, 07 Sep 2026 10:00:00 +05:30", datetime(2026, 9, 7, 4, 30, tzinfo=UTC)),
    ("Mon, 07 Sep 2026 10:00:00 -03:00", datetime(2026, 9, 7, 13, 0, tzinfo=UTC)),
    ("Mon, 07 Sep 2026 10:00:00 GMT+0200", datetime(2026, 9, 7, 8, 0, tzinfo=UTC)),
    ("Mon, 07 Sep 2026 10:00:00 UTC-02:00", datetime(2026, 9, 7, 12, 0, tzinfo=UTC)),
    ("Mon, 07 Sep 2026 10:00:00 CEST", datetime(2026, 9, 7, 8, 0, tzinfo=UTC)),
    ("Mon, 07 Sep 2026 10:00:00 IST", datetime(2026, 9, 7, 4, 30, tzinfo=UTC)),
    ("Mon, 07 Sep 2026 10:00:00 JST", datetime(2026, 9, 7, 1, 0, tzinfo=UTC)),
    ("07 Sep 2026 10:00:00 CEST", datetime(2026, 9, 7, 8, 0, tzinfo=UTC)),
    ("Mon, 07 Sep 2026 10:00:00 EST", datetime(2026, 9, 7, 15, 0, tzinfo=UTC)),
    ("Mon, 07 Sep 2026 10:00:00 +0530 (IST)", datetime(2026, 9, 7, 4, 30, tzinfo=UTC)),
    ("Mon, 07 Sep 2026 10:00:00 -0000", datetime(2026, 9, 7, 10, 0, tzinfo=UTC)),
    ("1757239200", datetime(2025, 9, 7, 10, 0, tzinfo=UTC)),
    ("1757239200000", datetime(2025, 9, 7, 10, 0, tzinfo=UTC)),
    ("2026.09.07", datetime(2026, 9, 7, tzinfo=UTC)),
    ("07.09.2026", datetime(2026, 9, 7, tzinfo=UTC)),
    ("20260907", datetime(2026, 9, 7, tzinfo=UTC)),
])
def test_zones_and_shapes_are_read_as_written(written: str, expected: datetime) -> None:
    assert parse_date(written) == expected


def test_an_impossible_dotted_date_is_no_date() -> None:
    assert parse_date("2026.13.07") is None
