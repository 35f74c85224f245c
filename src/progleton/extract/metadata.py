"""Article metadata: title, authors, dates (UTC), language, lead image, canonical URL.

Sources, most trusted first: the page's JSON-LD (NewsArticle and kin), its meta tags
(Open Graph, article:*, Dublin Core, rel=canonical), then fallbacks read from the markup:
the first <h1>, byline elements, the first article image, and htmldate (fast mode) for the
date. Language: py3langid on the extracted text (it ships its model), else <html lang>.
All functions here are pure and never raise. (trafilatura's own metadata extraction was
measured at ~5 ms a page for little gain, so it is not used.)

The finders for authors and bylines (:mod:`.authors`), dates (:mod:`.dates`) and the lead
image (:mod:`.images`) are modules of their own; this one reads JSON-LD and the meta tags,
the canonical URL, the title and the language, and puts them together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from progleton.extract.authors import (
    MAX_AUTHORS,
    byline_authors,
    credited_people,
    credited_role,
    split_authors,
)
from progleton.extract.blocks import word_count
from progleton.extract.dates import first_time_element, parse_datetime
from progleton.extract.sanitize import absolute_http_url, picture_url

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenews",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "webpage",
        "posting",
        "socialmediaposting",
    }
)
PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "cxenseparse:recs:publishtime",
)
UPDATED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
)
AUTHOR_META = ("author", "article:author", "parsely-author", "dc.creator", "sailthru.author", "byl")
LANGUAGE_SAMPLE_CHARS = 600


@dataclass(frozen=True)
class PageMetadata:
    """Metadata gathered from the page's markup (before any text extraction)."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    image: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    html_lang: str | None = None
    accessible_for_free: bool | None = None
    body: str = ""  # JSON-LD ``articleBody``: the text of a page its scripts render (plain text)
    credit: str | None = None  # the desk or role the author meta tags credit, naming no one ("Staff reporter")


