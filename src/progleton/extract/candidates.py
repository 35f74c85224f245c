"""Choosing the article body among extraction candidates (trafilatura modes, readability)."""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction


def trafilatura_body(tree: HtmlElement, url: str, **modes: bool) -> etree._Element | None:
    """The body trafilatura extracts from ``tree`` (not modified) in the given modes."""
    document = bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=True,
        include_formatting=True,
        include_links=True,
        **modes,
    )
    body = getattr(document, "body", None)
    return body if body is not None and len(body) else None


def choose_body(tree: HtmlElement, url: str) -> etree._Element | None:
    """The best article body for ``tree``; None when nothing looks like an article."""
    return trafilatura_body(tree, url)
