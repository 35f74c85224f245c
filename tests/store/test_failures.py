"""A database that cannot be used is told in words, with what to do: real SQLite files locked,
read-only and damaged, a real PostgreSQL session ended under a query."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from progleton.exceptions import DatabaseFailure, StorageError
from progleton.store import open_store
from progleton.store.failures import database_failure


def _failure_of(engine: sa.Engine, statement: str) -> sa.exc.DBAPIError:
    with pytest.raises(sa.exc.DBAPIError) as raised, engine.connect() as conn:
        conn.exec_driver_sql(statement)
        conn.commit()
    return raised.value


def test_a_file_another_program_keeps_locked_says_so_and_to_run_again(tmp_path: Path) -> None:
    path = tmp_path / "progleton.db"
    open_store(f"sqlite:///{path}").close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # an sqlite3 shell in the middle of a write
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        failure = database_failure(_failure_of(engine, "UPDATE sources SET title = 'x'"), engine.url)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
    assert isinstance(failure, DatabaseFailure) and isinstance(failure, StorageError)
    assert str(failure).startswith(f"the database file {path} is locked: another program has held a write")
    assert str(failure).endswith("Nothing stored before was lost; run the command again once it is done.")


def test_a_read_only_file_says_to_make_it_writable(tmp_path: Path) -> None:
    path = tmp_path / "progleton.db"
    open_store(f"sqlite:///{path}").close()
    engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    failure = database_failure(_failure_of(engine, "UPDATE sources SET title = 'x'"), f"sqlite:///{path}")
    engine.dispose()
    assert failure is not None and f"the database file {path} cannot be written" in str(failure)
    assert "Make both writable by the user Progleton runs as" in str(failure)


@pytest.mark.parametrize("damage", ["garbage", "cut short"])
def test_a_damaged_file_is_refused_in_words_at_open_and_left_as_it_was(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "progleton.db"
    if damage == "garbage":
        path.write_bytes(b"\x13 this was never a database " * 4000)
    else:
        open_store(f"sqlite:///{path}").close()
        path.write_bytes(path.read_bytes()[:5000])
    before = path.read_bytes()
    with pytest.raises(DatabaseFailure) as raised:
        open_store(f"sqlite:///{path}")
    assert str(raised.value).startswith(f"the database file {path} is damaged, or is no SQLite database (")
    assert "Restore it from a backup" in str(raised.value) and "sqlite3 FILE .recover" in str(raised.value)
    assert path.read_bytes() == before


def test_an_error_of_the_data_is_no_failure_of_the_database(tmp_path: Path) -> None:
    path = tmp_path / "progleton.db"
    store = open_store(f"sqlite:///{path}")
    store.add_source("https://x.example/feed")
    with pytest.raises(sa.exc.IntegrityError) as raised, store.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO sources (url, added_at) VALUES ('https://x.example/feed', '2026-01-01')")
    store.close()
    assert database_failure(raised.value, store.engine.url) is None  # a bug or bad data: as it was


@pytest.mark.postgres
def test_a_postgresql_session_ended_under_a_query_says_the_connection_was_lost(postgres_url: str) -> None:
    url = postgres_url.replace("postgresql+psycopg://postgres@", "postgresql://postgres:s3cret-pw@")
    store = open_store(postgres_url.replace("postgresql+psycopg://", "postgresql://"))
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with store.engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with admin.connect() as other:  # what a restart, a failover or an administrator does
                other.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
            with pytest.raises(sa.exc.OperationalError) as raised:
                conn.exec_driver_sql("SELECT count(*) FROM sources")
    finally:
        admin.dispose()
        store.close()
    failure = database_failure(raised.value, url)
    assert failure is not None
    assert str(failure).startswith("the connection to postgresql://postgres:********@127.0.0.1")
    assert " was lost (terminating connection due to administrator command). Nothing stored before was lost; " \
           "run the command again once the server answers." in str(failure)
    assert "s3cret" not in str(failure)
