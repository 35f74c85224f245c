"""Entries read directly (entries.py), from a document whose large CDATA sections were lifted
out (cdata.py), equal the ones the full walk of the document as it is builds, on every input."""

from __future__ import annotations

import dataclasses
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progleton.exceptions import FeedParseError
from progleton.feeds import Enclosure, ParsedEntry, ParsedFeed, cdata, compat, parse, parser
from progleton.feeds.model import new_unchecked

BASE = "http://example.org/base/feed.xml"


def both_ways(
    data: bytes, monkeypatch: pytest.MonkeyPatch, url: str | None = BASE
) -> tuple[ParsedFeed, ParsedFeed] | None:
    """parse() as it is, and with every entry walked in full; None when it raises."""
    try:
        direct = parse(data, url=url)
    except FeedParseError:
        return None
    with monkeypatch.context() as patch:
        patch.setattr(parser, "_can_read_directly", lambda root, doc: False)
        patch.setattr(cdata, "lift", lambda data: None)
        full = parse(data, url=url)
    return direct, full


def fields(feed: ParsedFeed) -> list[Any]:
    return [getattr(feed, f.name) for f in dataclasses.fields(feed) if f.name != "extra"]


def feedparser_view(feed: ParsedFeed) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        view = compat.to_feedparser(feed)
    view.pop("bozo_exception", None)  # an exception object: equal only to itself
    return view


