"""Per-site boilerplate learning on the four appeal cases (../shared/bench/extraction/appeal/).

    .venv/bin/python benchmarks/extract_appeal.py

For each case, 20 pages of the same site are generated with different headlines and bodies
(``progleton.extract.synthetic``). The profile sees pages 1-5; pages 6-20 are then scored:
a page is clean when every body paragraph is kept and no boilerplate phrase leaks. Printed
per case for plain trafilatura (default settings), for our extractor without a profile
(generic rules only), for the learned profile alone (generic rules off) and for both.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import trafilatura
from lxml.html import document_fromstring

from progleton.extract import SiteProfile, extract
from progleton.extract.blocks import strip_invisible
from progleton.extract.synthetic import (
    APPEAL_BOILERPLATE,
    APPEAL_LEARNING_PAGES,
    SyntheticPage,
    site_pages,
)

APPEAL = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "extraction" / "appeal"
BOILERPLATE = APPEAL_BOILERPLATE
LEARNING_PAGES = APPEAL_LEARNING_PAGES
PAGES = 20


def profile_only(page: SyntheticPage, profile: SiteProfile) -> str:
    """Trafilatura on the page after the learned profile stripped it (no generic rules)."""
    tree = document_fromstring(page.html)
    strip_invisible(tree)
    profile.strip(tree)
    return trafilatura.extract(tree, url=page.url) or ""


def score(
    pages: list[SyntheticPage], run: Callable[[SyntheticPage, SiteProfile], str]
) -> tuple[int, set[str]]:
    """Clean pages among the scored ones, and every phrase that leaked."""
    profile = SiteProfile("www.themoscowtimes.example")
    clean, leaked = 0, set()
    for number, page in enumerate(pages):
        if number >= LEARNING_PAGES:
            text = " ".join(run(page, profile).split())
            leaks = {p for p in BOILERPLATE if p in text}
            missing = [p for p in page.paragraphs if p not in text]
            leaked |= leaks | ({f"{len(missing)} body paragraphs lost"} if missing else set())
            clean += not leaks and not missing
        profile.observe(page.html, url=page.url)
    return clean, leaked


RUNS: dict[str, Callable[[SyntheticPage, SiteProfile], str]] = {
    "trafilatura": lambda page, _profile: trafilatura.extract(page.html, url=page.url) or "",
    "ours, no profile": lambda page, _profile: extract(page.html, url=page.url).text,
    "profile alone": profile_only,
    "ours + profile": lambda page, profile: (
        extract(page.html, url=page.url, site_profile=profile).text
    ),
}


def main() -> int:
    root = APPEAL if APPEAL.exists() else Path("/work/shared/bench/extraction/appeal")
    if not root.exists():
        print(f"corpus not found: {root}", file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")
    scored = PAGES - LEARNING_PAGES
    failures = 0
    for path in sorted(root.glob("*.html")):
        pages = site_pages(
            path.read_text(encoding="utf-8"), PAGES, base_url="https://www.themoscowtimes.example"
        )
        print(path.stem)
        for name, run in RUNS.items():
            clean, leaked = score(pages, run)
            failures += name == "ours + profile" and clean < scored
            print(
                f"  {name:<18} clean {clean:>2}/{scored}  leaked: {', '.join(sorted(leaked)) or '-'}"
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
