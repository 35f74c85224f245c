"""The grouper's saved state, for an exact restart: what a replay of stored docs cannot rebuild.

A replay of the docs of the open window rebuilds stories, centroids and the wire index, but not
what depends on every doc ever seen: the document-frequency table (and its snapshot, which sets
the weights), the arrival order (``seq``) and, per open member, which of its words were rarest
when it arrived (its keys in the inverted index). Those are saved here, compactly:

- header: magic ``PGST``, format version, a fingerprint of the grouping parameters;
- the counts: the non-zero slots of the table (delta-coded) and their counts, plus the slots
  where the snapshot differs from the counts;
- per open member: a 64-bit hash of its doc id, its ``seq``, its activity time and the
  positions of its indexed words among its sorted word features.

The payload is zlib-compressed. Its size is bounded by the table (at most 2**21 slots) plus
about 30 bytes per open member. A bad, truncated or old-version blob raises ``ValueError``.
"""

from __future__ import annotations

import hashlib
import math
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

MAGIC = b"PGST"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Bump when features, weights or this layout change: an old state then raises ValueError and the
# caller falls back to replay only.
STATE_VERSION = 6  # 2: words of any alphabet, each language's stop words and stems; 3: no names in
# scripts without capitals, German common nouns and capitalised stop words are not names, Korean
# particles are not part of the word; 4: Thai, Lao, Khmer and Burmese in dictionary words, and a
# text without names counts the phrases it repeats (models refitted); 5: the join and pair
# models refitted to today's features, and no join below a cosine of 0.1; 6: names in Thai, Lao
# and Khmer told by the word before them (province, district, Mr ...)
_HEADER = struct.Struct("<4sBIBqqqqdqq12I")
NO_TIME = -(2**63)  # stands for an unknown time in the microsecond fields


@dataclass(frozen=True)
class MemberState:
    """What one open member needs beyond its doc to be restored exactly."""

    seq: int
    active: int  # POSIX microseconds; NO_TIME when unknown
    word_positions: tuple[int, ...]  # indexed words, as positions among its sorted "w"/"t" keys


@dataclass(frozen=True)
class GrouperState:
    """Plain data of a grouper's state (see the module docstring)."""

    params_crc: int
    slots_log2: int
    docs: int
    epoch: int
    next_snapshot: int
    seq: int
    log_docs: float
    clock: int  # POSIX microseconds of the latest publication time seen; NO_TIME when none
    closed_before: int  # the latest cut-off of close_quiet, microseconds; NO_TIME when never
    counts: np.ndarray  # int32, one per slot
    snapshot: np.ndarray  # int32, one per slot
    members: dict[int, MemberState] = field(default_factory=dict)  # by doc id hash


def micros(when: datetime | None) -> int:
    """A UTC-aware time as POSIX microseconds (exact), or NO_TIME."""
    if when is None:
        return NO_TIME
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - _EPOCH) // timedelta(microseconds=1)


def from_micros(value: int) -> datetime | None:
    """The inverse of :func:`micros`."""
    return None if value == NO_TIME else _EPOCH + timedelta(microseconds=value)


def doc_key(doc_id: str) -> int:
    """A stable 64-bit hash of a doc id (collisions are negligible for any window of docs)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "little")


def params_crc(params: object) -> int:
    """A fingerprint of the grouping parameters (their repr)."""
    return zlib.crc32(repr(params).encode("utf-8"))


def _sparse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    slots = np.flatnonzero(values).astype(np.uint32)
    deltas = np.diff(slots, prepend=np.uint32(0)).astype(np.uint32)
    return deltas, values[slots].astype(np.int32)


def _dense(deltas: np.ndarray, counts: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size, dtype=np.int32)
    slots = np.cumsum(deltas, dtype=np.int64)
    if len(slots) and (slots[-1] >= size or len(slots) != len(counts)):
        raise ValueError("corrupt story state: slots out of range")
    out[slots] = counts
    return out


def encode(state: GrouperState) -> bytes:
    """Serialise a state to compact bytes (header + zlib payload)."""
    c_deltas, c_counts = _sparse(state.counts)
    diff = state.counts - state.snapshot
    s_deltas, s_diff = _sparse(diff)
    keys = sorted(state.members)
    members = [state.members[k] for k in keys]
    hashes = np.array(keys, dtype=np.uint64)
    seqs = np.array([m.seq for m in members], dtype=np.int64)
    active = np.array([m.active for m in members], dtype=np.int64)
    n_words = np.array([len(m.word_positions) for m in members], dtype=np.uint8)
    positions = np.array([p for m in members for p in m.word_positions], dtype=np.uint16)
    arrays = [c_deltas, c_counts, s_deltas, s_diff, hashes, seqs, active, n_words, positions]
    header = _HEADER.pack(
        MAGIC, STATE_VERSION, state.params_crc, state.slots_log2, state.docs, state.epoch,
        state.next_snapshot, state.seq, state.log_docs, state.clock, state.closed_before,
        *[len(a) for a in arrays], 0, 0, 0,
    )  # fmt: skip
    payload = b"".join(a.tobytes() for a in arrays)
    return header + zlib.compress(payload, 6)


def decode(data: bytes) -> GrouperState:
    """Parse bytes from :func:`encode`; raises ``ValueError`` when they are not a current state."""
    if len(data) < _HEADER.size:
        raise ValueError("story state too short")
    fields = _HEADER.unpack_from(data)
    magic, version, crc, slots_log2, docs, epoch, next_snapshot, seq, log_docs, clock, closed = (
        fields[:11]
    )
    if magic != MAGIC:
        raise ValueError("not a story state")
    if version != STATE_VERSION:
        raise ValueError(f"story state version {version}, expected {STATE_VERSION}")
    if not 10 <= slots_log2 <= 28 or math.isnan(log_docs):
        raise ValueError("corrupt story state header")
    try:
        payload = zlib.decompress(data[_HEADER.size :])
    except zlib.error as exc:
        raise ValueError(f"corrupt story state: {exc}") from exc
    dtypes = [np.uint32, np.int32, np.uint32, np.int32, np.uint64, np.int64, np.int64,
              np.uint8, np.uint16]  # fmt: skip
    arrays, offset = [], 0
    for dtype, n in zip(dtypes, fields[11:20], strict=True):
        size = np.dtype(dtype).itemsize * n
        if offset + size > len(payload):
            raise ValueError("corrupt story state: payload too short")
        arrays.append(np.frombuffer(payload, dtype=dtype, count=n, offset=offset))
        offset += size
    c_deltas, c_counts, s_deltas, s_diff, hashes, seqs, active, n_words, positions = arrays
    if offset != len(payload) or int(n_words.sum()) != len(positions):
        raise ValueError("corrupt story state: payload size")
    if not len(hashes) == len(seqs) == len(active) == len(n_words):
        raise ValueError("corrupt story state: member arrays differ in length")
    size = 1 << slots_log2
    counts = _dense(c_deltas, c_counts, size)
    snapshot = counts - _dense(s_deltas, s_diff, size)
    ends = np.cumsum(n_words, dtype=np.int64)
    members = {}
    for i, key in enumerate(hashes.tolist()):
        start = int(ends[i]) - int(n_words[i])
        members[key] = MemberState(
            int(seqs[i]), int(active[i]), tuple(positions[start : int(ends[i])].tolist())
        )
    return GrouperState(
        crc, slots_log2, docs, epoch, next_snapshot, seq, log_docs, clock, closed, counts,
        snapshot, members,
    )  # fmt: skip
