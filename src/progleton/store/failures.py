"""What a database failure that is no bug means for whoever runs Progleton, and what to do.

A database that cannot be used (locked by another program for longer than the busy timeout,
a full disk, a read-only file or folder, a damaged file, a PostgreSQL connection that was cut)
makes every statement fail alike. It is told in words (``DatabaseFailure``) rather than as a
traceback, and an update stops at it rather than recording it as the failure of each source
in turn (each source then went into backoff for a fault of the disk). Any other database
error (a constraint, a value a column cannot take) is a bug or bad data, and stays as it was.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from ..exceptions import DatabaseFailure
from ..urls import masked_error, masked_url

LOST = "Nothing stored before was lost"
AGAIN = f"{LOST}; run the command again"


def database_failure(exc: BaseException, url: str | sa.URL | None = None, *, connect_timeout: int | None = None,
                     again: str = "run the command again") -> DatabaseFailure | None:
    """``exc`` (an SQLAlchemy or driver error) as a :class:`DatabaseFailure` saying what
    happened and what to do, or None when it is no failure of the database itself.
    ``connect_timeout``: the seconds a new connection waited, to say so when it timed out;
    ``again``: how to try once more, where that is what to do (the web: "try again")."""
    if isinstance(exc, DatabaseFailure):
        return exc
    orig = getattr(exc, "orig", None) or exc
    if isinstance(url, sa.URL):  # as the user wrote it: postgresql://, not postgresql+psycopg://
        url = url.set(drivername=url.get_backend_name()).render_as_string(hide_password=False)
    text = url or ""
    said = (masked_error(orig, text) if text else str(orig)).strip().splitlines()[0]  # psycopg: 3 lines
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        words = _sqlite_words(name.removeprefix("SQLITE_").split("_", 1)[0], _file(text))
    elif type(orig).__module__.startswith("psycopg"):
        words = (_connect_words(said, _server(text), connect_timeout)
                 or _postgres_words(getattr(orig, "sqlstate", None), getattr(exc, "connection_invalidated", False),
                                    masked_url(text) if text else "the PostgreSQL server"))
    else:
        return None
    if words is None:
        return None
    to_do = words[1].replace(AGAIN, f"{LOST}; {again}")
    return DatabaseFailure(f"{words[0]} ({said.removeprefix('connection failed: ')}). {to_do}")


def refused_at_connect(exc: BaseException) -> bool:
    """Whether a new PostgreSQL connection was refused by the server itself (a wrong password,
    no such database), rather than the server not reached: psycopg's "connection failed"
    quoting the server's FATAL."""
    said = str(getattr(exc, "orig", None) or exc)
    return said.startswith("connection failed:") and "FATAL" in said


def _server(url: str) -> str:
    """A PostgreSQL server as a person looks for it: "the PostgreSQL server at db.example:5432
    for postgresql://…"."""
    if not url:
        return "the PostgreSQL server"
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        return f"the PostgreSQL server of {masked_url(url)}"
    where = masked_error(f"{parsed.host or 'localhost'}:{parsed.port or 5432}", url)  # an unescaped @ in a password
    return f"the PostgreSQL server at {where} for {masked_url(url)}"


def _file(url: str) -> str:
    path = url.split(":///", 1)[1].split("?", 1)[0] if ":///" in url else ""
    return f"the database file {Path(path).expanduser()}" if path else "the database file"


def _sqlite_words(code: str, file: str) -> tuple[str, str] | None:
    if code in ("BUSY", "LOCKED"):
        return (f"{file} is locked: another program has held a write on it for more than 30 seconds "
                "(an sqlite3 shell, a backup, another Progleton stuck?)",
                f"{AGAIN} once it is done.")
    if code == "FULL":
        return (f"the disk that holds {file} is full",
                f"{AGAIN} once there is room (`df` shows it).")
    if code in ("READONLY", "CANTOPEN", "PERM", "AUTH"):
        return (f"{file} cannot be written: the file or its folder is read-only, or belongs to another "
                "user (SQLite writes its -wal and -shm files beside it)",
                "Make both writable by the user Progleton runs as, or give another --db.")
    if code in ("CORRUPT", "NOTADB"):
        return (f"{file} is damaged, or is no SQLite database",
                "Restore it from a backup, or save what it holds with "
                "`sqlite3 FILE .recover | sqlite3 NEW.db` and open that.")
    if code == "IOERR":
        return (f"{file} could not be read or written: the disk failed the operation (full, a file-size "
                "limit, removed, or failing)",
                f"{AGAIN} once the disk is fixed (`df`, `ulimit -f`, `dmesg` say more).")
    return None


def _connect_words(said: str, server: str, timeout: int | None) -> tuple[str, str] | None:
    """A new connection that was not made (psycopg's "connection failed: …" or "connection
    timeout expired", which carry no SQLSTATE): the server was not reached, or refused it."""
    if said.startswith("connection timeout expired"):
        return (f"{server} did not answer{f' within {timeout} s' if timeout else ' in time'}",
                "Check that PostgreSQL runs there and that this machine reaches it (the host and port, a "
                "firewall); on a slow network, wait longer with the db_connect_timeout setting "
                "(PROGLETON_DB_CONNECT_TIMEOUT).")
    if not said.startswith("connection failed:"):
        return None
    if "FATAL" in said:  # it answered and refused: shutting down, starting up, too many clients
        return (f"{server} refused a new connection", f"{AGAIN} once it takes connections.")
    return (f"cannot connect to {server}",
            f"Check that PostgreSQL runs there and that the host and port are right. {AGAIN} once it answers.")


def _postgres_words(sqlstate: str | None, cut: bool, server: str) -> tuple[str, str] | None:
    if sqlstate == "53100":
        return ("the disk of the PostgreSQL server is full", f"{AGAIN} once there is room.")
    if sqlstate == "25006":
        return (f"{server} takes no writes (a standby, or a read-only transaction)",
                "Point --db at the primary server.")
    # a connection that broke in use (SQLAlchemy found it so), or a session the server or an
    # administrator ended (57P: pg_terminate_backend, a restart, a shutdown); one never made
    # (a refused connection, a wrong password) is told by open_store
    if cut or (sqlstate or "").startswith("57P"):
        return (f"the connection to {server} was lost", f"{AGAIN} once the server answers.")
    return None
