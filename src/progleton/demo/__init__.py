"""The bundled demo: fictional outlets, their feeds and pages, served on 127.0.0.1.

``progleton demo`` starts :class:`DemoServer` and ingests its feeds through the real pipeline.
Tests use :data:`EXPECTATIONS` to check what that ingestion must produce.
"""

from __future__ import annotations

from .corpus import Article, Corpus, Outlet, load_corpus
from .expectations import EXPECTATIONS, DemoEvent, DemoExpectations
from .server import DemoServer

__all__ = [
    "EXPECTATIONS",
    "Article",
    "Corpus",
    "DemoEvent",
    "DemoExpectations",
    "DemoServer",
    "Outlet",
    "feed_urls",
    "load_corpus",
    "opml_url",
]


def feed_urls(base_url: str) -> list[str]:
    """Every demo feed URL on a server at ``base_url``, the deliberately broken one included."""
    base = base_url.rstrip("/")
    return [base + outlet.feed_path for outlet in load_corpus().outlets]


def opml_url(base_url: str) -> str:
    """The URL of the OPML file listing every demo source."""
    return base_url.rstrip("/") + "/demo.opml"
