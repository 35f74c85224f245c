"""The PostgreSQL grouping lock: a session-level advisory lock, and what becomes of the
grouping when the session that holds it ends."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from pg_locks import end_lock_sessions
from progleton.exceptions import GroupingLockLost
from progleton.store import open_store
from progleton.store.sql import SQLStore

pytestmark = pytest.mark.postgres


@pytest.fixture
def admin(postgres_url: str) -> Iterator[sa.Connection]:
    engine = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def _open(url: str) -> SQLStore:
    return open_store(url.replace("postgresql+psycopg://", "postgresql://"))


def _end_the_lock_session(admin: sa.Connection) -> None:
    """What idle_session_timeout, a restarted pgbouncer or a firewall do to the lock's session."""
    assert end_lock_sessions(admin) == [True]


def test_the_lock_outlasts_the_databases_idle_session_timeout(postgres_url: str, admin: sa.Connection) -> None:
    name = postgres_url.rsplit("/", 1)[1]
    admin.exec_driver_sql(f"ALTER DATABASE {name} SET idle_session_timeout = '1s'")
    store, other = _open(postgres_url), _open(postgres_url)
    try:
        with store.grouping_lock() as held:
            assert held
            time.sleep(2.5)  # the grouping works on in Python; the lock's session says nothing
            with other.grouping_lock(wait=False) as other_held:
                assert not other_held  # it was released when the server ended the idle session
            store.set_meta("stories.grouper_state", "x")
    finally:
        store.close()
        other.close()


def test_writes_fail_once_the_lock_session_has_ended_and_leaving_only_warns(
        postgres_url: str, admin: sa.Connection, caplog: pytest.LogCaptureFixture) -> None:
    store, other = _open(postgres_url), _open(postgres_url)
    try:
        with store.grouping_lock() as held:
            assert held
            store.set_meta("stories.grouper_state", "before")
            _end_the_lock_session(admin)
            with pytest.raises(GroupingLockLost, match="grouping lock was lost"):
                store.set_meta("stories.grouper_state", "after")  # another process may group now
            assert store.get_meta("stories.grouper_state") == "before"  # reads go on
            with other.grouping_lock(wait=False) as other_held:
                assert other_held
        # leaving unlocked nothing (the server did): a warning, not IdleSessionTimeout or the like
        assert any("grouping lock" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
        store.set_meta("stories.grouper_state", "later")  # outside a hold: written as ever
        with store.grouping_lock(wait=False) as held:
            assert held
    finally:
        store.close()
        other.close()
