"""The seed: the page that leaked a publisher's donation appeal must come out clean.

Rebuilds ``../shared/seed/progleton-news-page.txt`` as an HTML article page (headline,
"6 hours ago", a count, the body, the Moscow Times appeal, "Read Entire Article", footer)
and checks that extraction keeps every body paragraph and none of the rest: on a single
page (generic appeal rules) and through the site profile (the same appeal on several pages).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml.html import document_fromstring

from progleton.extract import SiteProfile, extract
from progleton.extract.blocks import strip_invisible
from progleton.extract.synthetic import article_body, headline

APPEAL_START = "A Message from The Moscow Times:"
READ_LINK = "Read Entire Article"
URL = "https://progleton.example/articles/japan-security-guarantees"


@dataclass(frozen=True)
class Seed:
    headline: str
    age: str
    count: str
    body: list[str]
    appeal: list[str]
    link: str
    footer: str


def parse_seed(text: str) -> Seed:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = lines.index(APPEAL_START)
    link = lines.index(READ_LINK)
    age, count = lines[1].rsplit(" ", 1)
    return Seed(
        lines[0], age, count, lines[2:start], lines[start:link], lines[link], lines[link + 1]
    )


@pytest.fixture
def seed(shared: Path) -> Seed:
    return parse_seed((shared / "seed" / "progleton-news-page.txt").read_text(encoding="utf-8"))


def render(
    seed: Seed, *, body: list[str] | None = None, title: str | None = None, flat: bool = False
) -> str:
    """The seed as an aggregator article page; ``flat`` puts the appeal lines beside the body."""
    title = html.escape(title or seed.headline)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body or seed.body)
    appeal_lines = "".join(f"<p>{html.escape(line)}</p>" for line in seed.appeal)
    appeal = appeal_lines if flat else f'<div class="mt-contribute">{appeal_lines}</div>'
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} - Progleton News</title></head><body>
<header><a href="/">Progleton News</a></header>
<main><h1>{title}</h1>
<div class="meta"><span class="age">{seed.age}</span> <span class="count">{seed.count}</span></div>
<article>{paragraphs}{appeal}</article>
<p><a href="https://www.themoscowtimes.com/2025/08/19/japan">{seed.link}</a></p></main>
<footer><p>{html.escape(seed.footer)}</p></footer></body></html>"""


def squash(text: str) -> str:
    """Whitespace collapsed (the seed has no-break spaces that extraction normalizes)."""
    return " ".join(text.split())


def assert_clean(seed: Seed, text: str, body: list[str]) -> None:
    text = squash(text)
    assert [p for p in body if squash(p) not in text] == []
    appeal_lines = [line for line in seed.appeal if line in text]
    assert appeal_lines == []
    assert seed.link not in text
    assert seed.footer not in text


@pytest.mark.parametrize("flat", [False, True], ids=["appeal-block", "appeal-lines-in-body"])
def test_single_page_keeps_body_and_drops_appeal(seed: Seed, flat: bool) -> None:
    article = extract(render(seed, flat=flat), url=URL)
    assert_clean(seed, article.text, seed.body)
    assert article.title == seed.headline
    assert not article.refused


def test_site_profile_route_is_clean(seed: Seed) -> None:
    """Several pages of the site carry the same appeal: the profile learns it and strips it."""
    profile = SiteProfile("progleton.example")
    for number in range(1, 5):
        page = render(seed, body=article_body(number), title=headline(number))
        profile.observe(page, url=f"{URL}-{number}")
    assert any(e.sample.startswith("A Message from") for e in profile.explain())
    article = extract(render(seed), url=URL, site_profile=profile)
    assert_clean(seed, article.text, seed.body)
    # the profile alone, without the generic appeal rules, strips the appeal block
    tree = document_fromstring(render(seed))
    strip_invisible(tree)
    profile.strip(tree)
    article_text = tree.xpath("//article")[0].text_content()
    assert [line for line in seed.appeal if line in article_text] == []
