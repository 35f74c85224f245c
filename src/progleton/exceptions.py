"""Progleton's exceptions, one tree.

    ProgletonError
    ├── FetchError                  a source or page could not be fetched
    │   ├── UnsafeURLError          (also ValueError) scheme or address refused
    │   ├── ResponseTooLarge        body or decompressed body over the cap
    │   ├── FetchTimeout            total time or read time over the cap
    │   ├── TooManyRedirects        redirect loop or chain too long
    │   ├── RobotsDisallowed        robots.txt forbids the page
    │   ├── NotAWebPage             an article link leads to a file (audio, a PDF), not a page
    │   ├── HTTPStatusError         4xx/5xx answer (``.status``, ``.retry_after``)
    │   │   ├── SourceGone          410: the source is retired
    │   │   └── ServerBusy          not asked: the server asked for time (a 429) not yet passed
    │   └── ConnectError            DNS, TCP or TLS failure
    ├── FeedParseError              (also ValueError) nothing could be salvaged
    ├── ExtractionError             (also ValueError) a page held no article
    ├── StorageError
    │   ├── NotFound                (also LookupError) no such source, article or story
    │   │   └── StoryMerged         the story was merged into another (``.successor``)
    │   ├── GroupingLockLost        the grouping lock went with its database session
    │   ├── DatabaseFailure         the database cannot be used: locked, full, read-only, damaged, cut off
    │   └── GroupingBusy            a correction waited too long for a grouping under way
    └── SettingsError               (also ValueError) a bad setting value

Bad-input errors subclass ValueError too, so callers can catch either.
A failed source is recorded on that source by the pipeline; these exceptions
never stop an update of the other sources.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from .types import UpdateResult


# The password of a web address in a text: after the user name's ":", up to the last "@" before
# the address's path, query or fragment (a password written with an "@" of its own is masked
# whole; an "@" further on, in a path or a query, is none of it).
_ADDRESS_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/?#@]*:)[^\s/?#]*@")
PASSWORD_MASK = "********"


def masked_passwords(text: str) -> str:
    """``text`` with the password of every address in it masked, the user name and the rest
    kept ("https://ann:********@example.org/feed.xml"). A source followed with a password in
    its address (a private feed, fetched with HTTP Basic) is shown so, and its errors say so."""
    return _ADDRESS_PASSWORD.sub(rf"\g<head>{PASSWORD_MASK}@", text) if "@" in text else text


class ProgletonError(Exception):
    """Base of every error Progleton raises on purpose. Its message never holds the password of
    an address it names (:func:`masked_passwords`): it is shown, stored on a source and logged."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(masked_passwords(a) if isinstance(a, str) else a for a in args))


class FetchError(ProgletonError):
    """A URL could not be fetched; the message says why, for the user, then ``advice``: what
    happens next to a source ("it will be retried later", "check the URL"), which is no part of
    why a page could not be fetched (a page is fetched once): that is ``fact``."""

    # Whether a later try may succeed (a timeout, a broken connection, a busy or failing
    # server, a robots.txt that could not be read): an article page that failed so is fetched
    # again on later updates; one that is missing, refused or too large is not.
    temporary = False

    def __init__(self, message: str = "", *, advice: str = "") -> None:
        message, advice = masked_passwords(message), masked_passwords(advice)
        super().__init__(message + advice)
        self.fact, self.advice = message, advice

    @property
    def without_advice(self) -> str:
        """The message without its advice, as a sentence."""
        return self.fact if self.fact.endswith((".", "!", "?")) else self.fact + "."

    def advising(self, advice: str) -> Self:
        """This error (its class and fields: ``status``, ``temporary`` ...) with other advice
        after its fact: what happens next depends on who asked (a followed source is retried
        later; an address being added is not, see :func:`nothing_added`)."""
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.fact, other.advice = self.without_advice, masked_passwords(advice)
        other.args = (other.fact + other.advice,)
        return other


# What an address that could not be added says instead of its fetch error's advice: nothing
# was followed, so nothing will be retried (the CLI's `add`, the Sources page, the API).
# :func:`nothing_added` chooses among them by the error.
NOTHING_ADDED = " Nothing was added: check the address, or add it again when the site answers."
NOTHING_ADDED_CHECK = " Nothing was added: check the address."
NOTHING_ADDED_WAIT = " Nothing was added: the site asks to wait; add it again later."


