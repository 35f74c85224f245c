"""Wire copies: near-identical texts found with MinHash LSH over word shingles.

Why the default threshold (Jaccard of word 3-shingles >= 0.5) holds: on ECB+ (772 real articles,
``benchmarks/stories_ecbplus.py --wire``) two articles about different events never pass 0.09
(train max 0.078, dev max 0.086), and 97 % of the pairs of reports of one event sit under 0.2;
the same-event pairs at 0.5 or more (27 of 3,324 in train, 9 of 1,167 in dev) are agency texts
re-published by a second outlet, which is what a wire copy is, while rewrites that keep a few
paragraphs of agency copy land between 0.2 and 0.5 and stay independent reports. A wire story re-published with a new headline, a
trimmed ending and a few edited words keeps well above 0.5 (tests/stories/test_wire.py). Texts
too short to shingle reliably (feed summaries of a sentence or two, under ``short_words`` words)
are judged on title and text together and must be near-identical (``short_threshold`` 0.9).
Boilerplate is stripped by extraction before this stage; what is left cannot make two different
articles reach 0.5 unless most of their text is shared.

An outlet that runs only the first paragraphs of agency copy (or adds its own) stays under 0.5
Jaccard with the whole, so the grouper also holds a doc that joins a story against its nearest
member by :func:`containment`, the share of the smaller text's shingles the other holds
(``GroupingParams.wire_containment``, 0.7): on ECB+ texts of different events never pass 0.2
(train max 0.143, dev 0.197), and over five orders every such copy it found was of the same
event (76 on train, 25 on dev, beside the 94 and 35 the Jaccard bar found).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from operator import methodcaller
from typing import TYPE_CHECKING, Literal

import numpy as np

from .tokens import shingles

# datasketch is imported where it is used: importing it imports SciPy (about a second), which
# every command paid at start-up, `progleton --help` and `progleton sources` too.
if TYPE_CHECKING:
    from datasketch import LeanMinHash

NUM_PERM = 128


_blake2b_32 = partial(hashlib.blake2b, digest_size=4)


def _hashes32(grams: list[str]) -> list[int]:
    """Each shingle's 32-bit hash (blake2b of its UTF-8 bytes, little-endian), at C speed."""
    digests = map(methodcaller("digest"), map(_blake2b_32, map(str.encode, grams)))
    little: Literal["little"] = "little"
    return list(map(int.from_bytes, digests, repeat(little)))


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the smaller of two shingle sets (:meth:`WireIndex.signature_and_set`) that
    the other holds: 1 for a copy cut short or added to, however short the cut."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0.0
    at = np.searchsorted(b, a).clip(max=len(b) - 1)  # both sorted: where each of a would be in b
    return int(np.count_nonzero(b[at] == a)) / len(a)


@dataclass(frozen=True)
class WireMatch:
    """An earlier doc whose text a new doc copies."""

    doc_id: str
    jaccard: float  # estimated from the MinHash signatures


