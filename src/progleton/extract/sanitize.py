"""Sanitizing article and feed HTML for display, with nh3 (ammonia).

Only structural tags survive; every link and image must be an absolute http(s) URL
(relative ones are resolved against ``base_url`` first, anything else is dropped);
links get ``rel="noopener noreferrer nofollow"``. Scripts, styles, iframes, forms and
event-handler attributes never survive.
"""

from __future__ import annotations

from contextvars import ContextVar
from urllib.parse import urljoin, urlsplit

import nh3

SAFE_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "figure",
        "figcaption",
        "img",
        "a",
        "em",
        "strong",
        "b",
        "i",
        "code",
        "pre",
        "br",
    }
)
SAFE_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
# Their content goes too, not only the tags.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "noscript",
        "template",
        "svg",
        "math",
        "form",
        "button",
        "select",
        "textarea",
    }
)
LINK_REL = "noopener noreferrer nofollow"
_URL_ATTRIBUTES = {("a", "href"), ("img", "src")}


def absolute_http_url(value: str, base_url: str | None) -> str | None:
    """Resolve ``value`` against ``base_url``; None unless the result is http(s) with a host."""
    value = value.strip()
    if not value:
        return None
    try:
        resolved = urljoin(base_url, value) if base_url else value
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return resolved


def picture_url(value: str, base_url: str | None) -> str | None:
    """An image's address as :func:`absolute_http_url` resolves it, or None where it names no
    picture: the page itself (``src="#"``), or a bare word written relative, with no folder,
    file extension or query (``src="x"``, ``"null"``, ``"undefined"``: the stand-ins that
    templates and scripts leave for an address filled in later), which resolves to a page
    beside the article and is fetched as a broken image."""
    resolved = absolute_http_url(value, base_url)
    if resolved is None:
        return None
    try:
        written = urlsplit(value.strip())
    except ValueError:
        return None
    if not (written.scheme or written.netloc or written.query or "/" in written.path or "." in written.path):
        return None
    if base_url and resolved.split("#")[0] == base_url.split("#")[0]:
        return None
    return resolved


_BASE_URL: ContextVar[str | None] = ContextVar("sanitize_base_url", default=None)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if (tag, attribute) == ("img", "src"):
        return picture_url(value, _BASE_URL.get())
    if (tag, attribute) in _URL_ATTRIBUTES:
        return absolute_http_url(value, _BASE_URL.get())
    return value


# One Cleaner, built once: building ammonia's rules costs more than cleaning a fragment.
# The base URL for relative links reaches the attribute filter through a context variable.
_CLEANER = nh3.Cleaner(
    tags=set(SAFE_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes=SAFE_ATTRIBUTES,
    attribute_filter=_keep_attribute,
    url_schemes={"http", "https"},
    link_rel=LINK_REL,
    strip_comments=True,
)


def sanitize_html(html: str, *, base_url: str | None = None) -> str:
    """Return ``html`` with only safe tags and attributes, links and images absolute.

    Used for extracted article HTML and for feed summaries/content shown to users.
    Never raises on bad markup; returns ``""`` for empty input.
    """
    if not html or not html.strip():
        return ""
    token = _BASE_URL.set(base_url)
    try:
        return _CLEANER.clean(html).strip()
    finally:
        _BASE_URL.reset(token)
