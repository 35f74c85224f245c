"""Feed autodiscovery: from a site's URL to the URL of its feed.

Order: the URL itself when it already is a feed; then the page's
``<link rel="alternate" type="application/rss+xml|atom+xml|…">`` links in document
order; then the common paths at the site's root.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree
from yarl import URL

from ..exceptions import ConnectError, FeedParseError, FetchError, UnsafeURLError
from .headers import FEED_ACCEPT
from .model import FetchResult

if TYPE_CHECKING:
    from .client import Fetcher

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/x.atom+xml",
        "application/x-atom+xml",
        "application/x-rss+xml",
        "text/rss+xml",
        "text/atom+xml",
    }
)
_COMMENTS = re.compile(r"\bcomments?\b|kommentare|commentaires|comentarios|commenti", re.IGNORECASE)
COMMON_PATHS = ("/feed", "/rss", "/atom.xml", "/index.xml", "/feed.xml", "/rss.xml")
_FEED_ROOT = re.compile(rb"<(?:[a-z0-9_-]+:)?(rss|feed|rdf)\b", re.IGNORECASE)
_HAS_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)  # not host:port
_SNIFF_BYTES = 4096
_MAX_CANDIDATES = 10


def find_feed_links(html: str | bytes, base_url: str) -> list[str]:
    """Absolute URLs of the feeds a page links with ``rel="alternate"``, in document order,
    but a comments feed after the others (WordPress links "… Comments Feed" beside the posts').

    Only http(s) links with a feed media type; duplicates removed. Never raises
    on bad HTML (returns what it can find, maybe nothing).
    """
    document = _parse_html(html)
    if document is None:
        return []
    base = _document_base(document, base_url)
    found: list[str] = []
    comments: set[str] = set()
    for link in document.iter("link"):
        rel = {token.lower() for token in (link.get("rel") or "").split()}
        media_type = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if not href or media_type not in FEED_TYPES or not rel & {"alternate", "feed"}:
            continue
        absolute = _absolute(base, href)
        if absolute is not None and absolute not in found:
            found.append(absolute)
            if _COMMENTS.search(link.get("title") or "") or _COMMENTS.search(href):
                comments.add(absolute)
    return sorted(found, key=lambda url: url in comments)  # stable: document order otherwise


def _parse_html(html: str | bytes) -> lxml.html.HtmlElement | None:
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except ValueError:  # a str with an XML encoding declaration: let lxml decode bytes
        if isinstance(html, str):
            return _parse_html(html.encode("utf-8", "replace"))
        return None
    except etree.ParserError:
        return None


def _document_base(document: lxml.html.HtmlElement, base_url: str) -> URL:
    base = URL(base_url)
    for element in document.iter("base"):
        href = (element.get("href") or "").strip()
        joined = _absolute(base, href) if href else None
        if joined is not None:
            return URL(joined)
        break
    return base


def _absolute(base: URL, href: str) -> str | None:
    try:
        joined = base.join(URL(href)).with_fragment(None)
    except (ValueError, TypeError):
        return None
    return str(joined) if joined.scheme in {"http", "https"} and joined.host else None


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """True when ``body`` is an RSS, Atom, RDF or JSON Feed document (by sniffing)."""
    body = _as_utf8(body)
    head = body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return _is_json_feed(body, content_type)
    if re.match(rb"<!doctype\s+html|<html", head, re.IGNORECASE):
        return False
    return bool(_FEED_ROOT.search(_strip_prolog(head)))


# Byte-order marks, and the first character "<" of an XML document without one, of the
# encodings whose ASCII is not ASCII bytes (XML 1.0 appendix F).
_WIDE_ENCODINGS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
    (b"\x00<\x00", "utf-16-be"), (b"<\x00", "utf-16-le"),
)


def _as_utf8(body: bytes) -> bytes:
    """``body`` in UTF-8 when it is in UTF-16 or UTF-32, so that "<rss" can be found in it."""
    for mark, encoding in _WIDE_ENCODINGS:
        if body.startswith(mark):
            return body.decode(encoding, errors="replace").lstrip("\ufeff").encode("utf-8")
    return body


def _is_json_feed(body: bytes, content_type: str) -> bool:
    if b"jsonfeed.org/version" in body[:_SNIFF_BYTES]:
        return True
    if "feed+json" not in content_type:
        return False
    try:
        return isinstance(json.loads(body), dict)
    except ValueError:
        return False


def _strip_prolog(head: bytes) -> bytes:
    """Drop the XML declaration, comments, doctype and processing instructions."""
    return re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.DOTALL).lstrip()


async def discover_feed(fetcher: Fetcher, url: str) -> str:
    """The feed URL for ``url`` (see the module docstring); raise FeedParseError if none.

    A URL typed without a scheme gets ``https://``. Fetch errors on ``url`` itself
    propagate; failures on candidates (unsafe ones included) are skipped.
    """
    return (await discover_feed_fetched(fetcher, url))[0]


async def discover_feed_fetched(fetcher: Fetcher, url: str) -> tuple[str, FetchResult]:
    """:func:`discover_feed`'s feed URL, with the feed as it was fetched to tell it was one
    (its title names a source added before its first update)."""
    typed = url
    if not _HAS_SCHEME.match(url):
        url = f"https://{url}"
    try:
        first = await fetcher.fetch(url, accept=FEED_ACCEPT)
    except ConnectError as exc:
        if typed != url and exc.fact.startswith("TLS failed"):  # a server that speaks plain HTTP
            raise ConnectError(f"{exc.without_advice} The address had no scheme, so https:// was "
                               f"tried; if the site speaks plain HTTP, add http://{typed}") from exc
        raise
    if looks_like_feed(first.body, first.headers.get("content-type", "")):
        return first.permanent_url or url, first
    linked = find_feed_links(first.body, first.final_url)[:_MAX_CANDIDATES]
    root = URL(first.final_url).origin()
    # a blog under /blog/ has its own /blog/feed, before the site's /feed
    section = URL(first.final_url).path.rsplit("/", 1)[0]
    candidates = linked + [str(root.with_path(section + path)) for path in COMMON_PATHS[:2] if section]
    candidates += [str(root.with_path(path)) for path in COMMON_PATHS]
    refused: list[str] = []
    for candidate in dict.fromkeys(candidates):
        found = await _probe(fetcher, candidate, refused if candidate in linked else None)
        if found is not None:
            return found
    if refused:
        raise FeedParseError(f"No feed found at {url}: the feed it links was refused. {refused[0]}")
    raise FeedParseError(
        f"No feed found at {url}: the page links none and none of the usual places "
        f"({', '.join(COMMON_PATHS)}) holds one. Look for an RSS or Atom link on the "
        "site and add that URL."
    )


async def _probe(fetcher: Fetcher, candidate: str,
                 refused: list[str] | None = None) -> tuple[str, FetchResult] | None:
    try:
        result: FetchResult = await fetcher.fetch(candidate, accept=FEED_ACCEPT)
    except UnsafeURLError as exc:  # a candidate we may not fetch is no answer; the user hears why
        if refused is not None:
            refused.append(str(exc))
        return None
    except FetchError:
        return None
    if looks_like_feed(result.body, result.headers.get("content-type", "")):
        return result.permanent_url or candidate, result
    return None
