"""What a reader follows: a source added again, an OPML file read in and written out, the name
a new source takes from its feed. Store work for :class:`~progleton.core.Progleton`'s methods
of the same names; no network."""

from __future__ import annotations

from collections.abc import Iterable

from . import feeds
from .entries import feed_name
from .exceptions import FeedParseError, UnsafeURLError
from .feeds.opml import OutlineSource, read_opml, write_opml
from .fetch.model import FetchResult
from .store.sql import SQLStore
from .types import OpmlImport, Source
from .urls import web_address


def refollow(store: SQLStore, source: Source, groups: Iterable[str]) -> Source:
    """A source added again: the new groups join its own, and a retired one comes back."""
    wanted = set(source.groups) | {g.strip() for g in groups if g.strip()}
    if wanted != set(source.groups):
        store.set_source_groups(source.id, wanted)
    if source.retired:
        store.update_source(source.id, retired=False, error_count=0, backoff_minutes=0.0,
                            next_fetch_at=None, last_error=None)
    return store.get_source(source.id)


def import_opml(store: SQLStore, data: bytes) -> OpmlImport:
    """Every feed of an OPML file followed (categories become groups), each source once; the
    outlines skipped with why, and how many repeated a source."""
    found, repeated = read_opml(data)
    added: dict[int, tuple[Source, bool]] = {}
    skipped = []
    for outline in found:
        try:
            url = web_address(outline.url)
        except UnsafeURLError as exc:
            skipped.append(str(exc))
            continue
        source, created = store.add_source(url, title=outline.title,
                                           site_url=outline.site_url, groups=outline.categories)
        if source.id in added:  # "HTTPS://x/feed#top" after "https://x/feed": its groups join
            repeated += 1
            created = added[source.id][1]
        added[source.id] = (refollow(store, source, outline.categories) if source.id in added or not created
                            else source, created)
    return OpmlImport(added=tuple(added.values()), skipped=tuple(skipped), repeated=repeated)


def opml_of(sources: Iterable[Source]) -> str:
    """The sources as an OPML document (groups as categories)."""
    return write_opml(
        (OutlineSource(url=s.url, title=s.title, site_url=s.site_url, categories=s.groups) for s in sources),
        title="Progleton subscriptions",
    )


def feed_title(fetched: FetchResult) -> str | None:
    """The title a fetched feed gives itself, as an update would store it; None if it has none
    or cannot be read (the first update tries again)."""
    try:
        feed = feeds.parse(fetched.body, url=fetched.final_url, headers=fetched.headers)
    except FeedParseError:
        return None
    return feed_name(feed)
