"""Progleton: a self-hosted news aggregator that groups the same story from every outlet.

The public surface: the facade and its factory, the records, the settings and the errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .exceptions import (
    ConnectError,
    DatabaseFailure,
    ExtractionError,
    FeedParseError,
    FetchError,
    FetchTimeout,
    GroupingBusy,
    GroupingLockLost,
    HTTPStatusError,
    NotAWebPage,
    NotFound,
    ProgletonError,
    ResponseTooLarge,
    RobotsDisallowed,
    SettingsError,
    SourceGone,
    StorageError,
    StoryMerged,
    TooManyRedirects,
    UnsafeURLError,
)
from .settings import Settings, load_settings
from .types import (
    Article,
    RelatedStory,
    SearchHit,
    Source,
    SourceUpdate,
    Story,
    StoryDetail,
    UpdateResult,
)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .core import Progleton, make_progleton


def __getattr__(name: str) -> Any:
    # The facade pulls in every stage; import it on first use so that light imports
    # (the exceptions, the types, a worker process) stay light.
    if name in ("Progleton", "make_progleton"):
        from . import core

        return getattr(core, name)
    raise AttributeError(f"module 'progleton' has no attribute {name!r}")

__all__ = [
    "Article",
    "ConnectError",
    "DatabaseFailure",
    "ExtractionError",
    "FeedParseError",
    "FetchError",
    "FetchTimeout",
    "GroupingBusy",
    "GroupingLockLost",
    "HTTPStatusError",
    "NotAWebPage",
    "NotFound",
    "Progleton",
    "ProgletonError",
    "RelatedStory",
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
    "StoryMerged",
    "TooManyRedirects",
    "UnsafeURLError",
    "UpdateResult",
    "__version__",
    "load_settings",
    "make_progleton",
]
