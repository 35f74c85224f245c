"""PostgreSQL specifics: engine set-up (psycopg 3) and tsvector full-text search.

Search renders the parsed query (:mod:`.query`: phrases, OR, -exclusion, word forms) as a
``to_tsquery`` expression of quoted lexemes, never a syntax error, matched and ranked against
``articles.search_vector``, a stored column with a GIN index (migration 0014).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from ..exceptions import GroupingLockLost
from ..scripts import ARABIC_ALEFS, ARABIC_MARKS, ARABIC_TATWEEL
from .base import SearchFilters
from .matches import snippet
from .query import parse_query, render
from .ranking import best_first

log = logging.getLogger(__name__)

# What is indexed: title and text as the query side reads words (:mod:`.query`, ``\w+``).
# PostgreSQL's parser keeps "4.2", "67-year-old", "fennick.gov.uk", "U.S." and e-mail
# addresses as tokens of their own, which a query for "4.2" (the phrase 4 <-> 2) or "year"
# never meets: those joining characters become spaces. And the first DOCUMENT_CHARS only: a
# tsvector holds at most 1 MB (a longer article could not be stored at all) and word positions
# stop at 16,383 (phrases further in never match).
# Accents are folded on both sides ("cafe" finds "café", "Zurich" "Zürich", as SQLite's
# tokenizer does) by ``progleton_fold``: the unaccent extension where the database lets us
# create it, else nothing (see create_search_index).
# From migration 0004, the title indexed is the headline shown (the feed's later one, else the
# title); 0001 and 0003 built the index before that column existed. From migration 0013 the fold
# also reads Arabic as search does (scripts.fold_arabic), in text with a character of
# U+0622-U+0671 (others are left as they are). Four replace() and one regexp_replace() take a
# quarter of the time of one translate() of the sixteen characters, which compares each
# character of the text with each of them.
DOCUMENT_CHARS = 100_000


def _document(title: str) -> str:
    return (f"to_tsvector('simple', progleton_fold(left(regexp_replace(coalesce({title}, '') || ' ' || "
            f"coalesce(text, ''), '[.@/:+''-]', ' ', 'g'), {DOCUMENT_CHARS})))")


_DOCUMENT_BEFORE_HEADLINES = _document("title")
_DOCUMENT = _document("coalesce(headline, title)")
_FOLD = ("CREATE OR REPLACE FUNCTION progleton_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
         "STRICT AS $$ SELECT {body} $$")


def driver_url(url: str) -> str:
    """A PostgreSQL URL as SQLAlchemy takes it with psycopg 3 ("postgres://" and "postgresql://"
    name no driver)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


CONNECT_TIMEOUT_S = 10  # the db_connect_timeout setting's default


def connect_timeout(url: str, setting: int = CONNECT_TIMEOUT_S) -> int:
    """How long a new connection waits for the server: the URL's ``connect_timeout`` where it
    gives one, else ``setting``; at least 2 s, as libpq and psycopg count it."""
    given = sa.engine.make_url(driver_url(url)).query.get("connect_timeout")
    try:
        seconds = int(float(given if isinstance(given, str) else setting))
    except ValueError:
        seconds = setting
    return max(2, seconds)


def create_engine(url: str, *, timeout: int = CONNECT_TIMEOUT_S) -> sa.Engine:
    """An engine whose connections give up on a server that does not answer after
    :func:`connect_timeout` seconds (psycopg waited 130 s an address, with none given)."""
    engine = sa.create_engine(driver_url(url), pool_pre_ping=True,
                              connect_args={"connect_timeout": connect_timeout(url, timeout)})
    sa.event.listen(engine, "begin", _check_grouping_lock)
    return engine


# The session-level advisory lock of the story grouping (any fixed 64-bit key; this one spells
# "progleton grouping" in its hash).
GROUPING_LOCK_KEY = 0x70726F67_67727570
# How often the session holding it says something while the grouping works in Python: at most
# every KEEPALIVE_S seconds, and three times within the server's idle_session_timeout.
KEEPALIVE_S = 30.0
_STILL_HELD = sa.text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
    "AND pid = pg_backend_pid() AND classid::bigint = :high AND objid::bigint = :low)"
).bindparams(high=GROUPING_LOCK_KEY >> 32, low=GROUPING_LOCK_KEY & 0xFFFF_FFFF)
_IDLE_TIMEOUT_MS = sa.text("SELECT setting FROM pg_settings WHERE name = 'idle_session_timeout'")
_holding = threading.local()  # .holds: {engine: _Hold} of the locks this thread holds


