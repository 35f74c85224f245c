"""Progleton: a self-hosted news aggregator that groups the same story from every outlet.

The public surface: the facade and its factory, the records, the settings and the errors.
"""

from __future__ import annotations

from .core import Progleton, make_progleton
from .exceptions import (
    ConnectError,
    ExtractionError,
    FeedParseError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NotFound,
    ProgletonError,
    ResponseTooLarge,
    RobotsDisallowed,
    SettingsError,
    SourceGone,
    StorageError,
    TooManyRedirects,
    UnsafeURLError,
)
from .settings import Settings, load_settings
from .types import Article, SearchHit, Source, SourceUpdate, Story, StoryDetail, UpdateResult

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ConnectError",
    "ExtractionError",
    "FeedParseError",
    "FetchError",
    "FetchTimeout",
    "HTTPStatusError",
    "NotFound",
    "Progleton",
    "ProgletonError",
    "ResponseTooLarge",
    "RobotsDisallowed",
    "SearchHit",
    "Settings",
    "SettingsError",
    "Source",
    "SourceGone",
    "SourceUpdate",
    "StorageError",
    "Story",
    "StoryDetail",
    "TooManyRedirects",
    "UnsafeURLError",
    "UpdateResult",
    "__version__",
    "load_settings",
    "make_progleton",
]
