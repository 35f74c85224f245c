"""Streaming decoders (pure parts): any chunking decodes to the original, in bounded pieces."""

from __future__ import annotations

import gzip
import itertools
import threading
import zlib
from datetime import UTC, datetime

import brotli
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from progleton.exceptions import FetchError
from progleton.fetch.body import _PIECE, _decode_chain, make_decoders
from progleton.fetch.headers import freshness_seconds, parse_retry_after

ENCODERS = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": lambda data: brotli.compress(data, quality=5),
    "identity": lambda data: data,
    "gzip, br": lambda data: brotli.compress(gzip.compress(data), quality=5),
}


def decode_in_chunks(coding: str, encoded: bytes, cuts: list[int]) -> list[bytes]:
    decoders = make_decoders(coding)
    bounds = sorted({0, len(encoded), *(c % (len(encoded) + 1) for c in cuts)})
    pieces: list[bytes] = []
    for start, end in itertools.pairwise(bounds):
        pieces.extend(_decode_chain(decoders, encoded[start:end]))
    return pieces


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(
    coding=st.sampled_from(sorted(ENCODERS)),
    tail=st.binary(max_size=4000),
    repeats=st.integers(0, 60_000),
    cuts=st.lists(st.integers(min_value=0), max_size=8),
)
def test_any_chunking_decodes_to_the_original(
    coding: str, tail: bytes, repeats: int, cuts: list[int]
) -> None:
    data = b"news " * repeats + tail  # long compressible runs and random bytes
    pieces = decode_in_chunks(coding, ENCODERS[coding](data), cuts)
    assert b"".join(pieces) == data
    assert all(len(piece) <= _PIECE for piece in pieces if coding != "identity")


def test_output_comes_in_bounded_pieces() -> None:
    pieces = decode_in_chunks("gzip", gzip.compress(bytes(10 * _PIECE)), [])
    assert len(pieces) >= 10 and max(map(len, pieces)) <= _PIECE


def test_gzip_members_are_all_decoded() -> None:
    encoded = gzip.compress(b"first ") + gzip.compress(b"second")
    assert b"".join(decode_in_chunks("x-gzip", encoded, [3, 25])) == b"first second"


@pytest.mark.parametrize("coding", ["compress", "zstd", "gzip, lzma"])
def test_unsupported_codings(coding: str) -> None:
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        make_decoders(coding)


NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 25 Nov 2026 12:10:00 GMT", 600.0),
        ("Wed, 25 Nov 2026 11:00:00 GMT", 0.0),
        ("-5", None),
        ("tomorrow", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"cache-control": "public, max-age=300"}, 300.0),
        ({"cache-control": "s-maxage=50"}, None),
        ({"cache-control": "no-store"}, 0.0),
        ({"cache-control": "max-age=60", "expires": "Thu, 01 Jan 2099 00:00:00 GMT"}, 60.0),
        ({"expires": "Wed, 25 Nov 2026 13:00:00 GMT"}, 3600.0),
        ({"expires": "garbage"}, 0.0),
        ({}, None),
    ],
)
def test_freshness(headers: dict[str, str], seconds: float | None) -> None:
    assert freshness_seconds(headers, now=NOW) == seconds


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_output_pending_at_a_piece_boundary_is_not_lost(coding: str) -> None:
    """Long back-references that end just past a full piece leave output inside the decoder."""
    pattern = bytes(range(100))
    for size in range(_PIECE - 300, _PIECE + 300, 13):
        data = (pattern * (size // 100 + 4))[: size + 258]
        assert b"".join(decode_in_chunks(coding, ENCODERS[coding](data), [])) == data


@pytest.mark.parametrize(("coding", "encoded", "expected"), [
    # a member that ends just as a piece fills, then the next one
    ("gzip", gzip.compress(bytes(2 * _PIECE)) + gzip.compress(b"next"), bytes(2 * _PIECE) + b"next"),
    ("gzip", gzip.compress(bytes(16 * _PIECE)) + gzip.compress(b"next") * 3, bytes(16 * _PIECE) + b"next" * 3),
    ("deflate", zlib.compress(bytes(2 * _PIECE)) + b"trailing", bytes(2 * _PIECE)),
])
def test_a_stream_that_ends_as_a_piece_fills_is_followed_by_what_comes_after(
        coding: str, encoded: bytes, expected: bytes) -> None:
    """A gzip member that ended just as a 64 KiB piece filled left the decoder feeding the rest
    to the ended stream for ever, in a loop that never yielded and grew a buffer without end (a
    page of many gzip members hung its update)."""
    pieces: list[bytes] = []
    decoding = threading.Thread(target=lambda: pieces.extend(decode_in_chunks(coding, encoded, [])), daemon=True)
    decoding.start()
    decoding.join(timeout=10)
    assert not decoding.is_alive(), "the decoder never returned"
    assert b"".join(pieces) == expected
