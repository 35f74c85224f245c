"""SQLite specifics: engine set-up (WAL) and the FTS5 full-text index.

All SQLite-only SQL lives here, so a PostgreSQL module can stand beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa

try:
    import fcntl
except ImportError:  # not on POSIX: one process per database file is assumed
    fcntl = None  # type: ignore[assignment]

from ..exceptions import StorageError
from ..scripts import ARABIC_ALEFS, ARABIC_MARKS, ARABIC_TATWEEL
from .base import SearchFilters
from .matches import SNIPPET_WORDS
from .query import parse_query, render
from .ranking import best_first
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


# From migration 0004: the title indexed is the headline shown (the feed's later headline when
# it changed, else the title), so search finds what the reader sees.
_SHOWN = "coalesce({row}.headline, {row}.title)"
_FTS_TRIGGERS_SHOWN = (
    "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
    f"INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, {_SHOWN.format(row='new')}, new.text); END",
    "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    f"VALUES ('delete', old.id, {_SHOWN.format(row='old')}, old.text); END",
    "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text, headline ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    f"VALUES ('delete', old.id, {_SHOWN.format(row='old')}, old.text); "
    f"INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, {_SHOWN.format(row='new')}, new.text); END",
)


# From migration 0013: Arabic is indexed as search reads it (scripts.fold_arabic: an alef with a
# hamza or madda as a bare alef, no vowel marks, no tatweel), folded by SQLite's own replace()
# so the triggers need no function of ours and any client (the sqlite3 shell) may still write.
# The fold only takes characters out of a word and changes letters for letters, and the
# tokenizer reads the vowel marks as part of a word (tokenchars), as the fold does: the stored
# text and the folded text have the same tokens at the same positions, which snippet() relies
# on when it marks the stored text. Text with no character of U+0600-U+067F (no UTF-8 byte
# D8 or D9) is indexed as it is, without the seventeen passes of replace().
def _folded(column: str) -> str:
    folded = column
    for alef in ARABIC_ALEFS:
        folded = f"replace({folded}, '{alef}', '\u0627')"
    for mark in ARABIC_MARKS + ARABIC_TATWEEL:
        folded = f"replace({folded}, '{mark}', '')"
    return (f"CASE WHEN instr(CAST({column} AS BLOB), X'D8') OR instr(CAST({column} AS BLOB), X'D9') "
            f"THEN {folded} ELSE {column} END")


def _folded_pair(row: str) -> str:
    return f"{_folded(_SHOWN.format(row=row))}, {_folded(f'{row}.text')}"


_FTS_FOLDED = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id', "
    f"tokenize=\"unicode61 remove_diacritics 2 tokenchars '{ARABIC_MARKS}'\")",
    "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
    f"INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, {_folded_pair('new')}); END",
    "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
    f"INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, {_folded_pair('old')}); END",
    "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text, headline ON articles BEGIN "
    f"INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, {_folded_pair('old')}); "
    f"INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, {_folded_pair('new')}); END",
    "INSERT INTO articles_fts(rowid, title, text) "
    f"SELECT id, {_folded_pair('articles')} FROM articles",
)


def index_folded_arabic(bind: sa.Connection) -> None:
    """Migration 0013: the full-text index made again, Arabic folded (every stored article
    indexed anew)."""
    drop_search_index(bind)
    for statement in _FTS_FOLDED:
        bind.exec_driver_sql(statement)


def index_shown_headlines(bind: sa.Connection) -> None:
    """Migration 0004: the full-text triggers index the headline shown (rows stored before have
    no later headline: what is indexed stays as it is)."""
    for name in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    for statement in _FTS_TRIGGERS_SHOWN:
        bind.exec_driver_sql(statement)


def create_engine(url: str) -> sa.Engine:
    """An engine for a SQLite file: WAL, foreign keys, a busy timeout."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if path and path != ":memory:":
        folder = Path(path).expanduser().parent
        if folder == Path(platformdirs.user_data_dir("progleton")):
            folder.mkdir(parents=True, exist_ok=True)  # the default place, made on first use
        elif not folder.is_dir():  # a mistyped --db makes no folders
            raise StorageError(f"cannot open the database at {url}: the folder {folder} does not exist; "
                               "create it first, or give another path")
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


