"""Online story grouping: each doc joins the most similar open story, or starts one.

One pass, no look-ahead, no re-clustering. For each new doc:

1. wire copy?  MinHash LSH over word shingles finds an earlier near-identical text; the doc is a
   copy of the earliest original and joins that original's story.
2. candidates: the inverted index on names, numbers and rare words gives the few open stories
   that share the doc's distinctive features (never a scan of every story).
3. evidence: for each candidate, TF-IDF cosines between the doc and the story centroid (with the
   vocabulary as it is now) over the whole text and over the title, names and numbers alone; the
   cosine to the nearest recent member; whether both mention years with none in common; how much
   of the doc's names and numbers the story lacks, and of the story's the doc lacks (conflicting
   specific evidence: another player, another toll); the time from the story's span of news (a
   story quiet for longer than the window is not a candidate).
4. a logistic join model (:class:`~progleton.stories.similarity.JoinModel`, fitted on ECB+
   train) turns the evidence into a probability; the doc joins the most probable story if that
   reaches the model's threshold, else it starts a new story. Where the doc or the story has no
   names (a script without capitals), a model fitted on train read without them weighs it.
5. repair by splitting: when the story it joined reaches one of a few sizes, its members are
   divided in two by average linkage on a pairwise join model's probabilities (looking past one
   outlier); two groups unlikely to be one event (two of one kind that met early) become two
   stories.
6. repair by regrouping: small stories near the doc are offered again to the story it joined,
   now that it has grown; a report that came too early to be recognised joins it late.
   Members moved by 5 and 6 come back in ``Assignment.regrouped``.

State is a pure function of the docs added (in order) and the corrections made. A replay of the
stored assignments of the open window with ``load()`` rebuilds the stories; what depends on every
doc ever seen (document frequencies, arrival order, each member's index keys) comes from
``state()`` bytes saved with the assignments and handed to ``restore_state()`` before the replay,
so later adds decide exactly as a grouper that never restarted.
Not thread-safe: one writer per grouper (the pipeline serialises assignment).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import chain, compress, islice, repeat
from operator import add, neg
from typing import TypeVar

import numpy as np
from datasketch import LeanMinHash

from ..exceptions import NotFound
from ..settings import Settings
from .cut import core_two_groups, split_sizes
from .features import PHRASE_MARK, PHRASE_PREFIX, is_name
from .index import StoryIndex, Vocabulary
from .model import Assignment, Doc, Reasons, probability_text
from .params import GroupingParams
from .similarity import (
    DocTerms,
    JoinModel,
    MatchEvidence,
    carrier_codes,
    carrier_norms,
    carrier_norms_arrays,
    channel_cosines,
    dot,
    kind_codes,
    missing_shares,
    pair_probabilities,
    weigh,
    weigh_arrays,
    weighted_norms,
)
from .state import (
    NO_TIME,
    GrouperState,
    MemberState,
    decode,
    doc_key,
    encode,
    from_micros,
    micros,
    params_crc,
)
from .story import (
    CARRIER_ARRAYS_FROM,
    REBUILD_WITH_IDS_FROM,
    FeatureTable,
    OpenStory,
    Story,
    gap_hours,
    widen,
)
from .textparts import TextParts, text_parts, text_parts_batch, wire_index_for
from .wire import containment

STORY_PREFIX = "story-"
T = TypeVar("T")
Row = TypeVar("Row", bound=tuple)  # type: ignore[type-arg]  # a doc first, then anything
# add_many and load_many with a process pool: docs per task, and tasks computed ahead
LOAD_BATCH = 256
LOAD_AHEAD = 4
_YEAR = re.compile(r"^d:(?:19|20)\d\d$")


@dataclass
class _Member:
    doc: Doc
    seq: int
    raw: dict[str, float]
    index_keys: tuple[str, ...]
    signature: LeanMinHash | None
    story_id: str
    wire_copy_of: str | None
    reasons: Reasons
    active: datetime | None  # published, or the latest time seen when it arrived undated
    years: frozenset[str]  # years the text mentions ("d:2013")
    specific: frozenset[str]  # its names and numbers
    slots: np.ndarray  # its features' slots in the vocabulary's table, in order
    values: np.ndarray  # its raw vector's values, in order (weighed again at each snapshot)
    weighted: tuple[int, dict[str, float]] = (-1, {})  # (vocabulary epoch, unit TF-IDF vector)
    named: bool = True  # it has names (a script without capitals shows none)
    shingle_set: np.ndarray | None = None  # its text's shingles' hashes (None: a short text)


class StoryGrouper:
    """Assigns docs to stories one at a time; see the module docstring for the method."""

    def __init__(
        self, settings: Settings | None = None, *, params: GroupingParams | None = None
    ) -> None:
        self.params = params or GroupingParams()
        settings = settings or Settings()
        self.window = timedelta(days=float(settings.story_window_days))
        self.vocabulary = Vocabulary()
        self._index = StoryIndex()
        self._wire = wire_index_for(self.params)
        self._members: dict[str, _Member] = {}
        self._stories: dict[str, OpenStory] = {}
        self._aliases: dict[str, str] = {}  # merged-away story id -> surviving id
        self._splits: Counter[str] = Counter()
        self._seq = 0
        self._clock: datetime | None = None
        self._closed_before: datetime | None = None  # the latest cut-off of close_quiet
        self._restoring: dict[int, MemberState] | None = None  # saved members, until replayed
        self._pinned: set[str] = set()  # stories a user moved articles into or merged: kept as is
        self._split_sizes = split_sizes(self.params.split_min_part, self.params.split_max_members)

    # -- assigning -------------------------------------------------------------------------

    def add(self, doc: Doc) -> Assignment:
        """Assign a new doc to a story (an existing one or a new one) and remember it."""
        return self._add(self._head(doc), None)

    def add_many(self, docs: Iterable[Doc], executor: Executor | None = None) -> Iterator[Assignment]:
        """:meth:`add` each doc in order, yielding its assignment. With ``executor`` (a process
        pool), the docs' text parts are computed there, a few batches ahead of the assigning
        here, as :meth:`load_many` does: the same values, so the same stories."""
        for (doc,), parts in self._parted(((self._head(d),) for d in docs), executor):
            yield self._add(doc, parts)

    def _add(self, doc: Doc, parts: TextParts | None) -> Assignment:
        self._finish_restore()
        if doc.id in self._members:
            return self._assignment(self._members[doc.id], new_story=False)
        member = self._prepare(doc, parts=parts)
        original = self._wire.find_original(member.signature, self._is_short(doc))
        candidates: list[str] = []
        if original is not None and original.doc_id in self._members:
            root = self._members[original.doc_id]
            root_id = root.wire_copy_of or root.doc.id
            member.wire_copy_of = root_id
            story_id = root.story_id
            member.reasons = Reasons(
                score=original.jaccard,
                nearest=original.doc_id,
                note=f"wire copy of {root_id}",
                action="wire_copy",
            )
        else:
            candidates = self._index.candidates(self._query(member), self.params.max_candidates)
            story_id, member.reasons = self._choose_story(member, candidates)
            if story_id in self._stories:
                self._copy_within(member)
        new_story = story_id not in self._stories
        if self._repeats_evidence(member, story_id):
            self.vocabulary.take_back(member.slots)
        self._attach(member, story_id)
        regrouped = self._check_split(self._stories[story_id])
        if not regrouped and member.wire_copy_of is None:
            regrouped = self._reoffer(member, candidates)
        if regrouped and member.story_id != story_id:
            new_story = True  # the doc itself went with the split-off group
            regrouped = tuple(a for a in regrouped if a.doc_id != doc.id)
        return replace(self._assignment(member, new_story=new_story), regrouped=regrouped)

    def load(self, doc: Doc, *, story_id: str, wire_copy_of: str | None = None) -> None:
        """Index a doc as already assigned (start-up replay of stored assignments, in order)."""
        self._load(self._head(doc), story_id, wire_copy_of, None)

    def load_many(
        self, rows: Iterable[tuple[Doc, str, str | None]], executor: Executor | None = None
    ) -> None:
        """:meth:`load` each (doc, story id, wire copy of) in order. With ``executor`` (a process
        pool), the docs' text parts are computed there, a few batches ahead of the indexing here:
        the same values, so the same stories, in about half the time on two cores."""
        headed = ((self._head(doc), s, w) for doc, s, w in rows)
        for (doc, story_id, wire_copy_of), parts in self._parted(headed, executor):
            self._load(doc, story_id, wire_copy_of, parts)

    def _parted(self, items: Iterable[Row], executor: Executor | None) -> Iterator[tuple[Row, TextParts | None]]:
        """Each item (a tuple whose first element is a doc already cut by :meth:`_head`) with
        its doc's text parts computed in ``executor``, ``LOAD_AHEAD`` batches of ``LOAD_BATCH``
        ahead; None (computed by the caller, the same values) without one, or once the pool
        is shut down or a worker dies."""
        if executor is None:
            yield from ((item, None) for item in items)
            return
        batches = _batches(items, LOAD_BATCH)
        ahead: deque[tuple[list[Row], Future[list[TextParts]] | None]] = deque()
        pool: Executor | None = executor  # None once it fails: the rest is read here (same values)

        def submit() -> bool:
            nonlocal pool
            batch = next(batches, None)
            if batch is None:
                return False
            future = None
            if pool is not None:
                try:
                    future = pool.submit(text_parts_batch, [(r[0].title, r[0].text) for r in batch], self.params)
                except (BrokenExecutor, RuntimeError):  # broken, or shut down
                    pool = None
            ahead.append((batch, future))
            return True

        while len(ahead) < LOAD_AHEAD and submit():
            pass
        while ahead:
            batch, future = ahead.popleft()
            computed: list[TextParts | None] = [None] * len(batch)
            if future is not None:
                try:
                    computed = list(future.result())
                except (BrokenExecutor, OSError, RuntimeError):  # a worker died
                    pool = None
            submit()
            yield from zip(batch, computed, strict=True)

    def _load(self, doc: Doc, story_id: str, wire_copy_of: str | None, parts: TextParts | None) -> None:
        if doc.id in self._members:
            return
        saved = None
        if self._restoring is not None:
            saved = self._restoring.get(doc_key(doc.id))
            if saved is None and self._closed_before_state(doc):
                return  # counted in the saved state, and its story had closed there
        member = self._prepare(doc, saved, parts)
        member.wire_copy_of = wire_copy_of
        member.reasons = Reasons(note="loaded", action="loaded")
        story_id = self._resolve(story_id)
        if saved is None and self._repeats_evidence(member, story_id):
            self.vocabulary.take_back(member.slots)
        self._attach(member, story_id)

    def _head(self, doc: Doc) -> Doc:
        """The doc with its text cut to ``max_text_chars`` (at a space) and its title to 1,000."""
        limit = self.params.max_text_chars
        if len(doc.text) <= limit and len(doc.title) <= 1_000:
            return doc
        text = doc.text
        if len(text) > limit:
            text = text[:limit]
            space = text.rfind(" ")
            text = text[:space] if space > limit // 2 else text
        return replace(doc, title=doc.title[:1_000], text=text)

    def _prepare(
        self, doc: Doc, saved: MemberState | None = None, parts: TextParts | None = None
    ) -> _Member:
        """Features of a new doc (counted in the vocabulary), or of a restored one (not again);
        ``parts``: its :class:`TextParts`, if computed elsewhere."""
        parts = parts or text_parts(doc.title, doc.text, self.params, self._wire)
        raw = parts.raw
        slots = self.vocabulary.slots(list(raw))  # raw holds the doc's distinct features
        specific = frozenset(f for f in raw if f[0] in "nd")
        if saved is None:
            self.vocabulary.add_slots(slots)
            self._seq += 1
            if doc.published is not None and (self._clock is None or doc.published > self._clock):
                self._clock = doc.published
            seq, active = self._seq, doc.published or self._clock
            index_keys = self._index_keys(raw, slots, specific)
        else:
            words = sorted(f for f in raw if f[0] in "wt")
            chosen = {words[i] for i in saved.word_positions if i < len(words)}
            index_keys = tuple(sorted(specific | chosen))
            seq, active = saved.seq, from_micros(saved.active)
        return _Member(
            doc=replace(doc, text=""),  # the text is not needed again; the store keeps it
            seq=seq,
            raw=raw,
            index_keys=index_keys,
            signature=parts.signature,
            story_id="",
            wire_copy_of=None,
            reasons=Reasons(),
            active=active,
            years=frozenset(filter(_YEAR.match, specific)),
            specific=specific,
            slots=slots,
            values=np.fromiter(raw.values(), float, len(raw)),
            named=any(map(is_name, specific)),
            shingle_set=parts.shingle_set,
        )

    def _repeats_evidence(self, member: _Member, story_id: str) -> bool:
        """Whether a doc just counted in the vocabulary (:meth:`_prepare`) only repeats evidence
        counted already, so that it is taken back out: another report by an outlet already in
        the story it joins (an update, a live blog's next entry, a feed posting the same item
        hundreds of times). Document frequencies say how many independent texts use a word; a
        flood of near-identical items from one feed had raised the count of docs by 300 and with
        it every other word's weight alike, which flattened the contrast between rare and
        common words in every other comparison (a stabbing in Lyon then joined a museum theft
        in Lyon: 0.67 without the flood, 0.76 with it)."""
        story = self._stories.get(story_id)
        return story is not None and story.outlets[member.doc.source] > 0

    def _is_short(self, doc: Doc) -> bool:
        return len(doc.text.split()) < self.params.wire_short_words

    def _index_keys(
        self, raw: dict[str, float], slots: np.ndarray, specific: frozenset[str]
    ) -> tuple[str, ...]:
        """The doc's names and numbers, and its rarest words."""
        is_word = kind_codes(raw) <= 1  # "w" and "t"
        words = list(compress(raw, is_word.tolist()))
        idfs = self.vocabulary.idfs(slots[is_word]).tolist()
        # the rarest words, ties by name: (-idf, word) tuples compare at C speed
        rarest = heapq.nsmallest(self.params.index_features, zip(map(neg, idfs), words, strict=True))
        return tuple(sorted(specific | {f for _, f in rarest}))

    def _query(self, member: _Member) -> dict[str, float]:
        """The doc's strongest features, to look up candidate stories in the index."""
        weighted = self._weighted(member)
        pairs = zip(map(neg, weighted.values()), weighted, strict=True)
        # (-weight, feature): strongest first, ties by name; sorting all at C speed costs a
        # third of heapq.nsmallest's loop (the same features: a doc has about a hundred)
        strongest = sorted(pairs)[: self.params.query_features]
        return {f: -w for w, f in strongest}

    def _choose_story(self, member: _Member, candidates: list[str]) -> tuple[str, Reasons]:
        doc_vec = self._weighted(member)
        best: tuple[float, str, str | None, float] | None = None
        for story, channels, gap in self._nearest_stories(member, doc_vec, candidates):
            model = self._model_for(member, story)
            evidence = self._match(member, doc_vec, story, channels, gap)
            if best is not None and model.best_nearest(evidence) < best[0]:
                continue  # whatever its nearest member, it cannot beat the best so far
            evidence = self._with_nearest(evidence, doc_vec, story)
            score = model.probability(evidence)
            if best is None or score > best[0]:
                best = (score, story.story_id, evidence.nearest_id, model.threshold)
        if best is not None and best[0] >= best[3]:
            story = self._stories[best[1]]
            return best[1], self._join_reasons(doc_vec, best[0], story, best[2], best[3])
        new_id = STORY_PREFIX + member.doc.id
        bar = self.params.model.threshold if best is None else best[3]
        if best is None:
            return new_id, Reasons(note="new story", action="started", bar=bar)
        note = f"new story (closest {best[1]} scored {probability_text(best[0])} < {bar:.2f})"
        return new_id, Reasons(
            score=round(best[0], 4), note=note, action="started", bar=bar, other_story=best[1]
        )

    def _nearest_stories(
        self, member: _Member, doc_vec: dict[str, float], candidates: list[str]
    ) -> list[tuple[OpenStory, dict[str, float], float | None]]:
        """The candidate stories (the index's proposals) within the window of time that are most
        alike by centroid, with their channel cosines and gap, the most alike first; none that
        shares almost nothing with the doc (``min_cosine``): it is never the doc's story."""
        idf = self.vocabulary.idf
        window_hours = self.window.total_seconds() / 3600
        terms = DocTerms.of(doc_vec, idf, self.vocabulary.idfs(member.slots))
        scored = []
        for story_id in candidates:
            story = self._stories[story_id]
            gap = gap_hours(member.active, story)
            if gap is not None and gap > window_hours:
                continue
            channels = channel_cosines(terms, story.centroid, idf, self._norms(story))
            scored.append((story, channels, gap))
        scored.sort(key=lambda x: (-x[1]["all"], x[0].story_id))
        floor = self.params.min_cosine
        return [s for s in scored[: self.params.nearest_stories] if s[1]["all"] >= floor]

    def _model_for(self, member: _Member, story: OpenStory) -> JoinModel:
        """The join model that weighs ``member`` against ``story``: the one fitted without names
        when either has none (:data:`~.params.NAMELESS_MODEL`)."""
        if member.named and self._carrier_sq(story)["names"] > 0:
            return self.params.model
        return self.params.nameless_model

    def _carrier_sq(self, story: OpenStory) -> dict[str, float]:
        """:func:`~.similarity.carrier_norms` of the story; from ``CARRIER_ARRAYS_FROM`` names
        and numbers on, the same sums from its carriers as arrays (:class:`~.story.FeatureArrays`)."""
        epoch = self.vocabulary.epoch
        if story.carrier_sq[:2] == (epoch, story.version):
            return story.carrier_sq[2]
        if len(story.carriers) < CARRIER_ARRAYS_FROM:  # the loop is quicker than numpy's calls
            sq = carrier_norms(story.carriers, len(story.members), self.vocabulary.idf)
        else:
            arrays = story.carrier_arrays
            arrays.update(story.carriers, story, self._specific_of, self.vocabulary.slots, carrier_codes)
            idfs = arrays.weights(epoch, self.vocabulary.idfs)
            sq = carrier_norms_arrays(arrays.values, len(story.members), idfs, arrays.codes)
        story.carrier_sq = (epoch, story.version, sq)
        return sq

    def _norms(self, story: OpenStory) -> dict[str, float]:
        epoch = self.vocabulary.epoch
        if story.norms[:2] != (epoch, story.version):
            story.norms = (epoch, story.version, self._centroid_norms(story))
        return story.norms[2]

    def _centroid_norms(self, story: OpenStory) -> dict[str, float]:
        """:func:`kind_norms` of the story's centroid, the same sums, from its centroid as arrays
        (:class:`~.story.FeatureArrays`: the slots, kinds and values of its features kept from
        the last time, and their weights until the next snapshot)."""
        arrays = story.centroid_arrays
        arrays.update(story.centroid, story, self._raw_of, self.vocabulary.slots, kind_codes)
        idfs = arrays.weights(self.vocabulary.epoch, self.vocabulary.idfs)
        return weighted_norms(arrays.values, idfs, arrays.codes)

    def _raw_of(self, doc_id: str) -> dict[str, float]:
        return self._members[doc_id].raw

    def _specific_of(self, doc_id: str) -> frozenset[str]:
        return self._members[doc_id].specific

    def _weighted(self, member: _Member) -> dict[str, float]:
        epoch = self.vocabulary.epoch
        if member.weighted[0] != epoch:
            member.weighted = (epoch, self._weigh(member))
        return member.weighted[1]

    def _weigh(self, member: _Member) -> dict[str, float]:
        """:func:`~.similarity.weigh` of the member's raw vector, the same values, read from its
        features' slots as one array."""
        return weigh_arrays(member.raw, self.vocabulary.idfs(member.slots), member.values)

    def _join_reasons(
        self,
        doc_vec: dict[str, float],
        score: float,
        story: OpenStory,
        nearest: str | None,
        bar: float,
    ) -> Reasons:
        idf, centroid = self.vocabulary.idf, story.centroid
        by_kind = dict.fromkeys("ntwdp", 0.0)  # "p": the phrases that stand in for names
        # what each shared feature adds to the match, as (-contribution, feature), by kind
        shared: dict[str, list[tuple[float, str]]] = {"n": [], "t": [], "w": [], "d": []}
        for f, v in doc_vec.items():
            weight = centroid.get(f)
            if weight is not None:
                contribution = weight * idf(f) * v
                by_kind["p" if f.startswith(PHRASE_PREFIX) else f[0]] += contribution
                shared[f[0]].append((-contribution, f))
        labels = {"n": "names", "p": "phrases", "t": "title", "w": "text", "d": "numbers"}
        total = sum(by_kind.values()) or 1.0
        ranked = sorted(by_kind.items(), key=lambda kv: -kv[1])
        kinds = [labels[k] for k, v in ranked if v >= 0.2 * total]
        names = _strongest(shared["n"], 12)
        phrases = [n[1:] for n in names if n.startswith(PHRASE_MARK)][:3]
        terms = phrases + list(_strongest(shared["t"], 3) + _strongest(shared["w"], 6))
        return Reasons(
            score=round(score, 4),
            shared_terms=tuple(dict.fromkeys(terms))[:6],
            shared_names=tuple(n for n in names if not n.startswith(PHRASE_MARK))[:6],
            nearest=nearest,
            note="joined by " + "+".join(kinds or ["text"]),
            action="joined",
            evidence=tuple(kinds or ["text"]),
            bar=bar,
        )

    def _assignment(self, member: _Member, *, new_story: bool) -> Assignment:
        return Assignment(
            doc_id=member.doc.id,
            story_id=member.story_id,
            wire_copy_of=member.wire_copy_of,
            new_story=new_story,
            reasons=member.reasons,
        )

    # -- repair ----------------------------------------------------------------------------

    def _check_split(self, story: OpenStory) -> tuple[Assignment, ...]:
        """Split a story whose members have grown into two separate groups of reports.

        One pass cannot undo an early wrong join: two events of the same kind can meet in one
        story when their first reports are alike, and later reports of each then follow. When a
        story reaches one of a few sizes (6, 7, 10, 13, ... growing by about a third, up to
        ``split_max_members``), its members are divided in two by average linkage on the pair
        model's probabilities (``pair_model``: would one member join a story made of the other
        alone? the mean of both ways); if the two groups average below ``split_model_below``,
        they split. Two arrests of two players of one team share most of their words, but not
        their names, numbers and dates, which the model weighs. A cut that leaves one or two
        outliers on one side (fewer than ``split_min_part``) is made again without them, up to
        ``split_set_aside`` members in all (:func:`core_two_groups`); they then go with the
        group they are closer to.

        With ``split_below`` above 0, the members are first divided on their TF-IDF cosines,
        and groups averaging less than that split. Off by default: on ECB+ train two thirds of
        the splits it made divided one event whose reports share few words (see
        docs/benchmarks.md).

        A split needs ``split_min_part`` members on each side; the group without the story's
        first member moves to a new story. Stories a user moved articles into, or merged, are
        left alone. Returns the moved members' new assignments.
        """
        p = self.params
        if (
            (p.split_below <= 0 and p.split_model_below <= 0)
            or len(story.members) not in self._split_sizes
            or story.story_id in self._pinned
        ):
            return ()
        members = [self._members[m] for m in story.members]
        cosine, probability = self._pair_matrices(members)
        between, below = 1.0, 0.0
        if p.split_below > 0:
            labels, between = core_two_groups(cosine, p.split_min_part, p.split_set_aside)
            measure, below = "similarity", p.split_below
        if between >= below:
            if p.split_model_below <= 0:
                return ()
            labels, between = core_two_groups(probability, p.split_min_part, p.split_set_aside)
            measure, below = "probability of being one event", p.split_model_below
            if between >= below:
                return ()
        group = {m.doc.id: int(label) for m, label in zip(members, labels, strict=True)}
        for m in members:  # a wire copy stays with the text it copies
            if m.wire_copy_of in group:
                group[m.doc.id] = group[m.wire_copy_of]
        moving = [m for m in members if group[m.doc.id] != group[members[0].doc.id]]
        if not p.split_min_part <= len(moving) <= len(members) - p.split_min_part:
            return ()
        new_id = f"{STORY_PREFIX}{moving[0].doc.id}~s{self._seq}"
        note = (
            f"split out of {story.story_id}: its two groups of reports averaged "
            f"{probability_text(between)} {measure} (< {below:.2f})"
        )
        target = self._stories[new_id] = OpenStory(new_id)
        story.members = [d for d in story.members if group[d] == group[members[0].doc.id]]
        reasons = Reasons(
            score=round(between, 4),
            note=note,
            action="split_off",
            evidence=("text",) if measure == "similarity" else (),
            bar=below,
            other_story=story.story_id,
        )
        self._relocate(moving, story.story_id, target, reasons)
        self._rebuild(story)
        self._rebuild(target)
        return tuple(self._assignment(m, new_story=False) for m in moving)

    def _reoffer(self, member: _Member, candidates: list[str]) -> tuple[Assignment, ...]:
        """Offer the small stories near a doc's story to that story again, now that it has grown.

        A report that came early, when the story it belongs to was one or two docs, may have
        scored too low and started a story of its own; one pass never asks again. After each
        join, every open story of up to ``reoffer_max`` members that the index proposed for the
        new doc (``candidates``) is weighed against the grown story with the join model, member
        by member; if every member would now join it (``reoffer_threshold``), the small story is
        folded in. Stories a user moved articles into, or merged, are left alone (:meth:`move`).
        Returns the moved members' new assignments.
        """
        p = self.params
        story = self._stories[member.story_id]
        if p.reoffer_max <= 0 or len(story.members) < 2 or story.story_id in self._pinned:
            return ()
        moved: list[_Member] = []
        for story_id in candidates:
            small = self._stories.get(story_id)
            if (
                small is None
                or small is story
                or len(small.members) > p.reoffer_max
                or story_id in self._pinned
            ):
                continue
            members = [self._members[m] for m in small.members]
            scores = []
            for m in members:
                scores.append(self._reoffer_score(m, story))
                if scores[-1] < p.reoffer_threshold:
                    break
            else:
                note = (
                    f"regrouped from {story_id}: scored {probability_text(min(scores))} against "
                    f"{story.story_id} once it had {len(story.members)} reports"
                )
                reasons = Reasons(
                    score=round(min(scores), 4),
                    note=note,
                    action="regrouped",
                    bar=p.reoffer_threshold,
                    story_size=len(story.members),
                    other_story=story_id,
                )
                self._relocate(members, story_id, story, reasons)
                del self._stories[story_id]
                moved.extend(members)
        if moved:
            self._rebuild(story)
        return tuple(self._assignment(m, new_story=False) for m in moved)

    def _reoffer_score(self, member: _Member, story: OpenStory) -> float:
        """The join model's probability that a member of a small story joins ``story``; 0 when
        the story is outside the window, when the two share almost nothing (``min_cosine``),
        or when even the most favourable nearest member,
        names and numbers could not lift the cosines to the regrouping threshold (the full
        evidence is then not worked out: most small stories near a doc are other events)."""
        gap = gap_hours(member.active, story)
        if gap is not None and gap > self.window.total_seconds() / 3600:
            return 0.0
        doc_vec = self._weighted(member)
        channels = channel_cosines(doc_vec, story.centroid, self.vocabulary.idf, self._norms(story))
        if channels["all"] < self.params.min_cosine:
            return 0.0
        model = self._model_for(member, story)
        if model.best_case(channels, len(story.members), gap) < self.params.reoffer_threshold:
            return 0.0
        evidence = self._match(member, doc_vec, story, channels, gap)
        if model.best_nearest(evidence) < self.params.reoffer_threshold:
            return 0.0
        return model.probability(self._with_nearest(evidence, doc_vec, story))

    def _match(
        self,
        member: _Member,
        doc_vec: dict[str, float],
        story: OpenStory,
        channels: dict[str, float],
        gap: float | None,
    ) -> MatchEvidence:
        """The join model's evidence, from the channel cosines and the gap already computed, but
        for the nearest member (:meth:`_with_nearest`): comparing the doc with each recent member
        costs more than the rest together, and is skipped where it cannot change the decision."""
        conflict = bool(member.years) and bool(story.years) and story.years.isdisjoint(member.years)
        size = len(story.members)
        idf = self.vocabulary.idf
        missing = missing_shares(doc_vec, story.carriers, size, idf, self._carrier_sq(story))
        return MatchEvidence(channels, 0.0, size, conflict, gap, missing)

    def _with_nearest(
        self, evidence: MatchEvidence, doc_vec: dict[str, float], story: OpenStory
    ) -> MatchEvidence:
        """:meth:`_match`'s evidence with the cosine to the story's most similar recent member."""
        recent = story.members[-self.params.nearest_members :]
        nearest, nearest_id = -1.0, recent[0]
        for doc_id in recent:  # members are in arrival order: a tie goes to the earliest
            cosine = dot(doc_vec, self._weighted(self._members[doc_id]))
            if cosine > nearest:
                nearest, nearest_id = cosine, doc_id
        return replace(evidence, nearest=nearest, nearest_id=nearest_id)

    def _pair_matrices(self, members: list[_Member]) -> tuple[np.ndarray, np.ndarray]:
        """Cosines between members' TF-IDF vectors (with the vocabulary as it is now), and for
        each two members the pair model's probability that one would join a story made of the
        other alone, the mean of both ways (:func:`~.similarity.pair_probabilities`)."""
        epoch, idf = self.vocabulary.epoch, self.vocabulary.idf
        cosine, p = pair_probabilities(
            # not cached: only the recent members keep their weighted vectors (see _attach)
            [m.weighted[1] if m.weighted[0] == epoch else self._weigh(m) for m in members],
            [m.years for m in members],
            [None if m.active is None else m.active.timestamp() / 3600 for m in members],
            idf,
            self.params.pair_model,
            self.params.nameless_pair_model,
            [m.named for m in members],
        )
        return cosine, (p + p.T) / 2

    # -- state -----------------------------------------------------------------------------

    def _attach(self, member: _Member, story_id: str) -> None:
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = OpenStory(story_id)
        member.story_id = story_id
        self._members[member.doc.id] = member
        story.members.append(member.doc.id)
        if len(story.members) > self.params.nearest_members:
            # only the recent members are compared one by one: drop the older one's cached vector
            self._members[story.members[-self.params.nearest_members - 1]].weighted = (-1, {})
        _accumulate(story, member)
        story.version += 1
        self._index.add(story_id, member.index_keys)
        self._wire.add(member.doc.id, member.seq, member.signature)

    def _rebuild(self, story: OpenStory) -> None:
        """Recompute a story's centroid and activity from its members, in arrival order."""
        members = sorted((self._members[m] for m in story.members), key=lambda m: m.seq)
        story.members = [m.doc.id for m in members]
        story.layout += 1
        story.version += 1
        if len(members) >= REBUILD_WITH_IDS_FROM:
            _sum_with_ids(story, members)
            return
        story.centroid = {}
        story.accumulated = 0
        story.first_active = story.last_active = None
        story.year_counts = Counter()
        story.carriers = Counter()
        story.outlets = Counter()
        for m in members:
            _accumulate(story, m)

    def _relocate(
        self, members: list[_Member], from_id: str, target: OpenStory, reasons: Reasons | None = None
    ) -> None:
        """Move members (already out of story ``from_id``'s list) into ``target``: the index,
        each member's story and (when given) its reasons follow; the caller rebuilds."""
        for m in members:
            self._index.remove(from_id, m.index_keys)
            self._index.add(target.story_id, m.index_keys)
            m.story_id = target.story_id
            if reasons is not None:
                m.reasons = reasons
            target.members.append(m.doc.id)

    def _resolve(self, story_id: str) -> str:
        while story_id in self._aliases:
            story_id = self._aliases[story_id]
        return story_id

    # -- corrections -----------------------------------------------------------------------

    def set_wire_copy_of(self, doc_id: str, original: str | None) -> None:
        """Record which earlier doc an open doc's text copies (None: none), as a correction
        changed it in storage, so that a replay at start-up finds the state it left."""
        self._finish_restore()
        member = self._members.get(doc_id)
        if member is not None:
            member.wire_copy_of = original

    def open_story_ids(self, story_ids: list[str]) -> list[str]:
        """Those of ``story_ids`` that are open here (not closed, not unknown)."""
        self._finish_restore()
        return [s for s in story_ids if self._resolve(s) in self._stories]

    def move(self, doc_id: str, to_story: str | None = None) -> str:
        """Move a doc to another open story, or (``None``) split it out into a story of its own.

        Returns the story id it is now in. Split ids are deterministic (``story-<doc>~<n>``), so
        replaying corrections after :meth:`load` gives the same ids.
        """
        self._finish_restore()
        member = self._members.get(doc_id)
        if member is None:
            raise NotFound(f"no open doc {doc_id!r}")
        if to_story is None:
            self._splits[doc_id] += 1
            target = f"{STORY_PREFIX}{doc_id}~{self._splits[doc_id]}"
        else:
            target = self._resolve(to_story)
            if target not in self._stories:
                raise NotFound(f"no open story {to_story!r}")
        old = self._stories[member.story_id]
        # The story a user put an article in is theirs: never split or regrouped automatically
        # (pinned before the early return: a replay finds the article there already). The story
        # it left is not: one article out says nothing of the rest, and a replay cannot tell
        # which story that was.
        self._pinned.add(target)
        if target == old.story_id:
            return target
        self._detach(member, old)
        story = self._stories.setdefault(target, OpenStory(target))
        member.story_id = target
        story.members.append(doc_id)
        self._rebuild(story)
        self._index.add(target, member.index_keys)
        member.reasons = (
            Reasons(note="moved by user", action="moved")
            if to_story
            else Reasons(note="split out by user", action="split_out")
        )
        return target

    def _detach(self, member: _Member, story: OpenStory) -> None:
        story.members.remove(member.doc.id)
        self._index.remove(story.story_id, member.index_keys)
        if story.members:
            self._rebuild(story)
        else:
            del self._stories[story.story_id]

    def merge(self, story_a: str, story_b: str) -> str:
        """Merge story ``story_b`` into ``story_a``; returns the surviving id (``story_a``'s)."""
        self._finish_restore()
        a, b = self._resolve(story_a), self._resolve(story_b)
        if a in self._stories:
            self._pinned.add(a)  # also on replay, where b's members were stored in a already
        for sid in (a, b):
            if sid not in self._stories:
                raise NotFound(f"no open story {sid!r}")
        if a == b:
            return a
        survivor, gone = self._stories[a], self._stories.pop(b)
        self._relocate([self._members[d] for d in gone.members], b, survivor)
        self._rebuild(survivor)
        self._aliases[b] = a
        return a

    def close_quiet(self, now: datetime) -> list[str]:
        """Close stories with no news for longer than the window; free their memory.

        Returns the closed story ids. Closing never changes a later decision: a story that quiet
        could no longer be joined anyway.
        """
        self._finish_restore()
        cutoff = now - self.window
        if self._closed_before is None or cutoff > self._closed_before:
            self._closed_before = cutoff
        closed = [
            s.story_id
            for s in self._stories.values()
            if s.last_active is not None and s.last_active < cutoff
        ]
        for story_id in closed:
            story = self._stories.pop(story_id)
            for doc_id in story.members:
                member = self._members.pop(doc_id)
                self._index.remove(story_id, member.index_keys)
                self._wire.remove(doc_id)
        self._aliases = {k: v for k, v in self._aliases.items() if v in self._stories}
        self._pinned &= self._stories.keys()
        return closed

    # -- saving and restoring ------------------------------------------------------------

    def state(self) -> bytes:
        """What a replay of the open window cannot rebuild, as compact bytes (see ``state``).

        Save it after each batch of assignments, together with them; on start-up pass it to
        :meth:`restore_state` on a fresh grouper, then :meth:`load` the stored docs and replay the
        corrections as before: later decisions are then the same as if there had been no restart.
        """
        self._finish_restore()
        counts, snapshot, next_snapshot, log_docs = self.vocabulary.tables()
        members = {doc_key(m.doc.id): self._member_state(m) for m in self._members.values()}
        return encode(
            GrouperState(
                params_crc=params_crc(self.params),
                slots_log2=self.vocabulary.slots_log2,
                docs=self.vocabulary.docs,
                epoch=self.vocabulary.epoch,
                next_snapshot=next_snapshot,
                seq=self._seq,
                log_docs=log_docs,
                clock=micros(self._clock),
                closed_before=micros(self._closed_before),
                counts=counts,
                snapshot=snapshot,
                members=members,
            )
        )

    def restore_state(self, data: bytes) -> None:
        """Take over a state from :meth:`state`; call on a fresh grouper, before :meth:`load`.

        While the stored docs are then loaded, those open in the saved state get their saved
        arrival order and index keys and are not counted again; docs whose story had closed
        there are skipped; docs stored after the state was saved are loaded as usual. Raises
        ``ValueError`` on bytes that are not a state of this version and these parameters (the
        caller then replays without it), or when the grouper has already seen docs.
        """
        if self._members or self.vocabulary.docs:
            raise ValueError("restore_state needs a fresh grouper")
        saved = decode(data)
        if saved.params_crc != params_crc(self.params):
            raise ValueError("story state was saved with other grouping parameters")
        if saved.slots_log2 != self.vocabulary.slots_log2:
            raise ValueError("story state has another vocabulary size")
        self.vocabulary.restore(
            saved.counts,
            saved.snapshot,
            docs=saved.docs,
            epoch=saved.epoch,
            next_snapshot=saved.next_snapshot,
            log_docs=saved.log_docs,
        )
        self._seq = saved.seq
        self._clock = from_micros(saved.clock)
        self._closed_before = from_micros(saved.closed_before)
        self._restoring = dict(saved.members)

    @staticmethod
    def replay_since(data: bytes) -> datetime | None:
        """The earliest activity time of a doc open in a saved state (None: none or undated).

        Replaying the stored docs from this time on (rather than a fixed two windows back) also
        brings back the old members of long-running stories. Raises ``ValueError`` like
        :meth:`restore_state`.
        """
        times = [m.active for m in decode(data).members.values() if m.active != NO_TIME]
        return from_micros(min(times)) if times else None

    def _member_state(self, member: _Member) -> MemberState:
        words = sorted(f for f in member.raw if f[0] in "wt")
        position = {f: i for i, f in enumerate(words)}
        chosen = tuple(position[f] for f in member.index_keys if f in position)
        return MemberState(member.seq, micros(member.active), chosen)

    def _closed_before_state(self, doc: Doc) -> bool:
        """Whether a doc missing from the saved state had been counted there (its story closed)."""
        if doc.published is None or self._closed_before is None:
            return False
        when = doc.published if doc.published.tzinfo else doc.published.replace(tzinfo=UTC)
        return when < self._closed_before

    def _finish_restore(self) -> None:
        """After the replay: members in arrival order, as a grouper that never restarted has them."""
        if self._restoring is None:
            return
        self._restoring = None
        for story in self._stories.values():
            seqs = [self._members[m].seq for m in story.members]
            if seqs != sorted(seqs):
                self._rebuild(story)

    # -- reading ---------------------------------------------------------------------------

    def story_of(self, doc_id: str) -> str:
        """The id of the open story holding ``doc_id``."""
        member = self._members.get(doc_id)
        if member is None:
            raise NotFound(f"no open doc {doc_id!r}")
        return member.story_id

    def reasons(self, doc_id: str) -> Reasons:
        """Why ``doc_id`` is in its story (as decided, or the correction that put it there)."""
        member = self._members.get(doc_id)
        if member is None:
            raise NotFound(f"no open doc {doc_id!r}")
        return member.reasons

    def nearby(self, story_id: str, limit: int = 10) -> dict[str, float]:
        """Open stories that may report the same event as ``story_id``, most likely first, each
        with :meth:`same_event`'s probability: the stories the index proposes for the story's
        strongest features, as it does for a new doc. For a reader deciding what to merge; the
        grouper's near misses are here (a report that scored just under the join threshold).
        ``NotFound`` when the story is not open.

        On ECB+ (every story of five orders against its proposals, all of one topic) the pair
        model's mean ranks the proposals of the same event above those of another better than
        the join model's probability of each member joining (ROC AUC train 0.97 against 0.94,
        dev 0.92 against 0.89)."""
        story = self._open(story_id)
        weighted = weigh(story.centroid, self.vocabulary.idf)
        strongest = heapq.nsmallest(
            self.params.query_features, zip(map(neg, weighted.values()), weighted, strict=True)
        )
        proposed = self._index.candidates({f: -w for w, f in strongest}, limit + 1)
        scores = {s: self.same_event(story.story_id, s) for s in proposed if s != story.story_id}
        return dict(sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])

    def same_event(self, story_id: str, other_id: str) -> float:
        """How likely two open stories report one event: the mean pair-model probability
        between their recent members (``nearest_members`` of each), the measure the split
        check cuts a story on (two groups under ``split_model_below`` are split). ``NotFound``
        when either is not open."""
        a, b = self._open(story_id), self._open(other_id)
        if a is b:
            return 1.0
        recent = self.params.nearest_members
        first = [self._members[m] for m in a.members[-recent:]]
        second = [self._members[m] for m in b.members[-recent:]]
        _, probability = self._pair_matrices(first + second)
        return float(probability[: len(first), len(first) :].mean())

    def _open(self, story_id: str) -> OpenStory:
        story = self._stories.get(self._resolve(story_id))
        if story is None:
            raise NotFound(f"no open story {story_id!r}")
        return story

    def stories(self) -> list[Story]:
        """The open stories, oldest first."""
        return [self._story(s) for s in sorted(self._stories.values(), key=self._first_seq)]

    def _copy_within(self, member: _Member) -> None:
        """A doc that joined a story because its nearest member's text is its own cut short or
        added to (:func:`~.wire.containment` at least ``wire_containment``) is that text's
        copy, as a near-identical one is: the index's shingle Jaccard misses an outlet running
        only the first paragraphs of agency copy. Its nearest member is the one to hold it
        against (the copy's words are that text's), so one comparison is enough."""
        mine, nearest = member.shingle_set, member.reasons.nearest
        if mine is None or nearest is None or self.params.wire_containment <= 0:
            return
        other = self._members.get(nearest)
        if other is None or other.shingle_set is None:
            return
        share = containment(mine, other.shingle_set)
        if share >= self.params.wire_containment:
            root_id = other.wire_copy_of or other.doc.id
            member.wire_copy_of = root_id
            member.reasons = Reasons(score=round(share, 3), nearest=other.doc.id, note=f"wire copy of {root_id}",
                                     action="wire_copy", evidence=("contained",))

    def _first_seq(self, story: OpenStory) -> int:
        return min(self._members[m].seq for m in story.members)

    def _story(self, story: OpenStory) -> Story:
        members = sorted((self._members[m] for m in story.members), key=lambda m: m.seq)
        times = [m.doc.published for m in members]
        known = [t for t in times if t is not None]
        independent = [m for m in members if m.wire_copy_of is None]
        return Story(
            story_id=story.story_id,
            doc_ids=tuple(m.doc.id for m in members),
            title=(independent or members)[0].doc.title,
            first_published=min(known) if known else None,
            last_published=max(known) if known else None,
            outlets=tuple(dict.fromkeys(m.doc.source for m in members)),
            independent_outlets=len({m.doc.source for m in independent}),
            wire_copies=len(members) - len(independent),
            published=tuple(times),
        )

    def __len__(self) -> int:
        return len(self._members)


