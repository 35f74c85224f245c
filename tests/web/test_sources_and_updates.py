"""Adding sources through the web (autodiscovery against a local server), OPML, background updates."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from progleton.core import Progleton, make_progleton
from progleton.exceptions import NOTHING_ADDED
from progleton.web import create_app

from .conftest import csrf_token, serve_files

OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
<outline text="Alpha" title="Alpha" type="rss" xmlUrl="https://alpha.example/feed.xml"/>
<outline text="Beta" title="Beta" type="rss" xmlUrl="https://beta.example/rss"/></body></opml>"""


@pytest.fixture
def local_client(tmp_path: Path) -> Iterator[tuple[TestClient, Progleton]]:
    p = make_progleton(f"sqlite:///{tmp_path}/t.db", allowed_hosts="127.0.0.1", extract_workers=1)
    with TestClient(create_app(p), base_url="http://127.0.0.1:8000") as c:
        yield c, p
    p.close()


def test_add_a_site_by_autodiscovery(local_client: tuple[TestClient, Progleton], local_site: str) -> None:
    client, p = local_client
    token = csrf_token(client)
    answer = client.post("/sources", data={"csrf_token": token, "url": local_site + "/", "groups": "Local, Test"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/sources?notice=added"
    [source] = p.sources()
    assert source.url == local_site + "/feed.xml" and source.groups == ("Local", "Test")
    page = client.get("/sources?notice=added").text
    assert "The source was added" in page and f"{local_site}/feed.xml" in page
    again = client.post("/sources", data={"csrf_token": token, "url": local_site + "/feed.xml"},
                        follow_redirects=False)
    assert again.headers["location"] == f"/sources?notice=exists&source={source.id}"
    said = client.get(again.headers["location"]).text
    assert f"You already follow that source: source {source.id}, {source.name}." in said
    # an address that redirects to it (302, for now) is the same feed: nothing is added
    moved = client.post("/sources", data={"csrf_token": token, "url": local_site + "/for-now"},
                        follow_redirects=False)
    assert moved.headers["location"] == f"/sources?notice=exists&source={source.id}"
    assert len(p.sources()) == 1


def test_a_source_that_cannot_be_added_says_why(local_client: tuple[TestClient, Progleton],
                                                 local_site: str) -> None:
    client, p = local_client
    answer = client.post("/sources", data={"csrf_token": csrf_token(client), "url": local_site + "/missing"})
    assert answer.status_code == 400
    assert "Could not add" in answer.text and 'value="' + local_site + '/missing"' in answer.text
    assert p.sources() == []
    empty = client.post("/sources", data={"csrf_token": csrf_token(client), "url": "  "})
    assert empty.status_code == 400 and "Type the address" in empty.text


def test_a_site_that_fails_says_nothing_was_added_not_that_it_will_be_retried(
        local_client: tuple[TestClient, Progleton]) -> None:
    client, p = local_client
    with serve_files({"/500": (b"<h1>Internal Server Error</h1>", "text/html")}, {"/500": 500}) as base:
        page = client.post("/sources", data={"csrf_token": csrf_token(client), "url": base + "/500"})
        api = client.post("/api/v1/sources", json={"url": base + "/500"})
    assert page.status_code == 400 and api.status_code == 400
    said = f"{base}/500 answered 500 Internal Server Error. {NOTHING_ADDED.strip()}"
    assert f"Could not add {base}/500: {said}" in html.unescape(page.text), page.text
    assert api.json()["detail"] == said
    assert "retried" not in page.text + api.text and p.sources() == []


def test_remove_a_source(local_client: tuple[TestClient, Progleton]) -> None:
    client, p = local_client
    source, _ = p.store.add_source("https://gone.example/feed.xml", title="Gone")
    answer = client.post(f"/sources/{source.id}/remove", data={"csrf_token": csrf_token(client)},
                         follow_redirects=False)
    assert answer.status_code == 303 and p.sources() == []
    assert "The source was removed" in client.get(answer.headers["location"]).text


def test_opml_import_and_export(local_client: tuple[TestClient, Progleton]) -> None:
    client, p = local_client
    answer = client.post("/sources/import", data={"csrf_token": csrf_token(client)},
                         files={"opml": ("mine.opml", OPML, "text/x-opml")}, follow_redirects=False)
    assert answer.status_code == 303
    assert {s.url for s in p.sources()} == {"https://alpha.example/feed.xml", "https://beta.example/rss"}
    assert "The OPML file was imported: 2 new sources, 0 already followed." in client.get(
        answer.headers["location"]).text
    odd = OPML.replace(b"</body>", b'<outline text="F" xmlUrl="ftp://f.example/feed"/></body>')
    again = client.post("/sources/import", data={"csrf_token": csrf_token(client)},
                        files={"opml": ("mine.opml", odd, "text/x-opml")})
    assert "0 new sources, 2 already followed; 1 outline skipped (not a web address)." in again.text
    # an outline repeated in the file is said, as `progleton import` says it
    twice = OPML.replace(b"</body>", b'<outline text="A" xmlUrl="https://alpha.example/feed.xml"/></body>')
    repeated = client.post("/sources/import", data={"csrf_token": csrf_token(client)},
                           files={"opml": ("mine.opml", twice, "text/x-opml")})
    assert "0 new sources, 2 already followed; 1 outline repeated, taken once." in repeated.text
    exported = client.get("/sources/export.opml")
    assert exported.headers["content-disposition"] == 'attachment; filename="progleton.opml"'
    assert b"https://alpha.example/feed.xml" in exported.content
    bad = client.post("/sources/import", data={"csrf_token": csrf_token(client)},
                      files={"opml": ("x.opml", b"<not opml", "text/xml")})
    assert bad.status_code == 400 and "Could not read that OPML file" in bad.text


def test_background_updates_fetch_due_sources(tmp_path: Path, local_site: str,
                                              caplog: pytest.LogCaptureFixture) -> None:
    p = make_progleton(f"sqlite:///{tmp_path}/t.db", allowed_hosts="127.0.0.1", extract_workers=1,
                       fetch_articles=False)
    p.store.add_source(local_site + "/feed.xml")
    p.store.add_source("http://127.0.0.1:9/unreachable.xml")  # a failure is logged, never fatal
    caplog.set_level(logging.INFO, logger="progleton.web")
    with TestClient(create_app(p, background_updates=True), base_url="http://127.0.0.1:8000") as client:
        deadline = time.monotonic() + 20
        while not p.stories(limit=5) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [s.title for s in p.stories(limit=5)] == ["Bridge reopens after repairs"]
        assert client.get("/").status_code == 200
    p.close()


def test_the_update_loop_survives_errors(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    from progleton.web.app import update_loop

    class Broken:
        calls = 0

        async def update_async(self, **_: object) -> None:
            Broken.calls += 1
            raise RuntimeError("disk on fire")

    async def run() -> None:
        task = asyncio.create_task(update_loop(Broken(), every_minutes=0.0001))  # type: ignore[arg-type]
        while Broken.calls < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    caplog.set_level(logging.ERROR, logger="progleton.web")
    asyncio.run(run())
    assert "update failed" in caplog.text


def test_update_now_from_the_sources_page(local_client: tuple[TestClient, Progleton], local_site: str) -> None:
    client, p = local_client
    p.store.add_source(local_site + "/feed.xml", title="Local Gazette")
    p.store.add_source("http://127.0.0.1:9/unreachable.xml")
    answer = client.post("/sources/update", data={"csrf_token": csrf_token(client)}, follow_redirects=False)
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert ("1 of 2 sources updated: 1 new article from 1 new entry; 1 failed. Each one&#39;s error, or when "
            "it is due again, is below.") in page
    assert "Bridge reopens after repairs" in client.get("/").text


def test_edit_a_sources_groups(local_client: tuple[TestClient, Progleton]) -> None:
    client, p = local_client
    source, _ = p.store.add_source("https://g.example/feed.xml", title="G", groups=["Old"])
    answer = client.post(f"/sources/{source.id}/groups", data={"csrf_token": csrf_token(client),
                                                               "groups": "Europe, public broadcasters, "},
                         follow_redirects=False)
    assert answer.headers["location"] == "/sources?notice=grouped"
    assert p.store.get_source(source.id).groups == ("Europe", "public broadcasters")
    assert 'value="Europe, public broadcasters"' in client.get("/sources").text
    assert client.post("/sources/999/groups", data={"csrf_token": csrf_token(client)}).status_code == 404


def test_update_now_says_which_sources_it_skipped_as_their_server_asked_for_time(
        local_client: tuple[TestClient, Progleton], local_site: str) -> None:
    """It said "Updated: 0 new articles." of an update that had left a rate-limited source alone."""
    client, p = local_client
    p.store.add_source(local_site + "/feed.xml", title="Local Gazette")
    with serve_files({"/feed.xml": (b"slow down", "text/plain")}, statuses={"/feed.xml": 429}) as busy:
        p.store.add_source(busy + "/feed.xml", title="Busy Wire")
        client.post("/sources/update", data={"csrf_token": csrf_token(client)})
        again = client.post("/sources/update", data={"csrf_token": csrf_token(client)})
    assert ("1 of 1 source updated: 0 new articles from 0 new entries; 1 skipped, as its server asked for time. "
            "Each one&#39;s error, or when it is due again, is below.") in again.text, again.text
    assert "rate limited" in again.text
    for p_source in p.sources():
        p.remove_source(p_source.id)
    assert "Nothing was updated: no source is followed yet." in client.post(
        "/sources/update", data={"csrf_token": csrf_token(client)}).text
