"""Article metadata: title, authors, dates (UTC), language, lead image, canonical URL.

Sources, most trusted first: the page's JSON-LD (NewsArticle and kin), its meta tags
(Open Graph, article:*, Dublin Core, rel=canonical), then fallbacks read from the markup:
the first <h1>, byline elements, the first article image, and htmldate (fast mode) for the
date. Language: py3langid on the extracted text (it ships its model), else <html lang>.
All functions here are pure and never raise. (trafilatura's own metadata extraction was
measured at ~5 ms a page for little gain, so it is not used.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring

from progleton.extract.blocks import word_count
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
_BYLINE_PREFIX = re.compile(r"^\s*(by|von|par|por|di)\s+", re.IGNORECASE)
_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
MAX_AUTHORS = 8
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


def parse_datetime(value: object, *, now: datetime | None = None) -> datetime | None:
    """Parse an ISO-8601-ish date or datetime into an aware UTC datetime, or None.

    Naive values are taken as UTC; dates before 1995 or more than two days ahead are refused.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = (
        value.strip().replace(" ", "T", 1)
        if re.match(r"^\d{4}-\d\d-\d\d \d", value.strip())
        else value.strip()
    )
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
        except ValueError:
            return None
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    latest = (now or datetime.now(UTC)) + timedelta(days=2)
    return parsed if _EARLIEST <= parsed <= latest else None


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


def clean_author(name: str) -> str | None:
    """A display name from a byline or meta value; None for URLs and junk."""
    name = _BYLINE_PREFIX.sub("", " ".join(name.split())).strip(" ,;:-–—")
    if not name or "://" in name or name.startswith("@") or len(name) > 80:
        return None
    return name


# Between names in one byline: separators, conjunctions, and commas (a comma part that is not a
# person's name is a role, a place or the outlet, and is dropped).
_NAME_SEPARATORS = re.compile(r"\s*(?:[;|·•]|\s(?:and|&|und|et|y|e)\s)\s*", re.IGNORECASE)
# Words of a job title or desk, and of a news organisation's name, in a byline's parts.
_ROLE_WORDS = frozenset(
    "correspondent reporter editor writer chief bureau staff contributor contributing columnist "
    "photographer analyst producer journalist critic desk intern freelance senior special "
    "international political economics science health business sports correspondents editors "
    "reporters writers team newsroom".split()
)
_OUTLET_WORDS = frozenset(
    "press news agency agencies wire media service reuters afp ap dpa ansa efe bloomberg "
    "associated".split()
)
_NAME_PARTICLES = frozenset(
    "van von de da di del der den du la le bin ibn al el dos das ter".split()
)
MAX_NAME_WORDS = 5


def _is_role(part: str, *, outlets: bool = True) -> bool:
    words = {w.lower().strip(".") for w in part.split()}
    vocabulary = _ROLE_WORDS | _OUTLET_WORDS if outlets else _ROLE_WORDS
    return bool(words & vocabulary) or part.lower().startswith(("the ", "in "))


def names_a_role(part: str) -> bool:
    """Whether a byline's part names a desk or role ("Staff reporter", "Sports desk"), not a
    person or an organisation."""
    return _is_role(part, outlets=False)


def _looks_like_a_name(part: str) -> bool:
    """Capitalised words (or words of a script without case), a few of them, no role."""
    words = part.split()
    if len(words) == 1 and len(part) >= 2 and part.lower() == part.upper():
        return True  # a name in a script without spaces or case (Chinese, Japanese)
    if not 2 <= len(words) <= MAX_NAME_WORDS or _is_role(part):
        return False
    return all(
        w[0].isupper() or w[0].lower() == w[0].upper() or w.lower() in _NAME_PARTICLES
        for w in words
    )


def _byline_names(item: str) -> list[str]:
    """The names in one byline or meta value: the first part stays unless it is a role;
    later parts (after a separator or comma) only when they look like a person's name."""
    names: list[str] = []
    for group in _NAME_SEPARATORS.split(_BYLINE_PREFIX.sub("", item)):
        for position, part in enumerate(p.strip() for p in group.split(",")):
            first = not names and position == 0
            # a lone first part may be a wire service ("Reuters"): its word on who wrote it
            if part and (_looks_like_a_name(part) or (first and not _is_role(part, outlets=False))):
                names.append(part)
    return names


