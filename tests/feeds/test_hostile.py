"""Hostile and broken inputs: each ends quickly, with a clear result, in bounded memory."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from progleton.exceptions import FeedParseError
from progleton.feeds import ParsedFeed, parse
from progleton.feeds.textconstructs import MAX_FIELD_CHARS

SECONDS = 10.0  # generous: the test machine is shared
MAX_GROWTH_MIB = 300


@contextmanager
def bounded() -> Iterator[None]:
    """Fail when the block takes too long or raises the peak RSS by too much."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    growth_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert elapsed < SECONDS, f"took {elapsed:.1f}s"
    assert growth_mib < MAX_GROWTH_MIB, f"peak memory grew by {growth_mib:.0f} MiB"


def outcome(data: bytes, **kwargs: object) -> ParsedFeed | FeedParseError:
    with bounded():
        try:
            return parse(data, **kwargs)  # type: ignore[arg-type]
        except FeedParseError as exc:
            return exc


def all_text(feed: ParsedFeed) -> str:
    parts = [feed.title or "", str(feed.to_feedparser())]
    for entry in feed.entries:
        parts += [entry.title or "", entry.summary or "", entry.content or ""]
    return " ".join(parts)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t &xxe;</title><item><title>&xxe;</title></item></channel></rss>"""


@pytest.mark.parametrize("document", [XXE, XXE.replace(b"</channel>", b"<broken></channel>")])
def test_xxe_is_not_resolved(document: bytes) -> None:
    result = outcome(document)
    assert isinstance(result, ParsedFeed)
    assert "root:" not in all_text(result)


def test_external_dtd_and_parameter_entities_are_not_loaded() -> None:
    document = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd" [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<rss version="2.0"><channel><title>ok</title></channel></rss>"""
    result = outcome(document)
    assert isinstance(result, ParsedFeed) and result.title == "ok"


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(entities)}]>'
        '<rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
    ).encode()


def quadratic_blowup() -> bytes:
    value = "A" * 50_000
    body = "&a;" * 2_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{value}">]>'
        f'<rss version="2.0"><channel><title>q</title><item><description>{body}'
        "</description></item></channel></rss>"
    ).encode()


def test_billion_laughs() -> None:
    result = outcome(billion_laughs())
    if isinstance(result, ParsedFeed):
        assert len(result.title or "") < 1_000


def test_quadratic_blowup_is_refused_with_flag() -> None:
    result = outcome(quadratic_blowup())
    assert isinstance(result, ParsedFeed)
    assert result.bozo and "entity expansion" in (result.bozo_reason or "")
    assert len(result.entries[0].summary or "") < 1_000_000


def test_quadratic_blowup_in_an_ill_formed_document_never_reaches_feedparser() -> None:
    # Ill-formed, so it takes the feedparser fallback: which must get the defused copy.
    document = quadratic_blowup().replace(b"</channel>", b"<unclosed></channel>")
    result = outcome(document)
    assert isinstance(result, ParsedFeed) and result.bozo
    assert result.extra.get("via") == "feedparser"
    assert len(result.entries[0].summary or "") < 1_000_000


@pytest.mark.parametrize("broken", [False, True])  # the fast path, and the salvaging one
def test_references_to_dropped_entities_are_left_out_not_shown(broken: bool) -> None:
    document = billion_laughs().replace(b"<title>&lol9;</title>",
                                        b"<title>Laughs &lol9;</title><item><title>&lol9; &co; &nosuch;</title></item>")
    document = document.replace(b'<!ENTITY lol0 "lol">', b'<!ENTITY lol0 "lol"><!ENTITY co "Example &amp; Co">')
    if broken:
        document = document.replace(b"</channel>", b"<unclosed></channel>")
    result = outcome(document)
    assert isinstance(result, ParsedFeed)
    assert result.title == "Laughs" and result.to_feedparser()["feed"]["title"] == "Laughs"
    # a safe declared entity expands; a name nothing declares is left out too
    assert result.entries[0].title == "Example & Co"
    assert result.bozo and "entity 'lol1' dropped" in (result.bozo_reason or "")
    assert "&nosuch;" in (result.bozo_reason or "")
    xxe = outcome(XXE)
    assert isinstance(xxe, ParsedFeed) and xxe.title == "t" and xxe.bozo


