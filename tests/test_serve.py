"""``progleton serve`` when things go wrong for whoever runs it: a real process, a real SQLite
file, real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from local_server import LocalServer, trickle
from serving import Serving, free_port

WORDS = "harbour ferry council budget storm bridge museum market rail school hospital river".split()


def _env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGLETON_")}
    return env | {"PROGLETON_DB": db_url, "PROGLETON_ALLOWED_HOSTS": "127.0.0.1", "PROGLETON_EXTRACT_WORKERS": "1"}


def _post(url: str, body: dict[str, object]) -> tuple[int, Message, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_a_full_disk_under_the_reader_is_a_503_saying_so(tmp_path: Path) -> None:
    """The disk filled while the reader ran: each write answered a plain 500, "Something went
    wrong on our side", whatever the reader did."""
    path = tmp_path / "progleton.db"
    port = free_port()
    server = Serving(_env(f"sqlite:///{path}"), "--no-updates", "--port", str(port))
    try:
        server.wait_for("Progleton is running at")
        base = f"http://127.0.0.1:{port}"
        added = _post(f"{base}/api/v1/sources", {"url": "http://127.0.0.1:9/a.xml", "discover": False})
        assert added[0] == 201, added
        # from now on, as on a full disk, no file of the reader's grows (what `ulimit -f` does)
        resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (1, 1))
        status, headers, text = _post(f"{base}/api/v1/sources", {"url": "http://127.0.0.1:9/b.xml", "discover": False})
        with urllib.request.urlopen(f"{base}/api/v1/sources", timeout=60) as listed:  # reading still works
            assert [s["url"] for s in json.load(listed)] == ["http://127.0.0.1:9/a.xml"]
        logged = server.wait_for("request failed path=/api/v1/sources: ")
    finally:
        server.stop()
    assert status == 503 and headers.get("Retry-After") == "30", (status, text)
    assert json.loads(text) == {"detail": (
        "the database file could not be read or written: the disk failed the operation (full, a file-size limit, "
        "removed, or failing) (disk I/O error). Nothing stored before was lost; try again once the disk is "
        "fixed (`df`, `ulimit -f`, `dmesg` say more).")}
    assert f"the database file {path} could not be read or written" in logged  # the log names it
    assert not any("Traceback" in line for line in server.lines), server.lines


@pytest.fixture
def newsroom() -> Iterator[LocalServer]:
    """Outlets whose feeds list three entries, each a page of 1,000 words; outlet 9's first
    page trickles in for minutes."""
    from aiohttp import web

    async def feed(request: web.Request) -> web.Response:
        n = request.match_info["n"]
        items = "".join(f"<item><title>Outlet {n} report {i}</title><link>{request.url.origin()}/a/{n}/{i}</link>"
                        f"<guid>{n}-{i}</guid></item>" for i in range(3))
        return web.Response(text=f'<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet {n}</title>'
                                 f"{items}</channel></rss>", content_type="application/rss+xml")

    async def page(request: web.Request) -> web.Response:
        n, i = int(request.match_info["n"]), int(request.match_info["i"])
        words = " ".join(WORDS[(n * 7 + i * 3 + k) % len(WORDS)] + str(k % 97) for k in range(1000))
        return web.Response(text=f"<html><head><title>Report {n} {i}</title></head><body><article>"
                                 f"<h1>Report {n} {i}</h1><p>{words}</p></article></body></html>",
                            content_type="text/html")

    app = web.Application()
    app.router.add_get("/f/{n}.xml", feed)
    app.router.add_get("/a/9/0", trickle)
    app.router.add_get("/a/{n}/{i}", page)
    server = LocalServer(app)
    try:
        yield server
    finally:
        server.close()


@pytest.mark.parametrize(("stopped_by", "at_a_terminal"), [(signal.SIGTERM, False), (signal.SIGINT, False),
                                                         (signal.SIGINT, True)],
                         ids=["SIGTERM", "SIGINT", "Ctrl+C at a terminal"])
def test_a_stopped_serve_says_so_and_keeps_what_its_update_had_done(
        tmp_path: Path, newsroom: LocalServer, stopped_by: signal.Signals, at_a_terminal: bool) -> None:
    """SIGTERM (systemd, docker stop) ended `serve` without a word, and what its background
    update was doing was not said either. Ctrl+C (SIGINT) ends it the same way: it had ended
    with click's "Aborted!" and status 1 after "Stopped."; at a terminal, where Ctrl+C reaches
    the extraction workers too, with a traceback and "Aborted!", and nothing said of the update."""
    path = tmp_path / "progleton.db"
    from progleton.store import open_store

    store = open_store(f"sqlite:///{path}")
    for n in (1, 2, 3, 9):
        store.add_source(newsroom.url(f"/f/{n}.xml"))
    store.close()
    env = _env(f"sqlite:///{path}") | ({"PROGLETON_EXTRACT_WORKERS": "2"} if at_a_terminal else {})
    server = Serving(env, "--port", str(free_port()), own_group=at_a_terminal)
    try:
        server.wait_for("Progleton is running at")
        deadline = time.monotonic() + 60
        while not all(page in newsroom.paths() for page in ("/a/1/2", "/a/2/2", "/a/3/2", "/a/9/0")):
            assert time.monotonic() < deadline and server.process.poll() is None, (newsroom.paths(), server.lines)
            time.sleep(0.1)
        time.sleep(5)  # the three quick outlets' pages are read and extracted (on a busy machine, most)
        if at_a_terminal:  # to the workers too, as a terminal sends it
            os.killpg(server.process.pid, stopped_by)
        else:
            server.process.send_signal(stopped_by)
        server.process.wait(timeout=60)
        time.sleep(0.5)  # the last lines read
    finally:
        server.process.kill()
    assert server.process.returncode == 128 + stopped_by  # 143 for SIGTERM, 130 for SIGINT
    assert not any("Traceback" in line for line in server.lines), server.lines
    assert f"Stopping ({stopped_by.name})…" in server.lines, server.lines
    said = server.lines[server.lines.index(f"Stopping ({stopped_by.name})…") + 1:]
    stopped = re.fullmatch(r"\d\d:\d\d update: stopped: what the (\d) sources? done so far brought is stored, to be "
                           r"grouped by the next update; the others it had taken are due again now\.", said[0])
    assert stopped is not None and 1 <= int(stopped[1]) <= 3, server.lines
    assert said[1:] == ["Stopped."], server.lines  # and no "Aborted!" after it
    with sqlite3.connect(path) as conn:  # three articles of each source done
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3 * int(stopped[1])
        due = conn.execute("SELECT url FROM sources WHERE claimed_until IS NULL AND next_fetch_at <= "
                           "strftime('%Y-%m-%d %H:%M:%f', 'now')").fetchall()
    assert (newsroom.url("/f/9.xml"),) in due and len(due) == 4 - int(stopped[1])  # given back, due again at once
