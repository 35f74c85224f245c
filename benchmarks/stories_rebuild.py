"""Replaying a stored window into a fresh grouper (every start-up): in one process, and with its
texts read in a process pool (``StoryGrouper.load_many``). Checks that both give the same state.

The window is the ECB+ corpus copied ``--copies`` times (long articles, as real ones are), each
copy its own stories, a minute apart.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta

from stories_ecbplus import CORPUS, load_split  # type: ignore[import-not-found]

from progleton.settings import Settings
from progleton.stories import Doc, StoryGrouper


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"ECB+ corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    docs = load_split("train") + load_split("dev")
    start = datetime(2026, 11, 1, tzinfo=UTC)
    rows: list[tuple[Doc, str, str | None]] = []
    for copy in range(args.copies):
        for i, d in enumerate(docs):
            doc = Doc(id=f"{copy}-{d['id']}", url="", source=str(i % 50), title=d["title"],
                      text=f"{d['text']} copy {copy}", published=start + timedelta(minutes=len(rows)))
            rows.append((doc, f"s{copy}-{d['gold']}", None))
    alone = StoryGrouper(Settings())
    started = time.perf_counter()
    alone.load_many(rows)
    one = time.perf_counter() - started
    with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(int).result()  # the workers are up: their start is not timed
        pooled = StoryGrouper(Settings())
        started = time.perf_counter()
        pooled.load_many(rows, pool)
        many = time.perf_counter() - started
    same = alone.state() == pooled.state()
    print(f"{len(rows)} docs: one process {one:.1f} s, pool of {args.workers} {many:.1f} s; same state: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
