"""The command line when things go wrong for whoever runs Progleton: the database cannot be
used, an update is stopped. A real process, a real SQLite file, a real local server. Each is
said in words, never a traceback, and nothing stored before is lost."""

from __future__ import annotations

import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local_server import LocalServer, trickle

WORDS = "harbour ferry council budget storm bridge museum market rail school hospital river".split()


def _env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGLETON_")}
    env.update(PROGLETON_DB=db_url, PROGLETON_ALLOWED_HOSTS="127.0.0.1", PROGLETON_EXTRACT_WORKERS="1")
    return env


def run(db_url: str, *args: str, file_size_limit: int | None = None,
        **variables: str) -> subprocess.CompletedProcess[str]:
    env = _env(db_url) | variables

    def limited() -> None:  # what `ulimit -f` does: as a full disk, writes past it fail
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run([sys.executable, "-m", "progleton", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False, preexec_fn=limited)


@pytest.fixture
def newsroom() -> Iterator[tuple[LocalServer, dict[str, int]]]:
    """Six outlets whose feeds list ``edition["entries"]`` entries, each a page of 3,000 words."""
    from aiohttp import web

    edition = {"entries": 3}

    async def feed(request: web.Request) -> web.Response:
        n = request.match_info["n"]
        items = "".join(f"<item><title>Outlet {n} report {i}</title><link>{request.url.origin()}/a/{n}/{i}</link>"
                        f"<guid>{n}-{i}</guid></item>" for i in range(edition["entries"]))
        return web.Response(text=f'<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet {n}</title>'
                                 f"{items}</channel></rss>", content_type="application/rss+xml")

    async def page(request: web.Request) -> web.Response:
        n, i = int(request.match_info["n"]), int(request.match_info["i"])
        words = " ".join(WORDS[(n * 7 + i * 3 + k) % len(WORDS)] + str(k % 97) for k in range(3000))
        return web.Response(text=f"<html><head><title>Report {n} {i}</title></head><body><article>"
                                 f"<h1>Report {n} {i}</h1><p>{words}</p></article></body></html>",
                            content_type="text/html")

    app = web.Application()
    app.router.add_get("/f/{n}.xml", feed)
    app.router.add_get("/a/9/0", trickle)  # outlet 9's first page trickles in for minutes
    app.router.add_get("/a/{n}/{i}", page)
    server = LocalServer(app)
    try:
        yield server, edition
    finally:
        server.close()


def _counts(path: Path) -> dict[str, Any]:
    with sqlite3.connect(path) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {"articles": one("SELECT count(*) FROM articles"),
                "found": one("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'report'"),
                "ungrouped": one("SELECT count(*) FROM articles WHERE story_id IS NULL"),
                "claimed": one("SELECT count(*) FROM sources WHERE claimed_until IS NOT NULL"),
                "failed": one("SELECT count(*) FROM sources WHERE error_count > 0 OR last_error IS NOT NULL")}


def _no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-3000:]


@pytest.mark.parametrize("every", [False, True], ids=["due", "all"])
def test_a_full_disk_stops_the_update_in_words_and_loses_nothing(
        tmp_path: Path, newsroom: tuple[LocalServer, dict[str, int]], every: bool) -> None:
    """The disk filled mid-update: every source failed in turn with a traceback each ("internal
    error: disk I/O error" recorded on each, and each put into backoff), and the update ended
    in one more traceback; with --all, the sources still fetching failed on a closed session."""
    server, edition = newsroom
    path = tmp_path / "progleton.db"
    url = f"sqlite:///{path}"
    from progleton.store import open_store

    store = open_store(url)
    for n in range(6):
        store.add_source(server.url(f"/f/{n}.xml"))
    store.close()
    assert run(url, "update").returncode == 0
    before = _counts(path)
    assert before == {"articles": 18, "found": 18, "ungrouped": 0, "claimed": 0, "failed": 0}

    edition["entries"] = 12  # 54 new pages of 3,000 words: more than the disk has room for
    with sqlite3.connect(path) as conn:  # an hour later: every source is due
        conn.execute("UPDATE sources SET next_fetch_at = NULL")
    done = run(url, "update", *(["--all"] if every else []), file_size_limit=path.stat().st_size + 64_000)
    assert done.returncode == 1
    _no_traceback(done)
    assert done.stderr.strip().startswith(f"Error: the database file {path} could not be read or written: ")
    assert done.stderr.strip().endswith("Nothing stored before was lost; run the command again once the disk is "
                                        "fixed (`df`, `ulimit -f`, `dmesg` say more).")
    assert "internal error" not in done.stdout
    after = _counts(path)
    assert after["articles"] == 18 and after["found"] == 18  # what was stored is all there, and found
    assert after["failed"] == 0  # no source was blamed for the disk
    assert after["claimed"] == 0  # each is free for the next update, and due now

    done = run(url, "update", "--all")
    assert done.returncode == 0, done.stderr
    assert _counts(path) == {"articles": 72, "found": 72, "ungrouped": 0, "claimed": 0, "failed": 0}


