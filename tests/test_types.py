"""What sources and outlets known only by their address are called."""

from __future__ import annotations

import pytest

from progleton.types import Source, outlet_name
from progleton.urls import address_name


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://feeds.example/news.xml", "feeds.example"),
        ("https://WWW.Example.com:443/rss", "example.com"),  # the default port names nothing
        ("http://news.example:80/rss", "news.example"),
        ("https://news.example:8443/rss", "news.example"),  # a domain names the publisher
        ("http://reader:secret@feeds.example/news.xml", "feeds.example"),  # never the password
        ("https://medium.com/feed/@ann", "medium.com/@ann"),  # one user's space on a shared host
        ("http://uni.example/~bob/rss.xml", "uni.example/~bob"),
        # a development server: the address names no publisher, the port tells two apart
        ("http://127.0.0.1:8765/feed.xml", "127.0.0.1:8765"),
        ("http://127.0.0.1:80/feed.xml", "127.0.0.1"),
        ("http://localhost:8000/feed.xml", "localhost:8000"),
        ("http://[::1]:8080/feed.xml", "[::1]:8080"),
        ("http://news.example:port/rss", "news.example"),
        ("urn:uuid:1", ""),
        ("https://example.com./feed", "example.com"),  # the root's dot
        ("https://xn--bcher-kva.example/", "bücher.example"),  # as its readers write it
        ("https://xn--zz-bad.example/", "xn--zz-bad.example"),  # no valid punycode: as it is
        ("https://www.co.uk/", "www.co.uk"),  # no site of co.uk
        ("https://www.bbc.co.uk/news", "bbc.co.uk"),
    ],
)
def test_address_name(url: str, name: str) -> None:
    assert address_name(url) == name


def test_an_untitled_source_goes_by_its_address_name() -> None:
    assert Source(id=1, url="https://www.gazette.example:443/feed.xml").name == "gazette.example"
    assert Source(id=1, url="https://www.gazette.example/feed.xml", title="Gazette").name == "Gazette"


def test_an_outlet_known_only_by_its_address_has_no_default_port_nor_password() -> None:
    feed = "https://reader:secret@www.gazette.example:443/feed.xml"
    assert outlet_name(None, None, "urn:progleton:entry:1:x", feed) == "gazette.example"
    assert outlet_name(None, None, "https://gazette.example:443/a/1") == "gazette.example"
    assert outlet_name(None, "The Gazette", "https://gazette.example/a/1", feed) == "The Gazette"
    assert outlet_name(None, None, "urn:x") == "unknown outlet"
