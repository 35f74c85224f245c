"""Per-site boilerplate learning: what recurs across a site's pages goes, stories stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import document_fromstring

from progleton.extract import SiteProfile, extract
from progleton.extract.blocks import strip_invisible
from progleton.extract.synthetic import (
    APPEAL_BOILERPLATE,
    APPEAL_LEARNING_PAGES,
    SyntheticPage,
    article_body,
    site_pages,
)

CASES = [
    "A_named_classes_sibling",
    "B_neutral_classes_sibling",
    "C_neutral_classes_inside_body",
    "D_inline_read_more_in_body",
]
BOILERPLATE = APPEAL_BOILERPLATE
LEARNING_PAGES = APPEAL_LEARNING_PAGES


def appeal_site(shared: Path, case: str) -> list[SyntheticPage]:
    template = (shared / "bench" / "extraction" / "appeal" / f"{case}.html").read_text(
        encoding="utf-8"
    )
    return site_pages(template, 20, base_url="https://www.themoscowtimes.example")


def leaks(text: str) -> list[str]:
    return [phrase for phrase in BOILERPLATE if phrase in text]


@pytest.mark.parametrize("case", CASES)
def test_after_five_pages_the_rest_come_out_clean(shared: Path, case: str) -> None:
    profile = SiteProfile("www.themoscowtimes.example")
    for number, page in enumerate(appeal_site(shared, case)):
        article = extract(page.html, url=page.url, site_profile=profile)
        if number >= LEARNING_PAGES:
            assert [p for p in page.paragraphs if p not in article.text] == []
            assert leaks(article.text) == []
        profile.observe(page.html, url=page.url)


@pytest.mark.parametrize("case", CASES)
def test_profile_alone_removes_the_boilerplate(shared: Path, case: str) -> None:
    """Without the generic appeal rules, the learned blocks alone strip every appeal."""
    pages = appeal_site(shared, case)
    profile = SiteProfile("www.themoscowtimes.example")
    for page in pages[:LEARNING_PAGES]:
        profile.observe(page.html, url=page.url)
    for page in pages[LEARNING_PAGES:]:
        tree = document_fromstring(page.html)
        strip_invisible(tree)
        profile.strip(tree)
        remaining = " ".join(tree.text_content().split())
        assert all(p in remaining for p in page.paragraphs)
        assert leaks(remaining) == []


def test_a_quote_repeated_within_one_story_is_kept() -> None:
    quote = (
        "“We will not let the harbour close while people still depend on it for their living,” "
        "the mayor told the assembly on Thursday evening."
    )
    profile = SiteProfile("ledger.example.com")

    def page(number: int, title: str, with_quote: bool) -> str:
        body = "".join(f"<p>{p}</p>" for p in article_body(number))
        extra = f"<p>{quote}</p>" if with_quote else ""
        return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}{extra}</article></body></html>"

    story = [
        "Harbour closure vote delayed again",
        "Harbour closure vote delayed after protest",
        "Harbour closure vote delayed until spring",
    ]
    for number, title in enumerate(story):
        profile.observe(page(number, title, True), url=f"https://ledger.example.com/h{number}")
    for number in range(3, 6):
        profile.observe(
            page(number, f"Unrelated report number {number} on farming", False),
            url=f"https://ledger.example.com/o{number}",
        )
    article = extract(
        page(9, "Harbour closure vote delayed once more", True),
        url="https://ledger.example.com/h9",
        site_profile=profile,
    )
    assert quote in article.text
    assert profile.explain() == []


def test_json_round_trip_and_explain(shared: Path) -> None:
    pages = appeal_site(shared, "B_neutral_classes_sibling")
    profile = SiteProfile("www.themoscowtimes.example")
    for page in pages[:6]:
        profile.observe(page.html, url=page.url)
    restored = SiteProfile.from_json(profile.to_json())
    assert restored.to_json() == profile.to_json()
    entries = restored.explain()
    samples = " ".join(e.sample for e in entries)
    assert "Dear readers" in samples
    appeal = next(e for e in entries if e.sample.startswith("Dear readers"))
    assert appeal.pages_seen == 6
    assert appeal.dom_path.endswith("div.block-9")
    assert len(appeal.page_ids) == 6
    assert 0 < appeal.share <= 1


def test_profile_stays_bounded() -> None:
    profile = SiteProfile("big.example.com")
    for number in range(120):
        body = "".join(f"<p>{p} {number}x{i}</p>" for i, p in enumerate(article_body(number, 30)))
        profile.observe(
            f"<html><body><h1>Report {number}</h1>{body}<p>Footer line</p></body></html>",
            url=f"https://big.example.com/{number}",
        )
    stored = profile.to_json()
    assert len(stored) < 400_000
    assert "footer line" in " ".join(e.sample.lower() for e in profile.explain())
    assert json.loads(stored)["pages_observed"] == 120


def test_same_page_twice_counts_once() -> None:
    profile = SiteProfile("x.example")
    html = "<html><body><p>Same block on a page</p></body></html>"
    for _ in range(5):
        profile.observe(html, url="https://x.example/a")
    assert profile.pages_observed == 1
    assert profile.explain() == []


def test_unreadable_json_starts_afresh() -> None:
    assert SiteProfile.from_json("{not json").blocks == {}


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Share this", "Dear readers, support us", "© Site", "Menu"]), max_size=6
    )
)
def test_json_round_trip_property(extra_blocks: list[str]) -> None:
    profile = SiteProfile("prop.example")
    for number in range(4):
        blocks = "".join(f"<div>{b}</div>" for b in extra_blocks)
        body = "".join(f"<p>{p}</p>" for p in article_body(number))
        profile.observe(f"<html><body><h1>Story {number} of many</h1>{body}{blocks}</body></html>",
                        url=f"https://prop.example/{number}")  # fmt: skip
    restored = SiteProfile.from_json(profile.to_json())
    assert restored.to_json() == profile.to_json()
    assert restored.boilerplate_keys() == profile.boilerplate_keys()
