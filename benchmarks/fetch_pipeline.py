"""Benchmark the real update pipeline on 2,000 local feeds (issue: feeds §4).

A feed farm on 127.0.0.1 (a separate process) serves 2,000 RSS feeds x 20 items with
50 ms latency and ETags. Progleton updates them into a fresh SQLite file (fetch, parse,
store new entries; article-page fetching off) twice: the first pass gets 200s, the
second 304s. Story grouping of the new articles is timed as its own phase. Then
lemon24/reader updates the same feeds with workers=20, in a subprocess, for the ratio.

    .venv/bin/python benchmarks/fetch_pipeline.py [--feeds 2000] [--concurrency 100] [--no-reader]

All feeds share one host here, so the per-host bound is set equal to the global bound
(on the real web the per-host bound keeps us polite; here it would only measure itself).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fetch_server import serve_feeds_in_subprocess

from progleton import make_progleton
from progleton.core import Progleton


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_pass(app: Progleton, *, group: bool) -> dict[str, float]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = asyncio.run(app.update_async(due_only=False, group=group))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    statuses: dict[str, int] = {}
    for s in result.sources:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "feeds": len(result.sources),
        "feeds_per_s": len(result.sources) / wall,
        "new_entries": result.new_entries,
        "statuses": statuses,
    }  # type: ignore[dict-item]


READER_SCRIPT = r"""
import json, resource, sys, time
from reader import make_reader
urls = json.load(open(sys.argv[2]))
reader = make_reader(sys.argv[1])
for url in urls:
    reader.add_feed(url)
out = []
for _ in range(2):
    cpu0, wall0 = time.process_time(), time.perf_counter()
    reader.update_feeds(workers=20, scheduled=False)
    out.append({"wall_s": time.perf_counter() - wall0, "cpu_s": time.process_time() - cpu0})
# VmHWM, not ru_maxrss: the latter carries the parent's peak across fork and exec.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
out.append({"peak_rss_mib": hwm / 1024,
            "entries": reader.get_entry_counts().total})
print(json.dumps(out))
"""


def run_reader(urls: list[str], folder: Path) -> list[dict[str, float]]:
    url_file = folder / "urls.json"
    url_file.write_text(json.dumps(urls))
    done = subprocess.run([sys.executable, "-c", READER_SCRIPT, str(folder / "reader.sqlite"), str(url_file)],
                          capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise SystemExit(f"reader failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--no-reader", action="store_true")
    parser.add_argument("--group", action="store_true", help="also time story grouping of the new articles")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_feeds_in_subprocess(feeds=args.feeds, items=args.items, latency=args.latency) as farm,
    ):
        folder = Path(tmp)
        urls = farm.feed_urls()
        app = make_progleton(
            f"sqlite:///{folder / 'bench.db'}",
            allowed_hosts="127.0.0.1",
            fetch_articles=False,
            concurrency=args.concurrency,
            per_host_concurrency=args.concurrency,
        )
        for url in urls:
            app.store.add_source(url)
        print(
            f"{args.feeds} feeds x {args.items} items, {args.latency * 1000:.0f} ms latency, "
            f"concurrency {args.concurrency}"
        )
        first = timed_pass(app, group=False)
        print(
            f"progleton pass 1 (200s): {first['wall_s']:.2f} s wall, {first['feeds_per_s']:.0f} feeds/s, "
            f"{first['cpu_s']:.2f} s CPU, {first['new_entries']} entries, {first['statuses']}"
        )
        second = timed_pass(app, group=False)
        print(f"progleton pass 2 (304s): {second['wall_s']:.2f} s wall, {second['feeds_per_s']:.0f} feeds/s, "
              f"{second['cpu_s']:.2f} s CPU, {second['statuses']}")
        print(f"progleton peak RSS (fetch passes): {peak_rss_mib():.0f} MiB")
        if args.group:
            # These generated feeds are 40,000 near-identical texts: a stress test for the
            # grouper's candidate bounds, not a realistic news stream (see stories_stream.py).
            cpu0, wall0 = time.process_time(), time.perf_counter()
            grouped = app.assign_stories()
            group_wall = time.perf_counter() - wall0
            print(f"progleton grouping: {grouped} articles in {group_wall:.2f} s "
                  f"({grouped / max(group_wall, 1e-9):.0f} docs/s, {time.process_time() - cpu0:.2f} s CPU)")
        app.close()
        if not args.no_reader:
            r1, r2, extra = run_reader(urls, folder)
            print(
                f"reader (workers=20) pass 1: {r1['wall_s']:.2f} s, pass 2: {r2['wall_s']:.2f} s, "
                f"peak RSS {extra['peak_rss_mib']:.0f} MiB, {extra['entries']} entries"
            )
            print(
                f"ratio (reader / progleton): pass 1 {r1['wall_s'] / first['wall_s']:.1f}x, "
                f"pass 2 {r2['wall_s'] / second['wall_s']:.1f}x"
            )


if __name__ == "__main__":
    main()
