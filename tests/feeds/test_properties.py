"""Property tests: parse() never raises anything but FeedParseError, whatever the bytes."""

from __future__ import annotations

from datetime import datetime

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


@given(st.text(alphabet=st.sampled_from(list("ab &;#x01Xcopynbsp.-")), max_size=40))
def test_reference_normalization_matches_feedparser(text: str) -> None:
    from feedparser.urls import resolve_relative_uris

    from progleton.feeds.textconstructs import resolve_html_urls

    expected = resolve_relative_uris(text, "", "utf-8", "text/html")
    assert resolve_html_urls(text, "", "text/html", "title") == expected


@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
    st.booleans(),
)
def test_fast_date_paths_agree_with_feedparser_handlers(
    moment: datetime, offset_minutes: int, rss_style: bool
) -> None:
    from progleton.feeds.dates import _slow_parse

    moment = moment.replace(microsecond=0)
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    if rss_style:
        text = moment.strftime("%a, %d %b %Y %H:%M:%S ") + f"{sign}{hours:02d}{minutes:02d}"
    else:
        text = moment.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{hours:02d}:{minutes:02d}"
    assert parse_date(text) == _slow_parse(text)


@given(
    st.sampled_from([("a", "href"), ("a", "HREF"), ("img", "src"), ("IMG", "Src"), ("q", "cite")]),
    st.from_regex(r"[a-z0-9_./?=-]{0,12}", fullmatch=True).filter(lambda p: not p.startswith("//")),
    st.sampled_from(['"', "'", ""]),
)
def test_relative_urls_in_html_are_resolved(
    element: tuple[str, str], path: str, quote: str
) -> None:
    from progleton.feeds.textconstructs import resolve_html_urls

    tag, attribute = element
    markup = f"<p>see <{tag} {attribute}={quote}{path}{quote} title=x>this</{tag}></p>"
    resolved = resolve_html_urls(markup, "https://news.example/section/", "text/html")
    assert "https://news.example/" in resolved
