"""What every fast-path handler shares: the context a handler fills, the handler's type, and
the private keys the handlers keep in a context beside feedparser's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lxml import etree

if TYPE_CHECKING:
    from progleton.feeds.fast import FeedWalker

Context = dict[str, Any]
Handler = Callable[["FeedWalker", Context, etree._Element, str, str, "str | None", bool], None]

_HAS_CONTENT = "\x00has_content"
_TITLE_DONE = "\x00title_done"
_IMAGE = "\x00image"
# the names of an entry's people as read here (a ParsedEntry's authors), in order
AUTHOR_NAMES = "\x00author_names"
PRIVATE_KEYS = (_HAS_CONTENT, _TITLE_DONE, _IMAGE, AUTHOR_NAMES)