class WireIndex:
    """Signatures of the texts of open stories, queried for near-duplicates.

    Not thread-safe; the grouper owns one and calls it from one writer.
    """

    def __init__(
        self,
        *,
        threshold: float = 0.5,
        short_threshold: float = 0.9,
        short_words: int = 40,
        shingle_size: int = 3,
    ) -> None:
        self.threshold = threshold
        self.short_threshold = short_threshold
        self.short_words = short_words
        self.shingle_size = shingle_size
        # Bands of the signature as datasketch's MinHashLSH chooses them for the threshold; the
        # tables are plain dicts (band bytes -> doc ids): its general-purpose storage layer cost
        # about 100 µs per insert, a tenth of all grouping time.
        from datasketch import MinHash, MinHashLSH

        bands = MinHashLSH(threshold=min(threshold, short_threshold), num_perm=NUM_PERM).hashranges
        self._band_ranges = list(bands)
        self._tables: list[dict[bytes, set[str]]] = [{} for _ in bands]
        # one set of permutations for all signatures (drawing them per doc costs time and memory)
        template = MinHash(num_perm=NUM_PERM, hashfunc=int)
        self._permutations, self._scheme = template.permutations, template.scheme
        self._signatures: dict[str, LeanMinHash] = {}
        self._banded: tuple[LeanMinHash | None, list[bytes]] = (None, [])
        self._seq: dict[str, int] = {}

    def signature(self, title: str, text: str) -> tuple[LeanMinHash | None, bool]:
        """The MinHash of a text's shingles, and whether the text counts as short."""
        sig, short, _ = self.signature_and_set(title, text)
        return sig, short

    def signature_and_set(self, title: str, text: str) -> tuple[LeanMinHash | None, bool, np.ndarray | None]:
        """:meth:`signature`, and the text's shingles as a sorted array of their distinct
        32-bit hashes (None for a short text), for :func:`containment`."""
        short = len(text.split()) < self.short_words
        grams = shingles((title + " . " + text) if short else text, self.shingle_size)
        if not grams:
            return None, short, None
        from datasketch import LeanMinHash, MinHash

        sig = MinHash(
            num_perm=NUM_PERM,
            hashfunc=int,  # fed the shingles' hashes, computed all at once
            permutations=self._permutations,
            scheme=self._scheme,
        )
        hashes = _hashes32(grams)
        sig.update_batch(hashes)
        return LeanMinHash(sig), short, None if short else np.unique(np.array(hashes, dtype=np.uint32))

    def find_original(self, sig: LeanMinHash | None, short: bool) -> WireMatch | None:
        """The earliest indexed doc whose text this signature nearly equals, if any."""
        if sig is None:
            return None
        needed = self.short_threshold if short else self.threshold
        keys = sorted(self._candidates(sig), key=self._seq.__getitem__)  # earliest first
        if not keys:
            return None
        # All candidates at once: when many texts are alike (a template, one wire story
        # everywhere) the LSH proposes much of the index, and one comparison per candidate
        # in Python cost 4 µs each.
        signatures = np.stack([self._signatures[key].hashvalues for key in keys])
        jaccards = np.count_nonzero(signatures == sig.hashvalues, axis=1) / NUM_PERM
        passing = np.flatnonzero(jaccards >= needed)
        if not len(passing):
            return None
        first = int(passing[0])
        return WireMatch(keys[first], round(float(jaccards[first]), 3))

    def add(self, doc_id: str, seq: int, sig: LeanMinHash | None) -> None:
        """Index a doc's signature (docs without text are not indexed)."""
        if sig is None or doc_id in self._signatures:
            return
        for table, band in zip(self._tables, self._bands(sig), strict=True):
            ids = table.get(band)
            if ids is None:
                table[band] = {doc_id}
            else:
                ids.add(doc_id)
        self._signatures[doc_id] = sig
        self._seq[doc_id] = seq

    def remove(self, doc_id: str) -> None:
        """Forget a doc (its story closed)."""
        sig = self._signatures.pop(doc_id, None)
        if sig is None:
            return
        del self._seq[doc_id]
        for table, band in zip(self._tables, self._bands(sig), strict=True):
            ids = table[band]
            ids.discard(doc_id)
            if not ids:
                del table[band]

    def _candidates(self, sig: LeanMinHash) -> set[str]:
        """The indexed docs sharing at least one band with the signature."""
        found: set[str] = set()
        for table, band in zip(self._tables, self._bands(sig), strict=True):
            found.update(table.get(band, ()))
        return found

    def _bands(self, sig: LeanMinHash) -> list[bytes]:
        # kept for the last signature: a doc's is looked up (find_original), then added
        if sig is not self._banded[0]:
            values = sig.hashvalues
            data, size = values.tobytes(), values.itemsize
            self._banded = (sig, [data[start * size : end * size] for start, end in self._band_ranges])
        return self._banded[1]

    def __len__(self) -> int:
        return len(self._signatures)
