"""PostgreSQL specifics: engine set-up (psycopg 3) and tsvector full-text search.

Search renders the parsed query (:mod:`.query`: phrases, OR, -exclusion, word forms) as a
``to_tsquery`` expression of quoted lexemes, never a syntax error, over a GIN expression index
created by the migrations.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from .base import SearchFilters
from .query import parse_query, render

# What is indexed: title and text as the query side reads words (:mod:`.query`, ``\w+``).
# PostgreSQL's parser keeps "4.2", "67-year-old", "fennick.gov.uk", "U.S." and e-mail
# addresses as tokens of their own, which a query for "4.2" (the phrase 4 <-> 2) or "year"
# never meets: those joining characters become spaces. And the first DOCUMENT_CHARS only: a
# tsvector holds at most 1 MB (a longer article could not be stored at all) and word positions
# stop at 16,383 (phrases further in never match).
DOCUMENT_CHARS = 100_000
_DOCUMENT = (
    "to_tsvector('simple', left(regexp_replace(coalesce(title, '') || ' ' || coalesce(text, ''), "
    f"'[.@/:+''-]', ' ', 'g'), {DOCUMENT_CHARS}))"
)


def create_engine(url: str) -> sa.Engine:
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_pre_ping=True)


# The session-level advisory lock of the story grouping (any fixed 64-bit key; this one spells
# "progleton grouping" in its hash).
GROUPING_LOCK_KEY = 0x70726F67_67727570


@contextmanager
def grouping_lock(engine: sa.Engine, *, wait: bool = True) -> Iterator[bool]:
    """A session-level advisory lock held on a connection of its own: every process and
    machine using the database sees it, and the server releases it when the session ends."""
    with engine.connect() as conn:
        if wait:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": GROUPING_LOCK_KEY})
            held = True
        else:
            held = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"),
                                     {"key": GROUPING_LOCK_KEY}).scalar())
        conn.commit()  # the lock outlives the transaction; the session does not idle in one
        try:
            yield held
        finally:
            if held:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": GROUPING_LOCK_KEY})
                conn.commit()


def create_search_index(bind: sa.Connection) -> None:
    bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_articles_fts ON articles USING GIN ({_DOCUMENT})")


def drop_search_index(bind: sa.Connection) -> None:
    bind.exec_driver_sql("DROP INDEX IF EXISTS ix_articles_fts")


RANK_WINDOW = 2_000  # as in the SQLite store: rank the newest matches


def tsquery(query: str) -> str:
    """A user's query (:mod:`.query`) as a ``to_tsquery`` expression; "" when nothing must match.
    Every lexeme is quoted (words are letters and digits only), so input is never a syntax
    error."""
    return render(parse_query(query), word=lambda w: f"'{w}'", phrase=lambda ws: "(" + " <-> ".join(f"'{w}'" for w in ws) + ")",
                  prefix=lambda p: f"'{p}':*", any_of=" | ", all_of=" & ", but_not=" & !")


def search_ids_fn(conn: sa.Connection, query: str, limit: int, offset: int,
                  filters: SearchFilters | None = None) -> list[tuple[int, str]]:
    """Article ids and highlighted snippets for ``query``, best first."""
    expression = tsquery(query)
    if not expression:
        return []
    where: list[str] = []
    params: dict[str, Any] = {}
    if filters is not None:
        if filters.source_ids is not None:
            where.append("source_id = ANY(:source_ids)")
            params["source_ids"] = [int(i) for i in filters.source_ids]
        if filters.language:
            where.append("(language = :lang OR language LIKE :lang_prefix)")
            params.update(lang=filters.language, lang_prefix=filters.language + "-%")
        if filters.after is not None:
            where.append("coalesce(published, created_at) >= :after")
            params["after"] = filters.after
        if filters.before is not None:
            where.append("coalesce(published, created_at) < :before")
            params["before"] = filters.before
    extra = "".join(f" AND {w}" for w in where)
    sql = (
        "WITH q AS (SELECT to_tsquery('simple', :q) AS q), "
        f"candidates AS (SELECT id FROM articles, q WHERE {_DOCUMENT} @@ q.q {extra} "
        "ORDER BY id DESC LIMIT :window) "
        "SELECT a.id, ts_headline('simple', a.text, q.q, "
        "'StartSel=\x02, StopSel=\x03, MaxWords=30, MinWords=12') "
        f"FROM articles a, q WHERE a.id IN (SELECT id FROM candidates) "
        f"ORDER BY ts_rank({_DOCUMENT.replace('title', 'a.title').replace('text,', 'a.text,')}, q.q) DESC, a.id "
        "LIMIT :limit OFFSET :offset"
    )
    rows = conn.execute(sa.text(sql), {"q": expression, "window": RANK_WINDOW, "limit": limit,
                                       "offset": offset, **params}).all()
    return [(int(r[0]), str(r[1] or "")) for r in rows]
