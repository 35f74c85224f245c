"""Copy an installation from its SQLite file into an empty PostgreSQL database.

Every table of :mod:`.schema` is copied, every row under the same ids, so story and article
addresses, saved searches' feeds, the secret key (sessions, feed tokens, ``urn:progleton:``
ids) and the grouper's saved state carry over. The SQLite file is opened read-only and read
in one transaction (a consistent snapshot), in batches: memory does not grow with the file.
The target is written in one transaction, so a copy that fails leaves it empty, to be run
again. Tables go parents first (``metadata.sorted_tables``); then each id sequence is set past
the largest id the installation has given out.

Raises :class:`~progleton.exceptions.StorageError` for a source that is no Progleton SQLite
file or is at another schema version, and for a target that is not empty.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from ..exceptions import StorageError
from . import masked_error, masked_url, migrations_config
from .schema import meta, metadata, users
from .sql_util import high_id_key, utc

BATCH_ROWS = 500  # rows read and written at a time (an article may hold 100 kB of HTML)
INDEX_BUILD_MEMORY = "256MB"  # for building the indexes after the rows (PostgreSQL's default: 64MB)
# What a Progleton database holds besides the tables of schema.py.
_OURS = frozenset(metadata.tables) | {"alembic_version"}
_SERVERS_OWN = frozenset({"postgres", "template0", "template1"})  # made by initdb, for other uses


class CopyProgress(Protocol):
    """What a copy reports as it goes (the CLI draws a progress bar from it)."""

    def planned(self, rows: Mapping[str, int]) -> None:
        """The rows of each table to copy, in copy order; called once, before any is copied."""

    def copied(self, table: str, rows: int) -> None:
        """``rows`` more rows of ``table`` were copied."""

    def building_indexes(self) -> None:
        """Every row is copied; the indexes are being built (the search index over every
        article's text: a minute or more for a large installation)."""


@dataclass(frozen=True)
class CopyReport:
    """What a copy did: the rows of each table, in copy order; how many texts held NUL
    characters, which PostgreSQL cannot store (they were removed from them); the target's
    own ``meta`` keys that the installation's replaced (written by a trial run on the empty
    database); the seconds it took."""

    rows: dict[str, int]
    nul_texts: int
    replaced_meta: tuple[str, ...]
    seconds: float


def code_revision() -> str:
    """The schema version (Alembic revision) this code's migrations end at."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def copy_to_postgresql(source_url: str, target_url: str, *, progress: CopyProgress | None = None,
                       batch_rows: int = BATCH_ROWS) -> CopyReport:
    """Copy the installation in the SQLite file at ``source_url`` into the empty PostgreSQL
    database at ``target_url`` (migrated here to this code's schema version first)."""
    started = time.monotonic()
    source = open_sqlite_read_only(source_url)
    try:
        with source.connect() as src, src.begin():
            check_source_revision(src, source_url)
            target = open_empty_postgresql(target_url)
            try:
                with target.begin() as dst:
                    replaced = check_target_empty(dst, target_url)
                    rows = {t.name: int(src.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0)
                            for t in metadata.sorted_tables}
                    if progress is not None:
                        progress.planned(rows)
                    with indexes_built_after(dst):
                        nul_texts = sum(_copy_table(src, dst, table, progress, batch_rows)
                                        for table in metadata.sorted_tables)
                        if progress is not None:
                            progress.building_indexes()
                    advance_sequences(dst)
                with target.connect() as conn:  # fresh statistics, or the planner guesses at first
                    conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                        "ANALYZE " + ", ".join(t.name for t in metadata.sorted_tables))
            finally:
                target.dispose()
    finally:
        source.dispose()
    return CopyReport(rows=rows, nul_texts=nul_texts, replaced_meta=replaced,
                      seconds=time.monotonic() - started)


# ---- the source ---------------------------------------------------------------------------


def open_sqlite_read_only(url: str) -> sa.Engine:
    """An engine that can only read the SQLite file at ``url`` (a missing file is refused,
    not made); each transaction is one snapshot of it."""
    parsed = sa.engine.make_url(url)
    path = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or path in ("", ":memory:"):
        raise StorageError(f"the installation to copy must be a SQLite file, not {masked_url(url)}: "
                           "give it with --db sqlite:///PATH")
    file = Path(path).expanduser()
    if not file.is_file():
        raise StorageError(f"there is no SQLite database at {file}: give the installation's file with "
                           "--db sqlite:///PATH (`progleton config` shows the db in use)")
    engine = sa.create_engine(f"sqlite:///file:{file.resolve()}?mode=ro&uri=true")

    @sa.event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the BEGIN below opens the snapshot, not pysqlite

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def check_source_revision(conn: sa.Connection, url: str) -> None:
    """Refuse a source that is no Progleton database, or one at another schema version."""
    try:
        found = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DatabaseError as exc:  # no such table; not a database at all
        raise StorageError(f"{masked_url(url)} is not a Progleton database ({masked_error(exc.orig, url)})") from exc
    wanted = code_revision()
    if found == wanted:
        return
    if found in {script.revision for script in _scripts().walk_revisions()}:
        raise StorageError(
            f"{masked_url(url)} is at schema version {found}, this Progleton at {wanted}: open it once with "
            f"this version to migrate it (`progleton --db {masked_url(url)} sources`), then copy it")
    raise StorageError(f"{masked_url(url)} was written by a newer Progleton (schema version {found}; this one "
                       f"knows up to {wanted}): copy it with that version")


# ---- the target ---------------------------------------------------------------------------


def open_empty_postgresql(url: str) -> sa.Engine:
    """An engine on the PostgreSQL database at ``url``, migrated to this code's schema.
    A database holding tables that are not Progleton's is refused before anything is made
    in it (a mistyped name must not fill another application's database)."""
    from . import open_store

    if not url.startswith(("postgresql", "postgres")):
        raise StorageError(f"the copy goes into a PostgreSQL database, not {masked_url(url)}: give "
                           "postgresql://USER@HOST/NAME (create it first: createdb NAME)")
    if sa.engine.make_url(url).database in _SERVERS_OWN:
        raise StorageError(f"{masked_url(url)} is PostgreSQL's own database: create one for Progleton "
                           "(createdb progleton) and copy into that")
    tables, ctype = _look_at(url)
    foreign = sorted(set(tables) - _OURS)
    if foreign:
        raise StorageError(f"{masked_url(url)} holds tables that are not Progleton's ({', '.join(foreign[:5])}"
                           f"{', …' if len(foreign) > 5 else ''}): copy into a new database "
                           "(createdb NAME), not this one")
    if ctype is not None:
        name = sa.engine.make_url(url).database
        raise StorageError(f"{masked_url(url)} was created with LC_CTYPE {ctype}, which reads no letter beyond "
                           "ASCII as a letter (words in other alphabets, and accented ones, could never be "
                           "found): create one with a UTF-8 locale, createdb --template=template0 "
                           f"--locale=C.UTF-8 NAME, and copy into that (to make it under this name, dropdb {name} "
                           "first); nothing was copied")
    return open_store(url).engine  # migrated; refuses a database of a newer Progleton


def _look_at(url: str) -> tuple[list[str], str | None]:
    """The tables in the PostgreSQL database at ``url`` (in its default schema), and its
    LC_CTYPE where it is C or POSIX (:func:`~.postgres.ascii_locale`)."""
    try:
        from . import postgres

        engine = postgres.create_engine(url)
    except ModuleNotFoundError as exc:
        raise StorageError(f"PostgreSQL needs its driver ({exc.name}): pip install 'progleton[postgres]'") from exc
    except (ValueError, sa.exc.ArgumentError) as exc:  # a port that is no number, and the like
        raise StorageError(f"cannot read the database URL: {masked_error(exc, url)}") from exc
    try:
        with engine.connect() as conn:
            return sa.inspect(conn).get_table_names(), postgres.ascii_locale(conn)
    except sa.exc.DBAPIError as exc:
        raise StorageError(_not_opened(exc.orig, url)) from exc
    finally:
        engine.dispose()


def _not_opened(error: object, url: str) -> str:
    """Why the target could not be opened, and what to do: a server that is not reached is
    no database to create. The driver's first line says what failed (its second repeats a hint);
    a server's own refusal says ``FATAL`` (no SQLSTATE comes with a failed connection)."""
    said = masked_error(error, url).strip().splitlines()[0].removeprefix("connection failed: ")
    parsed = sa.engine.make_url(url)
    where = masked_error(f"{parsed.host or 'localhost'}:{parsed.port or 5432}", url)  # an unescaped @ in a password
    if "FATAL" not in said:
        return (f"cannot connect to the PostgreSQL server at {where} for {masked_url(url)}: {said}; is "
                "PostgreSQL running there? Check the host and port")
    if f'database "{parsed.database}" does not exist' in said:
        return (f"there is no database {parsed.database} on the PostgreSQL server at {where}: create it first, "
                f"with a UTF-8 locale: createdb --template=template0 --locale=C.UTF-8 {parsed.database}")
    return f"cannot open the database at {masked_url(url)}: {said}"


def check_target_empty(dst: sa.Connection, url: str) -> tuple[str, ...]:
    """Refuse a target holding any row, its ``meta`` and built-in user aside: a trial ``serve``
    of the empty database leaves its own secret key and the built-in "local" user there. Those
    are deleted (the installation's replace them), and the keys returned."""
    held = {}
    for table in metadata.sorted_tables:
        rows = sa.select(sa.literal(1)).select_from(table)
        if table is users:  # the built-in user a trial ``serve`` makes (web.accounts.ensure_local_user)
            rows = rows.where(sa.not_(sa.and_(users.c.name == "local", users.c.password_hash == "!")))
        if table is not meta and dst.execute(rows.limit(1)).first():
            held[table.name] = int(dst.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)
    if held:
        what = ", ".join(f"{n:,} {name}" for name, n in held.items())
        raise StorageError(f"{masked_url(url)} is not empty (it holds {what}): copy into a new database "
                           "(createdb NAME), or drop and create this one again (dropdb NAME; createdb NAME)")
    keys = tuple(dst.execute(sa.select(meta.c.key).order_by(meta.c.key)).scalars())
    dst.execute(meta.delete())
    dst.execute(users.delete())  # the installation's users, the built-in one with them, replace it
    return keys


@contextmanager
def indexes_built_after(dst: sa.Connection) -> Iterator[None]:
    """The tables' indexes dropped while the rows go in, and built again from their own
    definitions after: one build costs less than an update per row (a 500 MB installation,
    31,000 articles: 68 s instead of 81, most of either in the search index's expression over
    each article's text). The indexes that keep a key unique stay: a duplicate fails the copy."""
    definitions = dst.execute(sa.text(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(:tables) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "ORDER BY 1"), {"tables": list(metadata.tables)}).all()
    for name, _ in definitions:
        dst.exec_driver_sql(f"DROP INDEX {name}")
    yield
    dst.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
    for _, definition in definitions:
        dst.exec_driver_sql(definition)


def advance_sequences(dst: sa.Connection) -> None:
    """Set each id sequence past the largest id given out: the largest stored, or on SQLite
    the high-water mark of a table whose ids are never given again (``insert_fresh``), so a
    removed source's id does not come back on PostgreSQL either."""
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = dst.execute(sa.select(sa.func.pg_get_serial_sequence(table.name, column.name))).scalar()
            if sequence is None:  # a key made of other tables' ids
                continue
            top = int(dst.execute(sa.select(sa.func.max(column))).scalar() or 0)
            high = dst.execute(sa.select(meta.c.value).where(meta.c.key == high_id_key(table.name))).scalar()
            top = max(top, int(high or 0))
            dst.execute(sa.select(sa.func.setval(sequence, max(top, 1), top > 0)))


# ---- the rows -------------------------------------------------------------------------------


def _copy_table(src: sa.Connection, dst: sa.Connection, table: sa.Table, progress: CopyProgress | None,
                batch_rows: int) -> int:
    """Copy ``table`` in batches, in key order; returns how many texts held NUL characters."""
    names = [c.key for c in table.columns]
    convert = [_converter(c.type) for c in table.columns]
    nul_texts = 0
    result = src.execution_options(yield_per=batch_rows).execute(
        sa.select(table).order_by(*table.primary_key.columns))
    for batch in result.partitions():
        records = []
        for row in batch:
            values = list(row)
            for i, fix in enumerate(convert):
                if fix is not None and values[i] is not None:
                    values[i], changed = fix(values[i])
                    nul_texts += changed
            records.append(dict(zip(names, values, strict=True)))
        dst.execute(table.insert(), records)
        if progress is not None:
            progress.copied(table.name, len(records))
    return nul_texts


Converter = Callable[[Any], tuple[Any, bool]]  # a value as PostgreSQL takes it, and whether it changed


def _converter(column_type: sa.types.TypeEngine[Any]) -> Converter | None:
    """What a column's values need on their way: SQLite gives datetimes back without their
    zone (they are UTC: PostgreSQL would read them in its session's zone), and PostgreSQL
    stores no NUL character in a text (nor, read back as text, in a JSON string)."""
    if isinstance(column_type, sa.DateTime):
        return lambda value: (utc(value), False)
    if isinstance(column_type, sa.JSON):
        return _json_without_nul
    if isinstance(column_type, sa.String):
        return _text_without_nul
    return None


def _text_without_nul(value: str) -> tuple[str, bool]:
    if "\x00" in value:
        return value.replace("\x00", ""), True
    return value, False


def _json_without_nul(value: Any) -> tuple[Any, bool]:
    if "\\u0000" not in json.dumps(value):  # nearly always: no walk through the tree
        return value, False
    cleaned = _strings_without_nul(value)
    return cleaned, cleaned != value  # a text may hold a backslash and "u0000" itself


def _strings_without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_strings_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_strings_without_nul(k): _strings_without_nul(v) for k, v in value.items()}
    return value


# ---- helpers --------------------------------------------------------------------------------


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrations_config())


__all__ = ["BATCH_ROWS", "CopyProgress", "CopyReport", "code_revision", "copy_to_postgresql"]
