"""Parsing throughput: items per CPU-second for progleton.feeds.parse, fastfeedparser, feedparser.

200 synthetic feeds x 50 items with HTML content (half RSS 2.0, half Atom 1.0), parsed one
after the other in one process. Peak memory (RSS of a fresh process) is measured for 50 and 200 feeds of
50 items and for one feed of 1,000 items: it follows the largest feed, not the feed count.

Run: ``python benchmarks/feeds_parse.py``.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from progleton.feeds import parse

FEEDS, ITEMS = 200, 50
FEEDPARSER_SUBSET = 6


def article_html(feed: int, item: int) -> str:
    """An article body of about 1.5 KB with links, an image, a list and entities."""
    paragraph = (
        f"<p>Feed {feed} item {item}: the council met on Tuesday &amp; voted 7&ndash;2 to approve "
        f'the <a href="https://news.example.org/{feed}/{item}/budget">budget</a>, '
        "which funds <em>three</em> new libraries and repairs to the <strong>harbour</strong>.</p>"
    )
    return (
        paragraph * 4
        + f'<p><img src="https://cdn.example.org/{feed}/{item}.jpg" alt="the harbour" width="640"></p>'
        + "<ul><li>Libraries</li><li>Roads</li><li>Parks</li></ul>"
        + paragraph * 2
    )


def rss_feed(feed: int, items: int = ITEMS) -> bytes:
    """An RSS 2.0 feed with content:encoded, dc:creator, categories and enclosures."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel><title>Gazette {feed}</title><link>https://gazette{feed}.example.org/</link>"
        f"<description>News from town {feed}</description><language>en-gb</language>"
        f'<atom:link href="https://gazette{feed}.example.org/feed" rel="self" type="application/rss+xml"/>'
        "<lastBuildDate>Tue, 10 Jun 2025 04:00:00 +0000</lastBuildDate><ttl>30</ttl>"
    ]
    for item in range(items):
        url = f"https://gazette{feed}.example.org/{item}"
        parts.append(
            f"<item><title>Council approves budget, part {item}</title><link>{url}</link>"
            f'<guid isPermaLink="true">{url}</guid>'
            f"<pubDate>Tue, {1 + item % 28:02d} Jun 2025 {item % 24:02d}:15:00 +0100</pubDate>"
            f"<dc:creator>Reporter {item % 7}</dc:creator><category>Politics</category>"
            f"<category>Town {feed}</category>"
            f"<description>{escape(article_html(feed, item)[:300])}</description>"
            f"<content:encoded><![CDATA[{article_html(feed, item)}]]></content:encoded>"
            f'<enclosure url="{url}.mp3" length="12345" type="audio/mpeg"/></item>'
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def atom_feed(feed: int, items: int = ITEMS) -> bytes:
    """An Atom 1.0 feed with HTML content and summaries."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
        f"<title>Courier {feed}</title><id>urn:uuid:feed-{feed}</id>"
        f'<link href="https://courier{feed}.example.org/"/>'
        f'<link rel="self" href="https://courier{feed}.example.org/atom"/>'
        "<updated>2025-06-10T04:00:00Z</updated>"
    ]
    for item in range(items):
        url = f"https://courier{feed}.example.org/{item}"
        parts.append(
            f'<entry><title type="html">Harbour repairs &amp;amp; budget, part {item}</title>'
            f'<link rel="alternate" type="text/html" href="{url}"/><id>{url}</id>'
            f"<published>2025-06-{1 + item % 28:02d}T{item % 24:02d}:15:00+01:00</published>"
            f"<updated>2025-06-{1 + item % 28:02d}T{item % 24:02d}:30:00Z</updated>"
            f"<author><name>Reporter {item % 5}</name><email>r{item % 5}@example.org</email></author>"
            f'<category term="politics"/><summary>{escape("Short summary of item " + str(item))}</summary>'
            f'<content type="html">{escape(article_html(feed, item))}</content></entry>'
        )
    parts.append("</feed>")
    return "".join(parts).encode()


def corpus(feeds: int = FEEDS, items: int = ITEMS) -> list[bytes]:
    """The benchmark corpus: alternating RSS 2.0 and Atom feeds."""
    return [rss_feed(i, items) if i % 2 == 0 else atom_feed(i, items) for i in range(feeds)]


def items_per_cpu_second(parser: Callable[[bytes], int], documents: list[bytes]) -> float:
    """Items parsed per CPU-second (time.process_time) over the documents."""
    started = time.process_time()
    items = sum(parser(doc) for doc in documents)
    return items / max(time.process_time() - started, 1e-9)


def ours(doc: bytes) -> int:
    """Count the entries progleton.feeds.parse finds."""
    return len(parse(doc, url="https://example.org/feed").entries)


def peak_rss_mib(feeds: int, items: int) -> float:
    """Peak RSS (MiB) of a fresh process parsing ``feeds`` generated feeds one by one.

    Each feed is generated, parsed and dropped in turn, as the pipeline does, so the figure
    includes lxml's C allocations (which tracemalloc would miss).
    """
    here = str(Path(__file__).parent)
    code = (
        f"import resource, sys; sys.path.insert(0, {here!r}); import feeds_parse as b; "
        "b.ours(b.rss_feed(0, 2)); "
        f"[b.ours(b.rss_feed(i, {items}) if i % 2 == 0 else b.atom_feed(i, {items})) "
        f"for i in range({feeds})]; "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    return float(output.stdout.strip())


def main() -> int:
    """Print the figures."""
    documents = corpus()
    ours(documents[0])  # warm imports and caches
    rate = items_per_cpu_second(ours, documents)
    print(f"progleton.feeds.parse   {rate:10,.0f} items/CPU-s  ({FEEDS} feeds x {ITEMS} items)")
    try:
        import fastfeedparser
    except ImportError:
        print("fastfeedparser          not installed")
    else:
        fast_rate = items_per_cpu_second(lambda d: len(fastfeedparser.parse(d).entries), documents)
        print(f"fastfeedparser          {fast_rate:10,.0f} items/CPU-s")
    import feedparser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        subset = documents[:FEEDPARSER_SUBSET]
        slow_rate = items_per_cpu_second(
            lambda d: len(feedparser.parse(io.BytesIO(d)).entries), subset
        )
    print(
        f"feedparser              {slow_rate:10,.0f} items/CPU-s  (first {FEEDPARSER_SUBSET} feeds)"
    )
    print(f"ratio to feedparser     {rate / slow_rate:10,.1f}x")
    for feeds, items in ((0, 0), (50, 50), (FEEDS, ITEMS), (2, 1000), (2, 4000)):
        largest = len(rss_feed(0, items)) / 2**20
        growth = peak_rss_mib(feeds, items)
        print(
            f"peak RSS, {feeds:3d} feeds x {items:4d} items: {growth:6.1f} MiB"
            f"  (largest feed {largest:.2f} MiB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
