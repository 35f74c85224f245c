"""Synthetic pages of one site: a template page with its article body rewritten.

Used by the site-profile tests and benchmark: from one real-looking page (the appeal cases
in ``../shared/bench/extraction/appeal/``) make many pages of the same site that share the
site's boilerplate but carry different headlines, bodies and inline teasers. Bodies come
from sentence templates filled from a small word bank, seeded by the page number, so every
run produces the same pages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement, document_fromstring

# The appeal benchmark's protocol (../shared/bench/extraction/appeal/): what those pages repeat
# on every page, none of which may reach article text, and how many pages the profile sees
# before the pages that are scored.
APPEAL_BOILERPLATE = (
    "Dear readers",
    "unprecedented challenges",
    "we need your help",
    "Remind me later",
    "Not ready to support",
    "Continue",
    "Sign up for our free weekly newsletter",
    "By subscribing",
    "Read more",
    "Support The Moscow Times",
    "Monthly",
)
APPEAL_LEARNING_PAGES = 5

SUBJECTS = (
    "The regional council",
    "A group of farmers",
    "The transport ministry",
    "Local doctors",
    "The city's mayor",
    "A coalition of teachers",
    "Port authorities",
    "The national museum",
    "Two rival airlines",
    "The water utility",
    "University researchers",
    "A mining company",
    "Fishermen in the north",
    "The state broadcaster",
    "Hospital managers",
    "A tenants' union",
)
ACTIONS = (
    "announced a plan to",
    "voted on Monday to",
    "promised this week to",
    "refused to",
    "asked the government to",
    "said it would",
    "agreed in principle to",
    "warned it might",
)
OBJECTS = (
    "expand the night bus network",
    "rebuild the flooded river embankment",
    "raise the minimum wage for seasonal workers",
    "close two rural clinics",
    "open a new wing for contemporary art",
    "cut water tariffs for pensioners",
    "freeze rents in the old town",
    "reopen the coastal railway line",
    "double the budget for school meals",
    "review safety rules at the quarry",
    "sell the historic ferry fleet",
    "plant ten thousand trees along the ring road",
)
REASONS = (
    "after months of complaints from residents",
    "citing a sharp rise in costs",
    "following an audit published in March",
    "despite objections from the opposition",
    "under pressure from a petition signed by thousands",
    "as part of a wider reform",
    "to meet targets set two years ago",
    "amid a dispute over funding",
)
QUOTES = (
    "“This is the fairest solution we could find,” a spokesperson said.",
    "Critics called the decision rushed and poorly explained.",
    "Officials expect the first results to be visible by the autumn.",
    "The proposal still needs the approval of the finance committee.",
    "Several members abstained, saying they needed more information.",
    "A public hearing on the matter is planned for next month.",
)


def sentence(rng: random.Random) -> str:
    """One news-like sentence from the templates."""
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(OBJECTS)} {rng.choice(REASONS)}."
    )


def article_body(seed: int, paragraphs: int = 8) -> list[str]:
    """Distinct paragraphs of a generated article (two or three sentences each)."""
    rng = random.Random(seed)
    body: list[str] = []
    while len(body) < paragraphs:
        parts = [sentence(rng) for _ in range(rng.randint(1, 2))] + [rng.choice(QUOTES)]
        text = " ".join(parts)
        if text not in body:
            body.append(text)
    return body


def headline(seed: int) -> str:
    """A generated headline, different words for different seeds."""
    rng = random.Random(seed * 7919 + 1)
    subject = rng.choice(SUBJECTS).removeprefix("The ").removeprefix("A ")
    subject = subject[0].upper() + subject[1:]
    return f"{subject} {rng.choice(ACTIONS)} {rng.choice(OBJECTS)} (report {seed})"


@dataclass(frozen=True)
class SyntheticPage:
    """One generated page and what its article body must contain."""

    url: str
    html: str
    title: str
    paragraphs: tuple[str, ...]


def rewrite_page(
    template: str, seed: int, *, base_url: str = "https://news.example.com"
) -> SyntheticPage:
    """Replace the headline, the long body paragraphs and inline teaser links of ``template``.

    Body paragraphs are the ``<p>`` elements with more than 15 words that are direct
    children of the element holding the most such paragraphs; teaser links inside short
    paragraphs of that element get a new title, as a real site's would.
    """
    tree = document_fromstring(template)
    title = headline(seed)
    for element in [*tree.iter("h1"), *tree.iter("title")]:
        element.text = title
        for child in list(element):
            element.remove(child)
    container = _body_container(tree)
    paragraphs = article_body(seed)
    long_ones = [p for p in container.iterchildren("p") if len(p.text_content().split()) > 15]
    for element, text in zip(long_ones, paragraphs, strict=False):
        element.clear()
        element.text = text
    for link in container.xpath("./p//a"):
        link.text = headline(seed + 1000)
    html = etree.tostring(tree, encoding="unicode", method="html")
    used = tuple(paragraphs[: len(long_ones)])
    return SyntheticPage(f"{base_url}/news/{seed}", html, title, used)


def _body_container(tree: HtmlElement) -> HtmlElement:
    def long_children(element: HtmlElement) -> int:
        return sum(1 for p in element.iterchildren("p") if len(p.text_content().split()) > 15)

    return max(tree.iter("div", "article", "section", "main"), key=long_children)


def site_pages(
    template: str, count: int, *, base_url: str = "https://news.example.com"
) -> list[SyntheticPage]:
    """``count`` pages of one site built from ``template``."""
    return [rewrite_page(template, seed, base_url=base_url) for seed in range(1, count + 1)]
