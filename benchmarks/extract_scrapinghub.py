"""Article-extraction quality and speed on the Zyte (scrapinghub) benchmark pages.

    .venv/bin/python benchmarks/extract_scrapinghub.py [--only ours|trafilatura] [--limit N]

Scores ``progleton.extract.extract(...).text`` and plain trafilatura (default settings) with
the benchmark's own scoring (``progleton.extract.evaluation``): F1, precision, recall and
accuracy, each ± the standard deviation over 1,000 bootstrap resamples, and pages/s in one
process (decompression and scoring excluded).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import trafilatura

from progleton.extract import extract
from progleton.extract.evaluation import PageScore, bootstrap, figures, score_page

CORPUS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "extraction" / "scrapinghub"
)
FALLBACK_CORPUS = Path("/work/shared/bench/extraction/scrapinghub")


def load_corpus(root: Path) -> list[tuple[str, str, str, bytes]]:
    """(sha, url, true text, html bytes) for every page of the corpus."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for sha, item in sorted(truth.items()):
        html = gzip.decompress((root / "html" / f"{sha}.html.gz").read_bytes())
        pages.append((sha, item.get("url", ""), item.get("articleBody", ""), html))
    return pages


def ours(html: bytes, url: str) -> str:
    return extract(html, url=url).text


def trafilatura_default(html: bytes, url: str) -> str:
    return trafilatura.extract(html, url=url, include_comments=False) or ""


EXTRACTORS: dict[str, Callable[[bytes, str], str]] = {
    "ours": ours,
    "trafilatura": trafilatura_default,
}


def run(name: str, pages: list[tuple[str, str, str, bytes]]) -> tuple[list[PageScore], float]:
    """Scores of one extractor on every page, and its pages per second."""
    extractor = EXTRACTORS[name]
    outputs: list[str] = []
    started = time.perf_counter()
    for _sha, url, _truth, html in pages:
        outputs.append(extractor(html, url))
    elapsed = time.perf_counter() - started
    scores = [
        score_page(truth, out) for (_s, _u, truth, _h), out in zip(pages, outputs, strict=True)
    ]
    return scores, len(pages) / elapsed


def report(name: str, scores: list[PageScore], pages_per_second: float) -> str:
    """One line of figures."""
    fig, std = figures(scores), bootstrap(scores)
    return (
        f"{name:<12} F1={fig.f1:.3f} ± {std.f1:.3f}  precision={fig.precision:.3f} ± {std.precision:.3f}"
        f"  recall={fig.recall:.3f} ± {std.recall:.3f}  accuracy={fig.accuracy:.3f} ± {std.accuracy:.3f}"
        f"  {pages_per_second:.1f} pages/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    root = CORPUS if CORPUS.exists() else FALLBACK_CORPUS
    if not root.exists():
        print(f"corpus not found: {root}", file=sys.stderr)
        return 2
    pages = load_corpus(root)[: args.limit or None]
    warnings.simplefilter("ignore")
    print(f"{len(pages)} pages from {root}")
    for name in args.only or ["ours", "trafilatura"]:
        scores, speed = run(name, pages)
        print(report(name, scores, speed), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