# A billion laughs whose declarations never reach us: in an external DTD (never fetched), in a
# parameter entity (never expanded), or left out. "&lol9;" was stored as text: "Laughs &lol9;".
_LAUGHS_BODY = (b'<rss version="2.0"><channel><title>Laughs &lol9;</title><item><title>Joke &lol9; told</title>'
                b"<description>&lt;p&gt;Ha&lt;/p&gt; &lol9;&amp;co</description><guid>1</guid></item></channel></rss>")
UNDECLARED_LAUGHS = {
    "external DTD": b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/laughs.dtd">' + _LAUGHS_BODY,
    "parameter entity": (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p "<!ENTITY lol9 \'lol\'>"> %p;]>'
                         + _LAUGHS_BODY),
    "no declaration": b'<?xml version="1.0"?>' + _LAUGHS_BODY,
    "not well-formed either": _LAUGHS_BODY.replace(b"</channel>", b"<unclosed></channel>"),
    "Atom": (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Laughs &lol9;</title>'
             b'<entry><id>1</id><title>Joke &lol9; told</title><content type="html">&lt;p&gt;Ha&lt;/p&gt; '
             b"&lol9;&amp;co</content></entry></feed>"),
}


@pytest.mark.parametrize("document", UNDECLARED_LAUGHS.values(), ids=UNDECLARED_LAUGHS.keys())
def test_references_to_entities_nothing_declares_are_left_out_and_said(document: bytes) -> None:
    result = outcome(document)
    assert isinstance(result, ParsedFeed)
    assert result.title == "Laughs" and result.to_feedparser()["feed"]["title"] == "Laughs"
    entry = result.entries[0]
    assert " ".join((entry.title or "").split()) == "Joke told"
    assert "lol9" not in f"{entry.summary} {entry.content}" and "Ha" in f"{entry.summary} {entry.content}"
    assert result.bozo and "&lol9;" in (result.bozo_reason or "") and "left out" in (result.bozo_reason or "")


def test_what_is_no_undeclared_reference_is_read_as_before() -> None:
    """HTML's names are characters (HTML 5's too); a name in a CDATA section, or escaped, is
    the publisher's own text."""
    document = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Caf&eacute;&nbsp;news &check;</title>'
                b"<item><title><![CDATA[Writing &lol9; in XML]]></title><description>Use &amp;lol9; &amp;amp; "
                b"&#38;c</description><guid>1</guid></item></channel></rss>")
    result = outcome(document)
    assert isinstance(result, ParsedFeed)
    assert result.title == "Caf\u00e9\u00a0news \u2713"
    assert result.entries[0].title == "Writing &lol9; in XML"
    assert "&lol9;" not in (result.bozo_reason or "")


def test_small_declared_entities_still_expand() -> None:
    document = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY co "Example &amp; Co">]>'
        b'<rss version="2.0"><channel><title>&co;</title></channel></rss>'
    )
    result = outcome(document)
    assert isinstance(result, ParsedFeed) and result.title == "Example & Co" and not result.bozo


@pytest.mark.parametrize("depth", [100_000])
def test_deep_nesting(depth: int) -> None:
    document = (
        b'<rss version="2.0"><channel><title>deep</title><item><title>x</title>'
        + b"<a>" * depth
        + b"</a>" * depth
        + b"</item></channel></rss>"
    )
    result = outcome(document)
    assert isinstance(result, (ParsedFeed, FeedParseError))
    if isinstance(result, ParsedFeed):
        assert result.bozo


def test_deep_nesting_unclosed() -> None:
    result = outcome(b"<rss><channel>" + b"<div>" * 100_000)
    assert isinstance(result, (ParsedFeed, FeedParseError))


