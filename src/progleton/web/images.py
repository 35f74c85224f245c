"""Images through the page: outlets' images are fetched by the server, never by the reader's browser.

Only URLs the pages themselves emitted are served (each carries an HMAC signature), so the
route is not an open proxy; the fetch obeys the fetch stage's safety rules (schemes,
private addresses, size and time caps); only real raster images go back out.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from ..exceptions import FetchError

if TYPE_CHECKING:
    from ..fetch import Fetcher

log = logging.getLogger("progleton.web")
router = APIRouter(include_in_schema=False)
MAX_IMAGE_BYTES = 5_000_000
CACHE_BYTES = 48_000_000
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"ftypavif", 4, "image/avif"),
)


def image_signature(secret: str, url: str) -> str:
    """The signature that lets ``/images`` fetch ``url`` (pure)."""
    return hmac.new(secret.encode(), b"image:" + url.encode(), hashlib.sha256).hexdigest()[:32]


def image_path(secret: str, url: str | None) -> str:
    """The same-origin address of an outlet's image; data: URLs and our own paths stay as they are."""
    if not url:
        return ""
    if not url.startswith(("http://", "https://")):
        return url if url.startswith(("data:image/", "/")) and not url.startswith("//") else ""
    return "/images?" + urlencode({"url": url, "sig": image_signature(secret, url)})


def sniff_image(body: bytes) -> str | None:
    """The media type of a raster image from its first bytes; None for anything else (SVG included)."""
    for magic, offset, media_type in _MAGIC:
        if body[offset:offset + len(magic)] == magic:
            return media_type
    return None


class ImageCache:
    """A small in-memory LRU of fetched images, bounded in bytes."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._size = 0

    def get(self, url: str) -> tuple[bytes, str] | None:
        item = self._items.get(url)
        if item is not None:
            self._items.move_to_end(url)
        return item

    def put(self, url: str, body: bytes, media_type: str) -> None:
        if len(body) > self.max_bytes // 4 or url in self._items:
            return
        self._items[url] = (body, media_type)
        self._size += len(body)
        while self._size > self.max_bytes:
            _, (old, _) = self._items.popitem(last=False)
            self._size -= len(old)


async def _fetcher(request: Request) -> Fetcher:
    state = request.app.state
    async with state.image_lock:
        if state.image_fetcher is None:
            from ..fetch import Fetcher

            state.image_fetcher = await Fetcher(state.progleton.settings).__aenter__()
    return state.image_fetcher  # type: ignore[no-any-return]


@router.get("/images")
async def outlet_image(request: Request, url: Annotated[str, Query(max_length=4000)],
                       sig: Annotated[str, Query(max_length=64)]) -> Response:
    """An outlet's image, fetched by the server (signed URLs only)."""
    if not hmac.compare_digest(image_signature(request.app.state.secret_key, url), sig):
        raise HTTPException(status_code=403, detail="This image address was not made by this site.")
    cache: ImageCache = request.app.state.image_cache
    cached = cache.get(url)
    if cached is None:
        try:
            result = await (await _fetcher(request)).fetch(url, accept="image/avif,image/webp,image/*",
                                                           max_bytes=MAX_IMAGE_BYTES)
        except (TimeoutError, FetchError, ValueError) as exc:
            log.info("image fetch failed url=%s error=%s", url, exc)
            raise HTTPException(status_code=404, detail="The image could not be fetched.") from exc
        media_type = sniff_image(result.body)
        if media_type is None:
            raise HTTPException(status_code=404, detail="That address is not an image.")
        cache.put(url, result.body, media_type)
        cached = (result.body, media_type)
    body, media_type = cached
    return Response(body, media_type=media_type, headers={"cache-control": "private, max-age=86400"})
