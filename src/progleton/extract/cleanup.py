"""Last cleaning of the extracted body: what readers (and the ground truth) don't count.

Works on trafilatura's body tree (``p``, ``head``, ``list``/``item``, ``quote``, ``ref``...):
drops the headline repeated as the first block, lines that are nothing but a link (related
stories), teaser lines ("DON'T MISS", "Read more: …") and short sign-off blocks at either
end of the body (follow us, newsletter plugs, tags, copyright). Phrase lists live in
``phrases``.
"""

from __future__ import annotations

import re

from lxml import etree

from progleton.extract import phrases

_WORDS = re.compile(r"\w+")
BLOCK_TAGS = ("p", "head", "item", "quote", "list", "table")
MAX_LINK_LINE_WORDS = 25
LINK_LINE_SHARE = 0.8
MAX_SIGN_OFF_WORDS = 45
MAX_SIGN_OFF_BLOCKS = 8


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _tokens(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def _drop(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _top_blocks(body: etree._Element) -> list[etree._Element]:
    return [child for child in body if child.tag in BLOCK_TAGS]


def is_link_line(element: etree._Element) -> bool:
    """A short block whose words are (nearly) all inside links: a related-story line."""
    words = len(_tokens(_text(element)))
    if not words or words > MAX_LINK_LINE_WORDS or element.tag in ("list", "table"):
        return False
    linked = sum(len(_tokens(_text(ref))) for ref in element.iter("ref"))
    return linked / words >= LINK_LINE_SHARE


def is_teaser(element: etree._Element) -> bool:
    """A teaser line ("Read more: …", "DON'T MISS") pointing away from the article."""
    text = _text(element).lower()
    return len(_tokens(text)) <= MAX_LINK_LINE_WORDS and text.startswith(
        phrases.TEASER_PREFIXES + ("don't miss", "don’t miss", "see more", "related")
    )


def is_sign_off(element: etree._Element) -> bool:
    """A short follow/contact/newsletter/tags/copyright block."""
    text = _text(element).lower()
    if len(_tokens(text)) > MAX_SIGN_OFF_WORDS:
        return False
    return any(phrase in text for phrase in phrases.SIGN_OFF_PHRASES) or is_furniture(element)


def is_furniture(element: etree._Element) -> bool:
    """A block that is only a label ("Comments", "Tags", "Advertisement")."""
    return " ".join(_tokens(_text(element))) in _FURNITURE


_FURNITURE = frozenset(" ".join(_WORDS.findall(line)) for line in phrases.FURNITURE_LINES)


def _trim_end(blocks: list[etree._Element]) -> None:
    for element in reversed(blocks[-MAX_SIGN_OFF_BLOCKS:]):
        if not (is_sign_off(element) or is_link_line(element) or is_teaser(element)):
            break
        _drop(element)


def _trim_start(blocks: list[etree._Element], titles: list[list[str]]) -> None:
    for element in blocks[:3]:
        tokens = _tokens(_text(element))
        if tokens and (tokens in titles or is_link_line(element) or is_teaser(element)):
            _drop(element)
        else:
            break


def clean_body(body: etree._Element, titles: list[str]) -> None:
    """Clean ``body`` in place; ``titles`` are the page's headline forms (title, h1, og:title)."""
    title_tokens = [_tokens(t) for t in titles if _tokens(t)]
    for element in list(body.iter("p", "item", "head")):
        if element.getparent() is not None and (
            is_link_line(element) or is_teaser(element) or is_furniture(element)
        ):
            _drop(element)
    _trim_start(_top_blocks(body), title_tokens)
    _trim_end(_top_blocks(body))
    for empty in [e for e in body.iter("list") if not _text(e)]:
        _drop(empty)


def headline_forms(tree: etree._Element) -> list[str]:
    """The page's headline as the markup gives it: <title> (and its part before " - "/" | "),
    every <h1>, og:title and twitter:title."""
    forms: list[str] = []
    for title in tree.iter("title"):
        text = " ".join("".join(title.itertext()).split())
        forms.append(text)
        forms.extend(part for part in re.split(r"\s[-|–—:]\s", text) if part)
    forms.extend(" ".join("".join(h1.itertext()).split()) for h1 in tree.iter("h1"))
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "") in ("og:title", "twitter:title"):
            forms.append(meta.get("content") or "")
    return [f for f in forms if f]
