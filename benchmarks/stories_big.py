"""Story-grouping benchmark for one big story: docs/s as a single event gathers thousands of reports.

An election or a war can gather 5,000 reports and more in one open story. This feeds ``--docs``
articles (default 20,000), ``--share`` of them (default half) reports of one event, the rest the
ordinary generated stream of ``stories_stream.py``. The event's reports are re-worded from its
core (names, facts, topic words, as the stream's stories are), each with a development sentence
whose names and words come from a growing tail (new people and places as the story moves on, the
recent ones likelier), so the story's vocabulary grows as a real one's does; some are wire copies
of one of its recent agency texts. Prints docs/s for each block of 1,000 docs (also by the process's CPU
time, which other work on the machine disturbs less), with the size of the largest story and RSS;
then pairwise F1 against the generated truth.
``--profile`` prints cProfile's top functions instead of the timings (slower, but where the time goes).

    .venv/bin/python benchmarks/stories_big.py [--docs 20000] [--share 0.5] [--seed 0] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

from stories_stream import (  # type: ignore[import-not-found]
    START,
    NewsStream,
    _machine_seconds,
    _rss_mib,
    _word,
    scores_line,
)

from progleton.settings import Settings
from progleton.stories import Doc, StoryGrouper
from progleton.stories.scoring import score_grouping

BIG = -1  # the event's key in the truth


class BigEvent:
    """Reports of one event: the core re-worded, a development from a growing tail, wire copies."""

    def __init__(self, stream: NewsStream, rng: random.Random) -> None:
        self.stream, self.rng = stream, rng
        self.core = stream._new_story(BIG, START)
        self.tail_names: list[str] = []
        self.tail_words: list[str] = []
        self.wires: list[str] = []

    def _development(self) -> str:
        rng = self.rng
        if not self.tail_names or rng.random() < 0.3:  # someone new in the news
            self.tail_names.append(_word(rng, 3).capitalize() + " " + _word(rng, 3).capitalize())
        if not self.tail_words or rng.random() < 0.5:
            self.tail_words.append(_word(rng, 4))
        recent_names, recent_words = self.tail_names[-40:], self.tail_words[-60:]
        words = [*rng.sample(self.stream.common, 6), *rng.sample(self.core.topic, 2)]
        words += rng.sample(recent_words, min(3, len(recent_words)))
        words.insert(rng.randint(0, len(words)), rng.choice(recent_names))
        if rng.random() < 0.5:
            words.insert(rng.randint(0, len(words)), str(rng.randint(2, 99999)))
        return " ".join(words).capitalize() + "."

    def report(self) -> tuple[str, str]:
        """A title and text: a wire copy, or the core re-worded with a development."""
        rng = self.rng
        if self.wires and rng.random() < 0.15:
            return rng.choice(self.wires[-5:])
        title, text = self.stream._text(self.core)
        text = f"{text} {self._development()}"
        if rng.random() < 0.03:
            self.wires.append((title, text))
        return title, text


def big_stream(docs: int, share: float, seed: int, per_day: int = 1500) -> Iterator[tuple[Doc, int]]:
    """(doc, true story) in publication order: the event's reports among the ordinary stream."""
    rng = random.Random(seed + 1)
    background = iter(NewsStream(seed, docs, per_day=max(1, round(per_day * (1 - share)))))
    event = BigEvent(NewsStream(seed + 2, 0), rng)
    gap = timedelta(days=1) / per_day
    for i in range(docs):
        when = START + gap * i
        if rng.random() < share:
            title, text = event.report()
            yield Doc(f"big{i}", "", rng.choice(event.stream.outlets), title, text, when), BIG
        else:
            doc, key = next(background)
            yield replace(doc, id=f"d{i}", published=when), key


def _largest(grouper: StoryGrouper) -> int:
    return max((len(s.doc_ids) for s in grouper.stories()), default=0)


def run(stream: list[tuple[Doc, int]]) -> tuple[StoryGrouper, list[str]]:
    """Feed the stream, closing quiet stories every simulated hour; print a line per 1,000 docs."""
    grouper = StoryGrouper(Settings())
    predicted: list[str] = []
    next_close = START + timedelta(hours=1)
    took = block = cpu = 0.0
    for n, (doc, _) in enumerate(stream, 1):
        started, cpu_started = time.perf_counter(), time.process_time()
        if doc.published and doc.published >= next_close:
            grouper.close_quiet(doc.published)
            next_close += timedelta(hours=1)
        predicted.append(grouper.add(doc).story_id)
        spent = time.perf_counter() - started
        took, block, cpu = took + spent, block + spent, cpu + time.process_time() - cpu_started
        if n % 1000 == 0:
            event = [s for s, (_, key) in zip(predicted, stream, strict=False) if key == BIG]
            biggest = max(event.count(s) for s in set(event)) if event else 0
            print(
                f"{n:>7} docs  {1000 / block:6.0f} docs/s (these 1,000; {1000 / cpu:4.0f} by CPU time)  "
                f"{n / took:6.0f} overall  largest story {_largest(grouper):5d}  "
                f"event in one story {biggest:5d}  rss {_rss_mib():5.0f} MiB",
                flush=True,
            )
            block = cpu = 0.0
    print(f"assigned {len(stream)} docs in {took:.1f} s: {len(stream) / took:.0f} docs/s")
    return grouper, predicted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--share", type=float, default=0.5, help="share of the docs that report the event")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()
    print(f"machine: {_machine_seconds():.2f} s for a pure-Python loop of 10M additions", flush=True)
    stream = list(big_stream(args.docs, args.share, args.seed))  # generated up front: not timed
    events = sum(key == BIG for _, key in stream)
    print(f"generated {len(stream)} docs, {events} of one event; rss {_rss_mib():.0f} MiB", flush=True)
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(run, stream)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return 0
    _, predicted = run(stream)
    scores = score_grouping(predicted, [key for _, key in stream])
    print(scores_line(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
