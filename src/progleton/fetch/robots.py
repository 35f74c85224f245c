"""robots.txt: fetched once per host, cached, consulted before fetching article pages.

Feeds are fetched without consulting robots.txt: a feed is published to be polled
by readers, and the user subscribed to it. Article pages are checked.

How answers are read (Google's rules, RFC 9309):

* 2xx: the rules apply, for the agent token ``Progleton`` (else ``*``).
* 4xx except 429, or a redirect chain too long: no robots.txt, everything allowed.
* 429, 5xx, unreachable, too slow or over 512 KiB: we cannot know the rules, so
  pages of that host are refused *this time* (fail closed); that verdict is cached
  only ``failure_ttl`` seconds (10 min) so the host is asked again soon.

Rules are cached per origin (scheme, host, port) for ``ttl`` seconds (24 h).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.robotparser import RobotFileParser

from yarl import URL

from ..exceptions import (
    FetchError,
    HTTPStatusError,
    RobotsDisallowed,
    ServerBusy,
    TooManyRedirects,
    UnsafeURLError,
)

if TYPE_CHECKING:
    from .client import Fetcher

ROBOTS_AGENT = "Progleton"
ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_ACCEPT = "text/plain, */*;q=0.5"

Verdict = Literal["rules", "allow_all", "disallow_all"]


@dataclass(frozen=True)
class RobotsRules:
    """What one origin's robots.txt says; ``reason`` explains a blanket verdict."""

    verdict: Verdict
    reason: str = ""
    parser: RobotFileParser | None = field(default=None, compare=False)

    def allows(self, url: str, agent: str = ROBOTS_AGENT) -> bool:
        """True when ``agent`` may fetch ``url``."""
        if self.verdict == "allow_all":
            return True
        if self.verdict == "disallow_all" or self.parser is None:
            return False
        return self.parser.can_fetch(agent, url)


def rules_from_answer(status: int | None, body: bytes = b"") -> RobotsRules:
    """Decide from the robots.txt answer; ``status`` None means it could not be fetched."""
    if status is None:
        return RobotsRules("disallow_all", "robots.txt could not be fetched")
    if 200 <= status < 300:
        parser = RobotFileParser()
        parser.parse(body.decode("utf-8", "replace").lstrip("\ufeff").splitlines())
        return RobotsRules("rules", "", parser)
    if status == 429 or status >= 500:
        return RobotsRules("disallow_all", f"robots.txt answered {status}")
    return RobotsRules("allow_all", f"no robots.txt ({status})")


def robots_url(url: str | URL) -> URL:
    """The robots.txt URL governing ``url``."""
    parsed = url if isinstance(url, URL) else URL(url)
    return parsed.origin().with_path("/robots.txt")


class RobotsCache:
    """Per-origin robots.txt rules, fetched through a Fetcher; safe for concurrent tasks.

    Concurrent lookups of one origin share a single fetch.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        ttl: float = 24 * 3600,
        failure_ttl: float = 600,
        max_origins: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetcher = fetcher
        self._ttl, self._failure_ttl = ttl, failure_ttl
        self._max_origins = max_origins
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, RobotsRules]] = OrderedDict()
        self._pending: dict[str, asyncio.Task[RobotsRules]] = {}

    async def check(self, url: str) -> None:
        """Raise RobotsDisallowed unless robots.txt lets Progleton fetch ``url``."""
        rules = await self.rules_for(url)
        if rules.allows(url):
            return
        if rules.verdict == "disallow_all":
            raise RobotsDisallowed(
                f"Not fetching {url}: {rules.reason}, so Progleton stays away from this site "
                "for now; it will ask again later. The feed's own text is kept until then.",
                temporary=True,
            )
        raise RobotsDisallowed(
            f"Not fetching {url}: the site's robots.txt forbids it. The feed's own text is kept."
        )

    async def rules_for(self, url: str) -> RobotsRules:
        """The cached rules for ``url``'s origin, fetching robots.txt when needed."""
        target = robots_url(url)
        origin = str(target.origin())
        cached = self._cache.get(origin)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        task = self._pending.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load(origin, target))
            self._pending[origin] = task
            task.add_done_callback(lambda done: self._forget(origin, done))
        return await asyncio.shield(task)

    def _forget(self, origin: str, task: asyncio.Task[RobotsRules]) -> None:
        self._pending.pop(origin, None)
        if not task.cancelled():
            task.exception()  # retrieved: a failure is re-raised to the waiters

    async def _load(self, origin: str, target: URL) -> RobotsRules:
        rules = await self._fetch_rules(target)
        ttl = self._failure_ttl if rules.verdict == "disallow_all" else self._ttl
        self._cache[origin] = (self._clock() + ttl, rules)
        self._cache.move_to_end(origin)
        while len(self._cache) > self._max_origins:
            self._cache.popitem(last=False)
        return rules

    async def _fetch_rules(self, target: URL) -> RobotsRules:
        try:
            result = await self._fetcher.fetch(
                str(target), accept=ROBOTS_ACCEPT, max_bytes=ROBOTS_MAX_BYTES
            )
        except (UnsafeURLError, ServerBusy):  # not asked: no answer to keep for the origin
            raise
        except HTTPStatusError as exc:
            return rules_from_answer(exc.status)
        except TooManyRedirects:
            return rules_from_answer(404)
        except FetchError:
            return rules_from_answer(None)
        return rules_from_answer(result.status, result.body)
