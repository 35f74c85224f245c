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

This module holds the grouper's state and its way through an add (steps 1 and 2, and keeping a
story's sums); the rest of its methods are kept by what they do, as functions of the grouper
bound here (``_check_split = repair.check_split``): choosing a story and the weights it reads
(:mod:`.choice`), the repair by splitting and regrouping (:mod:`.repair`), a user's corrections
(:mod:`.corrections`), saving and restoring (:mod:`.restart`) and reading the open stories
(:mod:`.reading`). Bound, each is still one method lookup on the hot path, and a patch of a
method on the class is seen by every call.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import compress, islice
from typing import TypeVar

import numpy as np

from ..settings import Settings
from . import choice, corrections, reading, repair, restart
from .batch import fewer_collections
from .cut import split_sizes
from .index import StoryIndex, Vocabulary
from .member import Member, accumulate, sum_with_ids
from .model import Assignment, Doc, Reasons
from .names import is_name
from .params import GroupingParams
from .similarity import kind_codes
from .state import MemberState, from_micros
from .story import REBUILD_WITH_IDS_FROM, OpenStory
from .textparts import TextParts, text_parts, text_parts_batch, wire_index_for
from .wire import containment

T = TypeVar("T")
Row = TypeVar("Row", bound=tuple)  # type: ignore[type-arg]  # a doc first, then anything
# add_many and load_many with a process pool: docs per task, and tasks computed ahead
LOAD_BATCH = 256
LOAD_AHEAD = 4
_YEAR = re.compile(r"^d:(?:19|20)\d\d$")


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
        self._members: dict[str, Member] = {}
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

    def add_many(self, docs: Iterable[Doc], executor: Executor | None = None) -> Generator[Assignment, None, None]:
        """:meth:`add` each doc in order, yielding its assignment. With ``executor`` (a process
        pool), the docs' text parts are computed there, a few batches ahead of the assigning
        here, as :meth:`load_many` does: the same values, so the same stories."""
        with fewer_collections():
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
    ) -> Member:
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
        return Member(
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

    def _repeats_evidence(self, member: Member, story_id: str) -> bool:
        """Whether a doc just counted in the vocabulary (:meth:`_prepare`) only repeats evidence
        counted already, so that it is taken back out: another report by an outlet already in
        the story it joins (an update, a live blog's next entry, a feed posting the same item
        hundreds of times). Document frequencies say how many independent texts use a word; a
        flood of near-identical items from one feed had raised the count of docs by 300 and with
        it every other word's weight alike, which flattened the contrast between rare and
        common words in every other comparison (a stabbing in Lyon then joined a museum theft
        in Lyon: 0.67 without the flood, 0.76 with it). An outlet is a ``Doc.source`` as it was
        when each member came (:func:`~progleton.pipeline.stored_doc`): after its source's site
        changed, a new report is not taken for its earlier ones' outlet until the grouper is
        rebuilt; a site change affects later assignments only, never those made."""
        story = self._stories.get(story_id)
        return story is not None and story.outlets[member.doc.source] > 0

    def _is_short(self, doc: Doc) -> bool:
        return len(doc.text.split()) < self.params.wire_short_words

    def _copy_within(self, member: Member) -> None:
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

    def _index_keys(
        self, raw: dict[str, float], slots: np.ndarray, specific: frozenset[str]
    ) -> tuple[str, ...]:
        """The doc's names and numbers, and its rarest words."""
        is_word = kind_codes(raw) <= 1  # "w" and "t"
        words = list(compress(raw, is_word.tolist()))
        return tuple(sorted(specific.union(rarest(words, self.vocabulary.idfs(slots[is_word]),
                                                  self.params.index_features))))

    def _assignment(self, member: Member, *, new_story: bool) -> Assignment:
        return Assignment(
            doc_id=member.doc.id,
            story_id=member.story_id,
            wire_copy_of=member.wire_copy_of,
            new_story=new_story,
            reasons=member.reasons,
        )

    # -- choosing a story, and the weights it reads (choice.py) ----------------------------

    _query = choice.query
    _choose_story = choice.choose_story
    _nearest_stories = choice.nearest_stories
    _model_for = choice.model_for
    _match = choice.match
    _with_nearest = choice.with_nearest
    _join_reasons = choice.join_reasons
    _carrier_sq = choice.carrier_sq
    _norms = choice.norms
    _centroid_norms = choice.centroid_norms
    _raw_of = choice.raw_of
    _specific_of = choice.specific_of
    _weighted = choice.weighted
    _weigh = choice.weigh_member

    # -- repair (repair.py) ----------------------------------------------------------------

    _check_split = repair.check_split
    _reoffer = repair.reoffer
    _reoffer_score = repair.reoffer_score
    _pair_matrices = repair.pair_matrices

    # -- state -----------------------------------------------------------------------------

    def _attach(self, member: Member, story_id: str) -> None:
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = OpenStory(story_id)
        member.story_id = story_id
        self._members[member.doc.id] = member
        story.members.append(member.doc.id)
        if len(story.members) > self.params.nearest_members:
            # only the recent members are compared one by one: drop the older one's cached vector
            self._members[story.members[-self.params.nearest_members - 1]].weighted = (-1, {})
        accumulate(story, member)
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
            sum_with_ids(story, members)
            return
        story.centroid = {}
        story.accumulated = 0
        story.first_active = story.last_active = None
        story.year_counts = Counter()
        story.carriers = Counter()
        story.outlets = Counter()
        for m in members:
            accumulate(story, m)

    def _relocate(
        self, members: list[Member], from_id: str, target: OpenStory, reasons: Reasons | None = None
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

    # -- corrections (corrections.py) and closing ------------------------------------------

    set_wire_copy_of = corrections.set_wire_copy_of
    open_story_ids = corrections.open_story_ids
    move = corrections.move
    _detach = corrections.detach
    merge = corrections.merge

    @property
    def latest_news(self) -> datetime | None:
        """The latest publication time of the docs seen so far (None before a dated one)."""
        return self._clock

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

    # -- saving and restoring (restart.py) -------------------------------------------------

    load = restart.load
    load_many = restart.load_many
    _load = restart.load_doc
    state = restart.state
    restore_state = restart.restore_state
    replay_since = staticmethod(restart.replay_since)
    _member_state = restart.member_state
    _closed_before_state = restart.closed_before_state
    _finish_restore = restart.finish_restore

    # -- reading (reading.py) --------------------------------------------------------------

    story_of = reading.story_of
    reasons = reading.reasons
    nearby = reading.nearby
    same_event = reading.same_event
    _open = reading.open_story
    stories = reading.stories
    _first_seq = reading.first_seq
    _story = reading.as_story

    def __len__(self) -> int:
        return len(self._members)


def rarest(words: list[str], idfs: np.ndarray, count: int) -> list[str]:
    """The ``count`` words of highest inverse document frequency (``idfs``, in the words'
    order), ties by name: the words of ``heapq.nsmallest(count, zip(-idfs, words))``, found as
    those above the count-th highest weight and the first by name of those at it (the same
    words, in a third of the time: a doc has about a hundred words, many of them tied)."""
    if len(words) <= count:
        return words
    kth = idfs[np.argpartition(idfs, len(idfs) - count)[len(idfs) - count]]  # the count-th highest
    above = idfs > kth
    chosen = list(compress(words, above.tolist()))
    tied = sorted(compress(words, (idfs == kth).tolist()))
    return chosen + tied[: count - len(chosen)]


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
