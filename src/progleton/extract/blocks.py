"""Text blocks of a page: the unit that site profiles and boilerplate rules reason about.

A block is an element that holds a run of text (a paragraph, a heading, a list item) or a
container of such (div, section, aside, ...). Its fingerprint is a hash of its normalized
text, digits folded, so that "3 comments" and "12 comments" match; its DOM path is the chain
of tag names with their first class or id, without positions, so it is stable across pages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

from progleton.scripts import UNSPACED_CHARS

LEAF_TAGS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "figcaption",
        "dt",
        "dd",
        "td",
        "th",
        "pre",
        "address",
        "caption",
    }
)
CONTAINER_TAGS = frozenset(
    {
        "div",
        "section",
        "aside",
        "article",
        "header",
        "footer",
        "nav",
        "form",
        "ul",
        "ol",
        "dl",
        "figure",
        "table",
        "main",
        "details",
    }
)
BLOCK_TAGS = LEAF_TAGS | CONTAINER_TAGS
SKIPPED_TAGS = ("script", "style", "noscript", "template", "svg")
MAX_BLOCK_CHARS = 4000  # larger blocks are page bodies, never repeated boilerplate
_DIGITS = re.compile(r"\d+")
# A word: a run of letters and digits, or one character of a script written without spaces
# (Chinese, Japanese), which is about a word there (word processors count them so). Every
# word threshold of extraction counts with it: a paragraph of Chinese is not "three words".
WORDS = re.compile(f"[{UNSPACED_CHARS}]|[^\\W{UNSPACED_CHARS}]+")


def normalized_text(text: str) -> str:
    """Lower-case, whitespace-collapsed, digit-folded text: what fingerprints hash."""
    return _DIGITS.sub("0", " ".join(text.split()).lower())


def fingerprint(text: str) -> str:
    """A short stable hash of ``text`` after normalization ("" for blank text)."""
    norm = normalized_text(text)
    if not norm:
        return ""
    return hashlib.blake2b(norm.encode("utf-8", "replace"), digest_size=8).hexdigest()


def strip_invisible(root: HtmlElement) -> None:
    """Remove scripts, styles and other never-visible elements in place (tails kept)."""
    etree.strip_elements(root, *SKIPPED_TAGS, etree.Comment, with_tail=False)


def element_text(element: HtmlElement) -> str:
    """All text inside ``element`` (call ``strip_invisible`` on the tree first)."""
    return " ".join(element.text_content().split())


def dom_path(element: HtmlElement) -> str:
    """``body/main/article/div.block-9``-style path: tags with their first class or id."""
    steps: list[str] = []
    node: HtmlElement | None = element
    while node is not None and isinstance(node.tag, str) and node.tag != "html":
        step = node.tag
        classes = (node.get("class") or "").split()
        if classes:
            step += "." + classes[0][:40]
        elif node.get("id"):
            step += "#" + (node.get("id") or "")[:40]
        steps.append(step)
        node = node.getparent()
    return "/".join(reversed(steps))[-200:]


def word_count(text: str) -> int:
    """Words in ``text`` (:data:`WORDS`)."""
    return len(WORDS.findall(text))


def iter_blocks(root: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
    """Every block element under ``root`` (document order) with its text."""
    for element in root.iter(*BLOCK_TAGS):
        text = element_text(element)
        if text and len(text) <= MAX_BLOCK_CHARS:
            yield element, text


def remove_element(element: HtmlElement) -> None:
    """Drop ``element`` and its subtree, keeping the text that follows it (its tail)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