def test_ten_megabyte_title_is_truncated_with_flag() -> None:
    document = (
        b'<rss version="2.0"><channel><title>'
        + b"x" * 10_000_000
        + b"</title><item><title>fine</title></item></channel></rss>"
    )
    result = outcome(document)
    assert isinstance(result, ParsedFeed)
    assert result.bozo and "truncated" in (result.bozo_reason or "")
    assert len(result.title or "") <= MAX_FIELD_CHARS
    assert [e.title for e in result.entries] == ["fine"]


def test_large_title_under_parser_limit_is_truncated() -> None:
    document = (
        b'<rss version="2.0"><channel><title>'
        + b"y" * (MAX_FIELD_CHARS + 10)
        + b"</title></channel></rss>"
    )
    result = outcome(document)
    assert isinstance(result, ParsedFeed) and result.bozo
    assert len(result.title or "") == MAX_FIELD_CHARS


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>caf\xe9 \xff\xfe</title>'
        b"</channel></rss>",
        b'<?xml version="1.0" encoding="x-no-such-codec"?><rss version="2.0"><channel><title>t</title>'
        b"</channel></rss>",
        "<rss version='2.0'><channel><title>utf-16 no bom</title></channel></rss>".encode(
            "utf-16-le"
        ),
        b"\xff\xfe" + b"<rss version='2.0'><channel><title>t</title></channel></rss>",
        b"\xef\xbb\xbf<?xml version='1.0' encoding='utf-16'?><rss version='2.0'><channel><title>t</title>"
        b"</channel></rss>",
    ],
)
def test_invalid_encodings_never_crash(document: bytes) -> None:
    assert isinstance(outcome(document), (ParsedFeed, FeedParseError))


def test_http_charset_header_is_honoured() -> None:
    document = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>caf\xe9</title></channel></rss>'
    )
    result = outcome(document, headers={"Content-Type": "application/rss+xml; charset=iso-8859-1"})
    assert isinstance(result, ParsedFeed) and result.title == "café"


@pytest.mark.parametrize(
    "document",
    [
        b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</body></html>",
        b"<html><body><a href='/feed'>feed</a></body></html>",
        b"\n\n<!-- page -->\n<HTML lang=en><BODY>hello<br></BODY></HTML>",
    ],
)
def test_html_page_is_a_clear_error(document: bytes) -> None:
    result = outcome(document)
    assert isinstance(result, FeedParseError)
    assert "looks like an HTML page" in str(result) and "progleton add" in str(result)


@pytest.mark.parametrize("document", [b"", b"   \n\t ", b"\xef\xbb\xbf"])
def test_empty_body_is_a_clear_error(document: bytes) -> None:
    result = outcome(document)
    assert isinstance(result, FeedParseError) and "empty" in str(result)


@pytest.mark.parametrize("document", [b"hello world", b"{not json", b"<foo>bar</foo>", b"[1, 2]"])
def test_not_a_feed(document: bytes) -> None:
    assert isinstance(outcome(document), FeedParseError)


def test_feed_parse_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a feed"):
        parse(b"")


def test_json_feed_with_huge_title_is_truncated_with_flag() -> None:
    document = b'{"version": "https://jsonfeed.org/version/1.1", "title": "' + b"t" * 3_000_000
    document += b'", "items": [{"id": "1", "title": "ok"}]}'
    result = outcome(document)
    assert isinstance(result, ParsedFeed) and result.bozo
    assert len(result.title or "") == MAX_FIELD_CHARS and result.entries[0].title == "ok"


