"""Small helpers shared by the store modules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def utc(value: datetime | None) -> datetime | None:
    """Stored datetimes come back naive on SQLite; they are always UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_id(result: Any) -> int:
    """The primary key of the row an INSERT made."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
