"""Small helpers shared by the store modules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


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


class BulkInsert:
    """An INSERT of many rows written straight to the driver, converted by SQLAlchemy's own
    bind processors (so rows are stored exactly as ``table.insert()`` would store them).

    Measured on the update benchmark: SQLAlchemy's per-execution work (cache key, parameter
    processing for every row, expanding IN lists) was a third of the writer's time.
    """

    def __init__(self, table: sa.Table, columns: Sequence[str], dialect: sa.Dialect) -> None:
        self.columns = tuple(columns)
        marks = ", ".join([placeholder(dialect)] * len(self.columns))
        self.sql = f"INSERT INTO {table.name} ({', '.join(self.columns)}) VALUES ({marks})"
        self._processors = [
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.columns
        ]
        self._defaults: dict[str, Any] = {}
        for name in self.columns:
            default = table.c[name].default
            if isinstance(default, sa.ColumnDefault):
                self._defaults[name] = default

    def _value(self, record: Mapping[str, Any], name: str) -> Any:
        if name in record:
            return record[name]
        default = self._defaults.get(name)
        if default is None:
            return None
        return default.arg(None) if default.is_callable else default.arg

    def rows(self, records: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        pairs = list(zip(self.columns, self._processors, strict=True))
        return [
            tuple(process(value) if process is not None and value is not None else value
                  for name, process in pairs for value in (self._value(record, name),))
            for record in records
        ]

    def execute(self, conn: sa.Connection, records: Sequence[Mapping[str, Any]]) -> None:
        if records:
            conn.exec_driver_sql(self.sql, self.rows(records))


def placeholder(dialect: sa.Dialect) -> str:
    """The driver's positional parameter marker (``?`` for sqlite3, ``%s`` for psycopg)."""
    return "?" if dialect.paramstyle == "qmark" else "%s"


def lookup(conn: sa.Connection, sql: str, keys: Sequence[Any], *, fixed: Sequence[Any] = (),
           chunk: int = 500) -> list[tuple[Any, ...]]:
    """Run ``sql`` (which ends in ``IN ({keys})``) for ``keys``, in chunks, on the driver.

    ``{keys}`` is replaced by one placeholder per key; ``fixed`` parameters come first.
    """
    mark = placeholder(conn.dialect)
    rows: list[tuple[Any, ...]] = []
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), chunk):
        part = unique[start:start + chunk]
        statement = sql.replace("?", mark).format(keys=", ".join([mark] * len(part)))
        rows.extend(tuple(r) for r in conn.exec_driver_sql(statement, (*fixed, *part)))
    return rows
