"""Ending the session that holds the grouping lock, as idle_session_timeout, a restarted
pgbouncer or a firewall would: for the PostgreSQL tests of a lock lost."""

from __future__ import annotations

import sqlalchemy as sa

from progleton.store.postgres import GROUPING_LOCK_KEY

# Advisory locks belong to one database: only this database's holder is ended. Without the
# filter, a test here ended the lock's session of every database on the server, another
# run's tests (a second checkout, CI beside a developer) included.
_END = sa.text(
    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND ((classid::bigint << 32) | objid::bigint) = :key"
)


def end_lock_sessions(conn: sa.Connection) -> list[bool]:
    """End the sessions holding the grouping lock in ``conn``'s database; whether each ended."""
    return [bool(ended) for (ended,) in conn.execute(_END, {"key": GROUPING_LOCK_KEY}).all()]


def end_lock_sessions_at(url: str) -> list[bool]:
    """:func:`end_lock_sessions` on a connection of its own to the database at ``url``."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return end_lock_sessions(conn)
    finally:
        engine.dispose()
