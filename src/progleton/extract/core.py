"""``extract()``: one article page in, one ``ExtractedArticle`` out, never an exception.

Steps: parse once (lxml, charset sniffed) → read metadata from the untouched tree → on a
copy, strip invisible elements, the site's learned boilerplate (``SiteProfile``) and generic
appeals/teasers → choose the article body among extraction candidates → render plain text
and sanitized HTML → classify the page (challenge, consent, paywall, error) into warnings.
"""

from __future__ import annotations

import logging
from copy import deepcopy
from datetime import UTC, datetime

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from progleton.extract.appeals import strip_generic_boilerplate
from progleton.extract.blocks import strip_invisible
from progleton.extract.boilerplate import SiteProfile
from progleton.extract.candidates import choose_body
from progleton.extract.metadata import (
    PageMetadata,
    detect_language,
    read_page_metadata,
    split_authors,
    word_count,
)
from progleton.extract.model import ExtractedArticle
from progleton.extract.pagekind import PageSignals, page_warnings
from progleton.extract.sanitize import absolute_http_url, sanitize_html

LOGGER = logging.getLogger(__name__)
MARKUP_SAMPLE_CHARS = 200_000


def parse_page(html: str | bytes) -> HtmlElement | None:
    """Parse a page (bytes are decoded with the declared or sniffed charset); None if hopeless."""
    try:
        if isinstance(html, bytes) and html.startswith(b"\xef\xbb\xbf"):
            html = html[3:]
        tree = load_html(html)
    except Exception:  # lxml and the charset sniffers raise a zoo of types on garbage
        return None
    return tree if isinstance(tree, HtmlElement) else None


def extract(
    html: str | bytes, *, url: str, site_profile: SiteProfile | None = None
) -> ExtractedArticle:
    """Extract the article of one page; never raises on bad HTML.

    ``site_profile`` (read only here) removes the blocks that the site repeats on its pages;
    call ``site_profile.observe(html, url=url)`` afterwards to teach it this page.
    Warnings starting with ``REFUSAL_PREFIXES`` mean the page is not the article.
    """
    try:
        return _extract(html, url, site_profile)
    except Exception as exc:  # the promise: bad input yields warnings, not exceptions
        LOGGER.warning("extraction failed", extra={"url": url, "error": repr(exc)})
        return ExtractedArticle(
            text="", html="", warnings=(f"no article: extraction failed ({type(exc).__name__})",)
        )


def _extract(html: str | bytes, url: str, site_profile: SiteProfile | None) -> ExtractedArticle:
    tree = parse_page(html)
    if tree is None:
        return ExtractedArticle(
            text="", html="", warnings=("no article: empty or unparsable page",)
        )
    meta = read_page_metadata(tree, url)
    markup_sample = _markup_sample(html)
    work = deepcopy(tree)
    strip_invisible(work)
    page_text = work.text_content()
    title_text = " ".join([*(t.text_content() for t in work.iter("title")), *_first_h1(work)])
    if site_profile is not None:
        site_profile.strip(work)
    strip_generic_boilerplate(work)
    body = choose_body(work, url)
    text = body_text(body)
    words = word_count(text)
    meta = _complete_metadata(meta, tree, url)
    signals = PageSignals(title_text, page_text, markup_sample, words, meta.accessible_for_free)
    return ExtractedArticle(
        text=text,
        html=body_html(body, url),
        title=meta.title,
        authors=meta.authors,
        published=meta.published,
        updated=meta.updated,
        language=detect_language(text or page_text[:3000], meta.html_lang),
        image=meta.image,
        canonical_url=meta.canonical_url,
        site_name=meta.site_name,
        word_count=words,
        warnings=page_warnings(signals),
    )


def _markup_sample(html: str | bytes) -> str:
    if isinstance(html, bytes):
        return html[:MARKUP_SAMPLE_CHARS].decode("latin-1").lower()
    return html[:MARKUP_SAMPLE_CHARS].lower()


def _first_h1(tree: HtmlElement) -> list[str]:
    return [h1.text_content() for h1 in tree.iter("h1")][:1]


def _complete_metadata(meta: PageMetadata, tree: HtmlElement, url: str) -> PageMetadata:
    """Fill what the markup lacked from trafilatura's heuristics (title, byline, htmldate)."""
    if meta.title and meta.published and meta.authors and meta.site_name:
        return meta
    found = extract_metadata(tree, default_url=url, extensive=False)
    published = meta.published
    if published is None and found.date:
        try:
            published = datetime.fromisoformat(found.date).replace(tzinfo=UTC)
        except ValueError:
            published = None
    return PageMetadata(
        title=meta.title or found.title,
        authors=meta.authors or split_authors([found.author] if found.author else []),
        published=published,
        updated=meta.updated,
        image=meta.image or (absolute_http_url(found.image, url) if found.image else None),
        canonical_url=meta.canonical_url,
        site_name=meta.site_name or found.sitename,
        html_lang=meta.html_lang,
        accessible_for_free=meta.accessible_for_free,
    )


def body_text(body: etree._Element | None) -> str:
    """Plain text of a trafilatura body: one block per paragraph, blank lines between."""
    if body is None:
        return ""
    plain = deepcopy(body)
    etree.strip_tags(plain, "ref", "hi", "span")
    etree.strip_elements(plain, "graphic", with_tail=False)
    lines = (line.strip() for line in xmltotxt(plain, False).splitlines())
    return "\n\n".join(line for line in lines if line)


def body_html(body: etree._Element | None, url: str) -> str:
    """Sanitized HTML of a trafilatura body (paragraphs, headings, lists, quotes, tables)."""
    if body is None:
        return ""
    html_tree = convert_to_html(deepcopy(body))
    for container in html_tree.iter("body"):
        container.tag = "div"
    return sanitize_html(etree.tostring(html_tree, encoding="unicode", method="html"), base_url=url)
