"""A real HTTP server on 127.0.0.1 that serves the demo corpus.

It runs in its own thread, so it works from plain code (the CLI, tests) and beside an asyncio
program alike::

    with DemoServer() as demo:
        urls = feed_urls(demo.base_url)

Every resource is rendered once at start, against the server's base URL and a fixed "now"
(the start time unless given), so dates look fresh and ETags stay stable while it runs.
Conditional requests (If-None-Match, If-Modified-Since) get 304; gzip when asked for.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from .corpus import Corpus, load_corpus
from .feeds import render_feed
from .render import PageRenderer, solid_png

_HTML = "text/html; charset=utf-8"
_FEED_CONTENT_TYPES = {
    "rss2": "application/rss+xml; charset=utf-8",
    "rss1": "application/rdf+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "jsonfeed": "application/feed+json; charset=utf-8",
}
_NOT_FOUND_PAGE = (
    "<!doctype html><html><head><title>404 Not Found</title></head>"
    "<body><h1>Page not found</h1><p>The page you asked for has moved or never existed.</p>"
    "</body></html>\n"
)
_SERVER_ERROR_PAGE = (
    "<!doctype html><html><head><title>500 Internal Server Error</title></head>"
    "<body><h1>Internal Server Error</h1><p>Database connection failed: too many clients "
    "already.</p></body></html>\n"
)


@dataclass(frozen=True)
class Resource:
    """One response the demo server gives, rendered once."""

    body: bytes
    content_type: str
    status: int = 200
    last_modified: datetime | None = None
    location: str | None = None  # for redirects

    @cached_property
    def etag(self) -> str:
        """A strong validator: a hash of the body."""
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


def is_not_modified(
    etags: tuple[str, ...],
    last_modified: datetime | None,
    if_none_match: str | None,
    if_modified_since: str | None,
) -> bool:
    """Whether a conditional GET may be answered 304 (RFC 9110 section 13.2.2).

    ``etags`` are the validators the resource is known by (identity and gzip variants).
    If-None-Match wins over If-Modified-Since when both are present.
    """
    if if_none_match is not None:
        wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in wanted or any(t in wanted for t in etags)
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since


def build_site(corpus: Corpus, base_url: str, now: datetime) -> dict[str, Resource]:
    """Every path the demo server answers, with its response."""
    pages = PageRenderer(corpus, base_url, now)
    site: dict[str, Resource] = {
        "/": Resource(pages.index_page().encode(), _HTML, last_modified=now),
        "/robots.txt": Resource(b"User-agent: *\nAllow: /\n", "text/plain; charset=utf-8"),
        "/demo.opml": Resource(
            pages.opml().encode(), "text/x-opml; charset=utf-8", last_modified=now
        ),
    }
    for outlet in corpus.outlets:
        newest = min((a.published for a in outlet.articles), default=None)
        latest = now - newest if newest is not None else now
        site[f"/{outlet.slug}"] = Resource(b"", _HTML, 301, location=outlet.home_path)
        site[outlet.home_path] = Resource(
            pages.home_page(outlet).encode(), _HTML, last_modified=latest
        )
        if outlet.feed.fault == "http-500":
            site[outlet.feed_path] = Resource(_SERVER_ERROR_PAGE.encode(), _HTML, 500)
        else:
            feed = render_feed(pages, outlet).encode()
            site[outlet.feed_path] = Resource(
                feed, _FEED_CONTENT_TYPES[outlet.feed.format], last_modified=latest
            )
        image = solid_png(outlet.color)
        for article in outlet.articles:
            if article.status != 200:
                continue
            page = pages.article_page(article).encode()
            site[article.path] = Resource(page, _HTML, last_modified=pages.modified(article))
            if article.image_path:
                site[article.image_path] = Resource(image, "image/png", last_modified=latest)
    return site


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    site: Mapping[str, Resource]
    latency: float

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A reader that went away mid-request (the demo stopped by Ctrl+C as it fetched) is no
        error to print a traceback for; anything else is, as socketserver prints it."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ProgletonDemo/0.1"
    timeout = 10  # an idle keep-alive connection lets its thread go after this
    server: _DemoHTTPServer

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the library never writes to stderr."""

    def _answer(self, *, send_body: bool) -> None:
        if self.server.latency:
            time.sleep(self.server.latency)
        path = urlsplit(self.path).path
        resource = self.server.site.get(path)
        if resource is None:
            resource = Resource(_NOT_FOUND_PAGE.encode(), _HTML, 404)
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "") and len(resource.body) > 512
        etag = resource.etag[:-1] + '-gz"' if gzipped else resource.etag
        if resource.status == 200 and is_not_modified(
            (resource.etag, resource.etag[:-1] + '-gz"'),
            resource.last_modified,
            self.headers.get("If-None-Match"),
            self.headers.get("If-Modified-Since"),
        ):
            self.send_response(304)
            self._validators(resource, etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = gzip.compress(resource.body, mtime=0) if gzipped else resource.body
        self.send_response(resource.status)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        if resource.location:
            self.send_header("Location", resource.location)
        if resource.status == 200:
            self._validators(resource, etag)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _validators(self, resource: Resource, etag: str) -> None:
        self.send_header("ETag", etag)
        if resource.last_modified is not None:
            self.send_header("Last-Modified", format_datetime(resource.last_modified, usegmt=True))
        self.send_header("Cache-Control", "max-age=60")


class DemoServer:
    """The demo outlets on ``http://127.0.0.1:<port>``, served from a background thread.

    ``port=0`` picks a free port; ``base_url`` is known once started. ``now`` fixes the serve
    time that the articles' relative ages count back from (default: the moment of ``start()``).
    ``latency`` delays every answer by that many seconds. ``edition`` picks how much of the
    corpus is out; :meth:`publish_next_edition` releases more while running. Safe to start from async code: it
    never touches the caller's event loop. ``start()`` and ``stop()`` are idempotent.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        now: datetime | None = None,
        latency: float = 0.0,
        edition: int = 1,
    ) -> None:
        if now is not None and now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.host = host
        self.port = port
        self.now = now
        self.latency = latency
        self.edition = edition
        self._server: _DemoHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, without a trailing slash."""
        if self._server is None:
            raise RuntimeError("DemoServer is not started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server, e.g. ``url("/demo.opml")``."""
        return self.base_url + path

    def start(self) -> DemoServer:
        """Bind the port, render the corpus and serve it in a daemon thread."""
        if self._server is not None:
            return self
        server = _DemoHTTPServer((self.host, self.port), _Handler)
        now = self.now or datetime.now(UTC).replace(microsecond=0)
        self.now = now
        server.latency = self.latency
        self._server = server
        try:
            server.site = self._site(now)
        except BaseException:
            server.server_close()
            self._server = None
            raise
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="progleton-demo",
            daemon=True,
        )
        self._thread.start()
        return self

    def publish_next_edition(self) -> int:
        """Publish the next edition's articles (feeds and pages change); returns the edition.

        Serve time stays the same, so what was already published keeps its dates.
        """
        if self.edition >= load_corpus().editions:
            raise ValueError(f"the demo corpus has no edition after {self.edition}")
        self.edition += 1
        if self._server is not None and self.now is not None:
            self._server.site = self._site(self.now)  # one swap: a request sees old or new
        return self.edition

    def _site(self, now: datetime) -> dict[str, Resource]:
        return build_site(load_corpus().at_edition(self.edition), self.base_url, now)

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> DemoServer:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
