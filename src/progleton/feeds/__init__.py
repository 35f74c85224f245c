"""feeds stage: bytes of a feed (RSS, RDF, Atom, JSON Feed) to a :class:`ParsedFeed`.

``parse()`` reads the common formats in one lxml pass and falls back to feedparser for
documents that are not well-formed or not understood; both report through the same types.
"""

from __future__ import annotations

from progleton.feeds.model import Enclosure, ParsedEntry, ParsedFeed
from progleton.feeds.parser import parse

__all__ = ["Enclosure", "ParsedEntry", "ParsedFeed", "parse"]
