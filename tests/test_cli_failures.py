"""The command line when the database cannot be used, as whoever runs Progleton meets it: a
real process, a real SQLite file, a real local server. Each failure is one line saying what to
do, never a traceback, and nothing stored before is lost."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local_server import LocalServer

WORDS = "harbour ferry council budget storm bridge museum market rail school hospital river".split()


def run(db_url: str, *args: str, file_size_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGLETON_")}
    env.update(PROGLETON_DB=db_url, PROGLETON_ALLOWED_HOSTS="127.0.0.1", PROGLETON_EXTRACT_WORKERS="1")

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
