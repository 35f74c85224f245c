"""What a fetch returned."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FetchResult:
    """A successful answer: 200 with a body, or 304 Not Modified (``body`` empty).

    Errors are raised as ``progleton.exceptions.FetchError`` subclasses instead.
    """

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int  # 200 or 304
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""  # decompressed
    etag: str | None = None  # exactly as the server sent it (kept on 304 too)
    last_modified: str | None = None
    permanent_url: str | None = None  # set when a 301/308 chain ended here: update the source
    cache_seconds: float | None = None  # from Cache-Control max-age / Expires
    elapsed: float = 0.0
    truncated: bool = False  # ``body`` is the head of a longer one (``Fetcher.fetch_page(head_bytes=)``)

    @property
    def not_modified(self) -> bool:
        return self.status == 304
