"""An article's lead picture: an image's real source behind lazy loaders and srcsets,
placeholders and tracking pixels told apart, and the figure where a lead picture sits.
All functions here are pure and never raise."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring

from progleton.extract.sanitize import picture_url

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