def nothing_added(error: FetchError) -> str:
    """The advice for an address that could not be added, by why: a site that asked for time
    (a 429, or a 503 with a Retry-After) is to be added again once it has passed, not checked
    (the address is fine); an answer that will not change (404, 403, an unsafe address) is to
    be checked; a site that failed or did not answer (a timeout, a 500, no connection: also a
    mistyped host) either."""
    if isinstance(error, HTTPStatusError) and (error.status == 429
                                               or (error.temporary and error.retry_after is not None)):
        if error.retry_after is None:
            return NOTHING_ADDED_WAIT
        until = datetime.now(UTC) + timedelta(seconds=error.retry_after)
        day = "" if error.retry_after < 20 * 3600 else f"{until:%Y-%m-%d} "
        return f" Nothing was added: the site asks to wait until {day}{until:%H:%M} UTC; add it again after that."
    return NOTHING_ADDED if error.temporary else NOTHING_ADDED_CHECK


# The longest error or warning a source or an article keeps (``last_error``, ``warnings``): a
# redirect to an address of 100,000 characters put an error of 100 KB on its source.
MAX_MESSAGE_CHARS = 2_000
# A word longer than this (an address, most often) is cut inside: its start and its end say
# which it was, and the words after it, what happened.
_LONG_WORD = re.compile(r"\S{241,}")


def short_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """An error or warning as stored: each word (an address) over 240 characters cut inside,
    its first 160 and last 40 kept about "…"; then, were it still longer than ``limit``, its
    first ``limit`` - 1 characters and "…"."""
    if len(text) <= 240:
        return text
    text = _LONG_WORD.sub(lambda m: m[0][:160] + "…" + m[0][-40:], text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


class UnsafeURLError(FetchError, ValueError):
    """The URL's scheme or the address it resolves to is not allowed."""


class ResponseTooLarge(FetchError):
    """The response (after decompression) exceeded the size cap."""


class FetchTimeout(FetchError):
    """The response took longer than the time cap."""

    temporary = True


class TooManyRedirects(FetchError):
    """The server redirected in a loop or too many times."""


class RobotsDisallowed(FetchError):
    """robots.txt of the host forbids fetching this page (``temporary``: it could not be read,
    so the site is left alone for now)."""

    def __init__(self, message: str = "", *, advice: str = "", temporary: bool = False) -> None:
        super().__init__(message, advice=advice)
        self.temporary = temporary


class ConnectError(FetchError):
    """DNS, TCP or TLS failure."""

    temporary = True


class NotAWebPage(FetchError):
    """An article link leads to a file (a podcast's episode, a PDF, an image), not to a web
    page: found from its ``Content-Type`` or its first bytes, before the rest is read."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, message: str, *, status: int, retry_after: float | None = None, advice: str = "") -> None:
        super().__init__(message, advice=advice)
        self.status = status
        self.retry_after = retry_after
        # a timeout, too early, too many requests, or the server's own failure
        self.temporary = status in (408, 425, 429) or status >= 500


class SourceGone(HTTPStatusError):
    """The server answered 410 Gone: the source should be retired."""


class ServerBusy(HTTPStatusError):
    """Not asked at all: the server answered another request with 429 Too Many Requests, or a
    Retry-After, and the time it asked for has not passed. Counts as that 429 (``status``,
    ``retry_after``: the time left), not as a failure of the address not asked."""

    def __init__(self, url: str, server: str, until: datetime) -> None:
        left = max((until - datetime.now(UTC)).total_seconds(), 1.0)
        super().__init__(f"{url} was not asked: {server} asked for time until {until:%H:%M} UTC, answering "
                         "another of its feeds or pages", status=429, retry_after=left)


class FeedParseError(ProgletonError, ValueError):
    """The document is not a feed and nothing could be salvaged from it."""


class ExtractionError(ProgletonError, ValueError):
    """A page held no article text."""


class StorageError(ProgletonError):
    """The store failed or was used wrongly."""


class NotFound(StorageError, LookupError):
    """No such source, article or story."""


class GroupingLockLost(StorageError):
    """The grouping lock was lost while held (the database ended the session that held it):
    another process may be grouping, so what this hold decided is not written. Raised by an
    update, ``result`` is what it fetched and stored before."""

    result: UpdateResult | None = None


class DatabaseFailure(StorageError):
    """The database cannot be used now, whatever is asked of it: locked by another program for
    too long, its disk full, read-only, damaged, or its connection cut. The message says which
    and what to do (``progleton.store.failures``); an update stops at it."""


class GroupingBusy(StorageError):
    """The grouping stayed held (an update grouping its new articles) for longer than this call
    waits for it, or the wait was stopped: nothing was changed, and it may be tried again."""


class SettingsError(ProgletonError, ValueError):
    """A setting has a bad value."""


class StoryMerged(NotFound):
    """The story is no more: it was merged into ``successor``, where its articles are."""

    def __init__(self, story_id: str, successor: str) -> None:
        super().__init__(f"story {story_id} was merged into {successor}")
        self.story_id, self.successor = story_id, successor
