"""SQLite specifics: engine set-up (WAL) and the FTS5 full-text index.

All SQLite-only SQL lives here, so a PostgreSQL module can stand beside it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .schema import articles

_FTS_SETUP = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
)


def create_engine(url: str) -> sa.Engine:
    """An engine for a SQLite file: WAL, foreign keys, a busy timeout."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if path and path != ":memory:":
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy manage transactions (pysqlite's own BEGIN handling is off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


def create_search_index(bind: sa.Connection) -> None:
    for statement in _FTS_SETUP:
        bind.exec_driver_sql(statement)


def drop_search_index(bind: sa.Connection) -> None:
    for name in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    bind.exec_driver_sql("DROP TABLE IF EXISTS articles_fts")


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(query: str) -> str:
    """Turn a user's query into an FTS5 MATCH expression.

    Supports "phrases", OR between terms and -exclusion; every other character is
    dropped, so user input can never be an FTS5 syntax error.
    """
    must: list[str] = []
    must_not: list[str] = []
    tokens = re.findall(r'-?"[^"]*"|\S+', query)
    pending_or = False
    for raw in tokens:
        if raw == "OR":
            pending_or = bool(must)
            continue
        negate = raw.startswith("-")
        words = _WORD.findall(raw)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if negate:
            must_not.append(term)
        elif pending_or:
            must[-1] = f"({must[-1]} OR {term})"
        else:
            must.append(term)
        pending_or = False
    if not must:
        return ""
    expression = " AND ".join(must)
    for term in must_not:
        expression += f" NOT {term}"
    return expression


def search_ids(conn: sa.Connection, query: str, *, limit: int, offset: int) -> list[tuple[int, str]]:
    """Article ids and highlighted snippets for ``query``, best first."""
    match = fts_query(query)
    if not match:
        return []
    rows = conn.exec_driver_sql(
        "SELECT rowid, snippet(articles_fts, 1, char(2), char(3), '…', 24) "
        "FROM articles_fts WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 4.0, 1.0) "
        "LIMIT ? OFFSET ?",
        (match, limit, offset),
    ).all()
    return [(int(r[0]), str(r[1] or "")) for r in rows]


__all__ = ["articles", "create_engine", "create_search_index", "drop_search_index", "fts_query", "search_ids"]