def _accumulate(story: OpenStory, member: _Member) -> None:
    """Add a member's features, time, years, names and numbers to its story's sums."""
    centroid, raw = story.centroid, member.raw
    centroid.update(zip(raw, map(add, map(centroid.get, raw, repeat(0.0)), raw.values()), strict=True))
    story.accumulated += 1
    widen(story, member.active)
    story.year_counts.update(member.years)
    story.carriers.update(member.specific)
    story.outlets[member.doc.source] += 1


def _sum_with_ids(story: OpenStory, members: list[_Member]) -> None:
    """:func:`_accumulate` of each member in turn on an emptied story, the same sums in the
    same order, at C speed: a big story's features and names as ids (:class:`FeatureTable`)."""
    if story.tables is None:
        story.tables = (FeatureTable(), FeatureTable())
    features, carried = story.tables
    by_id = {m.doc.id: m for m in members}
    story.centroid = features.sums(story.members, lambda d: by_id[d].raw, lambda d: by_id[d].values)
    story.carriers = Counter(carried.sums(story.members, lambda d: by_id[d].specific))
    story.year_counts = Counter(chain.from_iterable(m.years for m in members))
    story.outlets = Counter(m.doc.source for m in members)
    times = [m.active for m in members if m.active is not None]
    # min and max keep the first of equal times, as widen does
    story.first_active, story.last_active = (min(times), max(times)) if times else (None, None)
    story.accumulated = len(members)


def _strongest(shared: list[tuple[float, str]], limit: int) -> tuple[str, ...]:
    """The features that add most to a match, ties by name, without their kind prefix."""
    return tuple(dict.fromkeys(f[2:] for _, f in heapq.nsmallest(limit, shared)))


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
