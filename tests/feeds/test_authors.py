"""An entry without an author of its own has its feed's (Atom RFC 4287 4.2.1, JSON Feed 1.1;
for RSS the channel-level people feedparser reports as the feed's author), on every path."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from progleton.feeds import ParsedFeed, cdata, parse, parser
from progleton.feeds.fast import NotUnderstood

ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
DC = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'


def rss(channel: str, *, namespaces: str = "") -> bytes:
    return (
        f'<rss version="2.0" {namespaces}><channel><title>T</title>{channel}'
        "<item><title>Mine</title><link>http://x.example/1</link><author>Own Writer</author></item>"
        "<item><title>Theirs</title><link>http://x.example/2</link></item>"
        "</channel></rss>"
    ).encode()


# The podcast's owner is a contact, not its author; feedparser writes the owner over the
# itunes:author before it, which must not lose the author.
OWNER_AFTER_AUTHOR = rss(
    "<itunes:author>Pod Host</itunes:author><itunes:owner><itunes:name>Net Work"
    "</itunes:name><itunes:email>n@x.com</itunes:email></itunes:owner>",
    namespaces=ITUNES,
)
CASES = [
    (rss("<managingEditor>ed@x.com (Ed Itor)</managingEditor>"), ("Ed Itor",)),
    # an address alone names nobody
    (rss("<managingEditor>ed@x.com</managingEditor>"), ()),
    (rss("<dc:creator>Dee Creator</dc:creator>", namespaces=DC), ("Dee Creator",)),
    (rss("<itunes:author>Pod Host</itunes:author>", namespaces=ITUNES), ("Pod Host",)),
    (rss("<author>Chan Author</author>"), ("Chan Author",)),
    # the same person twice is named once
    (
        rss(
            "<managingEditor>h@x.com (Pod Host)</managingEditor>"
            "<itunes:author>Pod Host</itunes:author>",
            namespaces=ITUNES,
        ),
        ("Pod Host",),
    ),
    (OWNER_AFTER_AUTHOR, ("Pod Host",)),
    (
        rss(
            "<itunes:owner><itunes:name>Net Work</itunes:name>"
            "<itunes:email>n@x.com</itunes:email></itunes:owner>",
            namespaces=ITUNES,
        ),
        (),
    ),
    (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:f</id>'
        b"<author><name>Feed Person</name><email>f@x.org</email></author>"
        b"<author><email>nameless@x.com</email></author>"
        b"<entry><title>Mine</title><id>urn:1</id><author><name>Own Writer</name></author></entry>"
        b"<entry><title>Theirs</title><id>urn:2</id></entry></feed>",
        ("Feed Person",),
    ),
    # a name that is nothing but an address names no one either
    (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:f</id>'
        b"<author><name>mailto:f@x.org</name></author>"
        b"<entry><title>Mine</title><id>urn:1</id><author><name>Own Writer</name></author></entry>"
        b"<entry><title>Theirs</title><id>urn:2</id></entry></feed>",
        (),
    ),
]


def fast(data: bytes, monkeypatch: pytest.MonkeyPatch) -> ParsedFeed:
    return parse(data)


def full_walk(data: bytes, monkeypatch: pytest.MonkeyPatch) -> ParsedFeed:
    monkeypatch.setattr(parser, "_can_read_directly", lambda root, doc: False)
    monkeypatch.setattr(cdata, "lift", lambda data: None)
    return parse(data)


def via_feedparser(data: bytes, monkeypatch: pytest.MonkeyPatch) -> ParsedFeed:
    def not_understood(root: object, hint: str) -> str:
        raise NotUnderstood("forced")

    monkeypatch.setattr(parser, "feed_version", not_understood)
    feed = parse(data)
    assert feed.extra.get("via") == "feedparser"
    return feed


PATHS = [fast, full_walk, via_feedparser]


@pytest.mark.parametrize(("document", "inherited"), CASES)
@pytest.mark.parametrize("read", PATHS)
def test_an_entry_without_author_has_its_feeds(
    document: bytes,
    inherited: tuple[str, ...],
    read: Callable[[bytes, pytest.MonkeyPatch], ParsedFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if read is via_feedparser and document is OWNER_AFTER_AUTHOR:
        pytest.skip("feedparser's result no longer holds an author its owner overwrote")
    feed = read(document, monkeypatch)
    mine, theirs = feed.entries
    assert mine.authors == ("Own Writer",)
    assert theirs.authors == inherited
    assert feed.authors == inherited


@pytest.mark.parametrize(
    ("person", "name"),
    [
        ("ed@news.media (Ed Itor)", "Ed Itor"),
        ("Ed Itor &lt;ed@news.online&gt;", "Ed Itor"),
        ("mailto:ed@news.com (Ed Itor)", "Ed Itor"),
        ("Ed Itor (Editor)", "Ed Itor (Editor)"),
        ("ed@news.museum", ""),
    ],
)
@pytest.mark.parametrize("read", PATHS)
def test_a_feeds_author_is_read_whatever_the_address(
    person: str,
    name: str,
    read: Callable[[bytes, pytest.MonkeyPatch], ParsedFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # feedparser reads "ed@news.medi" and "a (Ed Itor" in the first (its address pattern
    # ends a domain after two to four letters); through the fallback that is mended
    feed = read(rss(f"<managingEditor>{person}</managingEditor>"), monkeypatch)
    assert feed.entries[1].authors == ((name,) if name else ())


def test_atom_source_authors_come_before_the_feeds() -> None:
    feed = parse(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:f</id>'
        b"<author><name>Aggregator</name></author>"
        b"<entry><title>Relayed</title><id>urn:1</id>"
        b"<source><id>urn:s</id><title>S</title><author><name>Original Writer</name></author>"
        b"</source></entry></feed>"
    )
    assert feed.entries[0].authors == ("Original Writer",)


def test_json_feed_items_inherit_the_top_level_authors() -> None:
    feed = parse(
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "T",'
        b' "authors": [{"name": "J Son"}, {"url": "https://nameless.example/"}],'
        b' "items": [{"id": "1", "content_text": "x"},'
        b' {"id": "2", "content_text": "y", "authors": [{"name": "Own Writer"}]}]}'
    )
    assert [e.authors for e in feed.entries] == [("J Son",), ("Own Writer",)]


def test_feedparser_view_is_left_as_feedparser_makes_it() -> None:
    # feedparser itself copies nothing into the entries: to_feedparser() stays its equal
    view = parse(rss("<managingEditor>ed@x.com (Ed Itor)</managingEditor>")).to_feedparser()
    assert "author" not in view.entries[1]


def rss_item(people: str) -> bytes:
    return (
        f'<rss version="2.0" {DC} {ITUNES}><channel><title>T</title>'
        f"<item><title>One</title><link>http://x.example/1</link>{people}</item>"
        "</channel></rss>"
    ).encode()


def atom_entry(people: str) -> bytes:
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:f</id>'
        f"<entry><title>One</title><id>urn:1</id>{people}</entry></feed>"
    ).encode()


ADDRESS_ALONE = [
    (rss_item("<author>ed@news.com</author>"), ()),
    (rss_item("<author>&lt;ed@news.com&gt;</author>"), ()),
    (rss_item("<dc:creator>ed@news.com</dc:creator><dc:creator>Dee</dc:creator>"), ("Dee",)),
    (rss_item("<itunes:author>pod@news.com</itunes:author>"), ()),
    (atom_entry("<author><email>ed@news.com</email></author>"), ()),
    (atom_entry("<author><name>ed@news.com</name></author>"), ()),
    (atom_entry("<author><uri>https://ed.example/</uri></author>"), ()),
    (
        atom_entry("<author><email>ed@news.com</email></author><author><name>Zoe</name></author>"),
        ("Zoe",),
    ),
    # a name, however odd, is a name: only a value that is nothing but an address is dropped
    (atom_entry("<author><name>@ed</name></author>"), ("@ed",)),
    (atom_entry("<author><name>Ed (Editor)</name></author>"), ("Ed (Editor)",)),
    (atom_entry("<author><name>Ed</name><email>ed@news.com</email></author>"), ("Ed",)),
]


@pytest.mark.parametrize(
    ("person", "authors"),
    [
        ('{"name": "J Son", "url": "https://j.example/"}', ("J Son",)),
        ('{"name": "j@news.com"}', ()),
        ('{"url": "https://j.example/"}', ()),
    ],
)
def test_a_json_feed_author_is_named_or_nobody(person: str, authors: tuple[str, ...]) -> None:
    feed = parse(
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "T",'
        b' "items": [{"id": "1", "content_text": "x", "authors": [%s]}]}' % person.encode()
    )
    assert feed.entries[0].authors == authors


# feedparser's address pattern ends a domain after two to four letters: "ed@news.media (Ed)"
# is its address "ed@news.medi" and name "a (Ed"; "ed@news.example" its name "ple".
CUT_ADDRESSES = [
    (rss_item("<author>ed@news.media (Ed Itor)</author>"), ("Ed Itor",)),
    (rss_item("<author>Ed Itor &lt;ed@news.online&gt;</author>"), ("Ed Itor",)),
    (rss_item("<author>Ed Itor (ed@news.online)</author>"), ("Ed Itor",)),
    (rss_item("<dc:creator>ed@news.example</dc:creator>"), ()),
    (rss_item("<author>mailto:ed@news.com (Ed Itor)</author>"), ("Ed Itor",)),
    (rss_item("<author>mailto:ed@news.com</author>"), ()),
    (rss_item("<itunes:author>pod@news.podcast (Pod Host)</itunes:author>"), ("Pod Host",)),
    # feedparser keeps only the last person as written: the others are mended from its split
    (
        rss_item(
            "<dc:creator>a@x.media (Ann)</dc:creator><dc:creator>Bo &lt;b@y.online&gt;"
            "</dc:creator><dc:creator>ed@news.example</dc:creator>"
            "<dc:creator>Cy (c@z.online)</dc:creator><dc:creator>Di</dc:creator>"
        ),
        ("Ann", "Bo", "Cy", "Di"),
    ),
    # the same person twice is named once
    (rss_item("<author>ed@x.media (Ed)</author><dc:creator>Ed</dc:creator>"), ("Ed",)),
    (
        atom_entry("<author><name>Ed Itor</name><email>ed@news.media</email></author>"),
        ("Ed Itor",),
    ),
]


@pytest.mark.parametrize(("document", "authors"), ADDRESS_ALONE + CUT_ADDRESSES)
@pytest.mark.parametrize("read", PATHS)
def test_an_entrys_authors_are_the_people_it_names(
    document: bytes,
    authors: tuple[str, ...],
    read: Callable[[bytes, pytest.MonkeyPatch], ParsedFeed],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An address alone names no one (ADDRESS_ALONE); a name beside an address is read whatever
    the address's domain (CUT_ADDRESSES); on every path alike."""
    (entry,) = read(document, monkeypatch).entries
    assert entry.authors == authors


def test_feedparser_view_of_an_entrys_author_is_left_as_feedparser_makes_it() -> None:
    view = parse(rss_item("<author>ed@news.media (Ed Itor)</author>")).to_feedparser()
    entry = view.entries[0]
    assert entry.author == "ed@news.media (Ed Itor)"
    assert entry.authors == [{"name": "a (Ed Itor", "email": "ed@news.medi"}]
