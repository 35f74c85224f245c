"""PostgreSQL specifics: engine set-up (psycopg 3) and tsvector full-text search.

Search uses ``websearch_to_tsquery`` (phrases, OR, -exclusion, never a syntax error)
over a GIN expression index created by the migrations.
"""

from __future__ import annotations

import sqlalchemy as sa

_DOCUMENT = "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, ''))"


def create_engine(url: str) -> sa.Engine:
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_pre_ping=True)


def create_search_index(bind: sa.Connection) -> None:
    bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_articles_fts ON articles USING GIN ({_DOCUMENT})")


def drop_search_index(bind: sa.Connection) -> None:
    bind.exec_driver_sql("DROP INDEX IF EXISTS ix_articles_fts")


def search_ids_fn(conn: sa.Connection, query: str, limit: int, offset: int) -> list[tuple[int, str]]:
    """Article ids and highlighted snippets for ``query``, best first."""
    if not query.strip():
        return []
    rows = conn.exec_driver_sql(
        f"SELECT id, ts_headline('simple', text, q, 'StartSel=\x02, StopSel=\x03, MaxWords=30, MinWords=12') "
        f"FROM articles, websearch_to_tsquery('simple', %(q)s) AS q WHERE {_DOCUMENT} @@ q "
        f"ORDER BY ts_rank({_DOCUMENT}, q) DESC, id LIMIT %(limit)s OFFSET %(offset)s",
        {"q": query, "limit": limit, "offset": offset},
    ).all()
    return [(int(r[0]), str(r[1] or "")) for r in rows]
