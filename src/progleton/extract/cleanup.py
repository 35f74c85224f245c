"""Last cleaning of the extracted body: what readers (and the ground truth) don't count.

Works on trafilatura's body tree (``p``, ``head``, ``list``/``item``, ``quote``, ``ref``...):
drops the headline repeated as the first block, lines that are nothing but a link (related
stories), teaser lines ("DON'T MISS", "Read more: …") and short sign-off blocks at either
end of the body (follow us, newsletter plugs, tags, copyright). Phrase lists live in
``phrases``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from progleton.extract import phrases
from progleton.extract.blocks import WORDS

BLOCK_TAGS = ("p", "head", "item", "quote", "list", "table")
MAX_LINK_LINE_WORDS = 25
TEASER_LINK_SHARE = 0.5  # of the words after a teaser prefix ("Read more about the trial")
LINK_LINE_SHARE = 0.8
MAX_SIGN_OFF_WORDS = 45
# A sign-off phrase in a block this short is furniture whatever the rest says; in a longer
# block it must open the block or one of its sentences, or the block must be link-heavy,
# carry an address, or not be a finished sentence: a closing paragraph of prose may mention
# "copyright" or "subscribers".
MAX_SHORT_SIGN_OFF_WORDS = 10
SIGN_OFF_LINK_SHARE = 0.3
MAX_SIGN_OFF_BLOCKS = 30
MAX_CARD_WORDS = 40
MAX_DATELINE_WORDS = 12
MAX_LINE_CHARS = 300
MIN_CARD_HEADLINE_WORDS = 3
_SENTENCE_END = frozenset(".!?\"'”’)…:;")
_TEASER_MARKS = frozenset(":|»›>–—")
_BARE_URL = re.compile(r"(https?://|www\.)\S+")
_ADDRESS = re.compile(r"\S@\S|(?<!\w)@\w|https?://|www\.")


def _phrase_pattern(phrase_list: Sequence[str]) -> re.Pattern[str]:
    """Phrases as whole words (a plural allowed): "subscribe" must not match "Subscribers to
    the service…", "reach the reporter" matches "reach the reporters"."""

    def one(phrase: str) -> str:
        head = r"(?<!\w)" if phrase[:1].isalnum() else ""
        tail = r"s?(?!\w)" if phrase[-1:].isalnum() else ""
        return head + re.escape(phrase) + tail

    return re.compile("|".join(one(p) for p in phrase_list))


_SIGN_OFF = _phrase_pattern(phrases.SIGN_OFF_PHRASES)


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _tokens(text: str) -> list[str]:
    return WORDS.findall(text.lower())


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
    return _link_share(element, words) >= LINK_LINE_SHARE


def is_teaser_card(element: etree._Element) -> bool:
    """A related-story card: it opens with a linked headline, and a short dek may follow."""
    words = len(_tokens(_text(element)))
    if not words or words > MAX_CARD_WORDS or element.tag in ("list", "table"):
        return False
    if (element.text or "").strip():
        return False
    for child in element:
        child_words = len(_tokens(_text(child)))
        if child.tag == "ref" and child_words:
            return child_words >= MIN_CARD_HEADLINE_WORDS
        if child_words or (child.tail or "").strip():
            return False
    return False


def is_bare_url(element: etree._Element) -> bool:
    """A block that is nothing but a URL (a canonical link printed on the page)."""
    text = _text(element)
    return bool(_BARE_URL.fullmatch(text))


def is_teaser(element: etree._Element) -> bool:
    """A teaser line ("Read more: …", "DON'T MISS") pointing away from the article: the prefix
    alone, or followed by a colon-like mark or by a link. A sentence that merely starts with
    the same words ("Related charges were dropped…", "Click here, the message said…") stays.
    """
    text = _text(element).lower()
    if len(_tokens(text)) > MAX_LINK_LINE_WORDS:
        return False
    for prefix in phrases.TEASER_PREFIXES:
        if not text.startswith(prefix):
            continue
        rest = text[len(prefix) :]
        if prefix[-1].isalnum() and rest[:1].isalnum():
            continue  # "relatedly", "see moreover"
        rest = rest.lstrip()
        if not _tokens(rest) or rest[:1] in _TEASER_MARKS or prefix[-1] in _TEASER_MARKS:
            return True
        words = len(_tokens(rest))
        linked = sum(len(_tokens(_text(ref))) for ref in element.iter("ref"))
        if linked / words >= TEASER_LINK_SHARE:
            return True
    return False


