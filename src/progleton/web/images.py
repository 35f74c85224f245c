"""Images through the page: outlets' images are fetched by the server, never by the reader's browser.

Only URLs the pages themselves emitted are served (each carries an HMAC signature), so the
route is not an open proxy; the fetch obeys the fetch stage's safety rules (schemes,
private addresses, size and time caps); only real raster images go back out.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
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


MAX_PIXELS = 50_000_000  # more than any photo an outlet shows; a "decompression bomb" declares billions


def pixel_count(body: bytes, media_type: str) -> int | None:
    """Width × height as the image's header declares it (PNG, GIF, WebP, JPEG); None when the
    header cannot be read. A 69-byte PNG can declare 60,000 × 60,000 pixels, and the reader's
    browser would try to decode them."""
    if media_type == "image/png" and len(body) >= 24:
        return int.from_bytes(body[16:20], "big") * int.from_bytes(body[20:24], "big")
    if media_type == "image/gif" and len(body) >= 10:
        return int.from_bytes(body[6:8], "little") * int.from_bytes(body[8:10], "little")
    if media_type == "image/webp" and len(body) >= 30:
        chunk = body[12:16]
        if chunk == b"VP8X":
            return (int.from_bytes(body[24:27], "little") + 1) * (int.from_bytes(body[27:30], "little") + 1)
        if chunk == b"VP8 ":
            return (int.from_bytes(body[26:28], "little") & 0x3FFF) * (int.from_bytes(body[28:30], "little") & 0x3FFF)
        if chunk == b"VP8L" and len(body) >= 25:
            bits = int.from_bytes(body[21:25], "little")
            return ((bits & 0x3FFF) + 1) * (((bits >> 14) & 0x3FFF) + 1)
        return None
    if media_type == "image/jpeg":
        i = 2
        while i + 9 < len(body):
            if body[i] != 0xFF:
                return None
            marker, length = body[i + 1], int.from_bytes(body[i + 2:i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame
                return int.from_bytes(body[i + 5:i + 7], "big") * int.from_bytes(body[i + 7:i + 9], "big")
            i += 2 + length
        return None
    return None


def sniff_image(body: bytes) -> str | None:
    """The media type of a raster image from its first bytes; None for anything else (SVG included)."""
    for magic, offset, media_type in _MAGIC:
        if body[offset:offset + len(magic)] == magic:
            return media_type
    return None


class ImageCache:
    """A small in-memory LRU of fetched images, bounded in bytes; and the addresses that failed
    lately, so that a broken or slow image is not fetched again on every page view, and the
    pages leave it out (:func:`failed_lately`)."""

    FAILED_SECONDS = 600.0  # a failure that may pass: a timeout, a broken connection, a 5xx
    BROKEN_SECONDS = 86_400.0  # missing (404), not an image, too large: it does not mend soon

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._size = 0
        self._failed: OrderedDict[str, float] = OrderedDict()  # url -> when it may be tried again

    def failed_lately(self, url: str) -> bool:
        """Whether ``url`` failed, and it is not yet time to try it again."""
        until = self._failed.get(url)
        return until is not None and time.monotonic() < until

    def failed(self, url: str, *, lasting: bool = False) -> None:
        """Remember that ``url`` failed: for a day when ``lasting``, else for ten minutes."""
        self._failed[url] = time.monotonic() + (self.BROKEN_SECONDS if lasting else self.FAILED_SECONDS)
        self._failed.move_to_end(url)
        while len(self._failed) > 10_000:
            self._failed.popitem(last=False)

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
        if cache.failed_lately(url):
            raise HTTPException(status_code=404, detail="The image could not be fetched lately.")
        try:
            result = await (await _fetcher(request)).fetch(url, accept="image/avif,image/webp,image/*",
                                                           max_bytes=MAX_IMAGE_BYTES)
        except (TimeoutError, FetchError, ValueError) as exc:
            log.info("image fetch failed url=%s error=%s", url, exc)
            cache.failed(url, lasting=not isinstance(exc, TimeoutError) and not getattr(exc, "temporary", False))
            raise HTTPException(status_code=404, detail="The image could not be fetched.") from exc
        media_type = sniff_image(result.body)
        if media_type is None:
            cache.failed(url, lasting=True)
            raise HTTPException(status_code=404, detail="That address is not an image.")
        pixels = pixel_count(result.body, media_type)
        if pixels is not None and pixels > MAX_PIXELS:
            cache.failed(url, lasting=True)
            raise HTTPException(status_code=404, detail="That image is too large to show.")
        cache.put(url, result.body, media_type)
        cached = (result.body, media_type)
    body, media_type = cached
    return Response(body, media_type=media_type, headers={"cache-control": "private, max-age=86400"})
