"""``extract()``: one article page in, one ``ExtractedArticle`` out, never an exception.

Steps: parse once (lxml, charset sniffed) → read metadata from the untouched tree → on a
copy, strip invisible elements, the site's learned boilerplate (``SiteProfile``) and generic
appeals/teasers → choose the article body among extraction candidates → render plain text
and sanitized HTML → classify the page (challenge, consent, paywall, error) into warnings.
"""

from __future__ import annotations

import logging
from copy import deepcopy
from dataclasses import replace
from html import escape

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.utils import load_html

from progleton.extract.appeals import strip_generic_boilerplate
from progleton.extract.authors import fallback_authors
from progleton.extract.blocks import strip_invisible, word_count
from progleton.extract.boilerplate import SiteProfile
from progleton.extract.candidates import choose_body
from progleton.extract.dates import fallback_date
from progleton.extract.images import fallback_image, is_placeholder_image, lead_image_element
from progleton.extract.metadata import (
    PageMetadata,
    detect_language,
    fallback_title,
    read_page_metadata,
)
from progleton.extract.model import ExtractedArticle
from progleton.extract.pagekind import PageSignals, page_warnings
from progleton.extract.sanitize import sanitize_html

LOGGER = logging.getLogger(__name__)
MARKUP_SAMPLE_CHARS = 60_000


# Only the head of a longer page is parsed. An article's text comes early in its page, and real
# article pages weigh well under a megabyte; a 15 MB page took 550 MiB to extract, in each of the
# workers that extract several at once (the fetcher itself stops at max_response_bytes).
MAX_PAGE_BYTES = 5_000_000


def parse_page(html: str | bytes) -> HtmlElement | None:
    """Parse a page (bytes are decoded with the declared or sniffed charset); None if hopeless.
    Past :data:`MAX_PAGE_BYTES` it is cut off."""
    html = html[:MAX_PAGE_BYTES]
    try:
        if isinstance(html, bytes) and html.startswith(b"\xef\xbb\xbf"):
            html = html[3:]
        tree = load_html(html)
    except Exception:  # lxml and the charset sniffers raise a zoo of types on garbage
        return None
    if not isinstance(tree, HtmlElement):
        return None
    _close_void_elements(tree)
    return tree


# HTML5 void elements that libxml2's HTML 4 parser does not know as empty: it makes the rest of
# their parent (the rest of the article, after an <embed>) their children, and dropping the
# element (the sanitizer drops <embed> with its content) then drops that text.
VOID_ELEMENTS_PARSED_AS_CONTAINERS = ("embed", "track", "keygen", "source", "wbr", "command")