def test_corpora_read_the_same_both_ways(
    feedparser_corpus: Path, real_feeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [p for root in (feedparser_corpus, real_feeds) for p in sorted(root.rglob("*.*"))]
    read_directly = 0
    for path in files:
        outcome = both_ways(path.read_bytes(), monkeypatch)
        if outcome is None:
            continue
        direct, full = outcome
        assert fields(direct) == fields(full), path
        assert feedparser_view(direct) == feedparser_view(full), path
        read_directly += "deferred" in direct.extra
    assert read_directly > 1000


TEXTS = [
    "Plain",
    "",
    "  padded  ",
    "Caf\u00e9",
    "a &amp; b",
    "&lt;b&gt;bold&lt;/b&gt;",
    "x &#169; y",
]
HTML = [
    "<![CDATA[<p>See <a href='/rel'>this</a></p>]]>",
    "<![CDATA[<p><a href=\"https://abs.example/\">abs</a> <img src='img.png'></p>]]>",
    "&lt;p&gt;escaped &lt;a href=&quot;x.html&quot;&gt;link&lt;/a&gt;&lt;/p&gt;",
    "Just text &amp;amp; more",
    "",
    "<![CDATA[<p>" + 'Long &amp; <a href="/rel">relative</a> text. ' * 20 + "</p>]]>",
    "<![CDATA[" + "Windows lines\r\n" * 40 + "]]>",
    "<![CDATA[" + " " * 600 + "]]>",
    "before <![CDATA[" + "x]] y " * 100 + "]]> after",
]
DATES = ["Tue, 10 Jun 2025 05:15:00 +0100", "2025-06-10T04:00:00Z", "10 June 2025", "nonsense", ""]
PEOPLE = [
    "Ann Reporter",
    "ann@example.org (Ann Reporter)",
    "Ann <ann@example.org>",
    "",
    "x@y.z",
    "ann@news.media (Ann Reporter)",
    "Ann &lt;ann@news.online&gt;",
    "mailto:ann@example.org",
    "(Ann)",
]
ATTRS = ["", ' type="html"', ' type="text"', ' type="xhtml"', ' type="text/plain"']


def rss_children() -> st.SearchStrategy[str]:
    text, html = st.sampled_from(TEXTS), st.sampled_from(HTML)
    return st.one_of(
        st.builds("<title>{}</title>".format, st.sampled_from(TEXTS + HTML)),
        st.builds("<link>{}</link>".format, st.sampled_from(["/rel", "https://a.example/x", ""])),
        st.builds(
            "<guid{}>{}</guid>".format,
            st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']),
            st.sampled_from(["g1", "/rel", "https://a.example/g"]),
        ),
        st.builds("<pubDate>{}</pubDate>".format, st.sampled_from(DATES)),
        st.builds("<dc:date>{}</dc:date>".format, st.sampled_from(DATES)),
        st.builds("<description>{}</description>".format, html),
        st.builds("<content:encoded>{}</content:encoded>".format, html),
        st.builds("<dc:creator>{}</dc:creator>".format, st.sampled_from(PEOPLE)),
        st.builds("<author>{}</author>".format, st.sampled_from(PEOPLE)),
        st.builds("<category>{}</category>".format, text),
        st.builds('<category domain="d">{}</category>'.format, text),
        st.builds(
            '<enclosure url="{}" length="{}" type="audio/mpeg"/>'.format,
            st.sampled_from(["/a.mp3", "https://a.example/a.mp3", ""]),
            st.sampled_from(["12", "", "n/a"]),
        ),
        st.sampled_from(
            [
                "<comments>https://a.example/c</comments>",
                "<comments><![CDATA[" + "not read directly " * 40 + "]]></comments>",
                "<!-- <![CDATA[ " + "in a comment " * 50 + " ]]> -->",
                "<!-- a comment -->",
                "<foo:bar xmlns:foo='urn:foo'>x</foo:bar>",
                "<foo:bar xmlns:foo='urn:foo'><title>nested</title></foo:bar>",
                "<source url='https://s.example/'>Source</source>",
                "<itunes:author>Pod</itunes:author>",
                "<media:title>Media title</media:title>",
                "<summary>A summary</summary>",
                "<summary>Another</summary>",
                '<atom:link rel="enclosure" href="/e.ogg" length="3"/>',
                '<atom:link href="https://alt.example/"/>',
            ]
        ),
    )


def atom_children() -> st.SearchStrategy[str]:
    text = st.sampled_from(TEXTS)
    construct = st.builds(
        "<{0}{1}>{2}</{0}>".format,
        st.sampled_from(["title", "summary", "content"]),
        st.sampled_from(ATTRS),
        st.sampled_from(TEXTS + HTML + ["<div xmlns='http://www.w3.org/1999/xhtml'>x</div>"]),
    )
    return st.one_of(
        construct,
        st.builds(
            '<link{}{} href="{}"/>'.format,
            st.sampled_from(["", ' rel="alternate"', ' rel="enclosure"', ' rel="self"']),
            st.sampled_from(["", ' type="text/html"', ' type="audio/mpeg"', ' length="9"']),
            st.sampled_from(["/rel", "https://a.example/x", ""]),
        ),
        st.builds("<id>{}</id>".format, st.sampled_from(["urn:x:1", "/rel", ""])),
        st.builds(
            "<{0}>{1}</{0}>".format,
            st.sampled_from(["published", "updated"]),
            st.sampled_from(DATES),
        ),
        st.builds(
            "<author>{}</author>".format,
            st.sampled_from(
                [
                    "<name>Ann</name>",
                    "<name>Ann</name><email>a@b.example</email>",
                    "<uri>/me</uri>",
                    "",
                ]
            ),
        ),
        st.builds('<category term="{}"/>'.format, text),
        st.builds('<category term="t" scheme="s" label="{}"/>'.format, text),
    )


def document(atom: bool, entries: list[list[str]]) -> bytes:
    if atom:
        body = "".join(f"<entry>{''.join(children)}</entry>" for children in entries)
        return (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>{body}</feed>').encode()
    body = "".join(f"<item>{''.join(children)}</item>" for children in entries)
    return (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
        ' xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>F</title>{body}</channel></rss>"
    ).encode()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.booleans().flatmap(
        lambda atom: st.tuples(
            st.just(atom),
            st.lists(
                st.lists(atom_children() if atom else rss_children(), max_size=10), max_size=3
            ),
        )
    )
)
def test_generated_entries_read_the_same_both_ways(case: tuple[bool, list[list[str]]]) -> None:
    atom, entries = case
    with pytest.MonkeyPatch.context() as monkeypatch:
        outcome = both_ways(document(atom, entries), monkeypatch)
    assert outcome is not None
    direct, full = outcome
    assert fields(direct) == fields(full)
    assert feedparser_view(direct) == feedparser_view(full)


def test_new_unchecked_builds_what_the_dataclass_builds() -> None:
    when = datetime(2025, 6, 10, tzinfo=UTC)
    values: dict[str, Any] = {
        "id": "i",
        "title": "t",
        "link": "l",
        "published": when,
        "updated": None,
        "authors": ("a",),
        "summary": "s",
        "content": "c",
        "enclosures": (Enclosure("u", "audio/mpeg", 3),),
        "categories": ("x",),
        "extra": {},
        "summary_type": "text/plain",
        "content_type": "text/html",
    }
    assert {f.name for f in dataclasses.fields(ParsedEntry)} == set(values)
    built = new_unchecked(ParsedEntry, **values)
    assert built == ParsedEntry(**values) and vars(built) == vars(ParsedEntry(**values))
    assert new_unchecked(Enclosure, url="u", type=None, length=None) == Enclosure("u")
    for cls in (ParsedEntry, Enclosure):
        assert not hasattr(cls, "__post_init__") and not hasattr(cls, "__slots__")
        with pytest.raises(dataclasses.FrozenInstanceError):
            new_unchecked(cls, **{f.name: None for f in dataclasses.fields(cls)}).url = "x"  # type: ignore[misc]


LONG = "x" * 600
LIFTED_CASES = [
    # read back through construct(): lifted
    f"<description><![CDATA[{LONG}]]></description>",
    # read by code that does not put texts back: parsed again as it is
    f"<category><![CDATA[{LONG}]]></category>",
    f"<title>t</title><title><![CDATA[{LONG}]]></title>",
    # not what libxml2 accepts: left in place, for libxml2 to reject as before
    f"<description><![CDATA[{LONG}\x0c]]></description>",
    f"<description><![CDATA[{LONG}\uffff]]></description>",
    # a CDATA opener inside a comment or an attribute, or never closed
    f"<!-- <![CDATA[ --><description>{LONG}</description><!-- ]]> -->",
    f'<enclosure url="<![CDATA[{LONG}]]>"/>',
    f"<description><![CDATA[{LONG}</description>",
    f"<title>\ue0000\ue001</title><description><![CDATA[{LONG}]]></description>",
]


@pytest.mark.parametrize("children", LIFTED_CASES)
def test_lifting_cdata_changes_nothing(children: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = document(False, [[children]])
    outcome = both_ways(data, monkeypatch)
    if outcome is None:
        with monkeypatch.context() as patch, pytest.raises(FeedParseError):
            patch.setattr(cdata, "lift", lambda data: None)
            parse(data, url=BASE)
        return
    direct, full = outcome
    assert fields(direct) == fields(full)
    assert feedparser_view(direct) == feedparser_view(full)
