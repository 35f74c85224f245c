"""Fetch stage: safe, polite, bounded HTTP for feeds and article pages.

``Fetcher`` does the I/O; ``next_fetch`` (pure) decides when a source is due again;
``find_feed_links`` (pure) reads feed links out of an HTML page.
"""

from .client import Fetcher
from .discover import find_feed_links, looks_like_feed
from .model import FetchResult
from .robots import RobotsRules, rules_from_answer
from .safety import AddressPolicy, address_refusal, check_url
from .schedule import RATE_LIMITED, ScheduleDecision, asked_to_wait, next_fetch, publishing_rate

__all__ = [
    "RATE_LIMITED",
    "AddressPolicy",
    "FetchResult",
    "Fetcher",
    "RobotsRules",
    "ScheduleDecision",
    "address_refusal",
    "asked_to_wait",
    "check_url",
    "find_feed_links",
    "looks_like_feed",
    "next_fetch",
    "publishing_rate",
    "rules_from_answer",
]
