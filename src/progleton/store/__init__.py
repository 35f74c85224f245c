"""Storage stage: SQLAlchemy Core tables, Alembic migrations, SQLite (default) or PostgreSQL."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import platformdirs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.util import CommandError

from ..exceptions import DatabaseFailure, StorageError
from ..urls import masked_error, masked_url
from . import schema
from .base import SearchFilters, Store
from .failures import database_failure, refused_at_connect
from .sql import SQLStore


def default_db_url() -> str:
    """A SQLite file in the user's data directory."""
    path = Path(platformdirs.user_data_dir("progleton")) / "progleton.db"
    return f"sqlite:///{path}"


MIGRATION_LOCK_KEY = 0x70726F67_6D696772  # "prog" "migr": PostgreSQL advisory lock


def migrations_config() -> Config:
    """Alembic's configuration for Progleton's migrations (``migrations/``)."""
    config = Config()
    config.set_main_option("script_location", str(files("progleton.store") / "migrations"))
    return config


def migrate(engine: sa.Engine) -> None:
    """Apply every Alembic migration not yet applied (run at start-up). On PostgreSQL, two
    processes starting on a new database at once (``serve`` and a cron ``update``) take turns:
    the second finds the tables made."""
    config = migrations_config()
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # held until this transaction ends
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = conn
        try:
            command.upgrade(config, "head")
        except CommandError as exc:
            raise StorageError(f"this database was written by a newer Progleton ({exc}); "
                               "upgrade Progleton to open it") from exc
        conn.commit()


def open_store(url: str, *, connect_timeout: int | None = None) -> SQLStore:
    """Open (creating and migrating as needed) the store at a database URL. A PostgreSQL server
    that does not answer a new connection within ``connect_timeout`` seconds (default 10; the
    URL's own ``connect_timeout`` goes first) is given up on: ``DatabaseFailure``."""
    timeout = None
    if url.startswith("sqlite"):
        from . import sqlite

        engine = sqlite.create_engine(url)
        search_fn, lock_fn = _sqlite_search, sqlite.grouping_lock
    elif url.startswith(("postgresql", "postgres")):
        try:
            from . import postgres

            timeout = postgres.connect_timeout(url, connect_timeout or postgres.CONNECT_TIMEOUT_S)
            engine = postgres.create_engine(url, timeout=timeout)
        except ModuleNotFoundError as exc:
            raise StorageError(f"PostgreSQL needs its driver ({exc.name}): install it into Progleton's "
                               "environment, `.venv/bin/pip install -e '.[postgres]'` in a checkout set up "
                               "with `make`, else `pip install 'progleton[postgres]'`") from exc
        except ValueError as exc:  # a port that is no number, and the like
            raise StorageError(f"cannot read the database URL: {masked_error(exc, url)}") from exc
        search_fn, lock_fn = postgres.search_ids_fn, postgres.grouping_lock
    else:
        raise StorageError(f"unsupported database URL {masked_url(url)!r}: use sqlite:///PATH or postgresql://…")
    try:
        migrate(engine)
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        escaped = url.split("://", 1)[-1].split("?", 1)[0].count("@") < 2
        # a server that refused the connection says why in its own words, below
        failure = None if refused_at_connect(exc) else database_failure(exc, url, connect_timeout=timeout)
        if failure is not None:
            if escaped:
                raise failure from exc
            raise DatabaseFailure(f"{failure} An @ or / in a user name or password is written %40 or %2F.") from exc
        if not isinstance(exc, (sa.exc.OperationalError, sa.exc.ProgrammingError)):
            raise
        hint = "" if escaped else "; an @ or / in a user name or password is written %40 or %2F"
        raise StorageError(f"cannot open the database at {masked_url(url)}: "
                           f"{masked_error(exc.orig, url)}{hint}") from exc
    except ValueError as exc:  # a port that is no number, and the like
        raise StorageError(f"cannot open the database at {masked_url(url)}: {masked_error(exc, url)}") from exc
    if engine.dialect.name == "postgresql":
        postgres.warn_about_locale(engine)
    return SQLStore(engine, search_fn=search_fn, lock_fn=lock_fn)


def accounts_with_password(url: str, *, connect_timeout: int | None = None) -> list[str]:
    """The names of the accounts that can sign in, read without creating or migrating the
    database (``progleton config`` changes nothing); StorageError when it cannot be read.
    ``connect_timeout`` as for :func:`open_store`: one setting for every command."""
    timeout = None
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[-1]).expanduser()
        if not path.is_file():
            return []  # no database yet: nothing to sign in to
        engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    else:
        try:
            from . import postgres

            timeout = postgres.connect_timeout(url, connect_timeout or postgres.CONNECT_TIMEOUT_S)
            engine = postgres.create_engine(url, timeout=timeout)
        except (ModuleNotFoundError, ValueError, sa.exc.ArgumentError) as exc:
            raise StorageError(masked_error(exc, url)) from exc
    users = schema.users.c
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("users"):
                return []
            query = sa.select(users.name).where(users.password_hash != "!").order_by(users.name)
            return list(conn.execute(query).scalars())
    except sa.exc.DBAPIError as exc:  # a server not reached is said as open_store says it
        failure = None if refused_at_connect(exc) else database_failure(exc, url, connect_timeout=timeout)
        raise (failure or StorageError(masked_error(exc.orig, url))) from exc
    finally:
        engine.dispose()


def _sqlite_search(conn: sa.Connection, query: str, limit: int, offset: int,
                   filters: SearchFilters | None, fold_copies: bool = False) -> list[tuple[int, str, int]]:
    from .sqlite import search_ids

    return search_ids(conn, query, limit=limit, offset=offset, filters=filters, fold_copies=fold_copies)


__all__ = ["SQLStore", "SearchFilters", "Store", "default_db_url", "masked_error", "masked_url", "migrate",
           "migrations_config", "open_store"]