def split_authors(raw: list[str]) -> tuple[str, ...]:
    """Distinct cleaned author names, in order, at most ``MAX_AUTHORS``: a byline's people,
    without their roles, places and outlet ("By A and B, Reuters" gives A and B)."""
    seen: dict[str, str] = {}
    for item in raw:
        if "://" in item:
            continue
        for part in _byline_names(" ".join(item.split())):
            name = clean_author(part)
            if name and name.lower() not in seen:
                seen[name.lower()] = name
    return tuple(seen.values())[:MAX_AUTHORS]


def credited_people(raw: list[str], outlets: Iterable[str] = ()) -> tuple[str, ...]:
    """:func:`split_authors` without the outlet's own name: "By Staff reporter, Daily
    Courier" ends with the paper, which a byline-like part after a comma cannot be told from."""
    own = {o.casefold() for o in outlets if o}
    return tuple(a for a in split_authors(raw) if a.casefold() not in own)


def credited_role(raw: list[str], outlets: Iterable[str] = ()) -> str | None:
    """The desk or role a byline or author tag credits where it names no person ("Staff
    reporter", "By Staff, Daily Courier" gives "Staff"), as written: the page's own word on
    who wrote it, where :func:`split_authors` finds no one."""
    own = {o.casefold() for o in outlets if o}
    for item in raw:
        head = _NAME_SEPARATORS.split(_BYLINE_PREFIX.sub("", " ".join(item.split())))[0]
        role = clean_author(head.split(",")[0])
        if role and names_a_role(role) and len(role.split()) <= MAX_NAME_WORDS and role.casefold() not in own:
            return role
    return None


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


# A <time> that says it is the publication date, else the first one inside the article or the
# page's main part, else the first on the page (which may be the site header's clock).
_TIME_XPATHS = (
    '//time[@datetime][@pubdate or contains(@itemprop, "datePublished") or contains(@class, "publish")]',
    "//article//time[@datetime] | //main//time[@datetime]",
    "//time[@datetime]",
)


def _first_time_element(tree: HtmlElement) -> datetime | None:
    for xpath in _TIME_XPATHS:
        for element in tree.xpath(xpath)[:3]:
            if (parsed := parse_datetime(element.get("datetime"))) is not None:
                return parsed
    return None