def _close_void_elements(tree: HtmlElement) -> None:
    """Move what libxml2 put inside each void element out after it, as HTML5 parses it."""
    # innermost first, so that nested ones are emptied before their holder moves them
    for element in reversed(list(tree.iter(*VOID_ELEMENTS_PARSED_AS_CONTAINERS))):
        if not len(element) and not element.text:
            continue
        parent = element.getparent()
        if parent is None:
            continue
        children = list(element)
        tail = element.tail
        element.tail = element.text
        element.text = None
        position = parent.index(element)
        for offset, child in enumerate(children, start=1):
            parent.insert(position + offset, child)
        last = children[-1] if children else element
        if tail:
            last.tail = (last.tail or "") + tail


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
    # metadata first: the boilerplate steps below change the tree in place
    meta = _complete_metadata(read_page_metadata(tree, url), tree, url)
    figure = lead_figure_html(tree, url)
    markup_sample = _markup_sample(html)
    strip_invisible(tree)
    page_text = tree.text_content()
    title_text = " ".join([*(t.text_content() for t in tree.iter("title")), *_first_h1(tree)])
    if site_profile is not None:
        site_profile.strip(tree)
    strip_generic_boilerplate(tree)
    body = choose_body(tree, url)
    text = body_text(body)
    html_out = (figure + body_html(body, url)) if body is not None else ""
    if _rendered_by_script(text, meta):
        text = meta.body
        html_out = figure + "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    words = word_count(text)
    signals = PageSignals(
        title_text, page_text, markup_sample, words, meta.accessible_for_free, article_text=text
    )
    return ExtractedArticle(
        text=text,
        html=html_out,
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


# A page whose markup holds less than this of its JSON-LD articleBody is taken to be rendered
# by script ("Loading…" in an empty root element), and the articleBody is its text.
MIN_BODY_WORDS = 50


def _rendered_by_script(text: str, meta: PageMetadata) -> bool:
    """Whether the page's text is only in its JSON-LD: the markup shows little, and the
    publisher has not said the article is for subscribers (``isAccessibleForFree: false``
    marks the text it gives search engines and not readers)."""
    if not meta.body or meta.accessible_for_free is False:
        return False
    body_words = word_count(meta.body)
    return body_words >= MIN_BODY_WORDS and word_count(text) * 3 < body_words


def _markup_sample(html: str | bytes) -> str:
    if isinstance(html, bytes):
        return html[:MARKUP_SAMPLE_CHARS].decode("latin-1").lower()
    return html[:MARKUP_SAMPLE_CHARS].lower()


def _first_h1(tree: HtmlElement) -> list[str]:
    return [h1.text_content() for h1 in tree.iter("h1")][:1]


def _complete_metadata(meta: PageMetadata, tree: HtmlElement, url: str) -> PageMetadata:
    """Fill what the markup's metadata lacked: headline, byline, date, lead image."""
    # a site-wide default (the logo as og:image) is kept only when the article shows no picture
    image_is_real = meta.image is not None and not is_placeholder_image(meta.image)
    if meta.title and meta.published and meta.authors and image_is_real:
        return meta
    return replace(
        meta,
        title=meta.title or fallback_title(tree),
        authors=meta.authors or fallback_authors(tree, meta),
        published=meta.published or fallback_date(tree, url),
        image=meta.image if image_is_real else fallback_image(tree, url) or meta.image,
    )


def _block_text(element: etree._Element) -> str:
    lines = "".join(element.itertext()).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def body_text(body: etree._Element | None) -> str:
    """Plain text of a trafilatura body: one block per paragraph, blank lines between."""
    if body is None:
        return ""
    for line_break in body.iter("lb"):
        line_break.tail = "\n" + (line_break.tail or "")
    blocks: list[str] = []
    for element in body:
        if element.tag == "list":
            blocks.extend(_block_text(item) for item in element.findall("item"))
        elif element.tag == "table":
            blocks.extend(" | ".join(_block_text(c) for c in row) for row in element.iter("row"))
        elif element.tag != "graphic":
            blocks.append(_block_text(element))
    return "\n\n".join(block for block in blocks if block.strip())


def lead_figure_html(tree: HtmlElement, url: str) -> str:
    """The article's lead figure (its real picture and caption) as sanitized HTML, or ""."""
    found = lead_image_element(tree, url)
    if found is None or found[0].tag != "figure":
        return ""
    figure, src = found
    caption = next((" ".join(c.text_content().split()) for c in figure.iter("figcaption")), "")
    image = next(figure.iter("img", "amp-img"), None)
    alt = image.get("alt", "") if image is not None else ""
    html = f'<figure><img src="{escape(src)}" alt="{escape(alt)}">'
    html += f"<figcaption>{escape(caption)}</figcaption></figure>" if caption else "</figure>"
    return sanitize_html(html, base_url=url)


def body_html(body: etree._Element | None, url: str) -> str:
    """Sanitized HTML of a trafilatura body (paragraphs, headings, lists, quotes, tables)."""
    if body is None:
        return ""
    html_tree = convert_to_html(deepcopy(body))
    for container in html_tree.iter("body"):
        container.tag = "div"
    return sanitize_html(etree.tostring(html_tree, encoding="unicode", method="html"), base_url=url)
