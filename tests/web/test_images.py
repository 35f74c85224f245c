"""Images through the page: signed, fetched by the server, raster only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from progleton.core import make_progleton
from progleton.web import create_app
from progleton.web.app import clean_html
from progleton.web.images import ImageCache, image_path, image_signature, sniff_image

from .conftest import serve_files

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


# a valid PNG header declaring 60,000 x 60,000 pixels: a few bytes a browser would try to decode
BOMB = PNG[:16] + (60_000).to_bytes(4, "big") + (60_000).to_bytes(4, "big") + PNG[24:]


@pytest.fixture
def image_site() -> Iterator[str]:
    with serve_files({"/a.png": (PNG, "image/png"), "/evil.svg": (SVG, "image/svg+xml"),
                      "/fake.jpg": (b"<html>", "image/jpeg"), "/bomb.png": (BOMB, "image/png")}) as base:
        yield base


def test_pixel_counts_come_from_the_headers() -> None:
    from progleton.web.images import pixel_count

    assert pixel_count(PNG, "image/png") == 1 and pixel_count(BOMB, "image/png") == 3_600_000_000
    gif = b"GIF89a" + (640).to_bytes(2, "little") + (480).to_bytes(2, "little") + b"\0" * 8
    assert pixel_count(gif, "image/gif") == 640 * 480
    sof = b"\xff\xc0" + (17).to_bytes(2, "big") + b"\x08" + (300).to_bytes(2, "big") + (400).to_bytes(2, "big")
    jpeg = b"\xff\xd8" + b"\xff\xe0" + (16).to_bytes(2, "big") + b"\0" * 14 + sof + b"\0" * 12
    assert pixel_count(jpeg, "image/jpeg") == 120_000
    assert pixel_count(b"\xff\xd8garbage", "image/jpeg") is None


def test_image_paths_are_signed_and_local() -> None:
    path = image_path("k", "https://cdn.example/a.jpg?x=1&y=2")
    assert path == "/images?url=https%3A%2F%2Fcdn.example%2Fa.jpg%3Fx%3D1%26y%3D2&sig=" + image_signature(
        "k", "https://cdn.example/a.jpg?x=1&y=2")
    assert image_signature("k", "u") != image_signature("other", "u")
    assert image_path("k", None) == "" and image_path("k", "javascript:alert(1)") == ""
    assert image_path("k", "//evil.example/x.png") == ""
    assert image_path("k", "data:image/png;base64,AAAA") == "data:image/png;base64,AAAA"


def test_sniff_image() -> None:
    assert sniff_image(PNG) == "image/png"
    assert sniff_image(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff_image(SVG) is None and sniff_image(b"<html>") is None and sniff_image(b"") is None


def test_image_cache_is_bounded() -> None:
    cache = ImageCache(max_bytes=100)
    for i in range(10):
        cache.put(f"u{i}", b"x" * 20, "image/png")
    assert cache.get("u0") is None and cache.get("u9") == (b"x" * 20, "image/png")
    cache.put("big", b"x" * 60, "image/png")
    assert cache.get("big") is None


def test_article_images_go_through_the_page() -> None:
    html = clean_html('<p>x</p><img src="https://cdn.example/a.jpg" srcset="https://cdn.example/b.jpg 2x" '
                      'onerror="alert(1)"><a href="https://o.example/">o</a>', "k")
    assert 'src="/images?url=https%3A%2F%2Fcdn.example%2Fa.jpg&amp;sig=' in html
    assert "srcset" not in html and "onerror" not in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_images_route(tmp_path: Path, image_site: str) -> None:
    p = make_progleton(f"sqlite:///{tmp_path}/t.db", allowed_hosts="127.0.0.1")
    with TestClient(create_app(p), base_url="http://127.0.0.1:8000") as client:
        secret = p.secret_key()
        good = client.get(image_path(secret, image_site + "/a.png"))
        assert good.status_code == 200 and good.content == PNG
        assert good.headers["content-type"] == "image/png"
        assert good.headers["x-content-type-options"] == "nosniff"
        assert client.get(image_path(secret, image_site + "/a.png")).content == PNG  # from the cache
        for name in ("/evil.svg", "/fake.jpg", "/missing.png", "/bomb.png"):
            assert client.get(image_path(secret, image_site + name)).status_code == 404, name
        again = client.get(image_path(secret, image_site + "/missing.png"))  # not fetched again for a while
        assert again.status_code == 404 and "lately" in again.text
        forged = re.sub(r"sig=\w+", "sig=" + "0" * 32, image_path(secret, image_site + "/a.png"))
        assert client.get(forged).status_code == 403
        signed_file = {"url": "file:///etc/passwd", "sig": image_signature(secret, "file:///etc/passwd")}
        assert client.get("/images", params=signed_file).status_code == 404
    p.close()


def test_pages_leave_out_the_images_that_failed(tmp_path: Path, image_site: str) -> None:
    from .conftest import article_record

    p = make_progleton(f"sqlite:///{tmp_path}/t.db", allowed_hosts="127.0.0.1")
    source, _ = p.store.add_source("https://outlet.example/feed.xml", title="Outlet")
    missing, good = image_site + "/missing.png", image_site + "/a.png"
    body = f'<figure><img src="{missing}"><figcaption>Gone</figcaption></figure><p>Text.</p><img src="{good}">'
    article = p.store.add_article(article_record(source.id, "a", "Harbour bridge closed", image=missing, html=body),
                                  {"story_id": "s1"})
    p.store.add_article(article_record(source.id, "b", "Ferry sails again", image=good), {"story_id": "s2"})
    with TestClient(create_app(p), base_url="http://127.0.0.1:8000") as client:
        secret = p.secret_key()
        bad_path, good_path = (image_path(secret, u).replace("&", "&amp;") for u in (missing, good))
        assert bad_path in client.get("/").text  # not known to fail yet
        failed = client.get(image_path(secret, missing))
        assert failed.status_code == 404 and failed.headers["content-type"].startswith("text/plain")
        front, page = client.get("/").text, client.get(f"/articles/{article}").text
        assert bad_path not in front and good_path in front  # known to fail: left out
        assert bad_path not in page and good_path in page and 'class="lead"' not in page
        assert client.app.state.image_cache.failed_lately(missing)  # type: ignore[attr-defined]
    p.close()


def test_a_broken_image_is_remembered_longer_than_a_failure_that_may_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    import progleton.web.images as images

    now = [1000.0]
    monkeypatch.setattr(images.time, "monotonic", lambda: now[0])
    cache = ImageCache()
    cache.failed("https://a.example/missing.png", lasting=True)
    cache.failed("https://a.example/slow.png")
    now[0] += ImageCache.FAILED_SECONDS + 1
    assert cache.failed_lately("https://a.example/missing.png")
    assert not cache.failed_lately("https://a.example/slow.png")
    now[0] += ImageCache.BROKEN_SECONDS
    assert not cache.failed_lately("https://a.example/missing.png")


def test_private_addresses_stay_refused_by_default(tmp_path: Path, image_site: str) -> None:
    p = make_progleton(f"sqlite:///{tmp_path}/t.db")
    with TestClient(create_app(p), base_url="http://127.0.0.1:8000") as client:
        assert client.get(image_path(p.secret_key(), image_site + "/a.png")).status_code == 404
    p.close()
