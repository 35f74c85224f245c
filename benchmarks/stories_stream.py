"""Story-grouping stream benchmark: speed and memory over a long generated news stream.

Generates ``--docs`` articles (default 100,000) over simulated weeks: many stories, each told by
several outlets in their own words over one to three days, some carried as wire copies, stories
of the same kind (same topic words) running at the same time. Feeds them one at a time, closing
quiet stories every simulated hour, and prints docs/s assigned, peak and current memory, the open
window size as the stream goes, and pairwise precision/recall/F1 of the grouping against the
generated truth.

    .venv/bin/python benchmarks/stories_stream.py [--docs 100000] [--seed 0] [--pool N]

By default the texts are read as an update of 1,000 articles or more reads them on this machine,
in the extraction pool ahead of the assigning; ``--pool 0`` reads and assigns in one process.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from progleton.settings import Settings
from progleton.stories import Doc, StoryGrouper
from progleton.stories.scoring import GroupingScores, score_grouping
from progleton.workers import pool_size, process_pool

START = datetime(2026, 1, 5, tzinfo=UTC)
SYLLABLES = "ka lo mi ne ru sa to vi da pe zu ha ri mo ke ta bu lin gor an es ur ol im".split()


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


@dataclass
class _Story:
    key: int
    start: datetime
    topic: list[str]
    names: list[str]
    facts: list[str]
    numbers: list[str]
    wire: str | None = None


class NewsStream:
    """A reproducible generated stream of (doc, true story) in publication order."""

    def __init__(self, seed: int, docs: int, per_day: int = 1500) -> None:
        self.rng = random.Random(seed)
        self.docs, self.per_day = docs, per_day
        self.common = [_word(self.rng, 2) for _ in range(3000)]
        self.topics = [[_word(self.rng, 3) for _ in range(40)] for _ in range(60)]
        self.outlets = [f"outlet{i}" for i in range(300)]

    def _new_story(self, key: int, when: datetime) -> _Story:
        rng = self.rng
        return _Story(
            key=key,
            start=when,
            topic=rng.choice(self.topics),
            names=[_word(rng, 3).capitalize() + " " + _word(rng, 3).capitalize() for _ in range(4)],
            facts=[_word(rng, 4) for _ in range(12)],
            numbers=[str(rng.randint(2, 9999)) for _ in range(3)],
        )

    def _text(self, story: _Story) -> tuple[str, str]:
        rng = self.rng
        sentences = []
        for _ in range(rng.randint(5, 9)):
            words = (
                rng.sample(self.common, 8) + rng.sample(story.topic, 3) + rng.sample(story.facts, 2)
            )
            rng.shuffle(words)
            words.insert(rng.randint(0, len(words)), rng.choice(story.names))
            if rng.random() < 0.5:
                words.insert(rng.randint(0, len(words)), rng.choice(story.numbers))
            sentences.append(" ".join(words).capitalize() + ".")
        title_words = [
            rng.choice(story.names),
            *rng.sample(story.topic, 2),
            *rng.sample(story.facts, 2),
        ]
        return " ".join(title_words).title(), " ".join(sentences)

    def __iter__(self):  # -> Iterator[tuple[Doc, int]]
        rng = self.rng
        open_stories: list[_Story] = []
        key = 0
        gap = timedelta(days=1) / self.per_day
        for i in range(self.docs):
            when = START + gap * i
            open_stories = [s for s in open_stories if when - s.start < timedelta(days=3)]
            if not open_stories or rng.random() < 0.15:
                key += 1
                open_stories.append(self._new_story(key, when))
            story = rng.choice(open_stories[-400:])
            title, text = self._text(story)
            if story.wire is None and rng.random() < 0.2:
                story.wire = text
            elif story.wire is not None and rng.random() < 0.1:
                text = story.wire
            yield Doc(f"d{i}", "", rng.choice(self.outlets), title, text, when), story.key


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _update_pool_size() -> int:
    """The extraction pool an update reads texts in when it assigns 1,000 articles or more
    (``Progleton._process_pool``): ``extract_workers``, 0 meaning one per core; none with one."""
    workers = pool_size(Settings().extract_workers)
    return workers if workers > 1 else 0


def _machine_seconds() -> float:
    """How fast this machine runs Python today: the same machine's speed has varied by half
    between sessions (docs/benchmarks.md), so docs/s from two days compare only with this."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--pool",
        type=int,
        default=None,
        help="read the texts in a pool of N processes ahead of the assigning (StoryGrouper.add_many); "
        "0: all in this process. Default: as an update of 1,000 articles or more runs on this "
        "machine, in the extraction pool (extract_workers: one process per core)",
    )
    args = parser.parse_args()
    if args.pool is None:
        args.pool = _update_pool_size()
    print(f"machine: {_machine_seconds():.2f} s for a pure-Python loop of 10M additions", flush=True)
    print(
        f"texts read in a pool of {args.pool} process{'es' if args.pool > 1 else ''} ahead of the assigning"
        if args.pool
        else "texts read and assigned in this one process (--pool 0)",
        flush=True,
    )
    stream = list(NewsStream(args.seed, args.docs))  # generated up front: not timed
    print(f"generated {len(stream)} docs; rss before grouping {_rss_mib():.0f} MiB", flush=True)
    grouper = StoryGrouper(Settings())
    predicted, truth = [], []
    next_close = START + timedelta(hours=1)
    checkpoints = {args.docs * k // 4 for k in (1, 2, 3, 4)}
    pool = None
    if args.pool:
        pool = process_pool(args.pool)
        pool.submit(int).result()  # started before the clock, as an update's extraction pool is
    assigned = grouper.add_many((doc for doc, _ in stream), pool)
    started, cpu_started = time.perf_counter(), time.process_time()
    for n, (doc, key) in enumerate(stream, 1):
        if doc.published and doc.published >= next_close:
            grouper.close_quiet(doc.published)
            next_close += timedelta(hours=1)
        predicted.append(next(assigned).story_id)  # add_many reads ahead, assigns one at a time
        truth.append(key)
        if n in checkpoints:
            took = time.perf_counter() - started
            print(
                f"{n:>7} docs  {n / took:7.0f} docs/s  rss {_rss_mib():6.0f} MiB  "
                f"open docs {len(grouper):6d}  open stories {len(grouper.stories()):5d}",
                flush=True,
            )
    took, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    scores = score_grouping(predicted, truth)
    days = (stream[-1][0].published - START).days if stream[-1][0].published else 0
    print(
        f"assigned {args.docs} docs over {days} simulated days in {took:.1f} s: "
        f"{args.docs / took:.0f} docs/s; peak RSS {peak:.0f} MiB (includes the generated stream)"
    )
    # the machine's speed drifts within the hour: the assigning process's CPU time compares code
    print(f"CPU time of the assigning process {cpu:.1f} s ({cpu / args.docs * 1e3:.2f} ms a doc)")
    print(scores_line(scores))
    return 0


def scores_line(scores: GroupingScores) -> str:
    """A grouping's scores against the generated truth, on one line."""
    return (f"pairwise P {scores.pairwise_precision:.3f} R {scores.pairwise_recall:.3f} "
            f"F1 {scores.pairwise_f1:.3f}  BCubed F1 {scores.bcubed_f1:.3f}")


if __name__ == "__main__":
    sys.exit(main())
