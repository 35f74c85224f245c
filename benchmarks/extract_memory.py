"""Extraction memory stays flat: the 181 scrapinghub pages extracted in several passes in
one process, with the resident set size after each pass.

    .venv/bin/python benchmarks/extract_memory.py [--passes 4]
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

from progleton.extract import extract

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "extraction" / "scrapinghub"


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=4)
    args = parser.parse_args()
    truth = json.loads((CORPUS / "ground-truth.json").read_text())
    pages = [(gzip.decompress((CORPUS / "html" / f"{key}.html.gz").read_bytes()), item["url"])
             for key, item in truth.items()]
    for n in range(1, args.passes + 1):
        start = time.perf_counter()
        for html, url in pages:
            extract(html, url=url)
        rate = len(pages) / (time.perf_counter() - start)
        print(f"pass {n}: {rate:.1f} pages/s, RSS {rss_mib():.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
