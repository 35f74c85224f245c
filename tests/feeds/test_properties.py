"""Property tests: parse() never raises anything but FeedParseError, whatever the bytes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progleton.exceptions import FeedParseError
from progleton.feeds import ParsedFeed, parse
from progleton.feeds.dates import parse_date

FRAGMENTS = [
    b"<?xml version='1.0' encoding='utf-8'?>",
    b"<rss version='2.0'>",
    b"<channel>",
    b"</channel>",
    b"<item>",
    b"</item>",
    b"<title>",
    b"</title>",
    b"<feed xmlns='http://www.w3.org/2005/Atom'>",
    b"<entry>",
    b"</entry>",
    b"<link href='/x'/>",
    b"<![CDATA[<b>",
    b"]]>",
    b"&amp;",
    b"&nbsp;",
    b"<!DOCTYPE rss [<!ENTITY e 'x'>]>",
    b"&e;",
    b"<content type='xhtml'><div>",
    b"</div></content>",
    b"{",
    b"}",
    b'"items": [',
    b"]",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"<pubDate>",
    b"</pubDate>",
    b"Tue, 10 Jun 2025 04:00:00 GMT",
    b"<html>",
    b"\x00",
    b"\xe9",
]


def check(data: bytes) -> None:
    try:
        result = parse(data)
    except FeedParseError:
        return
    assert isinstance(result, ParsedFeed)
    for entry in result.entries:
        for moment in (entry.published, entry.updated):
            assert moment is None or moment.tzinfo is not None
    result.to_feedparser()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    check(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=8)), max_size=30))
def test_feed_like_fragments(parts: list[bytes]) -> None:
    check(b"".join(parts))


@given(st.text(max_size=60))
def test_parse_date_total(value: str) -> None:
    moment = parse_date(value)
    assert moment is None or moment.utcoffset() is not None
