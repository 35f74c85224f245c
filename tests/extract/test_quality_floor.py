"""Quality gate on the Zyte article-extraction benchmark (181 pages of ../shared/).

The floor is the best F1 reached, minus one bootstrap standard deviation. Raise it when the
extractor gets better; never lower it without saying why in CHANGES.md.
Best reached: F1 0.977 ± 0.003 (``benchmarks/extract_scrapinghub.py``).
"""

from __future__ import annotations

import gzip
import json
import warnings
from pathlib import Path

import pytest

from progleton.extract import extract
from progleton.extract.evaluation import figures, score_page

F1_FLOOR = 0.974


@pytest.mark.slow
def test_f1_stays_above_the_floor(shared: Path) -> None:
    root = shared / "bench" / "extraction" / "scrapinghub"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    scores = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # third-party parsers warn on odd markup
        for sha, item in truth.items():
            html = gzip.decompress((root / "html" / f"{sha}.html.gz").read_bytes())
            text = extract(html, url=item.get("url", "")).text
            scores.append(score_page(item.get("articleBody", ""), text))
    result = figures(scores)
    assert result.f1 >= F1_FLOOR, f"F1 {result.f1:.4f} fell under the floor {F1_FLOOR}"
