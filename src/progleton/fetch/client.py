"""The Fetcher: polite, bounded, safe HTTP GETs for feeds and article pages.

Contract (for the pipeline):

* ``async with Fetcher(settings) as fetcher`` opens one pooled aiohttp session;
  one Fetcher may be used by any number of tasks at once.
* ``fetch_feed``/``fetch_page``/``discover`` return results or raise a
  ``progleton.exceptions.FetchError`` subclass whose message is meant for the user.
* At most ``concurrency`` requests are in flight, and at most
  ``per_host_concurrency`` to one host; time spent waiting for a slot does not
  count against the time caps.
* Redirects are followed by hand so that every hop passes ``check_url``; host
  names are checked again at connect time by the ``SafeResolver``.
* A server (host and port, ``urls.server_of``) that answers 429 Too Many Requests, or
  429 or 503 with a ``Retry-After``, is asked nothing more until that time has passed
  (a minute for a 429 without one, a day at most): each request meanwhile raises
  ``ServerBusy`` at once, also one already waiting for the host's slot. A rate limiter
  counts a client's requests to the server, not to one feed. ``leave_alone`` sets such a
  wait from an earlier run.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from types import TracebackType

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from ..exceptions import (
    ConnectError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NotAWebPage,
    ServerBusy,
    SourceGone,
    TooManyRedirects,
    UnsafeURLError,
)
from ..settings import Settings
from ..timefmt import duration_words
from ..urls import server_of
from .body import read_body
from .discover import discover_feed, discover_feed_fetched
from .filetype import declared_file, media_type, sniffed_file
from .headers import (
    ACCEPT_ENCODING,
    FEED_ACCEPT,
    PAGE_ACCEPT,
    freshness_seconds,
    parse_retry_after,
    quoted,
)
from .model import FetchResult
from .robots import RobotsCache
from .safety import AddressPolicy, UnsafeAddress, check_url, make_connector

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
BUSY_SECONDS = 60.0  # how long a 429 without a Retry-After leaves its server alone
MAX_BUSY_SECONDS = 86_400.0  # the schedule waits a day at most too
PERMANENT_STATUSES = frozenset({301, 308})


@dataclass(frozen=True)
class _Redirect:
    status: int
    location: URL


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes
    truncated: bool = False  # the body is the head of a longer one (``head_bytes``)


class _Slots:
    """A global bound plus one bound per host; hosts without waiters are forgotten."""

    def __init__(self, total: int, per_host: int) -> None:
        self._total = asyncio.Semaphore(max(1, total))
        self._per_host = max(1, per_host)
        self._hosts: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    @asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        semaphore, users = self._hosts.setdefault(host, (asyncio.Semaphore(self._per_host), [0]))
        users[0] += 1
        try:
            async with semaphore, self._total:  # host first: a blocked host holds no global slot
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._hosts[host]


class Fetcher:
    """Fetches feeds and pages over one pooled session; see the module docstring."""

    def __init__(
        self, settings: Settings | None = None, *, resolver: AbstractResolver | None = None
    ) -> None:
        """``resolver`` replaces the system DNS under the safety filter (tests, custom DNS)."""
        self.settings = settings or Settings()
        self._resolver = resolver
        self._policy = AddressPolicy.from_settings(self.settings)
        self._session: aiohttp.ClientSession | None = None
        self._slots: _Slots | None = None
        self._robots: RobotsCache | None = None
        self._busy: dict[str, datetime] = {}  # servers that asked for time, until when (UTC)

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=float(s.connect_timeout),
            sock_connect=float(s.connect_timeout),
            sock_read=float(s.read_timeout),
        )
        self._session = aiohttp.ClientSession(
            connector=make_connector(s, self._resolver),
            timeout=timeout,
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": s.user_agent_string, "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=False,
        )
        self._slots = _Slots(int(s.concurrency), int(s.per_host_concurrency))
        self._robots = RobotsCache(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session and its pooled connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def leave_alone(self, server: str, until: datetime) -> None:
        """Ask ``server`` (``urls.server_of``) nothing before ``until``: it asked for time."""
        self._busy[server] = max(until, self._busy.get(server, until))

    def busy_until(self, url: str) -> datetime | None:
        """When ``url``'s server may be asked again, if it asked for time not yet passed."""
        until = self._busy.get(server_of(url))
        return until if until is not None and until > datetime.now(UTC) else None

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET a feed, conditionally when validators are given; 200 (body) or 304.

        ``etag``/``last_modified`` are sent back exactly as the server gave them.
        A 304 result carries the validators (the server's if it repeated them,
        else the ones we sent), so the caller can always store ``result.etag``.
        """
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        result = await self.fetch(url, accept=FEED_ACCEPT, extra_headers=conditional)
        if result.status == 304:
            return _keep_validators(result, etag, last_modified)
        return result

    async def fetch_page(self, url: str, *, head_bytes: int | None = None) -> FetchResult:
        """GET an article page after checking robots.txt (cached per host) on every hop.

        Raises RobotsDisallowed when robots.txt forbids it (or could not be read
        because of a server error; see ``robots``), and NotAWebPage when the link leads to
        a file (its type or first bytes say so; ``filetype``), before the rest is read.
        ``head_bytes``: a longer page is not refused but read up to there (after
        decompression; ``FetchResult.truncated``), what its reader uses of it.
        """
        robots = self._require_robots().check if self.settings.respect_robots else None
        return await self.fetch(url, accept=PAGE_ACCEPT, before_each_hop=robots, web_page=True,
                                head_bytes=head_bytes)

    async def discover(self, url: str) -> str:
        """The feed URL for ``url``: itself when it is a feed, else one the site links or serves."""
        return await discover_feed(self, url)

    async def discover_fetched(self, url: str) -> tuple[str, FetchResult]:
        """:meth:`discover`'s feed URL and the feed as fetched."""
        return await discover_feed_fetched(self, url)

    async def fetch(
        self,
        url: str,
        *,
        accept: str = PAGE_ACCEPT,
        extra_headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        before_each_hop: Callable[[str], Awaitable[None]] | None = None,
        web_page: bool = False,
        head_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` following safe redirects; the building block of the methods above.

        ``before_each_hop`` is awaited with each URL about to be requested (the first
        and every redirect target) and may raise to stop; ``fetch_page`` checks
        robots.txt there, so a redirect to another host obeys that host's rules.
        ``web_page`` refuses an answer that is a file, not a page (``NotAWebPage``), and asks
        for the page and every address it redirects to without a user name and password: an
        article link or a redirect comes from a feed or a site, which must not make us send
        credentials (aiohttp sends them as HTTP Basic) nor store them in an address shown.
        A feed's own address keeps the ones its user gave. ``head_bytes`` (at most the
        size cap): a longer body is read up to there and kept, not refused.
        """
        self._require_session()
        started = time.monotonic()
        headers = {"Accept": accept, **(extra_headers or {})}
        limit = int(self.settings.max_response_bytes if max_bytes is None else max_bytes)
        head = None if head_bytes is None else min(int(head_bytes), limit)
        budget = float(self.settings.max_response_seconds)
        current = initial = _page_address(check_url(url, self._policy), web_page)
        seen, permanent = {_key(current)}, True
        for _hop in range(int(self.settings.max_redirects) + 1):
            if before_each_hop is not None:
                await before_each_hop(str(current))
            hop_started = time.monotonic()
            outcome = await self._hop(current, headers, (limit, head), budget, web_page)
            budget -= time.monotonic() - hop_started
            if isinstance(outcome, _Answer):
                return _result(url, current, outcome, permanent and current != initial, started)
            current = _page_address(check_url(outcome.location, self._policy), web_page)
            if _key(current) in seen:
                raise TooManyRedirects(
                    f"{url} redirects in a loop (back to {current}); the site is misconfigured. "
                    "Open the URL in a browser and add the address it finally shows."
                )
            seen.add(_key(current))
            permanent = permanent and outcome.status in PERMANENT_STATUSES
        raise TooManyRedirects(
            f"{url} redirected more than {self.settings.max_redirects} times; gave up. "
            "Add the final address instead, or raise max_redirects."
        )

    async def _hop(
        self, url: URL, headers: Mapping[str, str], limit: tuple[int, int | None], budget: float,
        web_page: bool,
    ) -> _Answer | _Redirect:
        assert self._slots is not None, "use `async with Fetcher(...)`"
        self._not_busy(url)
        async with self._slots.hold(f"{url.host}:{url.port}"):
            self._not_busy(url)  # the request before this one, in the host's slot, may have said so
            if budget <= 0:
                raise _total_timeout(url, self.settings)
            try:
                async with asyncio.timeout(budget):
                    return await self._request(url, headers, limit, web_page)
            except TimeoutError as exc:
                raise _timeout_error(url, exc, self.settings) from exc
            except HTTPStatusError as exc:
                if exc.status == 429 or (exc.status == 503 and exc.retry_after is not None):
                    self.leave_alone(server_of(str(url)), datetime.now(UTC) + timedelta(seconds=busy_seconds(exc)))
                raise

    def _not_busy(self, url: URL) -> None:
        if (until := self.busy_until(str(url))) is not None:
            raise ServerBusy(str(url), server_of(str(url)), until)

    async def _request(
        self, url: URL, headers: Mapping[str, str], limit: tuple[int, int | None], web_page: bool
    ) -> _Answer | _Redirect:
        session = self._require_session()
        try:
            async with session.get(url, headers=headers, allow_redirects=False) as response:
                return await _read_answer(response, url, limit, web_page)
        except aiohttp.ClientConnectorDNSError as exc:
            if isinstance(exc.os_error, UnsafeAddress):
                raise UnsafeURLError(f"Refusing {url}: {exc.os_error}") from exc
            raise ConnectError(
                f"Could not find the host {url.host} (DNS lookup failed). Check the URL."
            ) from exc
        except aiohttp.ClientSSLError as exc:
            raise ConnectError(f"TLS failed for {url.host}: {quoted(exc)}.") from exc
        except aiohttp.ClientConnectorError as exc:
            raise ConnectError(
                f"Could not connect to {url.host}:{url.port} ({exc.strerror or exc}). The site may be down",
                advice="; it will be retried later.",
            ) from exc
        except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError) as exc:
            if isinstance(exc, TimeoutError):
                raise
            raise ConnectError(
                f"The connection to {url.host} broke during the transfer ({quoted(exc)})",
                advice="; it will be retried later.",
            ) from exc
        except aiohttp.InvalidURL as exc:
            raise UnsafeURLError(f"{url} is not a valid URL ({quoted(exc)}).") from exc
        except aiohttp.ClientResponseError as exc:
            raise FetchError(f"{url.host} sent an invalid HTTP response ({quoted(exc.message)}).") from exc
        except aiohttp.ClientError as exc:
            raise FetchError(f"Fetching {url} failed: {quoted(exc)}.") from exc

    def _require_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("Fetcher is not open: use `async with Fetcher(settings)`.")
        return self._session

    def _require_robots(self) -> RobotsCache:
        if self._robots is None:
            raise RuntimeError("Fetcher is not open: use `async with Fetcher(settings)`.")
        return self._robots


def busy_seconds(exc: HTTPStatusError) -> float:
    """How long a server that answered ``exc`` (a 429 or 503) is left alone: its Retry-After,
    else :data:`BUSY_SECONDS`; a day at most."""
    return min(exc.retry_after if exc.retry_after is not None else BUSY_SECONDS, MAX_BUSY_SECONDS)


def _page_address(url: URL, web_page: bool) -> URL:
    """A page's address without a user name and password (see :meth:`Fetcher.fetch`)."""
    return url.with_user(None) if web_page and (url.raw_user or url.raw_password) else url


def _key(url: URL) -> str:
    return str(url.with_fragment(None))


async def _read_answer(
    response: aiohttp.ClientResponse, url: URL, limit: tuple[int, int | None], web_page: bool = False
) -> _Answer | _Redirect:
    """The answer, its body read up to ``limit``: (the size cap, the head kept of a longer body
    or None to refuse it)."""
    status = response.status
    location = response.headers.get("Location")
    if status in REDIRECT_STATUSES and location:
        try:
            target = url.join(URL(location.strip())).with_fragment(None)
        except (ValueError, TypeError) as exc:
            raise UnsafeURLError(f"{url} redirects to an invalid URL {quoted(location)!r}.") from exc
        return _Redirect(status, target)
    headers = _lower_headers(response)
    if status == 304 or 200 <= status < 300:
        if status in (204, 304):
            return _Answer(status, headers, b"")
        sniff = None
        if web_page:
            content_type = headers.get("content-type", "")
            _refuse_file(url, content_type, declared_file(content_type))
            sniff = functools.partial(_refuse_sniffed_file, url, content_type)
        cap, head = limit
        body = await read_body(response, url=str(url), max_bytes=cap, sniff=sniff, head=head)
        return _Answer(status, headers, body, truncated=head is not None and len(body) >= head)
    raise _status_error(url, status, headers)


def _refuse_file(url: URL, content_type: str, what: str | None) -> None:
    if what is not None:
        declared = media_type(content_type) or "no Content-Type"
        raise NotAWebPage(f"{url} is {what} ({declared}), not a web page")


def _refuse_sniffed_file(url: URL, content_type: str, start: bytes) -> None:
    _refuse_file(url, content_type, sniffed_file(start))


def _lower_headers(response: aiohttp.ClientResponse) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in response.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _duration(seconds: float) -> str:
    """How long a Retry-After asks, in words; the schedule waits a day at most."""
    if seconds > 86_400:
        return "a day (it asked for longer; a day is the most Progleton waits)"
    return duration_words(seconds / 60) if seconds >= 90 else f"{seconds:.0f} seconds"


def _status_error(url: URL, status: int, headers: Mapping[str, str]) -> HTTPStatusError:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown Status"
    said = f"{url} answered {status} {phrase}"
    if status == 410:
        return SourceGone(
            f"{said}: the publisher removed it for good", status=status, advice="; the source is retired."
        )
    retry_after = parse_retry_after(headers.get("retry-after"), now=datetime.now(UTC))
    if status in (429, 503):
        when = f" in {_duration(retry_after)}" if retry_after is not None else " later"
        return HTTPStatusError(
            said, status=status, retry_after=retry_after, advice=f"; it will be retried{when}."
        )
    advice = {
        404: "; check the URL (the feed may have moved)",
        401: "; the site requires a login",
        403: "; the site refuses Progleton (it may block bots)",
    }.get(status, "; it will be retried later" if status >= 500 else "")
    return HTTPStatusError(said, status=status, retry_after=retry_after, advice=f"{advice}.")


def _result(url: str, final: URL, answer: _Answer, permanent: bool, started: float) -> FetchResult:
    headers = answer.headers
    return FetchResult(
        url=url,
        final_url=str(final),
        status=answer.status,
        headers=headers,
        body=answer.body,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        permanent_url=str(final) if permanent else None,
        truncated=answer.truncated,
        cache_seconds=freshness_seconds(headers, now=datetime.now(UTC)),
        elapsed=time.monotonic() - started,
    )


def _keep_validators(
    result: FetchResult, etag: str | None, last_modified: str | None
) -> FetchResult:
    return replace(
        result,
        etag=result.etag or etag,
        last_modified=result.last_modified or last_modified,
    )


def _total_timeout(url: URL, settings: Settings) -> FetchTimeout:
    return FetchTimeout(
        f"{url} took longer than {settings.max_response_seconds} s in total; gave up.",
        advice=" It will be retried later (raise max_response_seconds for very slow sites).",
    )


def _timeout_error(url: URL, exc: BaseException, settings: Settings) -> FetchTimeout:
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return FetchTimeout(
            f"Could not connect to {url.host} within {settings.connect_timeout} s",
            advice="; it will be retried later.",
        )
    if isinstance(exc, aiohttp.SocketTimeoutError):
        return FetchTimeout(
            f"{url.host} sent nothing for {settings.read_timeout} s; gave up.", advice=" It will be retried later."
        )
    return _total_timeout(url, settings)