def is_sign_off(element: etree._Element) -> bool:
    """A short follow/contact/newsletter/tags/copyright block."""
    text = _text(element).lower()
    words = len(_tokens(text))
    if words > MAX_SIGN_OFF_WORDS:
        return False
    if is_furniture(element):
        return True
    starts = [match.start() for match in _SIGN_OFF.finditer(text)]
    return bool(starts) and (
        words <= MAX_SHORT_SIGN_OFF_WORDS
        or any(_opens_sentence(text, start) for start in starts)
        or _link_share(element, words) >= SIGN_OFF_LINK_SHARE
        or bool(_ADDRESS.search(text))
        or text[-1:] not in _SENTENCE_END
    )


def _opens_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not _tokens(before) or before[-1:] in _SENTENCE_END


def _link_share(element: etree._Element, words: int) -> float:
    linked = sum(len(_tokens(_text(ref))) for ref in element.iter("ref"))
    return linked / words if words else 0.0


def is_furniture(element: etree._Element) -> bool:
    """A block that is only a label ("Comments", "Tags", "Advertisement"), or a label and a
    duration or count ("Listen to this article · 4:32 min")."""
    tokens = _tokens(_text(element))
    if " ".join(tokens) in _FURNITURE:
        return True
    for lead in _FURNITURE_LEADS:
        if tokens[: len(lead)] == lead and tokens[len(lead) :]:
            return all(t.isdigit() or t in phrases.FURNITURE_LEAD_UNITS for t in tokens[len(lead) :])
    return False


MAX_PLUG_WORDS = 30
# A newsletter plug asks the reader to sign up, in the imperative, for something delivered:
# "Get our free Tech Briefing delivered to your inbox. Sign up here." News prose about a
# newsletter reports ("40,000 readers signed up for it"), and does not address the reader.
_PLUG_THING = re.compile(r"\b(?:newsletters?|inbox|briefing|bulletin|newsletter|boletín|infolettre|rundbrief|рассылк\w*)\b")
_PLUG_ASK = re.compile(
    r"(?:^|[.!?:]\s+)(?:sign\s*-?\s*up|subscribe|get\s+(?:our|the)|register|join|don'?t\s+miss|"
    r"abonnieren\s+sie|melden\s+sie\s+sich|inscrivez|abonnez|suscr[ií]b|reg[ií]strate|iscriviti|"
    r"подпишитесь)\b"
    r"|\b(?:sign\s*-?\s*up|subscribe)\s+(?:here|now|today|for\s+free)\b|\bclick\s+here\s+to\s+(?:sign|subscribe)")


def is_newsletter_plug(element: etree._Element) -> bool:
    """A short block asking the reader to sign up for a newsletter, anywhere in the body."""
    text = " ".join(_text(element).split()).lower()
    return (len(_tokens(text)) <= MAX_PLUG_WORDS and _PLUG_THING.search(text) is not None
            and _PLUG_ASK.search(text) is not None)


_FURNITURE = frozenset(
    " ".join(WORDS.findall(line)) for line in phrases.FURNITURE_LINES + phrases.CONTROL_LINES
)
_FURNITURE_LEADS = [WORDS.findall(lead) for lead in phrases.FURNITURE_LEADS]


def _is_trailer(element: etree._Element) -> bool:
    if element.tag == "list":
        items = element.findall("item")
        return bool(items) and all(_is_trailer(item) for item in items)
    return (
        is_sign_off(element)
        or is_link_line(element)
        or is_teaser(element)
        or is_teaser_card(element)
    )


def _trim_end(blocks: list[etree._Element]) -> None:
    for element in reversed(blocks[-MAX_SIGN_OFF_BLOCKS:]):
        if not _is_trailer(element):
            break
        _drop(element)


