"""Reading a response body with caps, decompressing it ourselves while it streams.

aiohttp's own decompression is turned off (``auto_decompress=False``) so that the
decompressed size is counted piece by piece: a gzip bomb stops at the cap after
at most one piece of output (``_PIECE`` bytes) more, never after inflating it all.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import Protocol

import aiohttp
import brotli

from ..exceptions import ConnectError, FetchError, ResponseTooLarge
from ..urls import host_of
from .filetype import SNIFF_BYTES

_PIECE = 64 * 1024  # most output produced per decompression step
_READ = 64 * 1024  # most raw bytes read from the socket at once


class Decoder(Protocol):
    """One content coding; ``decode`` yields output in pieces of at most ``_PIECE`` bytes."""

    def decode(self, data: bytes) -> Iterator[bytes]: ...


class _Identity:
    def decode(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data


class _Zlib:
    """gzip (all members) or deflate (zlib-wrapped, or raw as some servers send)."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._wbits = 16 + zlib.MAX_WBITS if coding == "gzip" else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(self._wbits)
        self._started = False

    def decode(self, data: bytes) -> Iterator[bytes]:
        while True:
            piece = self._inflate(data)
            if piece:
                yield piece
            if self._inflater.eof:
                # The stream ended, its output all given: what follows is in unused_data (a next
                # gzip member; after deflate, trailing bytes, ignored). When the stream ended just
                # as a piece filled, zlib leaves it in unconsumed_tail as well: fed that again, an
                # ended stream takes none of it and only appends it to unused_data, for ever.
                data = self._inflater.unused_data if self._coding == "gzip" else b""
                if not data:
                    return
                self._inflater = zlib.decompressobj(self._wbits)  # next gzip member
                continue
            data = self._inflater.unconsumed_tail
            # A full piece may leave output pending inside zlib even with no input left.
            if not data and len(piece) < _PIECE:
                return

    def _inflate(self, data: bytes) -> bytes:
        try:
            piece = self._inflater.decompress(data, _PIECE)
        except zlib.error as exc:
            if self._coding == "deflate" and not self._started:
                self._started = True  # raw deflate without the zlib header
                self._wbits = -zlib.MAX_WBITS
                self._inflater = zlib.decompressobj(self._wbits)
                return self._inflate(data)
            raise FetchError(f"The server sent a broken {self._coding} body ({exc}).") from exc
        self._started = True
        return piece


class _Brotli:
    """brotli; its output limit is soft (about 32 KiB steps), so pieces are cut to size."""

    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def decode(self, data: bytes) -> Iterator[bytes]:
        try:
            piece = self._decompressor.process(data, output_buffer_limit=_PIECE)
            while piece:  # drain: output can remain buffered after the input is taken
                for start in range(0, len(piece), _PIECE):
                    yield piece[start : start + _PIECE]
                if self._decompressor.is_finished():
                    return
                piece = self._decompressor.process(b"", output_buffer_limit=_PIECE)
        except brotli.error as exc:
            raise FetchError(f"The server sent a broken brotli body ({exc}).") from exc


def make_decoders(content_encoding: str) -> list[Decoder]:
    """Decoders to apply in order for a ``Content-Encoding`` header value."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    decoders: list[Decoder] = []
    for coding in reversed(codings):  # the last coding applied is undone first
        if coding in {"gzip", "x-gzip"}:
            decoders.append(_Zlib("gzip"))
        elif coding == "deflate":
            decoders.append(_Zlib("deflate"))
        elif coding == "br":
            decoders.append(_Brotli())
        elif coding != "identity":
            raise FetchError(f"The server used an unsupported Content-Encoding: {coding}.")
    return decoders or [_Identity()]


def _decode_chain(decoders: list[Decoder], data: bytes) -> Iterator[bytes]:
    if not decoders:
        yield data
        return
    first, rest = decoders[0], decoders[1:]
    for piece in first.decode(data):
        yield from _decode_chain(rest, piece)


def _too_large(url: str, limit: int, what: str) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"{url} sent more than {limit:,} bytes ({what}); gave up. "
        "If the source is genuine, raise max_response_bytes."
    )


def _cut_short(url: str, received: int, declared: int | None) -> ConnectError:
    """A body that ended before its Content-Length (or its last chunk) said it would: the
    server, or something between, closed the connection early. Said in bytes, as aiohttp's
    ``ContentLengthError`` is no words for a reader; a later try may get the whole."""
    of = f" of the {declared:,} it announced" if declared is not None else ""
    return ConnectError(
        f"{host_of(url) or url} closed the connection after sending {received:,} bytes{of}, so the "
        "response was cut short (the server or a proxy before it broke off)",
        advice="; it will be retried later.",
    )


async def read_body(response: aiohttp.ClientResponse, *, url: str, max_bytes: int,
                    sniff: Callable[[bytes], None] | None = None, head: int | None = None) -> bytes:
    """Read and decompress ``response``'s body, raising ResponseTooLarge past ``max_bytes``.

    The cap applies to the raw bytes on the wire and to the decompressed bytes.
    Time caps are the caller's (an enclosing timeout) and aiohttp's read timeout.
    ``sniff`` is called once with the start of the decompressed body (its first
    :data:`~progleton.fetch.filetype.SNIFF_BYTES`, or all of a shorter one) and may
    raise to stop before the rest is read. ``head`` (at most ``max_bytes``): a longer body
    is not refused, its first ``head`` bytes after decompression are returned and the rest is
    not read (the connection is closed; a compression bomb inflates no further either).
    """
    declared = response.content_length
    if declared is not None and declared > max_bytes and head is None:
        raise _too_large(url, max_bytes, f"Content-Length {declared:,}")
    decoders = make_decoders(response.headers.get("Content-Encoding", ""))
    raw_total, parts, total = 0, [], 0
    while True:
        try:
            chunk = await response.content.read(_READ)
        except aiohttp.ClientPayloadError as exc:
            raise _cut_short(url, raw_total, declared) from exc
        if not chunk:
            break
        raw_total += len(chunk)
        if raw_total > max_bytes:
            raise _too_large(url, max_bytes, "on the wire")
        for piece in _decode_chain(decoders, chunk):
            total += len(piece)
            parts.append(piece)
            if sniff is not None and total >= SNIFF_BYTES:
                sniff(b"".join(parts)[:SNIFF_BYTES])
                sniff = None
            if head is not None and total >= head:
                return _checked(b"".join(parts)[:head], sniff)
            if total > max_bytes:
                raise _too_large(url, max_bytes, "after decompression")
    return _checked(b"".join(parts), sniff)


def _checked(body: bytes, sniff: Callable[[bytes], None] | None) -> bytes:
    """``body``, once ``sniff`` (if not yet called) has seen its start."""
    if sniff is not None:
        sniff(body)
    return body
