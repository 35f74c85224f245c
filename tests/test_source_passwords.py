"""A source followed with a user name and password in its address (a private feed): fetched with
them, and shown with the password masked wherever a user sees it (the CLI and its JSON, the
Sources page, the API, the stored errors, the logs)."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import CliRunner
from fastapi.testclient import TestClient

from local_server import LocalServer
from progleton.cli import main
from progleton.core import make_progleton
from progleton.exceptions import masked_passwords
from progleton.types import Source
from progleton.web import create_app
from web.conftest import csrf_token

SECRET = "s3cret-Pa55"
BASIC = "Basic cmVhZGVyOnMzY3JldC1QYTU1"  # reader:s3cret-Pa55
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Members' Gazette</title>
<item><title>Harbour quay to be rebuilt</title><link>{base}/a/quay</link><guid>quay</guid>
<description>The quay will be rebuilt.</description></item></channel></rss>"""


@pytest.fixture
def private_server() -> Iterator[LocalServer]:
    """Feeds behind HTTP Basic (reader and SECRET): one that answers, one that fails (500) and
    one gone for good (410)."""
    async def feed(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != BASIC:
            return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="members"'})
        status = {"/members.xml": 200, "/down.xml": 500, "/gone.xml": 410}[request.path]
        if status != 200:
            return web.Response(status=status)
        return web.Response(text=FEED.format(base=f"http://127.0.0.1:{request.url.port}"),
                            content_type="application/rss+xml")

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html><body><article><h1>Harbour quay</h1><p>The quay will be rebuilt "
                                 "by the council of Port Alder, it said on Tuesday evening.</p></article></body></html>",
                            content_type="text/html")

    app = web.Application()
    for path in ("/members.xml", "/down.xml", "/gone.xml"):
        app.router.add_get(path, feed)
    app.router.add_get("/a/quay", page)
    server = LocalServer(app)
    try:
        yield server
    finally:
        server.close()


def test_masked_passwords_keep_the_user_and_the_rest() -> None:
    assert masked_passwords("https://ann:pw@example.org/feed.xml") == "https://ann:********@example.org/feed.xml"
    # a password with an "@" of its own is masked whole; an "@" after the host is no password's
    assert (masked_passwords("see http://ann:p@ss@example.org:8080/f?to=a@b.c and https://x.example/@ann:1")
            == "see http://ann:********@example.org:8080/f?to=a@b.c and https://x.example/@ann:1")
    for plain in ("https://ann@example.org/feed", "http://127.0.0.1:8080/feed.xml", "no address"):
        assert masked_passwords(plain) == plain
    source = Source(id=1, url="https://ann:pw@example.org/feed.xml")
    assert source.shown_url == "https://ann:********@example.org/feed.xml" and source.name == "example.org"


def test_a_feeds_password_is_used_to_fetch_and_shown_masked_everywhere(
        private_server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "p.db"
    db_url = f"sqlite:///{db}"
    base = private_server.url("").replace("http://", f"http://reader:{SECRET}@")
    shown = private_server.url("").replace("http://", "http://reader:********@")
    env = {"PROGLETON_ALLOWED_HOSTS": "127.0.0.1", "COLUMNS": "200"}

    def cli(*args: str) -> str:
        done = CliRunner().invoke(main, ["--db", db_url, *args], env=env)
        return done.output

    said: list[str] = []
    caplog.set_level(logging.DEBUG)
    for path in ("/members.xml", "/down.xml", "/gone.xml"):
        said.append(cli("add", "--no-discover", base + path))
        assert f"({shown}{path})" in said[-1], said[-1]
    said.append(cli("add", "--no-discover", base + "/members.xml"))  # already followed
    said.append(cli("update"))
    assert f"{shown}/down.xml answered 500" in said[-1] and f"{shown}/gone.xml answered 410" in said[-1], said[-1]
    # the fetcher sent them, to the feeds alone
    sent = {path: headers.get("Authorization") for path, headers in private_server.requests}
    assert sent["/members.xml"] == BASIC and sent["/a/quay"] is None
    said += [cli("update", "--all", "--json"), cli("sources"), cli("sources", "--json")]
    assert f"{shown}/members.xml" in said[-2] and f"✗ {shown}/down.xml" not in said[-2]  # named once
    listed = json.loads(said[-1])
    assert sorted(s["url"] for s in listed) == [f"{shown}{p}" for p in ("/down.xml", "/gone.xml", "/members.xml")]
    with sqlite3.connect(db) as conn:  # what is stored of the failures
        errors = [e for (e,) in conn.execute("SELECT last_error FROM sources WHERE last_error IS NOT NULL")]
    assert len(errors) >= 2 and not any(SECRET in e for e in errors), errors

    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        with TestClient(create_app(app, admin_password=""), base_url="http://127.0.0.1:8000") as client:
            said += [client.get("/sources").text, client.get("/api/v1/sources").text]
            assert f"{shown}/down.xml" in said[-2] and f"{shown}/members.xml" in said[-1]
            added = client.post("/sources", data={"csrf_token": csrf_token(client), "url": base + "/down.xml?v=2"})
            assert added.status_code == 400 and f"Could not add {shown}/down.xml?v=2" in added.text
            said.append(added.text.replace(f'value="{base}/down.xml?v=2"', ""))  # the form keeps what was typed
            answer = client.post("/api/v1/sources", json={"url": base + "/down.xml?v=3", "discover": False})
            said.append(answer.text)
        # the OPML export is the subscriptions to take elsewhere: the addresses as followed
        assert f"{base}/members.xml" in app.export_opml()
    finally:
        app.close()
    # a source is named by its address as shown, too
    said.append(cli("remove", f"{shown}/gone.xml"))
    assert "Stopped following" in said[-1], said[-1]
    assert any(getattr(r, "source_url", "") == f"{shown}/down.xml" for r in caplog.records)  # logged, masked
    logged = [str(value) for r in caplog.records for value in (r.getMessage(), *vars(r).values())]
    leaks = [text for text in said + logged if SECRET in text]
    assert not leaks, leaks[:3]
