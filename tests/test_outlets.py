"""Which outlet a source counts for: its site (the registrable domain of its home page, else of
its feed's address), or the source alone where no site is named."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progleton.outlets import outlet_key, site_of, source_site


@pytest.mark.parametrize(("address", "site"), [
    ("https://www.bbc.co.uk/news", "bbc.co.uk"),
    ("https://www.bbc.co.uk/news/world", "bbc.co.uk"),
    ("http://feeds.bbci.co.uk/news/world/rss.xml", "bbci.co.uk"),
    ("https://WWW.TheGuardian.com./world", "theguardian.com"),
    ("https://rss.nytimes.com/services/xml/rss/nyt/World.xml", "nytimes.com"),
    ("https://news.example.com.au/feed", "example.com.au"),
    ("https://ann.blogspot.com/", "ann.blogspot.com"),  # the list's private section: each blog a site
    ("https://ann.substack.com/feed", "ann.substack.com"),  # a platform the list leaves out, as data
    ("https://www.substack.com/", "substack.com"),
    ("https://medium.com/@ann", "medium.com/@ann"),  # a user's space on a shared host
    ("https://medium.com/feed/@ann", "medium.com/@ann"),
    ("https://пример.рф/новости", "xn--e1afmkfd.xn--p1ai"),  # one key for either way of writing it
    ("https://xn--e1afmkfd.xn--p1ai/", "xn--e1afmkfd.xn--p1ai"),
    # no site: the source counts alone
    ("http://127.0.0.1:8765/harbour/rss.xml", None),
    ("http://127.1/feed", None),
    ("http://[::1]:8000/feed", None),
    ("http://localhost:8000/feed", None),
    ("http://news.localhost/feed", None),
    ("https://co.uk/feed", None),
    ("https://intranet/feed", None),
    ("https://feeds.feedburner.com/TechCrunch", None),
    ("http://feedproxy.google.com/~r/Example/~3/abc/", None),
    ("javascript:alert(1)", None),
    ("", None),
    ("https://[::1/feed", None),
])
def test_a_site_is_the_registrable_domain_of_an_address(address: str, site: str | None) -> None:
    assert site_of(address) == site


@pytest.mark.parametrize(("site_url", "feed_url", "site"), [
    ("https://www.bbc.co.uk/news", "http://feeds.bbci.co.uk/news/rss.xml", "bbc.co.uk"),  # the home page first
    (None, "https://www.theguardian.com/world/rss", "theguardian.com"),
    ("not an address", "https://www.theguardian.com/world/rss", "theguardian.com"),
    ("https://techcrunch.com/", "https://feeds.feedburner.com/TechCrunch", "techcrunch.com"),
    (None, "https://feeds.feedburner.com/TechCrunch", None),  # no home page: not "feedburner.com"
    ("https://feeds.feedburner.com/x", "https://www.example.org/feed", "example.org"),
    ("http://127.0.0.1:8765/harbour/", "http://127.0.0.1:8765/harbour/rss.xml", None),
    ("http://127.0.0.1:8765/harbour/", "https://feeds.example.org/feed", None),  # the home page decides
])
def test_a_sources_site_is_its_home_pages_else_its_feeds(site_url: str | None, feed_url: str, site: str | None) -> None:
    assert source_site(site_url, feed_url) == site


def test_two_feeds_of_one_site_are_one_outlet_and_two_sites_are_two() -> None:
    home = outlet_key(1, "https://www.bbc.co.uk/news", "http://feeds.bbci.co.uk/news/rss.xml", None, "")
    world = outlet_key(2, "https://www.bbc.co.uk/news/world", "http://feeds.bbci.co.uk/news/world/rss.xml", None, "")
    other = outlet_key(3, "https://www.theguardian.com/world", "https://www.theguardian.com/world/rss", None, "")
    assert home == world == "site:bbc.co.uk"
    assert other == "site:theguardian.com"


def test_what_names_no_site_counts_as_its_source_and_a_removed_source_as_its_name() -> None:
    local = [outlet_key(n, f"http://127.0.0.1:8765/{n}/", f"http://127.0.0.1:8765/{n}/rss.xml", None, "")
             for n in (1, 2)]
    burned = [outlet_key(n, None, f"https://feeds.feedburner.com/{n}", None, "") for n in (3, 4)]
    assert local == ["source:1", "source:2"] and burned == ["source:3", "source:4"]
    assert outlet_key(None, None, None, "BBC News", "https://www.bbc.co.uk/news/1") == "removed:BBC News"
    assert outlet_key(None, None, None, None, "http://127.0.0.1:8810/huge/1") == "removed:127.0.0.1:8810"


@given(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?){0,3}", fullmatch=True))
def test_every_host_under_a_site_belongs_to_it(labels: str) -> None:
    assert site_of(f"https://{labels}.bbc.co.uk/news/{labels}") == "bbc.co.uk"


@given(st.text(max_size=80))
def test_any_text_is_read_without_raising(text: str) -> None:
    site = site_of(text)
    assert site is None or (text.lower().startswith(("http://", "https://")) and site)