def _is_standfirst(element: etree._Element, descriptions: list[list[str]]) -> bool:
    """The dek: the page's description repeated as a fragment (no closing punctuation)."""
    text = _text(element)
    return _tokens(text) in descriptions and text[-1:] not in _SENTENCE_END


def is_dateline(element: etree._Element) -> bool:
    """A short byline or dateline ("By Jane Doe", "Published 18 November 2019")."""
    text = _text(element).lower()
    return len(_tokens(text)) <= MAX_DATELINE_WORDS and text.startswith(phrases.DATELINE_PREFIXES)


def _trim_start(
    blocks: list[etree._Element], titles: list[list[str]], descriptions: list[list[str]]
) -> None:
    """Drop the headline, the standfirst and link lines before the story."""
    for element in blocks[:4]:
        tokens = _tokens(_text(element))
        if tokens and (
            tokens in titles
            or _is_standfirst(element, descriptions)
            or is_link_line(element)
            or is_teaser(element)
            or is_bare_url(element)
            or is_dateline(element)
        ):
            _drop(element)
        else:
            break


def clean_body(
    body: etree._Element, titles: Sequence[str], descriptions: Sequence[str] = ()
) -> None:
    """Clean ``body`` in place; ``titles``/``descriptions`` are the page's headline and
    standfirst forms (``headline_forms``, ``description_forms``)."""
    title_tokens = [_tokens(t) for t in titles if _tokens(t)]
    description_tokens = [_tokens(d) for d in descriptions if _tokens(d)]
    for element in list(body.iter("p", "item", "head")):
        if element.getparent() is None or len(_text(element)) > MAX_LINE_CHARS:
            continue  # every rule below is about short lines
        if (
            is_link_line(element)
            or is_teaser(element)
            or is_furniture(element)
            or is_bare_url(element)
            or is_newsletter_plug(element)
        ):
            _drop(element)
    _trim_start(_top_blocks(body), title_tokens, description_tokens)
    _trim_end(_top_blocks(body))
    _drop_pull_quotes(body)
    for empty in [e for e in body.iter("list") if not _text(e)]:
        _drop(empty)


MIN_PULL_QUOTE_TOKENS = 6


def _drop_pull_quotes(body: etree._Element) -> None:
    """A pull quote repeats a sentence of the article in large type; read as text it is the
    same words twice. A quote block whose words all stand, in order, in one of the body's
    paragraphs goes (a quotation the article makes only once stays)."""
    paragraphs = [f" {' '.join(_tokens(_text(p)))} " for p in body.iter("p") if not _in_quote(p)]
    for quote in list(body.iter("quote")):
        words = " ".join(_tokens(_text(quote)))
        if len(words.split()) >= MIN_PULL_QUOTE_TOKENS and any(f" {words} " in p for p in paragraphs):
            _drop(quote)


def _in_quote(element: etree._Element) -> bool:
    return any(a.tag == "quote" for a in element.iterancestors())


def headline_forms(tree: etree._Element) -> list[str]:
    """The page's headline and standfirst as the markup gives them: <title> (and its part
    before " - "/" | "), every <h1>, og:/twitter: title and description, meta description."""
    forms: list[str] = []
    for title in tree.iter("title"):
        text = " ".join("".join(title.itertext()).split())
        forms.append(text)
        forms.extend(part for part in re.split(r"\s[-|–—:]\s", text) if part)
    forms.extend(" ".join("".join(h1.itertext()).split()) for h1 in tree.iter("h1"))
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() in _LEAD_META:
            forms.append(meta.get("content") or "")
    return [f for f in forms if f]


_LEAD_META = frozenset({"og:title", "twitter:title"})
_DESCRIPTION_META = frozenset({"og:description", "twitter:description", "description"})


def description_forms(tree: etree._Element) -> list[str]:
    """The page's description meta values (where a standfirst is usually repeated)."""
    return [
        meta.get("content") or ""
        for meta in tree.iter("meta")
        if (meta.get("property") or meta.get("name") or "").lower() in _DESCRIPTION_META
    ]