def read_page_metadata(tree: HtmlElement, url: str | None) -> PageMetadata:
    """Metadata from JSON-LD, meta tags and link elements; pure, never raises."""
    article = _jsonld_article(tree)
    meta = _meta_values(tree)
    published = (
        parse_datetime(article.get("datePublished"))
        or next((d for k in PUBLISHED_META if (d := parse_datetime(meta.get(k)))), None)
        or _first_time_element(tree)
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


_BYLINE_XPATH = (
    '//*[@rel="author" or @itemprop="author" or contains(@class, "byline")'
    ' or contains(@class, "author-name") or contains(@class, "author__name")'
    ' or @class="author" or contains(@class, "article-author")][not(self::meta)][position() <= 6]'
)


# Where a byline's date begins: a digit, or a word that introduces one.
_BYLINE_DATE = re.compile(
    r"(?:\s|^)(?:updated|published|posted|last\s+modified|aktualisiert|mis\s+à\s+jour)\b|\d",
    re.IGNORECASE,
)
_DATE_WORDS = (
    "on|at|am|le|el|il|january|february|march|april|may|june|july|august|september|october|"
    "november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|"
    "wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun"
)
# Only after a separator or "on": "By Tom March, Sept." keeps March, a surname.
_TRAILING_DATE_WORDS = re.compile(
    rf"(?:\s*[,;|·•–—-]|\s+on)(?:\s+(?:{_DATE_WORDS})\.?)*\s*$", re.IGNORECASE
)
_SEPARATORS = " ,;|·•–—-"


def _byline_without_date(text: str) -> str:
    """A byline cut before its date ("By A, Updated 3 May 2024" gives "By A")."""
    head = _BYLINE_DATE.split(text, maxsplit=1)[0]
    if head == text:
        return text
    return _TRAILING_DATE_WORDS.sub("", head.strip(_SEPARATORS)).strip(_SEPARATORS)


def bylines(tree: HtmlElement) -> list[str]:
    """The texts of byline-like elements (rel/itemprop/class author or byline), short ones
    only, without the date a byline may carry."""
    texts: list[str] = []
    for element in tree.xpath(_BYLINE_XPATH):
        text = _byline_without_date(" ".join(element.text_content().split()))
        if 0 < len(text.split()) <= 12:
            texts.append(text)
    return texts


def byline_authors(tree: HtmlElement, outlets: Iterable[str] = ()) -> tuple[str, ...]:
    """The people the page's bylines name, the outlet's own name (``outlets``) left out."""
    return credited_people(bylines(tree), outlets)


def fallback_authors(tree: HtmlElement, meta: PageMetadata) -> tuple[str, ...]:
    """Who wrote a page whose metadata names no person: the people its bylines name, else the
    desk or role its author tags credit ("Staff reporter"), else the one its bylines credit.
    Never the outlet's own name (the site name): the reader shows the outlet beside it."""
    outlets = [meta.site_name or ""]
    texts = bylines(tree)
    people = credited_people(texts, outlets)
    role = meta.credit or credited_role(texts, outlets)
    return people or ((role,) if role else ())


# Where a lazy-loading script keeps the real picture while @src holds a placeholder, most
# trusted first; a srcset gives its largest candidate.
_LAZY_SRC_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-hi-res-src", "data-url")
_LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset")
# Words in the file names of the stand-ins that lazy loaders, trackers and templates put in
# @src or og:image: any of these marks one, and so does a name that is only a spacer word
# ("pixel.gif", but not "pixel-phone-review.jpg").
_PLACEHOLDER_WORDS = frozenset({"placeholder", "spacer", "1x1", "default", "fallback", "logo"})
_SPACER_NAMES = frozenset(
    {"blank", "pixel", "transparent", "empty", "clear", "dot", "px", "spacer"}
)
MAX_TINY_IMAGE_PX = 2


def is_placeholder_image(url: str) -> bool:
    """Whether an image URL names a placeholder, spacer, tracking pixel or site-wide default
    (a logo), not a picture of the story."""
    if url.startswith("data:"):
        return True
    stem = urlsplit(url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    words = set(re.split(r"[-_.\s]+", stem))
    return bool(words & _PLACEHOLDER_WORDS) or stem in _SPACER_NAMES


def _largest_in_srcset(srcset: str | None) -> str | None:
    best, best_size = None, -1.0
    for candidate in (srcset or "").split(","):
        parts = candidate.split()
        if not parts:
            continue
        descriptor = parts[1] if len(parts) > 1 else "1x"
        try:
            size = float(descriptor[:-1]) if descriptor[-1:] in ("w", "x") else 0.0
        except ValueError:
            size = 0.0
        if size > best_size:
            best, best_size = parts[0], size
    return best


def _is_tiny(image: HtmlElement) -> bool:
    for attribute in ("width", "height"):
        value = (image.get(attribute) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= MAX_TINY_IMAGE_PX:
            return True
    return False


def image_source(image: HtmlElement, base_url: str | None) -> str | None:
    """The real picture of an <img>, <amp-img> or <source>, as an absolute http(s) URL: a lazy
    loader's data-src/data-srcset before @src, the largest srcset candidate when there is no
    usable @src; placeholders, data: URIs and 1-2 px images give None."""
    lazy = [image.get(a) for a in _LAZY_SRC_ATTRIBUTES]
    lazy += [_largest_in_srcset(image.get(a)) for a in _LAZY_SRCSET_ATTRIBUTES]
    found = [v for v in lazy if v]
    if not found and _is_tiny(image):
        return None
    for value in [*found, image.get("src"), _largest_in_srcset(image.get("srcset"))]:
        resolved = picture_url(value, base_url) if value else None
        if resolved and not is_placeholder_image(resolved):
            return resolved
    return None


def first_image_source(container: HtmlElement, base_url: str | None) -> str | None:
    """The first real picture in ``container``: its <img>/<amp-img> elements, a <picture>'s
    <source> candidates, then a <noscript> copy (lxml parses its markup as elements)."""
    for image in container.iter("img", "amp-img", "source"):
        if (src := image_source(image, base_url)) is not None:
            return src
    for noscript in container.iter("noscript"):
        for fragment in _noscript_images(noscript):
            if (src := image_source(fragment, base_url)) is not None:
                return src
    return None


def _noscript_images(noscript: HtmlElement) -> list[HtmlElement]:
    images = list(noscript.iter("img"))
    if images or not noscript.text or "<img" not in noscript.text:
        return images
    try:
        return list(fragment_fromstring(noscript.text, create_parent="div").iter("img"))
    except (ValueError, etree.ParserError):
        return []


# Link cards, asides and the like hold other stories' thumbnails, never the lead picture.
_NOT_LEAD_ANCESTORS = etree.XPath(
    "ancestor::a | ancestor::aside | ancestor::nav | ancestor::footer"
    ' | ancestor::*[contains(@class, "related") or contains(@class, "teaser")'
    ' or contains(@class, "card") or contains(@class, "promo") or contains(@class, "recommend")]'
)
_PRECEDING_PARAGRAPHS = etree.XPath("preceding::p")
# A lead picture comes before the story or just after its opening paragraph; one further down
# illustrates a passage (or is another story's thumbnail).
MAX_WORDS_BEFORE_LEAD = 80


def is_lead_position(element: HtmlElement, container: HtmlElement) -> bool:
    """Whether a figure or image sits where a lead picture does: not in a link, aside or
    teaser card, and with at most an opening paragraph of ``container`` before it."""
    if _NOT_LEAD_ANCESTORS(element):
        return False
    words = 0
    for paragraph in _PRECEDING_PARAGRAPHS(element):
        if container in paragraph.iterancestors():
            words += len(paragraph.text_content().split())
            if words > MAX_WORDS_BEFORE_LEAD:
                return False
    return True


_LEAD_CONTAINERS = etree.XPath("//article | //main")
_LEAD_IMAGES = etree.XPath(".//figure | .//img | .//amp-img | .//picture")


def lead_image_element(tree: HtmlElement, base_url: str | None) -> tuple[HtmlElement, str] | None:
    """The article's lead figure (or bare image) and its picture's URL, or None."""
    for container in _LEAD_CONTAINERS(tree)[:3]:
        for element in _LEAD_IMAGES(container)[:8]:
            if not is_lead_position(element, container):
                continue
            src = (
                first_image_source(element, base_url)
                if element.tag in ("figure", "picture")
                else image_source(element, base_url)
            )
            if src is not None:
                return element, src
    return None


def fallback_image(tree: HtmlElement, url: str | None) -> str | None:
    """The article's lead picture (in its first figure, or its first image), as an absolute URL."""
    found = lead_image_element(tree, url)
    return found[1] if found else None


def fallback_date(tree: HtmlElement, url: str | None = None) -> datetime | None:
    """htmldate's original publication date (fast mode), else a /YYYY/MM/DD/ date in the URL,
    as UTC midnight; None if unsure."""
    try:
        from htmldate import find_date

        found = find_date(tree, extensive_search=False, original_date=True)
    except Exception:  # htmldate must never sink an extraction
        found = None
    return (parse_datetime(found) if found else None) or url_date(url)


# A date path segment, as many CMSs write them: /2024/08/14/slug or /2024/08/14.
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(\d\d?)/(\d\d?)(?:/|$|[-_.])")


def url_date(url: str | None) -> datetime | None:
    """The date in a URL's path (``/YYYY/MM/DD/``), as UTC midnight, or None."""
    match = _URL_DATE.search(urlsplit(url).path) if url else None
    if match is None:
        return None
    try:
        found = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return parse_datetime(found.isoformat())


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def detect_language(text: str, html_lang: str | None) -> str | None:
    """ISO 639-1 language of ``text`` (py3langid), falling back to the page's lang attribute."""
    if word_count(text) < 15:
        return html_lang
    try:
        import py3langid

        language, _score = py3langid.classify(text[:LANGUAGE_SAMPLE_CHARS])
    except Exception:  # the classifier must never sink an extraction
        return html_lang
    return str(language)
