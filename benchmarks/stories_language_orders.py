"""The language test's stream fed in shuffled orders: which events merge, in which orders, and how.

``tests/stories/test_languages.py`` feeds its streams in publication order only; a grouper takes
docs one at a time, and another order can meet another decision. This feeds each stream of
``tests/stories/stream_languages.py`` (the four languages; with the two Thai quakes; with the
other Thai events too) in publication order and in ``--orders`` shuffled ones (seeds 1 to N),
each through a fresh grouper, and prints, per order, the events that ended in one story and
the step that first put two events together (the doc added, joined or started, and any story
regrouped into another by that add, with its probability).

    .venv/bin/python benchmarks/stories_language_orders.py [--orders 9] [--stream all|plain|thai|marked]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

from progleton.settings import Settings
from progleton.stories import Assignment, Doc, StoryGrouper

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.stories.stream_languages import (
    EXPECTED,
    THAI_EXPECTED,
    THAI_MARKED_EXPECTED,
    language_docs,
    thai_marked_docs,
)


def streams() -> dict[str, tuple[list[Doc], dict[str, str]]]:
    """Each stream of the language test, in publication order, with its docs' events."""
    marked = sorted(language_docs(thai=True) + thai_marked_docs(), key=lambda d: (d.published, d.id))
    return {
        "plain": (language_docs(), EXPECTED),
        "thai": (language_docs(thai=True), EXPECTED | THAI_EXPECTED),
        "marked": (marked, EXPECTED | THAI_EXPECTED | THAI_MARKED_EXPECTED),
    }


def ordered(docs: list[Doc], seed: int | None) -> list[Doc]:
    """The docs in publication order (``seed`` None) or shuffled by ``random.Random(seed)``."""
    order = list(docs)
    if seed is not None:
        random.Random(seed).shuffle(order)
    return order


def merged_events(grouper: StoryGrouper, events: dict[str, str]) -> list[str]:
    """The sets of events that share a story, each as "a+b"."""
    seen = [doc_id for doc_id in events if doc_id in grouper._members]
    by_story: defaultdict[str, set[str]] = defaultdict(set)
    for doc_id in seen:
        by_story[grouper.story_of(doc_id)].add(events[doc_id])
    return sorted("+".join(sorted(e)) for e in by_story.values() if len(e) > 1)


def _step(assignment: Assignment) -> str:
    r = assignment.reasons
    moved = "; ".join(
        f"{a.doc_id} regrouped into it at {a.reasons.score:.2f}" for a in assignment.regrouped
    )
    return f"{assignment.doc_id} {r.action} {assignment.story_id} at {r.score:.2f}" + (
        f" ({moved})" if moved else ""
    )


def run_order(docs: list[Doc], events: dict[str, str], seed: int | None) -> tuple[list[str], str]:
    """Feed one order; the merged events at the end, and the step that first merged two."""
    grouper = StoryGrouper(Settings())
    first = ""
    for doc in ordered(docs, seed):
        assignment = grouper.add(doc)
        if not first and merged_events(grouper, events):
            first = _step(assignment)
    return merged_events(grouper, events), first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=9, help="shuffled orders, seeds 1 to N")
    parser.add_argument("--stream", choices=("all", "plain", "thai", "marked"), default="all")
    args = parser.parse_args()
    for name, (docs, events) in streams().items():
        if args.stream not in ("all", name):
            continue
        merging = 0
        print(f"{name}: {len(docs)} docs, {len(set(events[d.id] for d in docs))} events")
        for seed in [None, *range(1, args.orders + 1)]:
            merged, first = run_order(docs, events, seed)
            merging += bool(merged)
            label = "publication" if seed is None else f"seed {seed}"
            print(f"  {label:12} {', '.join(merged) or 'apart'}" + (f"  [first: {first}]" if first else ""))
        print(f"  orders with a merge: {merging} of {args.orders + 1}")


if __name__ == "__main__":
    main()
