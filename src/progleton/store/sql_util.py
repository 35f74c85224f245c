"""Small helpers shared by the store modules."""

from __future__ import annotations

import itertools
import operator
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..exceptions import short_message
from .schema import meta


def short_messages(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A source's or an article's columns with its error (``last_error``) and ``warnings`` as
    stored: each at a readable length (:func:`~progleton.exceptions.short_message`). Every
    write of either goes through here."""
    shortened = dict(fields)
    if shortened.get("last_error"):
        shortened["last_error"] = short_message(shortened["last_error"])
    if shortened.get("warnings"):
        shortened["warnings"] = [short_message(w) for w in shortened["warnings"]]
    return shortened


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


def high_id_key(table_name: str) -> str:
    """The ``meta`` key of a SQLite table's high-water mark of ids (:func:`insert_fresh`)."""
    return f"high_id:{table_name}"


def insert_fresh(conn: sa.Connection, table: sa.Table, **values: Any) -> int:
    """Insert a row under an id that no row of ``table`` has had, deleted ones included.

    A removed source's or saved search's id is in users' notes, scripts and feed addresses, so
    it must never name another. PostgreSQL's sequences never hand an id out twice; SQLite gives
    the largest id again once its row is gone, so there the id is chosen past a high-water mark
    kept in ``meta`` (a table rebuild with AUTOINCREMENT would also do it, at the price of
    rewriting tables that other tables' foreign keys cascade from).
    """
    if conn.dialect.name != "sqlite":
        return new_id(conn.execute(table.insert().values(**values)))
    key = high_id_key(table.name)
    high = int(conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar() or 0)
    top = int(conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0)
    fresh = max(high, top) + 1
    conn.execute(table.insert().values(id=fresh, **values))
    if not conn.execute(meta.update().where(meta.c.key == key).values(value=str(fresh))).rowcount:
        conn.execute(meta.insert().values(key=key, value=str(fresh)))
    return fresh


class BulkInsert:
    """An INSERT of many rows written straight to the driver, converted by SQLAlchemy's own
    bind processors (so rows are stored exactly as ``table.insert()`` would store them).

    Measured on the update benchmark: SQLAlchemy's per-execution work (cache key, parameter
    processing for every row, expanding IN lists) was a third of the writer's time. On
    SQLite one statement inserts many rows (multi-row VALUES): executemany releases and
    re-takes the GIL for every row (beside a busy event loop each row waited for a switch
    interval), and its per-statement work (the full-text trigger's) made 40,000 articles
    cost 2.5 s against 1.2 s.
    """

    # Rows per statement on SQLite. The driver caches prepared statements by their text, so
    # statements only come in a few sizes (this, then powers of two for the rest): with one
    # size per batch, the cached statements held 170 MiB after 40,000 articles.
    MAX_ROWS = 256

    def __init__(self, table: sa.Table, columns: Sequence[str], dialect: sa.Dialect, *,
                 skip_duplicates_of: Sequence[str] = ()) -> None:
        """``skip_duplicates_of``: the columns of a unique constraint; a row that would
        break it is skipped (ON CONFLICT DO NOTHING) instead of failing the statement."""
        self.columns = tuple(columns)
        self._multi_row = dialect.name == "sqlite"
        self._into = f"INSERT INTO {table.name} ({', '.join(self.columns)}) VALUES "
        self._row = f"({', '.join([placeholder(dialect)] * len(self.columns))})"
        self._suffix = f" ON CONFLICT ({', '.join(skip_duplicates_of)}) DO NOTHING" if skip_duplicates_of else ""
        # Values for absent keys: the column's Python default (evaluated once: every value
        # is converted right away, so a shared default list is never mutated), else None.
        self._absent: dict[str, Any] = {}
        self._processors: list[tuple[int, Any]] = []
        for i, name in enumerate(self.columns):
            column = table.c[name]
            default = column.default
            value = None
            if isinstance(default, sa.ColumnDefault):
                value = default.arg(None) if default.is_callable else default.arg
            self._absent[name] = value
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
            if process is None:
                continue
            if isinstance(column.type, sa.JSON):
                process = _memo_empty(process)
            elif isinstance(column.type, sa.DateTime):
                process = _memo_datetimes(process)
            self._processors.append((i, process))
        self._values = operator.itemgetter(*self.columns)

    def rows(self, records: Iterable[Mapping[str, Any]], same: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """Each record as a row of driver values; ``same`` holds values common to all rows."""
        absent, values, processors = self._absent, self._values, self._processors
        if same:
            absent = {**absent, **same}
        out = []
        for record in records:
            row = list(values({**absent, **record}))
            for i, process in processors:
                if row[i] is not None:
                    row[i] = process(row[i])
            out.append(row)
        return out

    def execute(self, conn: sa.Connection, records: Sequence[Mapping[str, Any]],
                same: Mapping[str, Any] | None = None) -> None:
        if not records:
            return
        rows = self.rows(records, same)
        if not self._multi_row:
            conn.exec_driver_sql(self._into + self._row + self._suffix, [tuple(r) for r in rows])
            return
        getlimit = getattr(conn.connection.driver_connection, "getlimit", None)  # Python 3.11+
        limit = getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else 999
        start = 0
        for size in _statement_sizes(len(rows), min(self.MAX_ROWS, max(1, limit // len(self.columns)))):
            part = rows[start:start + size]
            start += size
            conn.exec_driver_sql(self._into + ", ".join([self._row] * size) + self._suffix,
                                 tuple(itertools.chain.from_iterable(part)))


def _statement_sizes(rows: int, largest: int) -> list[int]:
    """Split ``rows`` into statements of ``largest`` rows, then powers of two."""
    sizes = [largest] * (rows // largest)
    rest = rows % largest
    bit = 1 << rest.bit_length()
    while rest:
        bit >>= 1
        if rest >= bit:
            sizes.append(bit)
            rest -= bit
    return sizes


def _memo_empty(process: Any) -> Any:
    """A bind processor that converts empty lists and dicts once (most authors and
    warnings lists are empty)."""
    empty_list, empty_dict = process([]), process({})

    def convert(value: Any) -> Any:
        if value == [] and isinstance(value, list):
            return empty_list
        if value == {} and isinstance(value, dict):
            return empty_dict
        return process(value)

    return convert


def _memo_datetimes(process: Any) -> Any:
    """A datetime bind processor that converts a repeated value once (``first_seen`` and
    ``created_at`` are one value for a whole batch); it remembers at most 4,096 values."""
    cache: dict[tuple[Any, Any], Any] = {}

    def convert(value: Any) -> Any:
        key = (value, getattr(value, "tzinfo", None))  # equal instants in other zones differ
        found = cache.get(key)
        if found is None:
            if len(cache) > 4096:
                cache.clear()
            found = cache[key] = process(value)
        return found

    return convert


def upsert(table: sa.Table, dialect: sa.Dialect) -> Any:
    """An INSERT that can say what to do on a conflict, in the database's own dialect."""
    from sqlalchemy.dialects import postgresql, sqlite

    return (postgresql.insert if dialect.name == "postgresql" else sqlite.insert)(table)


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