def test_deeply_nested_json_is_a_clear_error() -> None:
    result = outcome(b'{"items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert isinstance(result, (FeedParseError, ParsedFeed))


_RSS_WITH = '<rss version="2.0"><channel><title>a{0}b</title><item><title>x{0}y</title>' \
            '<link>http://a.example/1</link><description>d{0}e</description></item></channel></rss>'


@pytest.mark.parametrize("data", [
    _RSS_WITH.format("&#0;").encode(),
    _RSS_WITH.format("&#xD800;").encode(),
    _RSS_WITH.format("&#56320;").encode(),
    _RSS_WITH.format("\x00").encode(),
    json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "a\ud800b", "items": [
        {"id": "1", "url": "http://a.example/1", "title": "x\udc00y", "content_text": "d\x00e",
         "tags": ["t\x00"]}]}).encode(),
], ids=["nul-reference", "surrogate-hex-reference", "surrogate-decimal-reference", "raw-nul", "json-escapes"])
def test_no_nul_or_lone_surrogate_reaches_the_results(data: bytes) -> None:
    """No database stores NUL (PostgreSQL) or lone surrogates (neither): they never leave parse()."""
    feed = parse(data)
    strings = [feed.title or "", *(s for e in feed.entries for s in (e.title or "", e.summary or "", e.content or "",
                                                                     *e.categories))]
    assert feed.entries and all("\x00" not in s for s in strings)
    for s in strings:
        s.encode("utf-8")  # raises on a lone surrogate
    assert "a" in (feed.title or "") and "x" in (feed.entries[0].title or "")


def test_a_json_surrogate_pair_is_one_character_and_kept() -> None:
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T \U0001F600",
                       "items": [{"id": "1", "url": "http://a.example/1", "title": "x\u0000 \U0001F600"}]}).encode()
    feed = parse(data)
    assert feed.title == "T \U0001F600" and feed.entries[0].title == "x \U0001F600"


UTF8_FEED = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Zürich Café</title>'
             "<item><title>Ärger über Straße — «café»</title><link>http://a.example/1</link></item>"
             "</channel></rss>").encode()


@pytest.mark.parametrize("declared", [b' encoding="utf-8"', b""])
def test_one_bad_byte_in_a_utf8_feed_spoils_only_itself(declared: bytes) -> None:
    """One Latin-1 byte in a UTF-8 feed made feedparser read the whole document as
    ISO-8859-2: every accent of every title garbled."""
    data = UTF8_FEED.replace("Straße".encode(), b"Stra\xdfe").replace(b' encoding="utf-8"', declared)
    feed = parse(data, url="http://a.example/feed")
    assert feed.title == "Zürich Café"
    assert feed.entries[0].title == "Ärger über Stra\ufffde — «café»"
    assert feed.bozo and feed.bozo_reason == "1 invalid UTF-8 byte sequence replaced with U+FFFD"


def test_a_latin1_feed_declared_utf8_is_still_read_as_latin1() -> None:
    data = UTF8_FEED.decode().encode("latin-1", "replace")
    assert parse(data, url="http://a.example/feed").title == "Zürich Café"


def test_json_feed_fields_of_the_wrong_type_are_dropped_and_said() -> None:
    """``"url": 5`` was read as the address "5" (the pipeline fetched /5), ``"content_text": 3.5``
    as the text "3.5", ``"summary": true`` as "True": a URL or a text is a string or nothing."""
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T", "home_page_url": 7,
                       "items": [{"id": 1, "url": 5, "title": "Ferry news", "content_text": 3.5, "summary": True,
                                  "image": False, "date_published": 2026,
                                  "attachments": [{"url": 9, "mime_type": "audio/mpeg"},
                                                  {"url": "http://a.example/e.mp3", "size_in_bytes": 12}]},
                                 {"id": "2", "url": "http://a.example/2", "title": ["Tram"], "summary": True}]})
    feed = parse(data.encode(), url="http://a.example/feed.json")
    first, second = feed.entries
    assert first.id == "1" and first.title == "Ferry news"  # an id is coerced, as the spec says
    assert (first.link, first.content, first.summary, first.published) == (None, None, None, None)
    assert [(e.url, e.length) for e in first.enclosures] == [("http://a.example/e.mp3", 12)]
    assert feed.link is None and second.link == "http://a.example/2"
    assert second.title is None and second.summary is None
    assert feed.bozo and feed.bozo_reason == (
        "JSON Feed fields that are not strings were dropped: home_page_url (a number), items' url (a number), "
        "items' content_text (a number), items' summary (true, 2 times), items' date_published (a number), "
        "attachments' url (a number), items' image (false), items' title (a list)")
