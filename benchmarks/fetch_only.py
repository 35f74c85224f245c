"""The Fetcher alone against the local feed farm: 2,000 feeds, two passes.

First pass: every feed answers 200 with its body; second pass sends the ETags back
and every feed answers 304. Prints wall time, feeds/s and client CPU seconds per
pass, and the client's peak RSS. All feeds live on one host (127.0.0.1), so the
per-host bound is raised to the global one to model 2,000 different publishers.

    .venv/bin/python benchmarks/fetch_only.py [--feeds 2000] [--concurrency 100 200]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fetch_server import serve_feeds_in_subprocess

from progleton.fetch import Fetcher, FetchResult
from progleton.settings import Settings


async def one_pass(
    fetcher: Fetcher, urls: list[str], etags: dict[str, str | None]
) -> list[FetchResult | BaseException]:
    jobs = [fetcher.fetch_feed(url, etag=etags.get(url)) for url in urls]
    return await asyncio.gather(*jobs, return_exceptions=True)


def report(name: str, results: list[FetchResult | BaseException], wall: float, cpu: float) -> None:
    statuses: dict[str, int] = {}
    for result in results:
        key = str(result.status) if isinstance(result, FetchResult) else type(result).__name__
        statuses[key] = statuses.get(key, 0) + 1
    print(
        f"  {name}: {len(results)} feeds in {wall:.2f} s = {len(results) / wall:,.0f} feeds/s, "
        f"client CPU {cpu:.2f} s, statuses {statuses}"
    )


async def bench(urls: list[str], concurrency: int) -> None:
    settings = Settings().replace(
        allowed_hosts="127.0.0.1", concurrency=concurrency, per_host_concurrency=concurrency
    )
    etags: dict[str, str | None] = {}
    async with Fetcher(settings) as fetcher:
        for name in ("first pass (200)", "second pass (304)"):
            cpu, wall = time.process_time(), time.perf_counter()
            results = await one_pass(fetcher, urls, etags)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            report(name, results, wall, cpu)
            etags = {
                u: r.etag for u, r in zip(urls, results, strict=True) if isinstance(r, FetchResult)
            }


def main() -> None:
    parser = argparse.ArgumentParser(description="Fetcher throughput on the local feed farm.")
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--server-workers", type=int, default=2, help="server processes")
    args = parser.parse_args()
    farm_options = {"feeds": args.feeds, "latency": args.latency, "workers": args.server_workers}
    with serve_feeds_in_subprocess(**farm_options) as farm:
        urls = farm.feed_urls()
        print(
            f"fetch-only benchmark: {args.feeds} feeds x 20 items, {args.latency * 1000:.0f} ms "
            f"latency, {args.server_workers} server process(es)"
        )
        for concurrency in args.concurrency:
            print(f" concurrency {concurrency}:")
            asyncio.run(bench(urls, concurrency))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f" client peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
