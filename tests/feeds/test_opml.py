"""OPML import/export: folders and categories, round trips, entity attacks."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progleton.exceptions import FeedParseError
from progleton.feeds.opml import OutlineSource, parse_opml, write_opml

SUBSCRIPTIONS = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="News">
    <outline text="Local">
      <outline type="rss" text="Gazette" xmlUrl="https://gazette.example/feed" htmlUrl="https://gazette.example/"/>
    </outline>
    <outline type="rss" title="Wire" text="wire" xmlUrl="https://wire.example/rss" category="/Agencies,Breaking"/>
  </outline>
  <outline type="rss" text="Blog" xmlUrl="https://blog.example/atom"/>
  <outline type="rss" text="Blog again" xmlUrl="https://blog.example/atom"/>
</body></opml>"""


def test_folders_and_category_attribute_become_categories() -> None:
    assert parse_opml(SUBSCRIPTIONS) == [
        OutlineSource(
            "https://gazette.example/feed", "Gazette", "https://gazette.example/", ("News", "Local")
        ),
        OutlineSource("https://wire.example/rss", "Wire", None, ("News", "Agencies", "Breaking")),
        OutlineSource("https://blog.example/atom", "Blog", None, ()),
    ]


def test_write_then_read_gives_the_same_sources() -> None:
    sources = parse_opml(SUBSCRIPTIONS)
    text = write_opml(sources, title="Progleton <export>")
    assert sorted(parse_opml(text.encode()), key=repr) == sorted(sources, key=repr)
    assert "<title>Progleton &lt;export&gt;</title>" in text


names = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=",/"),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)
sources_strategy = st.lists(
    st.builds(
        OutlineSource,
        url=st.from_regex(r"https://[a-z]{1,8}\.example/[a-z0-9?=&]{0,10}", fullmatch=True),
        title=st.one_of(st.none(), names),
        site_url=st.one_of(st.none(), st.just("https://site.example/")),
        categories=st.lists(names, max_size=3, unique=True).map(tuple),
    ),
    max_size=8,
    unique_by=lambda s: s.url,
)


@given(sources_strategy)
def test_round_trip_property(sources: list[OutlineSource]) -> None:
    back = parse_opml(write_opml(sources, title="t").encode())
    assert sorted(back, key=repr) == sorted(sources, key=repr)


def test_entity_attacks_are_not_expanded() -> None:
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    document = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY l0 "lol">{laughs}'
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<opml><body><outline text="&l9;&xxe;" xmlUrl="https://a.example/"/></body></opml>'
    )
    started = time.monotonic()
    try:
        found = parse_opml(document.encode())
    except FeedParseError:
        found = []
    assert time.monotonic() - started < 5
    assert all("root:" not in (s.title or "") and len(s.title or "") < 100 for s in found)


@pytest.mark.parametrize("document", [b"", b"<html><body/></html>", b"not xml at all"])
def test_not_opml(document: bytes) -> None:
    with pytest.raises(FeedParseError):
        parse_opml(document)


def test_bare_ampersands_in_urls_are_kept() -> None:
    document = (b'<opml version="1.0"><body><outline text="x" xmlUrl="http://a.example/f?a=1&b=2"/>'
                b'<outline text="y &amp; z" xmlUrl="http://a.example/g?a=1&amp;b=2&nbsp=3"/></body></opml>')
    assert [(o.url, o.title) for o in parse_opml(document)] == [
        ("http://a.example/f?a=1&b=2", "x"), ("http://a.example/g?a=1&b=2&nbsp=3", "y & z")]