class _Hold:
    """A grouping lock held: its connection (in autocommit, so it never idles in a transaction),
    kept alive by a thread that asks the server now and then whether it still holds the lock."""

    def __init__(self, conn: sa.Connection, idle_timeout_ms: float) -> None:
        self.conn = conn
        self.lost: str | None = None  # why it was lost
        self._mutex = threading.Lock()  # one thread at a time on the connection
        self._done = threading.Event()
        self._interval = min(KEEPALIVE_S, idle_timeout_ms / 3000) if idle_timeout_ms > 0 else KEEPALIVE_S
        self._thread = threading.Thread(target=self._keep_alive, name="progleton-grouping-lock", daemon=True)
        self._thread.start()

    def check(self) -> None:
        """``GroupingLockLost`` unless the lock's session holds it now."""
        with self._mutex:
            self._ask()
        if self.lost is not None:
            raise GroupingLockLost(f"the grouping lock was lost ({self.lost}): another process may be "
                                   "grouping now, so this grouping's results are not written; the next "
                                   "update groups the articles left")

    def _ask(self) -> None:
        if self.lost is not None:
            return
        try:
            held = self.conn.execute(_STILL_HELD).scalar()
        except sa.exc.DBAPIError as exc:
            self.lost = "its database session ended: " + str(exc.orig).strip().splitlines()[0]
            return
        if not held:  # a pooler in transaction mode gave this connection another server session
            self.lost = ("its database session no longer holds it: connect directly or through a "
                         "pooler in session mode")

    def _keep_alive(self) -> None:
        while not self._done.wait(self._interval) and self.lost is None:
            with self._mutex:
                self._ask()

    def release(self) -> None:
        """Unlock; a lock already lost (or a session that ends now) is a warning, not an error:
        the server released it with the session."""
        self._done.set()
        self._thread.join()
        if self.lost is None:
            try:
                self.conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": GROUPING_LOCK_KEY})
                return
            except sa.exc.DBAPIError as exc:
                self.lost = "its database session ended: " + str(exc.orig).strip().splitlines()[0]
        log.warning("the grouping lock was lost while held (%s); the server released it", self.lost)
        self.conn.invalidate()


def _holds() -> dict[sa.Engine, _Hold]:
    holds: dict[sa.Engine, _Hold] | None = getattr(_holding, "holds", None)
    if holds is None:
        holds = _holding.holds = {}
    return holds


def _check_grouping_lock(conn: sa.Connection) -> None:
    """Before a write made by a thread that holds the grouping lock, check that it still does:
    what a grouping decided is not written once another process may be grouping too."""
    if conn.info.get("write"):
        hold = _holds().get(conn.engine)
        if hold is not None:
            hold.check()


@contextmanager
def grouping_lock(engine: sa.Engine, *, wait: bool = True) -> Iterator[bool]:
    """A session-level advisory lock held on a connection of its own: every process and
    machine using the database sees it, and the server releases it when the session ends.

    While it is held the session is kept from idling out, and every write made by the thread
    that holds it first checks that it still does (``GroupingLockLost`` if not: the session
    ended, or a pooler in transaction mode swapped it). The check and the write are two
    statements on two sessions: a session that ends between them is not caught."""
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        idle_timeout_ms = float(conn.execute(_IDLE_TIMEOUT_MS).scalar() or 0)  # none before PostgreSQL 14
        if wait:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": GROUPING_LOCK_KEY})
            held = True
        else:
            held = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"),
                                     {"key": GROUPING_LOCK_KEY}).scalar())
        if not held:
            yield False
            return
        hold, holds = _Hold(conn, idle_timeout_ms), _holds()
        holds[engine] = hold
        try:
            yield True
        finally:
            del holds[engine]
            hold.release()


def ascii_locale(conn: sa.Connection) -> str | None:
    """The database's LC_CTYPE where it is C (or POSIX), which reads no letter beyond ASCII as a
    letter: words in other alphabets, and accented ones, are never found. None for any other."""
    ctype = str(conn.exec_driver_sql("SHOW lc_ctype").scalar() or "")
    return ctype if ctype.upper() in ("C", "POSIX") else None


def warn_about_locale(engine: sa.Engine) -> None:
    """Say once, at start-up, that the database cannot search words beyond ASCII (:func:`ascii_locale`)."""
    with engine.connect() as conn:
        ctype = ascii_locale(conn)
    if ctype is not None:
        log.warning("this PostgreSQL database's LC_CTYPE is %s: words beyond ASCII cannot be searched; "
                    "create the database with a UTF-8 locale (createdb --template=template0 "
                    "--locale=C.UTF-8 NAME) and add the sources to it again", ctype)