def _iter_jsonld(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        yield from _walk_jsonld(data, depth=0)


def _walk_jsonld(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_jsonld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in data:
                yield from _walk_jsonld(data[key], depth + 1)


def _types_of(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", ())
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    return {str(k).lower() for k in kinds}


def _names(value: Any, index: dict[str, dict[str, Any]] | None = None, depth: int = 0) -> list[str]:
    """Names in a JSON-LD value; a ``{"@id": ...}`` reference (Yoast's @graph) is looked up."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and depth < 3:
        if "name" not in value and index and str(value.get("@id")) in index:
            return _names(index[str(value.get("@id"))], index, depth + 1)
        return _names(value.get("name"), index, depth + 1)
    if isinstance(value, list):
        return [name for item in value[:MAX_AUTHORS] for name in _names(item, index, depth)]
    return []


def _jsonld_index(tree: HtmlElement) -> dict[str, dict[str, Any]]:
    return {str(node["@id"]): node for node in _iter_jsonld(tree) if "@id" in node}


def _first_url(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _first_url(value.get("url") or value.get("@id"))
    if isinstance(value, list) and value:
        return _first_url(value[0])
    return None


def _jsonld_article(tree: HtmlElement) -> dict[str, Any]:
    best: dict[str, Any] = {}
    for node in _iter_jsonld(tree):
        kinds = _types_of(node)
        if kinds & ARTICLE_TYPES and ("headline" in node or "datePublished" in node):
            if not best or "webpage" in _types_of(best):
                best = node
    return best


def _meta_values(tree: HtmlElement) -> dict[str, str]:
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (
            (
                meta.get("property")
                or meta.get("name")
                or meta.get("itemprop")
                or meta.get("http-equiv")
                or ""
            )
            .strip()
            .lower()
        )
        content = (meta.get("content") or "").strip()
        if key and content and key not in values:
            values[key] = content
    return values


def _page_authors(
    tree: HtmlElement, jsonld: list[str], publisher: list[str], meta: dict[str, str]
) -> tuple[str, ...]:
    """JSON-LD's authors, else the meta tags' people; a JSON-LD author that is only the publisher
    itself (a CMS default) gives way to the people the meta tags or the byline name."""
    outlet = {n.lower() for n in [*publisher, meta.get("og:site_name", "")] if n}
    meta_authors = credited_people([meta[k] for k in AUTHOR_META if k in meta], outlet)
    authors = split_authors(jsonld) or meta_authors
    if authors and all(a.lower() in outlet for a in authors):
        return (
            meta_authors
            if meta_authors != authors and meta_authors
            else (byline_authors(tree, outlet) or authors)
        )
    return authors


def _canonical(tree: HtmlElement, meta: dict[str, str], url: str | None) -> str | None:
    links = tree.xpath(
        '//link[@href][contains(concat(" ", normalize-space(@rel), " "), " canonical ")]/@href'
    )
    for claimed in [*links, meta.get("og:url", "")]:
        resolved = absolute_http_url(claimed, url) if claimed else None
        if resolved and not _names_the_home_page(resolved, url):
            return resolved
    return None


def _names_the_home_page(claimed: str, url: str | None) -> bool:
    """Whether a page's canonical claim is its site's home page while the page is not: a
    template that writes ``<link rel=canonical href="/">`` on every article would make them all
    one article (the canonical URL is an article's identity)."""
    return (
        bool(url)
        and urlsplit(claimed).path in ("", "/")
        and urlsplit(url or "").path not in ("", "/")
    )


def read_page_metadata(tree: HtmlElement, url: str | None) -> PageMetadata:
    """Metadata from JSON-LD, meta tags and link elements; pure, never raises."""
    article = _jsonld_article(tree)
    meta = _meta_values(tree)
    published = (
        parse_datetime(article.get("datePublished"))
        or next((d for k in PUBLISHED_META if (d := parse_datetime(meta.get(k)))), None)
        or first_time_element(tree)
    )
    updated = parse_datetime(article.get("dateModified")) or next(
        (d for k in UPDATED_META if (d := parse_datetime(meta.get(k)))), None
    )
    index = _jsonld_index(tree) if article else {}
    publisher = _names(article.get("publisher"), index)
    authors = _page_authors(tree, _names(article.get("author"), index), publisher, meta)
    outlets = [*publisher, meta.get("og:site_name", "")]
    image_url = (
        _first_url(article.get("image")) or meta.get("og:image") or meta.get("twitter:image")
    )
    free = article.get("isAccessibleForFree")
    title = article.get("headline") if isinstance(article.get("headline"), str) else None
    return PageMetadata(
        title=(title or meta.get("og:title") or "").strip() or None,
        authors=authors,
        published=published,
        updated=updated if updated != published else None,
        image=picture_url(image_url, url) if image_url else None,
        canonical_url=_canonical(tree, meta, url),
        site_name=meta.get("og:site_name") or (publisher[0] if publisher else None),
        html_lang=_declared_language(tree, meta),
        accessible_for_free=_as_bool(free),
        body=_article_body(article.get("articleBody")),
        credit=credited_role([meta[k] for k in AUTHOR_META if k in meta], outlets),
    )


# Where a page declares its language, most specific first; <html lang> is often a CMS default,
# but it is the page's own word on the whole document.
LANGUAGE_META = ("content-language", "language", "dc.language", "og:locale")


def _declared_language(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    """The ISO 639-1 code a page declares: <html lang>, else its language meta tags
    (``<meta http-equiv="content-language" content="de, en">`` gives "de")."""
    declared = tree.get("lang") or next((meta[k] for k in LANGUAGE_META if k in meta), "")
    code = re.split(r"[-_,;\s]", declared.strip(), maxsplit=1)[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


_TAG = re.compile(r"<[^>]{0,2000}>")
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|h[1-6]|blockquote|tr|section|article)\b[^>]{0,2000}>", re.I
)
MAX_BODY_CHARS = 200_000


def _article_body(value: object) -> str:
    """JSON-LD ``articleBody`` as paragraphs of plain text (some sites write HTML in it)."""
    if not isinstance(value, str):
        return ""
    text = value[:MAX_BODY_CHARS]
    if "<" in text:
        text = _TAG.sub("", _BLOCK_TAG.sub("\n", text))
        text = html_unescape(text)
    paragraphs = (" ".join(line.split()) for line in text.split("\n"))
    return "\n\n".join(p for p in paragraphs if p)


def fallback_title(tree: HtmlElement) -> str | None:
    """The first <h1>, else the <title> without its " - Site name" part."""
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().split())
        if text:
            return text
    for title in tree.iter("title"):
        text = " ".join(title.text_content().split())
        if text:
            return re.split(r"\s[|–—-]\s", text)[0].strip() or text
    return None


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


# py3langid also tells some languages' varieties and periods apart, by ISO 639-3 codes: the
# ISO 639-1 code of the language each belongs to (Wu and Cantonese are written Chinese; a
# Chinese news report is taken for Wu now and then). "zxx": no language (digits, symbols).
LANGUAGE_OF_VARIETY = {"wuu": "zh", "yue": "zh", "arz": "ar", "ary": "ar", "hbo": "he", "grc": "el",
                       "uzs": "uz", "sdh": "ku", "gug": "gn", "fuv": "ff", "kik": "ki", "zxx": ""}


def detect_language(text: str, html_lang: str | None) -> str | None:
    """ISO 639-1 language of ``text`` (py3langid), falling back to the page's lang attribute,
    which is also the answer where py3langid's is a language without an ISO 639-1 code."""
    if word_count(text) < 15:
        return html_lang
    try:
        import py3langid

        language, _score = py3langid.classify(text[:LANGUAGE_SAMPLE_CHARS])
    except Exception:  # the classifier must never sink an extraction
        return html_lang
    code = LANGUAGE_OF_VARIETY.get(str(language), str(language))
    return code if len(code) == 2 else html_lang or code or None
