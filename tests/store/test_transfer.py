"""Copying an installation from SQLite to PostgreSQL (``progleton copy-to``): a demo
installation built through the product, read, starred, followed, corrected and signed into,
copied into a fresh database on 127.0.0.1, and checked there row by row and as a reader sees it."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import warnings
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from progleton import make_progleton
from progleton.core import Progleton
from progleton.demo import EXPECTATIONS, feed_urls
from progleton.exceptions import StorageError
from progleton.store import open_store
from progleton.store.schema import metadata
from progleton.store.sql_util import utc
from progleton.store.transfer import code_revision, copy_to_postgresql
from progleton.urls import canonical_url
from progleton.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette asks for httpx2 over httpx
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
SEARCHES = ("harbour", "seawall", '"acting mayor"', "storm -whale", "provincial OR mariners", "nothingatallhere")


# ---- an installation built through the product --------------------------------------------


def _feed_path(slug: str) -> str:
    return next(url for url in feed_urls("") if url.startswith(f"/{slug}/"))


def sign_in(client: TestClient) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    answer = client.post("/login", data={"csrf_token": token, "name": "admin", "password": PASSWORD, "next": "/"},
                         follow_redirects=False)
    assert answer.status_code == 303


def build_installation(app: Progleton, base: str) -> dict[str, Any]:
    """The demo ingested, one outlet's older entries left pending by a cron run that takes two
    new entries a feed, then what a reader leaves: a removed source, corrections, read, starred
    and followed, two saved searches (one deleted), a signed-in admin."""
    held_back = _feed_path(EXPECTATIONS.multi_outlet_event[-1].split("/")[1])
    for url in feed_urls(base):
        if url != base + held_back:
            app.store.add_source(url, groups=["demo"])
    gone, _ = app.store.add_source("http://127.0.0.1:9/gone.xml")  # its id must never come back
    app.store.remove_source(gone.id)
    narrow = next(s for s in app.sources() if "/harbour-dispatch/" in s.url)  # no report of the event
    with make_progleton(app.settings.db, allowed_hosts="127.0.0.1", extract_workers=1, max_new_entries=2) as cron:
        assert cron.update(source_ids=[narrow.id]).sources[0].new_articles == 2
    assert app.store.pending_entries(narrow.id)
    app.update(source_ids=[s.id for s in app.sources() if s.id != narrow.id])
    stories = app.stories(limit=100)
    big = next(s for s in stories if s.article_count >= 3)
    split_out = app.story(big.id).articles[-1].id
    app.move_article(split_out)
    singles = [s.id for s in app.stories(limit=100) if s.article_count == 1]
    merged_into = app.merge_stories(singles[0], singles[1])
    with TestClient(create_app(app, admin_password=PASSWORD), base_url="http://127.0.0.1:8000") as client:
        sign_in(client)
        account = client.get("/account").text
        api = {"authorization": "Bearer " + re.search(r"Authorization: Bearer ([\w.]+)", account).group(1)}  # type: ignore[union-attr]
        feed = re.search(r'href="(/feeds/top.atom\?token=[\w.]+)"', account).group(1)  # type: ignore[union-attr]
        article = app.story(big.id).articles[0].id
        assert client.put(f"/api/v1/articles/{article}/state", json={"starred": True, "read": True},
                          headers=api).status_code == 200
        assert client.put(f"/api/v1/stories/{big.id}/follow", json={"follow": True}, headers=api).status_code == 200
        kept = client.post("/api/v1/searches", json={"name": "Harbour", "query": "harbour"}, headers=api).json()
        dropped = client.post("/api/v1/searches", json={"name": "Storm", "query": "storm"}, headers=api).json()
        assert client.delete(f"/api/v1/searches/{dropped['id']}", headers=api).status_code == 204
        return {"api": api, "feed": feed, "cookies": dict(client.cookies), "article": article, "followed": big.id,
                "search": kept["id"], "dropped_search": dropped["id"], "gone_source": gone.id,
                "held_back": base + held_back, "narrow": narrow.id, "base": base, "split_out": split_out, "merged_into": merged_into,
                "atom": client.get(feed).text}


def table_rows(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order, datetimes as UTC."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(utc(v) if isinstance(v, datetime) else v for v in row) for row in rows]
    return out


def index_definitions(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                     "ORDER BY indexname").scalars().all()
    engine.dispose()
    return list(found)


def in_utc(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: utc(v) if isinstance(v, datetime) else v for k, v in r.items()} for r in records]


def rows_at(url: str) -> dict[str, list[tuple[Any, ...]]]:
    store = open_store(url)
    try:
        return table_rows(store.engine)
    finally:
        store.close()


@pytest.fixture
def installation(tmp_path: Path, demo_server: object) -> Iterator[tuple[str, dict[str, Any]]]:
    url = f"sqlite:///{tmp_path / 'progleton.db'}"
    with make_progleton(url, allowed_hosts="127.0.0.1", extract_workers=1) as app:
        made = build_installation(app, demo_server.base_url)  # type: ignore[attr-defined]
    yield url, made


def file_digest(url: str) -> str:
    return hashlib.sha256(Path(url.removeprefix("sqlite:///")).read_bytes()).hexdigest()


# ---- the copy -------------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.plan: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.batches = 0
        self.indexed = False

    def planned(self, rows: Mapping[str, int]) -> None:
        self.plan = dict(rows)

    def copied(self, table: str, rows: int) -> None:
        self.done[table] = self.done.get(table, 0) + rows
        self.batches += 1

    def building_indexes(self) -> None:
        assert self.done == self.plan
        self.indexed = True


@pytest.mark.postgres
@pytest.mark.slow
def test_an_installation_copied_to_postgresql_is_the_same_installation(
        installation: tuple[str, dict[str, Any]], postgres_url: str) -> None:
    source, made = installation
    before = file_digest(source)
    open_store(postgres_url).close()  # an empty database already migrated is a target too
    migrated = index_definitions(postgres_url)
    recorder = Recorder()
    report = copy_to_postgresql(source, postgres_url, progress=recorder, batch_rows=7)  # many batches
    assert file_digest(source) == before  # only read
    assert index_definitions(postgres_url) == migrated  # dropped for the copy, built again after
    assert any("USING gin" in d for d in migrated)  # the search index

    # every table of the schema, every row, under the same keys; the test installation fills
    # every table, so a table added to schema.py and left out of the copy fails here
    empty = [name for name, n in report.rows.items() if not n]
    assert not empty, f"fill these tables in build_installation so the copy of them is tested: {empty}"
    assert set(report.rows) == set(metadata.tables)
    assert recorder.plan == recorder.done == report.rows and recorder.batches > len(report.rows)
    assert recorder.indexed
    sqlite_rows, pg_rows = rows_at(source), rows_at(postgres_url)
    for table in metadata.sorted_tables:
        assert pg_rows[table.name] == sqlite_rows[table.name], table.name

    local = {"allowed_hosts": "127.0.0.1", "extract_workers": 1}
    with make_progleton(source, **local) as old, make_progleton(postgres_url, **local) as new:
        # as a reader sees it: stories, a story's reports and wire copies, corrections, search
        assert [(s.id, s.title, s.article_count, s.outlets) for s in new.stories(limit=100)] == \
               [(s.id, s.title, s.article_count, s.outlets) for s in old.stories(limit=100)]
        big = made["followed"]
        assert [(a.id, a.wire_copy_of, a.story_id) for a in new.story(big).articles] == \
               [(a.id, a.wire_copy_of, a.story_id) for a in old.story(big).articles]
        assert new.article(made["split_out"]).story_id == old.article(made["split_out"]).story_id != big
        assert in_utc(new.store.corrections()) == in_utc(old.store.corrections())
        for query in SEARCHES:
            assert {h.article.id for h in new.find(query, limit=100).hits} == \
                   {h.article.id for h in old.find(query, limit=100).hits}, query
        assert new.find("harbour").hits
        assert new.secret_key() == old.secret_key()

        # the signed-in reader: the session, the API and feed tokens, state, follows, searches
        with TestClient(create_app(new, admin_password=PASSWORD), base_url="http://127.0.0.1:8000") as client:
            for name, value in made["cookies"].items():
                client.cookies.set(name, value, domain="127.0.0.1", path="/")
            assert client.get("/", follow_redirects=False).status_code == 200
            client.cookies.clear()
            api = made["api"]
            state = client.get(f"/api/v1/articles/{made['article']}/state", headers=api).json()
            assert state["starred"] is True and state["read"] is True
            assert [s["id"] for s in client.get("/api/v1/following", headers=api).json()] == [big]
            assert [s["id"] for s in client.get("/api/v1/searches", headers=api).json()] == [made["search"]]
            atom = client.get(made["feed"]).text
            assert _atom_ids(atom) == _atom_ids(made["atom"])  # urn:progleton:… ids of the installation
            saved = client.post("/api/v1/searches", json={"name": "Whale", "query": "whale"}, headers=api).json()
            assert saved["id"] > made["dropped_search"]  # the sequence is past every id given out

        # later updates, one source at a time (the order of ids is then fixed): fresh ids, the
        # restarted grouper groups as the SQLite one does, and the pending entries are taken
        for app in (old, new):
            source_added, _ = app.store.add_source(made["held_back"], groups=["demo"])
            assert source_added.id > made["gone_source"]
            app.update(source_ids=[source_added.id])
            assert app.update(source_ids=[made["narrow"]]).new_articles > 0
            assert app.store.pending_entries(made["narrow"]) == []
    after_sqlite, after_pg = rows_at(source), rows_at(postgres_url)
    new_articles = [r for r in after_pg["articles"] if r not in pg_rows["articles"]]
    assert new_articles and min(r[0] for r in new_articles) > max(r[0] for r in pg_rows["articles"])
    assert memberships(after_pg) == memberships(after_sqlite)
    # the held-back outlet's report of the event joined a story made before the copy (a grouper
    # that had not replayed them would start one of its own)
    event = {canonical_url(made["base"] + p) for p in EXPECTATIONS.multi_outlet_event}
    joined = {story for i, (url, story, _) in memberships(after_pg).items() if url in event and i >= new_articles[0][0]}
    assert len(joined) == 1 and joined <= {r[0] for r in pg_rows["stories"]}

def memberships(rows: dict[str, list[tuple[Any, ...]]]) -> dict[int, tuple[str, str, int | None]]:
    """Each article's canonical URL, story and original (of a wire copy), by id."""
    names = [c.name for c in metadata.tables["articles"].columns]
    url, story, wire = names.index("canonical_url"), names.index("story_id"), names.index("wire_copy_of")
    return {r[0]: (r[url], r[story], r[wire]) for r in rows["articles"]}