def create_search_index(bind: sa.Connection, *, shown_headlines: bool = False, folds_arabic: bool = False) -> None:
    """The search document's index, and ``progleton_fold`` before it: accents folded with the
    unaccent extension (shipped with PostgreSQL's contrib modules, and trusted: a database's
    owner may create it), or, where it cannot be created, an identity (search then tells
    "cafe" from "café", as before); with ``folds_arabic`` (migration 0013), Arabic read as
    ``scripts.fold_arabic`` reads it, in a UTF-8 database (no other holds Arabic)."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except sa.exc.DBAPIError:
        log.warning("the unaccent extension could not be created: search will not fold accents")
    schema = bind.exec_driver_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'").scalar()
    body = f"{schema}.unaccent('{schema}.unaccent'::regdictionary, $1)" if schema else "$1"
    if folds_arabic and bind.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8":
        folded = body
        for alef in ARABIC_ALEFS:
            folded = f"replace({folded}, '{alef}', '\u0627')"
        folded = f"regexp_replace({folded}, '[{ARABIC_MARKS + ARABIC_TATWEEL}]', '', 'g')"
        body = f"CASE WHEN $1 ~ '[\u0622-\u0671]' THEN {folded} ELSE {body} END"
    bind.exec_driver_sql(_FOLD.format(body=body))
    document = _DOCUMENT if shown_headlines else _DOCUMENT_BEFORE_HEADLINES
    bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_articles_fts ON articles USING GIN ({document})")


def drop_search_index(bind: sa.Connection) -> None:
    bind.exec_driver_sql("DROP INDEX IF EXISTS ix_articles_fts")


def store_search_vector(bind: sa.Connection) -> None:
    """Migration 0014: the search document kept in ``articles.search_vector``, indexed, in place
    of the expression index. The index found the matches, but ranking them read no index: each
    search made the document of each of its (up to 2,000) candidates again, about 1 s for 2,000
    Arabic ones on a loaded machine. A generated column is written by the server with the row,
    so no writer can leave it out, and made again only when the title, headline or text
    changes; adding it computes it for every stored article (the backfill)."""
    drop_search_index(bind)
    bind.exec_driver_sql(f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS search_vector tsvector "
                         f"GENERATED ALWAYS AS ({_DOCUMENT}) STORED")
    bind.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_articles_search_vector ON articles USING GIN (search_vector)")


def drop_search_vector(bind: sa.Connection) -> None:
    """Back to the expression index of migration 0013."""
    bind.exec_driver_sql("DROP INDEX IF EXISTS ix_articles_search_vector")
    bind.exec_driver_sql("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
    create_search_index(bind, shown_headlines=True, folds_arabic=True)


RANK_WINDOW = 2_000  # as in the SQLite store: rank the newest matches


def tsquery(query: str) -> str:
    """A user's query (:mod:`.query`) as a ``to_tsquery`` expression; "" when nothing must match.
    Every lexeme is quoted (words are letters and digits only), so input is never a syntax
    error."""
    return render(parse_query(query), word=lambda w: f"'{w}'", phrase=lambda ws: "(" + " <-> ".join(f"'{w}'" for w in ws) + ")",
                  prefix=lambda p: f"'{p}':*", any_of=" | ", all_of=" & ", but_not=" & !")


def search_ids_fn(conn: sa.Connection, query: str, limit: int, offset: int,
                  filters: SearchFilters | None = None, fold_copies: bool = False) -> list[tuple[int, str, int]]:
    """Article ids, highlighted snippets and the wire copies each stands for (with
    ``fold_copies``: :mod:`.ranking`) for ``query``, best first."""
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
    ranked = sa.text(
        "WITH q AS (SELECT to_tsquery('simple', progleton_fold(:q)) AS q), "
        f"candidates AS (SELECT id, search_vector FROM articles, q WHERE search_vector @@ q.q {extra} "
        "ORDER BY id DESC LIMIT :window) "
        "SELECT c.id, -ts_rank(c.search_vector, q.q) AS score FROM candidates c, q"
    ).bindparams(q=expression, window=RANK_WINDOW, **params).columns(
        sa.column("id", sa.Integer), sa.column("score", sa.Float))
    page = best_first(ranked.subquery("ranked"), ["score"], limit=limit, offset=offset, fold_copies=fold_copies)
    ranked_ids = [(int(r.id), int(r.folded)) for r in conn.execute(page)]
    if not ranked_ids:
        return []
    # Snippets for the page shown only, marked in Python (matches.snippet): ts_headline reads the
    # stored text without the document's folds, so "cafe" marked no "café", "احمد" no "أحمد".
    texts: dict[int, str] = dict(conn.execute(sa.text(
        "SELECT id, left(text, :chars) FROM articles WHERE id = ANY(:ids)"),
        {"chars": DOCUMENT_CHARS, "ids": [i for i, _ in ranked_ids]}).all())
    return [(i, snippet(texts.get(i) or "", query), folded) for i, folded in ranked_ids]
