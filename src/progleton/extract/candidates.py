"""Choosing and repairing the article body.

The base candidate is trafilatura's balanced mode without its fallback extractors
(``fast=True``): of the modes measured on the benchmark it gives the best quality per
second once the repairs below are applied (full precision mode with its fallbacks scored
about the same and ran ~1.6x slower). Repairs, pure lxml work on the parsed page:

- rescue: when the body is far shorter than the prose the page's paragraphs hold, the full
  balanced mode (with readability/jusText fallbacks) runs and is kept if it finds much more;
- restore: paragraphs in sibling containers of the kept ones (same DOM path of the parent,
  a different parent element: a story split into several blocks by ads) that trafilatura
  never read are put back in document order when they read like prose; a paragraph dropped
  from a container trafilatura did read was judged, and stays out;
- clean: ``cleanup.clean_body`` drops the repeated headline, standfirst, link lines,
  teaser cards and sign-off blocks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction

from progleton.extract.blocks import WORDS, dom_path
from progleton.extract.cleanup import clean_body, description_forms, headline_forms

PROSE_TAGS = ("p",)
MIN_RESTORE_WORDS = 8
MAX_LINK_SHARE = 0.3
MIN_PATH_MATCHES = 2
RESCUE_SHARE = 0.25  # a body below this share of the page's prose: ask the full mode
RESCUE_GAIN = 2.0  # ... and take its body when it is at least this much longer
MIN_PROSE_WORDS = 50  # below this the page's <p> prose says nothing about the fast pass
MAX_BODY_LINK_SHARE = 0.5
SHORT_LINE_WORDS = 6
MAX_SHORT_LINE_SHARE = 0.5  # a body with more of its words in links than this is a menu
BODY_TAGS = ("p", "head", "item", "quote", "cell", "list")


def trafilatura_body(
    tree: HtmlElement, url: str, *, fast: bool = False, favor_precision: bool = False
) -> etree._Element | None:
    """The body trafilatura extracts from ``tree`` (not modified) in the given mode."""
    document = bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_formatting=True,
        include_links=True,
        fast=fast,
        favor_precision=favor_precision,
    )
    body = getattr(document, "body", None)
    return body if body is not None and len(body) else None


def tokens(text: str) -> str:
    """Lower-case words (:data:`~progleton.extract.blocks.WORDS`) joined by spaces: the form texts are compared in."""
    return " ".join(WORDS.findall(text.lower()))


@dataclass
class Paragraph:
    """A paragraph of the page as the repairs see it."""

    element: HtmlElement
    text: str
    norm: str
    parent_path: str


def page_paragraphs(tree: HtmlElement) -> list[Paragraph]:
    """Every non-empty ``<p>`` of the page with its text and its parent's DOM path."""
    found = []
    paths: dict[HtmlElement, str] = {}
    for element in tree.iter(*PROSE_TAGS):
        text = " ".join(element.text_content().split())
        norm = tokens(text)
        parent = element.getparent()
        if norm and parent is not None:
            if parent not in paths:
                paths[parent] = dom_path(parent)
            found.append(Paragraph(element, text, norm, paths[parent]))
    return found


def _link_share(element: HtmlElement, words: int) -> float:
    linked = sum(len(WORDS.findall(a.text_content())) for a in element.iter("a"))
    return linked / words if words else 1.0


def _reads_like_prose(paragraph: Paragraph) -> bool:
    words = paragraph.norm.count(" ") + 1
    if words < MIN_RESTORE_WORDS or _link_share(paragraph.element, words) > MAX_LINK_SHARE:
        return False
    return paragraph.text.rstrip()[-1:] in ".!?\"'”’)»:;"