def _atom_ids(atom: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?id>([^<]+)</(?:\w+:)?id>", atom)


@pytest.mark.postgres
@pytest.mark.slow
def test_a_target_that_is_not_empty_is_refused_and_left_as_it_was(
        installation: tuple[str, dict[str, Any]], postgres_url: str) -> None:
    source, _ = installation
    copy_to_postgresql(source, postgres_url)
    with make_progleton(postgres_url) as app:
        app.store.add_source("https://after.example/feed.xml")
    held = rows_at(postgres_url)
    with pytest.raises(StorageError, match=r"is not empty \(it holds .*sources"):
        copy_to_postgresql(source, postgres_url)
    assert rows_at(postgres_url) == held


@pytest.mark.postgres
def test_a_trial_run_on_the_new_database_does_not_make_it_non_empty(tmp_path: Path, postgres_url: str) -> None:
    """``progleton serve`` tried on the empty database leaves its own secret key: the
    installation's replaces it."""
    source = f"sqlite:///{tmp_path / 'p.db'}"
    with make_progleton(source) as app:
        app.store.add_source("https://x.example/feed.xml")
        key = app.secret_key()
    with make_progleton(postgres_url) as trial:
        assert trial.secret_key() != key
        from progleton.web.accounts import ensure_local_user

        ensure_local_user(trial.store)  # as serve does at start-up
    report = copy_to_postgresql(source, postgres_url)
    assert report.replaced_meta == ("secret_key",)
    with make_progleton(postgres_url) as app:
        assert app.secret_key() == key
        assert [s.url for s in app.sources()] == ["https://x.example/feed.xml"]


@pytest.mark.postgres
def test_a_database_of_another_application_is_refused_before_anything_is_made_in_it(
        tmp_path: Path, postgres_url: str) -> None:
    source = f"sqlite:///{tmp_path / 'p.db'}"
    open_store(source).close()
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE invoices (id integer)")
    with pytest.raises(StorageError, match=r"holds tables that are not Progleton's \(invoices\)"):
        copy_to_postgresql(source, postgres_url)
    assert sa.inspect(engine).get_table_names() == ["invoices"]
    engine.dispose()


@pytest.mark.postgres
def test_nul_characters_postgresql_cannot_store_are_removed_and_counted(tmp_path: Path, postgres_url: str) -> None:
    """Feeds and pages are cleaned of NUL before they are stored; what an older version or a
    server's error message stored is cleaned on the way."""
    source = f"sqlite:///{tmp_path / 'p.db'}"
    with make_progleton(source) as app:
        added, _ = app.store.add_source("https://x.example/feed.xml")
    with sqlite3.connect(tmp_path / "p.db") as conn:
        conn.execute("UPDATE sources SET last_error = ?, title = ? WHERE id = ?", ("bad\x00byte", "T\x00", added.id))
        conn.execute("INSERT INTO site_profiles VALUES (?, ?, ?)", ("x.example", '{"a": "b\\u0000c"}',
                                                                   "2026-01-01 00:00:00.000000"))
    report = copy_to_postgresql(source, postgres_url)
    assert report.nul_texts == 2  # the profile's JSON is text to the schema: its escape is no NUL
    with make_progleton(postgres_url) as app:
        copied = app.store.get_source(added.id)
        assert (copied.last_error, copied.title) == ("badbyte", "T")


def test_json_strings_lose_their_nul_characters() -> None:
    from progleton.store.transfer import _json_without_nul

    assert _json_without_nul({"note": "a\x00b", "k\x00": [1, "\x00"]}) == ({"note": "ab", "k": [1, ""]}, True)
    assert _json_without_nul({"note": "ab", "n": [1.5, None]}) == ({"note": "ab", "n": [1.5, None]}, False)


# ---- refusals before the target is touched (no PostgreSQL needed) -----------------------------


TARGET = "postgresql://progleton@127.0.0.1:1/never_reached"


def test_a_source_at_an_older_schema_version_is_refused_with_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    open_store(url).close()
    with sqlite3.connect(tmp_path / "old.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0004'")
    with pytest.raises(StorageError, match=f"at schema version 0004, this Progleton at {code_revision()}: "
                                           r"open it once with this version to migrate it"):
        copy_to_postgresql(url, TARGET)


def test_a_source_of_a_newer_progleton_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    open_store(url).close()
    with sqlite3.connect(tmp_path / "new.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(StorageError, match="written by a newer Progleton"):
        copy_to_postgresql(url, TARGET)


def test_a_missing_source_is_refused_and_not_made(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="there is no SQLite database at"):
        copy_to_postgresql(f"sqlite:///{tmp_path / 'none.db'}", TARGET)
    assert not (tmp_path / "none.db").exists()


def test_a_source_that_is_no_progleton_database_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StorageError, match="is not a Progleton database"):
        copy_to_postgresql(f"sqlite:///{tmp_path / 'other.db'}", TARGET)


@pytest.mark.parametrize("target", ["sqlite:///elsewhere.db", "postgresql://postgres@127.0.0.1/postgres",
                                    "postgresql://u@h/template1"])
def test_only_a_postgresql_database_of_its_own_is_a_target(tmp_path: Path, target: str) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    open_store(url).close()
    with pytest.raises(StorageError, match="createdb"):
        copy_to_postgresql(url, target)



def test_a_server_that_is_not_reached_is_told_from_a_database_to_create(tmp_path: Path) -> None:
    """A port where nothing listens said "Connection refused … (a new one is made with createdb NAME)"."""
    url = f"sqlite:///{tmp_path / 'p.db'}"
    open_store(url).close()
    with pytest.raises(StorageError) as refused:
        copy_to_postgresql(url, TARGET)
    said = str(refused.value)
    assert said.startswith("cannot connect to the PostgreSQL server at 127.0.0.1:1 for " + TARGET + ": ")
    assert "Connection refused" in said and "is PostgreSQL running there? Check the host and port" in said
    assert "createdb" not in said


@pytest.mark.postgres
def test_a_database_that_does_not_exist_is_to_be_created(tmp_path: Path, postgres_url: str) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    open_store(url).close()
    missing = postgres_url + "_none"
    with pytest.raises(StorageError, match=f"there is no database {missing.rsplit('/', 1)[1]} on the PostgreSQL "
                                           "server at 127.0.0.1:5432: create it first, with a UTF-8 locale: "
                                           "createdb --template=template0 --locale=C.UTF-8 "):
        copy_to_postgresql(url, missing)


@pytest.mark.postgres
def test_a_database_of_the_c_locale_is_refused_before_anything_is_made_in_it(
        tmp_path: Path, postgres_url: str) -> None:
    """It was copied into, with a warning that said to add the sources to it again."""
    source = f"sqlite:///{tmp_path / 'p.db'}"
    open_store(source).close()
    name = postgres_url.rsplit("/", 1)[1] + "_c"
    admin = sa.create_engine(postgres_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
    target = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        with pytest.raises(StorageError, match=r"was created with LC_CTYPE C, .* createdb --template=template0 "
                                               rf"--locale=C.UTF-8 NAME, .*dropdb {name} first\); nothing was copied"):
            copy_to_postgresql(source, target)
        engine = sa.create_engine(target)
        assert sa.inspect(engine).get_table_names() == []
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.mark.postgres
def test_the_command_copies_and_says_what_to_do_next(tmp_path: Path, postgres_url: str) -> None:
    source = f"sqlite:///{tmp_path / 'p.db'}"
    with make_progleton(source) as app:
        app.store.add_source("https://x.example/feed.xml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGLETON_")}
    env["PROGLETON_DB"] = source
    command = [sys.executable, "-m", "progleton", "copy-to", postgres_url]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "1 sources" in done.stdout and f"PROGLETON_DB='{postgres_url}'" in done.stdout
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 1 and "is not empty (it holds 1 sources" in again.stderr