@contextmanager
def grouping_lock(engine: sa.Engine, *, wait: bool = True) -> Iterator[bool]:
    """An advisory lock on a file beside the database (``<db>-grouping.lock``, like SQLite's
    own ``-wal`` and ``-shm``), held with ``flock``: every process on this machine that opens
    the database sees it, and the system releases it when a process dies. An in-memory
    database has one process: always held."""
    path = engine.url.database
    if not path or path == ":memory:" or fcntl is None:
        yield True
        return
    with open(f"{path}-grouping.lock", "a+b") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def create_search_index(bind: sa.Connection) -> None:
    for statement in _FTS_SETUP:
        bind.exec_driver_sql(statement)


def drop_search_index(bind: sa.Connection) -> None:
    for name in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    bind.exec_driver_sql("DROP TABLE IF EXISTS articles_fts")


def fts_query(query: str) -> str:
    """Turn a user's query (:mod:`.query`) into an FTS5 MATCH expression; "" when nothing must
    match. Every word is quoted, so user input can never be an FTS5 syntax error."""
    return render(parse_query(query), word=lambda w: f'"{w}"', phrase=lambda ws: '"' + " ".join(ws) + '"',
                  prefix=lambda p: f'"{p}"*', any_of=" OR ", all_of=" AND ", but_not=" NOT ")


# Matches ranked per query: the newest this many (by rowid, which grows with ingest) are
# ranked with bm25; older matches rank only when fewer new ones match. Bounds the work of
# a common word on a large archive (bm25 scores every candidate).
RANK_WINDOW = 2_000


def search_ids(conn: sa.Connection, query: str, *, limit: int, offset: int,
               filters: SearchFilters | None = None, fold_copies: bool = False) -> list[tuple[int, str, int]]:
    """Article ids, highlighted snippets and the wire copies each stands for (with
    ``fold_copies``: :mod:`.ranking`) for ``query``, best first."""
    match = fts_query(query)
    if not match:
        return []
    where, params = _filter_sql(filters)
    join = " CROSS JOIN articles a ON a.id = f.rowid" if where else ""  # CROSS: FTS first
    params.update(match=match)
    # The rank window: the rowid of the RANK_WINDOW-th newest match. FTS5 walks rowids
    # newest first cheaply and honours a rowid range, so only the window is scored.
    floor = conn.execute(sa.text(
        f"SELECT f.rowid FROM articles_fts f{join} WHERE articles_fts MATCH :match{where} "
        "ORDER BY f.rowid DESC LIMIT 1 OFFSET :window"), {**params, "window": RANK_WINDOW - 1}).scalar()
    ranked = sa.text(
        f"SELECT f.rowid AS id, bm25(articles_fts, 4.0, 1.0) AS score FROM articles_fts f{join} "
        f"WHERE articles_fts MATCH :match AND f.rowid >= :floor{where}"
    ).bindparams(**params, floor=floor or 0).columns(sa.column("id", sa.Integer), sa.column("score", sa.Float))
    page = best_first(ranked.subquery("ranked"), ["score"], limit=limit, offset=offset, fold_copies=fold_copies)
    ranked_ids = [(int(r.id), int(r.folded)) for r in conn.execute(page)]
    if not ranked_ids:
        return []
    # Snippets only for the page shown: SQLite would compute them for every match otherwise.
    ids = ", ".join(str(i) for i, _ in ranked_ids)
    snippets: dict[int, str] = dict(conn.execute(sa.text(
        f"SELECT rowid, snippet(articles_fts, 1, char(2), char(3), '…', {SNIPPET_WORDS}) FROM articles_fts "
        f"WHERE articles_fts MATCH :match AND rowid IN ({ids})"), {"match": match}).all())
    return [(i, str(snippets.get(i) or ""), folded) for i, folded in ranked_ids]


def _filter_sql(filters: SearchFilters | None) -> tuple[str, dict[str, Any]]:
    if filters is None:
        return "", {}
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if filters.source_ids is not None:
        ids = [int(i) for i in filters.source_ids] or [-1]
        clauses.append(f"a.source_id IN ({', '.join(str(i) for i in ids)})")
    if filters.language:
        clauses.append("(a.language = :lang OR a.language LIKE :lang_prefix)")
        params.update(lang=filters.language, lang_prefix=filters.language + "-%")
    when = "coalesce(a.published, a.created_at)"
    if filters.after is not None:
        clauses.append(f"{when} >= :after")
        params["after"] = filters.after.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if filters.before is not None:
        clauses.append(f"{when} < :before")
        params["before"] = filters.before.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return "".join(f" AND {c}" for c in clauses), params


__all__ = ["articles", "create_engine", "create_search_index", "drop_search_index", "fts_query", "search_ids"]