def restore_dropped_paragraphs(body: etree._Element, paragraphs: list[Paragraph]) -> int:
    """Put back prose paragraphs that share their parent's DOM path with kept ones.

    ``paragraphs`` are the page's paragraphs (``page_paragraphs``), in document order.
    """
    kept_texts = {tokens(" ".join(e.itertext())): e for e in body.iter(*BODY_TAGS)}
    kept_full = " \n ".join(kept_texts)
    matched = [p.norm in kept_texts or p.norm in kept_full for p in paragraphs]
    paths = Counter(p.parent_path for p, m in zip(paragraphs, matched, strict=True) if m)
    main_paths = {path for path, count in paths.items() if count >= MIN_PATH_MATCHES}
    # a paragraph dropped from a container trafilatura read was judged and stays out; only
    # sibling containers it never read (a story split by ads) are restored
    read_parents = {p.element.getparent() for p, m in zip(paragraphs, matched, strict=True) if m}
    last_kept = max((i for i, m in enumerate(matched) if m), default=-1)
    wanted = [
        i
        for i, p in enumerate(paragraphs)
        if not matched[i]
        and p.parent_path in main_paths
        and p.element.getparent() not in read_parents
        and _reads_like_prose(p)
    ]
    per_parent = Counter(paragraphs[i].element.getparent() for i in wanted)
    # after the story's last kept paragraph, a lone paragraph is a sign-off, not the story
    wanted_set = {
        i for i in wanted if i < last_kept or per_parent[paragraphs[i].element.getparent()] >= 2
    }
    anchor: etree._Element | None = None
    for index, (paragraph, is_kept) in enumerate(zip(paragraphs, matched, strict=True)):
        if is_kept:
            anchor = kept_texts.get(paragraph.norm, anchor)
        elif index in wanted_set:
            new = etree.Element("p")
            new.text = paragraph.text
            _insert_after(body, anchor, new)
            anchor = new
    return len(wanted_set)


def _insert_after(body: etree._Element, anchor: etree._Element | None, new: etree._Element) -> None:
    if anchor is None:
        body.insert(0, new)
        return
    while anchor.getparent() is not None and anchor.getparent() is not body:
        anchor = anchor.getparent()
    if anchor.getparent() is body:
        anchor.addnext(new)
        new.tail = None
    else:
        body.append(new)


def page_prose_words(paragraphs: list[Paragraph]) -> int:
    """Words in the page's paragraphs that read like prose: what an article body holds."""
    return sum(p.norm.count(" ") + 1 for p in paragraphs if _reads_like_prose(p))


def _words(body: etree._Element | None) -> int:
    return 0 if body is None else len(WORDS.findall(" ".join(body.itertext())))


def short_line_share(body: etree._Element | None) -> float:
    """Share of the body's words in lines of a few words: high for menus and tag clouds."""
    lines = (
        [len(WORDS.findall(line)) for line in "\n".join(body.itertext()).splitlines()]
        if body is not None
        else []
    )
    total = sum(lines)
    return sum(n for n in lines if n < SHORT_LINE_WORDS) / total if total else 0.0


def link_share(body: etree._Element | None) -> float:
    """Share of the body's words inside links: high for menus and link lists."""
    words = _words(body)
    if body is None or not words:
        return 0.0
    linked = sum(len(WORDS.findall(" ".join(ref.itertext()))) for ref in body.iter("ref"))
    return linked / words


def choose_body(tree: HtmlElement, url: str) -> etree._Element | None:
    """The best article body for ``tree``; None when nothing looks like an article.

    ``tree`` should have had invisible elements stripped; it is not modified.
    """
    body = trafilatura_body(tree, url, fast=True)
    words = _words(body)
    paragraphs = page_paragraphs(tree)
    prose_words = page_prose_words(paragraphs)
    if link_share(body) > MAX_BODY_LINK_SHARE or (
        prose_words < MIN_PROSE_WORDS and short_line_share(body) > MAX_SHORT_LINE_SHARE
    ):
        # the fast pass took a menu or a link list: precise mode decides
        precise = trafilatura_body(tree, url, favor_precision=True)
        if precise is not None:
            body = precise
    elif words < RESCUE_SHARE * prose_words:
        # the fast pass lost the story: the full mode decides, if it finds much more
        full = trafilatura_body(tree, url)
        if _words(full) >= RESCUE_GAIN * max(words, 1):
            body = full
    if body is not None:
        restore_dropped_paragraphs(body, paragraphs)
        clean_body(body, headline_forms(tree), description_forms(tree))
    return body if body is not None and len(body) else None
