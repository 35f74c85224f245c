"""Outlets: the site a source's reports count for.

A story's outlets are sites, not feeds: a reader who follows a paper through two feeds (its
front page and its World section) and sees a story in both has one outlet's report, however many
of its feeds carry it. A source's site is the registrable domain of its home page (the feed's
link), else of its feed's address: a public suffix and one label more, by the Public Suffix List
that ``publicsuffixlist`` bundles (it is never downloaded). "www.bbc.co.uk/news" and
"feeds.bbc.co.uk" are both "bbc.co.uk"; "ann.blogspot.com" is its own site, the list says so.

What names no site counts as its source alone, as every source did before: an IP address or
``localhost`` (tests and the demo serve many outlets from 127.0.0.1), a host that is a public
suffix itself, and a feed host's address (:data:`FEED_HOSTS`: every FeedBurner feed would be one
outlet). A removed source's articles count for the outlet it counted for, kept on them
(``articles.source_outlet``); those of a source removed before it was kept count by the name it
left on them (``articles.source_name``).

Pure functions: the store's story counts and the grouper's ``Doc.source`` both read
:func:`outlet_key`, so that the two agree and a start-up replay reads what live assigning read.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from publicsuffixlist import PublicSuffixList

from .urls import address_name, host_of, is_web_address

# Hosts that serve other sites' feeds: their address names no site (the feed's home page does).
# Data, not code branches; a host's subdomains are included ("feeds.feedburner.com").
FEED_HOSTS = frozenset({
    "feedburner.com", "feedproxy.google.com", "feedblitz.com", "feedpress.me", "feedpress.com",
    "feedcat.net", "rss.app", "fetchrss.com", "politepol.com", "rssground.com",
})
# Publishing platforms that give each publication its own subdomain without being on the Public
# Suffix List: there "ann.substack.com" and "bob.substack.com" are two sites, not one
# "substack.com" (their feeds had counted as two outlets, and still do).
SHARED_HOSTS = frozenset({
    "substack.com", "wordpress.com", "tumblr.com", "medium.com", "ghost.io", "beehiiv.com",
    "typepad.com", "livejournal.com", "over-blog.com", "wixsite.com", "weebly.com", "mataroa.blog",
})


# An IP address names no publisher ("127.0.0.1", "127.1", "::1"; a host of digits has no
# registrable domain, though the list's default rule would make "0.1" one of "127.0.0.1").
_IP_ADDRESS = re.compile(r"[0-9.]+|.*:.*")


@cache
def _suffix_list() -> PublicSuffixList:
    return PublicSuffixList()  # the bundled list, read once (0.1 s), on first use


def _on(host: str, domains: frozenset[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


@lru_cache(maxsize=16_384)
def site_of(address: str) -> str | None:
    """The site a web address belongs to: its host's registrable domain ("https://www.bbc.co.uk/news"
    is "bbc.co.uk"), a publication's subdomain on a :data:`SHARED_HOSTS` platform
    ("ann.substack.com"), with a user's space on a shared host ("medium.com/@ann", as
    :func:`~progleton.urls.address_name` names it). None where it names none: no web address,
    an IP address, ``localhost``, a public suffix itself ("co.uk"), a :data:`FEED_HOSTS` host."""
    if not is_web_address(address):
        return None
    host = host_of(address).rstrip(".")
    if host == "localhost" or host.endswith(".localhost") or _IP_ADDRESS.fullmatch(host) or _on(host, FEED_HOSTS):
        return None
    try:
        host = host.encode("idna").decode("ascii")  # one key for "пример.рф" and its punycode
    except UnicodeError:
        pass
    domain = _suffix_list().privatesuffix(host)
    if not isinstance(domain, str):
        return None
    if domain in SHARED_HOSTS and host != domain:
        label = host.removesuffix("." + domain).rsplit(".", 1)[-1]
        domain = domain if label == "www" else f"{label}.{domain}"
    space = address_name(address).partition("/")[2]  # "@ann" or "~bob", else empty
    return f"{domain}/{space}" if space else domain


@lru_cache(maxsize=16_384)  # a story's refresh asks it of every member's source
def source_site(site_url: str | None, feed_url: str | None) -> str | None:
    """A source's site: :func:`site_of` its home page, else of its feed's address (a FeedBurner
    feed without a home page names none); None where neither names one."""
    for address in (site_url, feed_url):
        if address and is_web_address(address) and not _on(host_of(address), FEED_HOSTS):
            return site_of(address)
    return None


def outlet_key(source_id: int | None, site_url: str | None, feed_url: str | None,
               source_name: str | None, url: str, source_outlet: str | None = None) -> str:
    """Which outlet an article counts for, as a key: ``site:<site>`` for a source's site
    (:func:`source_site`), ``source:<id>`` for a source that names no site. A removed source's
    article counts for the key its source had (``source_outlet``, kept as it was removed), so
    that removing one of a site's two feeds leaves the site one outlet; else, removed before
    the key was kept, ``removed:<name>`` (the name it left, else what the article's own
    address names), so that each removed outlet counts once."""
    if source_id is None:
        return source_outlet or "removed:" + (source_name or address_name(url or ""))
    site = source_site(site_url, feed_url)
    return f"site:{site}" if site else f"source:{source_id}"
