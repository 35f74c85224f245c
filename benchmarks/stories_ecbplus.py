"""ECB+ story-grouping benchmark: pairwise F1 (primary), BCubed F1 and ARI, mean ± std over 5 orders.

Protocol (/work/shared/bench/stories/README.md): feed the articles one at a time through
``StoryGrouper`` in a shuffled order (seeds 0 to 4), no look-ahead, no gold labels; score the final
grouping. Parameters are chosen on train; dev is only reported.

    .venv/bin/python benchmarks/stories_ecbplus.py [--split train|dev|both] [--wire]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path

from progleton.stories import Doc, GroupingParams, StoryGrouper
from progleton.stories.scoring import GroupingScores, score_grouping
from progleton.stories.wire import WireIndex

CORPUS = Path(os.environ.get("PROGLETON_BENCH", "/work/shared/bench")) / "stories" / "ecbplus"
SEEDS = (0, 1, 2, 3, 4)


def load_split(split: str, corpus: Path = CORPUS) -> list[dict]:
    """The articles of one split, in file order."""
    with (corpus / f"{split}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def run_order(
    articles: list[dict], seed: int, params: GroupingParams | None = None
) -> GroupingScores:
    """Feed one shuffled order through a fresh grouper and score the final grouping."""
    order = articles[:]
    random.Random(seed).shuffle(order)
    grouper = StoryGrouper(params=params)
    for a in order:
        grouper.add(
            Doc(a["id"], a.get("url") or "", a["id"], a["title"] or "", a["text"] or "", None)
        )
    return score_grouping(
        [grouper.story_of(a["id"]) for a in articles], [a["gold"] for a in articles]
    )


def evaluate(
    articles: list[dict], params: GroupingParams | None = None
) -> dict[str, tuple[float, float]]:
    """Mean and standard deviation of each score over the five orders."""
    runs = [run_order(articles, seed, params) for seed in SEEDS]
    out = {}
    for name in ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_f1", "ari"):
        values = [getattr(r, name) for r in runs]
        out[name] = (statistics.mean(values), statistics.stdev(values))
    return out


def wire_report(articles: list[dict]) -> None:
    """Highest shingle Jaccard between two different articles of the same event, and of any two."""
    index = WireIndex()
    sigs = [index.signature(a["title"], a["text"])[0] for a in articles]
    same, other = [], []
    for i, j in combinations(range(len(articles)), 2):
        if sigs[i] is None or sigs[j] is None:
            continue
        jac = sigs[i].jaccard(sigs[j])
        (same if articles[i]["gold"] == articles[j]["gold"] else other).append(jac)
    for label, values in (("same event", same), ("different events", other)):
        values.sort()
        print(
            f"  {label}: {len(values)} pairs, max Jaccard {values[-1]:.3f}, "
            f"99.9th pct {values[int(len(values) * 0.999)]:.3f}, above 0.5: {sum(v >= 0.5 for v in values)}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "dev", "both"), default="both")
    parser.add_argument(
        "--wire", action="store_true", help="also report shingle Jaccard between articles"
    )
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"ECB+ corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    splits = ("train", "dev") if args.split == "both" else (args.split,)
    for split in splits:
        articles = load_split(split)
        started = time.perf_counter()
        scores = evaluate(articles)
        took = time.perf_counter() - started
        print(
            f"{split}: {len(articles)} docs, {len({a['gold'] for a in articles})} events, "
            f"5 orders in {took:.1f} s"
        )
        for name, (mean, std) in scores.items():
            print(f"  {name:<19} {mean:.3f} ± {std:.3f}")
        if args.wire:
            wire_report(articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