@pytest.mark.parametrize("command", [["sources"], ["stories"], ["search", "harbour"], ["update"]])
def test_a_damaged_database_file_is_one_line_saying_what_to_do(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "progleton.db"
    path.write_bytes(b"\x13 not a database at all " * 2000)
    done = run(f"sqlite:///{path}", *command)
    assert done.returncode == 1
    _no_traceback(done)
    assert done.stderr.strip() == (
        f"Error: the database file {path} is damaged, or is no SQLite database (file is not a database). "
        "Restore it from a backup, or save what it holds with `sqlite3 FILE .recover | sqlite3 NEW.db` and "
        "open that.")
    assert path.read_bytes() == b"\x13 not a database at all " * 2000


@pytest.mark.parametrize(("stop", "at_a_terminal"), [(signal.SIGTERM, False), (signal.SIGINT, False),
                                                   (signal.SIGINT, True)],
                         ids=["SIGTERM", "SIGINT", "Ctrl+C at a terminal"])
def test_a_stopped_update_keeps_the_sources_it_had_done_and_says_so(
        tmp_path: Path, newsroom: tuple[LocalServer, dict[str, int]], stop: signal.Signals,
        at_a_terminal: bool) -> None:
    """Stopped (`timeout`, systemd, Ctrl+C) while one source's pages trickled in, an update
    threw away what the sources it had done had brought (their rows wait in memory for a batch
    to fill) and said nothing of it, or only "Aborted!"; each was fetched again next time.
    Ctrl+C ends it as SIGTERM does, with status 130 (143 for SIGTERM): it had ended with
    click's "Aborted!" after the line and status 1, as a failed update does."""
    server, _ = newsroom
    path = tmp_path / "progleton.db"
    from progleton.store import open_store

    store = open_store(f"sqlite:///{path}")
    for n in (1, 2, 3, 9):
        store.add_source(server.url(f"/f/{n}.xml"))
    store.close()
    # at a terminal, Ctrl+C reaches the extraction workers too: two, in the update's own group
    env = _env(f"sqlite:///{path}") | ({"PROGLETON_EXTRACT_WORKERS": "2"} if at_a_terminal else {})
    update = subprocess.Popen([sys.executable, "-m", "progleton", "update"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=at_a_terminal)
    try:
        deadline = time.monotonic() + 60
        while not all(page in server.paths() for page in ("/a/1/2", "/a/2/2", "/a/3/2", "/a/9/0")):
            assert time.monotonic() < deadline and update.poll() is None, server.paths()
            time.sleep(0.1)
        time.sleep(5)  # the three quick outlets' pages are read and extracted (on a busy machine, most)
        if at_a_terminal:
            os.killpg(update.pid, stop)
        else:
            update.send_signal(stop)
        out, err = update.communicate(timeout=60)
    finally:
        update.kill()
    assert update.returncode == 128 + stop  # 143 for SIGTERM, 130 for SIGINT
    if at_a_terminal:  # its workers are gone with it
        deadline = time.monotonic() + 10
        while _group_alive(update.pid):
            assert time.monotonic() < deadline, "an extraction worker outlived the update"
            time.sleep(0.1)
    assert "Traceback" not in out + err, err
    # the one line, and no "Aborted!" after it
    said = re.fullmatch(r"Stopped: what the (\d) sources? done so far brought is stored, to be grouped by the "
                        r"next update; the others it had taken are due again now\.", err.strip())
    assert said is not None and 1 <= int(said[1]) <= 3, err
    with sqlite3.connect(path) as conn:  # three articles of each source done, and found
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3 * int(said[1])
        assert conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'report'"
                            ).fetchone()[0] == 3 * int(said[1])
        due = conn.execute("SELECT url FROM sources WHERE claimed_until IS NULL AND next_fetch_at <= "
                           "strftime('%Y-%m-%d %H:%M:%f', 'now')").fetchall()
    assert (server.url("/f/9.xml"),) in due and len(due) == 4 - int(said[1])  # given back, due again at once


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_update_has_written_what_its_done_sources_brought(
        tmp_path: Path, newsroom: tuple[LocalServer, dict[str, int]]) -> None:
    """`kill -9` (the OOM killer, a power cut) lets no handler run. The rows of the sources an
    update had done waited in memory for a batch of 1,000 to fill, so a first update of a few
    hundred feeds killed after ten minutes had stored nothing; now each batch is written within
    ``write_every_seconds`` of its first rows, full or not."""
    server, _ = newsroom
    path = tmp_path / "progleton.db"
    from progleton.store import open_store

    store = open_store(f"sqlite:///{path}")
    for n in (1, 2, 3, 9):
        store.add_source(server.url(f"/f/{n}.xml"))
    store.close()
    env = _env(f"sqlite:///{path}") | {"PROGLETON_WRITE_EVERY_SECONDS": "1"}
    update = subprocess.Popen([sys.executable, "-m", "progleton", "update"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        stored = 0
        # the three quick outlets' three articles each, while outlet 9's first page trickles
        while stored < 9 or "/a/9/0" not in server.paths():
            assert time.monotonic() < deadline and update.poll() is None, (stored, server.paths())
            time.sleep(0.2)
            with sqlite3.connect(path, timeout=30) as conn:
                stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert update.poll() is None  # still at work when killed
        update.send_signal(signal.SIGKILL)
        update.communicate(timeout=60)
    finally:
        update.kill()
    counts = _counts(path)
    assert counts["articles"] == counts["found"] == 9  # written whole, and found by search
@pytest.fixture
def held_feeds() -> Iterator[tuple[LocalServer, dict[str, bool]]]:
    """Feeds that answer nothing while ``state["hold"]`` (an update fetching them is at work
    for as long as the test wants), then three entries each, without article pages."""
    import asyncio

    from aiohttp import web

    state = {"hold": True}

    async def feed(request: web.Request) -> web.Response:
        while state["hold"]:
            await asyncio.sleep(0.1)
        n = request.match_info["n"]
        items = "".join(f"<item><title>Held {n} report {i}</title><description>Report {i} of outlet {n}, in "
                        f"full.</description><guid>{n}-{i}</guid></item>" for i in range(3))
        return web.Response(text=f'<?xml version="1.0"?><rss version="2.0"><channel><title>Held {n}</title>'
                                 f"{items}</channel></rss>", content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/held/{n}.xml", feed)
    server = LocalServer(app)
    try:
        yield server, state
    finally:
        state["hold"] = False
        server.close()


@pytest.mark.parametrize(("database", "every"), [
    ("sqlite", True), ("sqlite", False), pytest.param("postgresql", True, marks=pytest.mark.postgres)],
    ids=["sqlite-all", "sqlite-due", "postgresql-all"])
def test_the_sources_of_a_killed_update_are_taken_back_by_the_next(
        database: str, every: bool, request: pytest.FixtureRequest, tmp_path: Path,
        held_feeds: tuple[LocalServer, dict[str, bool]]) -> None:
    """`kill -9` of an update (the OOM killer) left its sources taken for an hour: `update --all`
    said "Another update running now is fetching every 3 sources" though none ran, and a plain
    update found none due. While the update runs, the next leaves them to it, and names it."""
    import socket

    server, state = held_feeds
    url = f"sqlite:///{tmp_path / 'p.db'}" if database == "sqlite" else request.getfixturevalue("postgres_url")
    from progleton.store import open_store

    store = open_store(url)
    for n in range(3):
        store.add_source(server.url(f"/held/{n}.xml"))
    store.close()
    command = ["update", "--all"] if every else ["update"]
    first = subprocess.Popen([sys.executable, "-m", "progleton", *command], env=_env(url),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(server.paths()) < 3:  # it has taken the three and is fetching them
            assert time.monotonic() < deadline and first.poll() is None, first.stderr and first.stderr.read()
            time.sleep(0.1)
        beside = run(url, *command)  # while it runs: its sources are its own
        assert beside.returncode == 0, beside.stderr
        assert len(server.paths()) == 3
        if every:
            assert (f"Another update running now (pid {first.pid} on {socket.gethostname()}) is fetching every "
                    "3 sources; nothing was fetched twice.") in beside.stdout, beside.stdout
        first.kill()
        first.communicate(timeout=30)
    finally:
        first.kill()
    state["hold"] = False
    done = run(url, *command)
    assert done.returncode == 0, done.stderr
    _no_traceback(done)
    assert "3 of 3 sources updated: 9 new articles" in done.stdout, done.stdout + done.stderr
    assert "Another update" not in done.stdout
    assert f"pid {first.pid} on {socket.gethostname()}: killed?" in done.stderr
    assert sorted(server.paths()[3:]) == [f"/held/{n}.xml" for n in range(3)]


@pytest.mark.parametrize(("given", "seconds"), [({}, 10), ({"PROGLETON_DB_CONNECT_TIMEOUT": "2"}, 2),
                                                ({"query": "?connect_timeout=3"}, 3)],
                         ids=["default", "setting", "in the URL"])
def test_a_postgresql_server_that_does_not_answer_is_given_up_on_in_words(given: dict[str, str], seconds: int) -> None:
    """A host that takes the connection and says nothing (down behind a firewall that drops,
    a hung server) held every command for over two minutes (psycopg's own 130 s an address),
    then ended in a traceback-free but unclear "connection timeout expired"."""
    import socket

    with socket.socket() as silent:  # the kernel completes the handshake; nothing ever answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        url = f"postgresql://progleton:S3cretPw@127.0.0.1:{port}/news{given.get('query', '')}"
        started = time.monotonic()
        done = run(url, "sources", **{k: v for k, v in given.items() if k != "query"})
        took = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    _no_traceback(done)
    assert seconds <= took < seconds + 20
    shown = url.replace("S3cretPw", "********")
    assert done.stderr.strip() == (
        f"Error: the PostgreSQL server at 127.0.0.1:{port} for {shown} did not answer within {seconds} s "
        "(connection timeout expired). Check that PostgreSQL runs there and that this machine reaches it (the "
        "host and port, a firewall); on a slow network, wait longer with the db_connect_timeout setting "
        "(PROGLETON_DB_CONNECT_TIMEOUT)."), done.stderr


@pytest.mark.parametrize(("given", "seconds"), [({}, 10), ({"PROGLETON_DB_CONNECT_TIMEOUT": "2"}, 2),
                                                ({"query": "?connect_timeout=3"}, 3)],
                         ids=["default", "setting", "in the URL"])
def test_config_waits_for_a_silent_postgresql_server_as_the_other_commands_do(given: dict[str, str],
                                                                               seconds: int) -> None:
    """`config` (which reads whether sign-in is on from the database) waited 5 s of its own,
    whatever db_connect_timeout or the URL said, and said only "connection timeout expired"."""
    import json
    import socket

    with socket.socket() as silent:  # the kernel completes the handshake; nothing ever answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        url = f"postgresql://progleton:S3cretPw@127.0.0.1:{port}/news{given.get('query', '')}"
        started = time.monotonic()
        done = run(url, "config", "--json", **{k: v for k, v in given.items() if k != "query"})
        took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    _no_traceback(done)
    assert seconds <= took < seconds + 20
    shown = url.replace("S3cretPw", "********")
    assert json.loads(done.stdout)["sign_in"] == {"value": "unknown", "from": "database", "why": (
        f"cannot read the database: the PostgreSQL server at 127.0.0.1:{port} for {shown} did not answer within "
        f"{seconds} s (connection timeout expired). Check that PostgreSQL runs there and that this machine reaches "
        "it (the host and port, a firewall); on a slow network, wait longer with the db_connect_timeout setting "
        "(PROGLETON_DB_CONNECT_TIMEOUT)")}  # the point is the line's, as for the other whys


def test_a_postgresql_server_that_is_not_there_is_named_with_what_to_do() -> None:
    done = run("postgresql://progleton@127.0.0.1:9/news", "sources")
    assert done.returncode == 1
    _no_traceback(done)
    said = done.stderr.strip()
    assert said.startswith("Error: cannot connect to the PostgreSQL server at 127.0.0.1:9 for "
                           "postgresql://progleton@127.0.0.1:9/news (connection to server at \"127.0.0.1\", port 9 "
                           "failed: Connection refused). Check that PostgreSQL runs there and that the host and port "
                           "are right."), said
