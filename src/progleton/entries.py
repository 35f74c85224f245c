"""Feed entries as an update reads and stores them: pure functions, no I/O.

What identifies an entry, its dates, title, authors and text as stored (markup, control
characters and terminal escapes gone), the feed read with each entry's derived text
(:class:`EntryText`), pages extracted in a worker process, and what changed in entries
already stored. :mod:`progleton.pipeline`, the imperative shell, moves these values and
writes them.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3
from feedparser.exceptions import CharacterEncodingOverride, NonXMLContentType

from . import feeds
from .exceptions import FetchError, HTTPStatusError
from .extract import ExtractedArticle, SiteProfile, extract, sanitize_html, word_count
from .feeds.model import ParsedEntry, ParsedFeed
from .fetch import publishing_rate
from .store.base import KnownEntry
from .timefmt import duration_words
from .urls import canonical_url, host_of, is_web_address, without_userinfo


def entry_guid(entry: ParsedEntry) -> str:
    """What identifies an entry within its source: its id, else its link, else its
    enclosure's URL (a podcast's episode may have nothing else), else a hash; one longer than
    :data:`MAX_GUID_BYTES` by its hash."""
    guid = entry.id or entry.link or (entry.enclosures[0].url if entry.enclosures else "")
    if guid and len(guid.encode()) <= MAX_GUID_BYTES:
        return guid
    digest = hashlib.sha256((guid or f"{entry.title}\n{entry.summary}").encode()).hexdigest()
    return f"sha256:{digest[:32]}"


# The longest guid kept as written, in UTF-8 bytes: it is a unique key, and PostgreSQL indexes
# a value of at most 2,704 bytes (an 8,000-character guid failed its whole source there).
MAX_GUID_BYTES = 1000


# How far past the fetch time a date may lie and be kept as written: a publisher's clock
# running a little fast. A date further ahead (a typo'd year, "01 Jan 2100" as a sticky post, a
# misread zone) would hold the top of every page sorted by date until it came, so it is taken
# as the fetch time: the entry is news now.
CLOCK_SKEW = timedelta(minutes=15)


def not_after(moment: datetime | None, now: datetime) -> datetime | None:
    """``moment``, or ``now`` where it lies more than :data:`CLOCK_SKEW` past ``now``."""
    if moment is not None and moment > now + CLOCK_SKEW:
        return now
    return moment


# The earliest date taken as a news item's: before it there were next to no news sites, let
# alone feeds. An earlier one is a zero timestamp (1970-01-01), a typo'd year (1901), a CMS's
# placeholder; taken as given, it sorted and grouped its article as news of then, "56 years
# ago", so it is no date at all (the article sorts and groups by when it was fetched).
EARLIEST_NEWS = datetime(1995, 1, 1, tzinfo=UTC)


def dated(*moments: datetime | None) -> datetime | None:
    """The first of ``moments`` that may be a news item's date (:data:`EARLIEST_NEWS` or later),
    or None. A date too far ahead is :func:`not_after`'s to settle, against the fetch time."""
    return next((m for m in moments if m is not None and m >= EARLIEST_NEWS), None)


def odd_dates_note(entries: Sequence[Mapping[str, Any]], now: datetime) -> str | None:
    """What a source says of its new entries (rows of ``entries``, with the dates the feed gave)
    dated before :data:`EARLIEST_NEWS`, taken as undated, or further past ``now``, the fetch
    time, than :data:`CLOCK_SKEW`, taken as the fetch time (:func:`not_after`)."""
    said = [[d for d in (e.get("published"), e.get("updated")) if d is not None] for e in entries]
    early = [min(dates) for dates in said if dates and min(dates) < EARLIEST_NEWS]
    ahead = [max(dates) for dates in said if dates and max(dates) > now + CLOCK_SKEW]
    notes = [f"{_entries(len(early))} dated before {EARLIEST_NEWS.year} (such as {early[0]:%Y-%m-%d}): "
             "taken as undated" if early else "",
             f"{_entries(len(ahead))} dated in the future (such as {ahead[0]:%Y-%m-%d}): dated when fetched"
             if ahead else ""]
    return "; ".join(filter(None, notes)) or None


def _entries(count: int) -> str:
    return f"{count:,} new entr{'y' if count == 1 else 'ies'}"


_MEDIA_VERBS = {"audio": "Listen", "video": "Watch"}


def _file_name(url: str) -> str:
    """The last part of a URL's path, unquoted ("episode-12.mp3")."""
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def enclosure_links(entry: ParsedEntry) -> str:
    """Links to an entry's enclosures (a podcast episode's audio), as HTML: the feed's text
    may say nothing else, and no page of it is fetched."""
    links = []
    for enclosure in entry.enclosures[:5]:
        if is_web_address(enclosure.url):
            verb = _MEDIA_VERBS.get((enclosure.type or "").split("/")[0], "Download")
            name = _file_name(enclosure.url) or enclosure.url
            links.append(f'<p class="enclosure">{verb}: <a href="{html.escape(enclosure.url)}">{html.escape(name)}</a></p>')
    return "".join(links)


def enclosure_name(entry: ParsedEntry) -> str:
    """The file name of the entry's first enclosure ("episode-12.mp3"): the title of an
    episode that has none."""
    return _file_name(entry.enclosures[0].url) if entry.enclosures else ""


def retry_advice(exc: HTTPStatusError, wait: timedelta) -> str:
    """What a rate-limited source says: when it will really be fetched again (``wait``, from
    the schedule, which honours a Retry-After only when it is longer than the source's
    backoff), and what the server asked where the schedule waits longer."""
    asked = min(exc.retry_after or 0.0, 86_400.0)
    seconds = wait.total_seconds()
    said = _seconds_in_words(seconds)
    if seconds > asked * 1.15:  # beyond the schedule's jitter
        said += f" (it asked for {_seconds_in_words(asked)}, sooner than this source's backoff)"
    return f"{exc.without_advice[:-1]}; it will be retried in {said}."


def retried_in(exc: FetchError, wait: timedelta) -> str:
    """A failed source's error with its advice made exact: "it will be retried later" says when
    (``wait``, from the schedule's backoff), as a server's Retry-After does (:func:`retry_advice`)."""
    if "retried later" not in exc.advice:
        return str(exc)
    return exc.fact + exc.advice.replace("retried later", f"retried in {_seconds_in_words(wait.total_seconds())}", 1)


def _seconds_in_words(seconds: float) -> str:
    return duration_words(seconds / 60) if seconds >= 90 else f"{max(seconds, 0):.0f} seconds"


def feed_warning(feed: ParsedFeed) -> str | None:
    """What a source should say about how its feed was read: nothing for a clean one, the
    notice as what it is for a wrong content type or charset (the feed itself was read
    whole), and that it was salvaged only when it was not well-formed."""
    if not feed.bozo:
        return None
    reason = feed.bozo_reason or "unknown error"
    notice = feed.extra.get("bozo_exception")
    if str(notice) == reason:  # the notice is the only fault found
        if isinstance(notice, NonXMLContentType):
            served = reason.removesuffix(" is not an XML media type")
            return f"served as {served}, read as a feed anyway"
        if isinstance(notice, CharacterEncodingOverride) and reason.endswith("replaced with U+FFFD"):
            return f"{reason}; the rest read as UTF-8"  # feeds.prepare: a few bad bytes
        if isinstance(notice, CharacterEncodingOverride):
            return f"its encoding was misdeclared ({reason}), read anyway"
    if feed.version.startswith("json"):  # well-formed JSON, but not what JSON Feed says
        return f"feed not valid, salvaged what could be read: {reason}"
    return f"feed not well-formed, salvaged what could be read: {reason}"


def entries_per_day(feed: ParsedFeed, now: datetime) -> float | None:
    """The source's publishing rate, from the dates its feed shows (last 30 days)."""
    return publishing_rate((d for e in feed.entries if (d := e.published or e.updated)), now=now)


_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|li|h[1-6]|blockquote|pre|tr|td|th|br|hr|ul|ol|table|section|article|figure|figcaption)\b[^>]*>", re.I)


_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"})


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, block elements as paragraphs.

    Block tags become paragraph breaks and nh3 (Rust) strips every other tag: about ten
    times faster than building an lxml tree for each feed entry.
    """
    if not fragment or not fragment.strip():
        return ""
    marked = _BLOCK_TAG.sub("\n\n", fragment)
    text = html.unescape(_TEXT_ONLY.clean(marked))
    paragraphs = (" ".join(block.split()) for block in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


# Every element name of HTML (and the obsolete ones feeds still write): "<T>" in "Vec<T>" or
# "<y and y>" in "x<y and y>z" is text, not a tag, and must not be dropped.
_HTML_TAGS = frozenset("""
a abbr acronym address area article aside audio b base basefont bdi bdo big blink blockquote body
br button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir
div dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6
head header hgroup hr html i iframe img input ins kbd label legend li link main map mark marquee
menu meta meter nav nobr noembed noframes noscript object ol optgroup option output p param
picture plaintext pre progress q rp rt ruby s samp script search section select slot small source
span strike strong style sub summary sup svg math table tbody td template textarea tfoot th thead
time title tr track tt u ul var video wbr xmp
""".split())
# Elements that never close or are dangerous alone: one of these is markup even unpaired.
_LONE_TAGS = frozenset("br hr img wbr iframe script style embed object svg math input meta link base".split())
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)(\s[^<>]*)?/?>|<!--.*?-->")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")


def _markup_tags(title: str, *, salvaged: bool = False) -> list[re.Match[str]]:
    """The tags of ``title`` that are HTML markup rather than text that looks like a tag.

    A tag counts when it names an HTML element and is shaped as markup: closed somewhere in
    the title ("<b>…</b>"), given attributes ("<a href=…>"), or an element that stands
    alone ("<br>", "<img …>", "<script>"). So "Option<U>" keeps its "<U>" (an unclosed
    underline without attributes is far likelier a type parameter), and "<b>Bold</b>" is
    markup. In a ``salvaged`` feed (not well-formed) every HTML element's tag is markup: its
    closing tags may be what broke the document."""
    found = list(_TAG.finditer(title))
    closed = {m.group(2).lower() for m in found if m.group(1)}
    opened = {m.group(2).lower() for m in found if m.group(2) and not m.group(1)}
    tags = []
    for m in found:
        name = (m.group(2) or "").lower()
        if not name:  # a comment
            tags.append(m)
        elif name in _HTML_TAGS and (
                salvaged or name in _LONE_TAGS or (m.group(3) or "").strip() not in ("", "/")
                or (name in opened and name in closed)):
            tags.append(m)
    return tags


# What a feed may put in a one-line field to garble or disguise it: the C0 and C1 controls
# and DEL (a NUL or an escape code in a title, stored and shown as is), and the bidi
# overrides, embeddings and isolates (U+202E makes "Harbour news\u202egpj.exe" read as
# "Harbour newsexe.jpg"). Line breaks and tabs become spaces; the rest go.
_BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_LINE_CONTROLS = str.maketrans(
    {c: None for c in [*range(0x20), *range(0x7F, 0xA0), *_BIDI_CONTROLS]}
    | dict.fromkeys(map(ord, "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85"), " "))
# In a text body line breaks and tabs are text; bidi marks may be the text's own.
_BODY_CONTROLS = str.maketrans(
    {c: None for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n"})


# A search finds whether there is anything to take out: str.translate with a table looks up
# every character, and nearly no text has one.
_ANY_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANY_BODY_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# A terminal's escape sequences whole (colour "ESC[31m", a window title "ESC]0;…BEL"): with
# their ESC alone taken out, "[31mred[0m" would be left in the text.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]{0,500}(?:\x07|\x1b\\)?|[@-Z\\-_])")


def one_line(text: str) -> str:
    """A title, a source's title or an author's name as stored: on one line, without control
    or bidi override characters (:data:`_LINE_CONTROLS`) or terminal escape sequences."""
    if _ANY_LINE_CONTROL.search(text):
        text = _ESCAPE_SEQUENCE.sub("", text).translate(_LINE_CONTROLS)
    return " ".join(text.split())


def body_text(text: str) -> str:
    """A text body as stored: without control characters or terminal escape sequences, its
    line breaks and tabs kept."""
    if _ANY_BODY_CONTROL.search(text):
        return _ESCAPE_SEQUENCE.sub("", text).translate(_BODY_CONTROLS)
    return text


def plain_title(title: str, *, salvaged: bool = False) -> str:
    """A title from a feed as plain text on one line. Feeds put markup in titles ("<b>",
    "<img onerror=…>", escaped entities such as "AT&amp;T"), which a reader would otherwise
    see as tags; the text is kept and every tag dropped (a script's text too). Only real
    HTML markup is dropped (:func:`_markup_tags`; ``salvaged``: of a feed that was not
    well-formed): the "<" of "3 < 5", "Vec<T>" or "x<y and y>z" is text and kept."""
    tags = _markup_tags(title, salvaged=salvaged)
    if tags:
        # whatever "<" is not a tag is escaped first, or the HTML parser would take it as one
        parts, last = [], 0
        for m in tags:
            parts.append(title[last:m.start()].replace("<", "&lt;"))
            parts.append(m.group(0))
            last = m.end()
        parts.append(title[last:].replace("<", "&lt;"))
        title = html_to_text("".join(parts))
    elif _ENTITY.search(title):
        title = html.unescape(title)
    return one_line(title)  # after unescaping: "&#x202E;" is a bidi override too


# The elements of a feed's structure, and any element of a namespace ("dc:creator"): met in a
# title of a feed that was not well-formed, they are the start of what the broken title swallowed.
_FEED_ELEMENT = re.compile(
    r"</?(?:[A-Za-z][\w.-]*:[A-Za-z][\w.-]*|item|entry|channel|rss|feed|title|link|guid|description|pubDate"
    r"|summary|content|author|category|enclosure|id|updated|published|comments|source)(?:\s[^<>]*)?/?>",
    re.IGNORECASE)


MAX_TITLE_CHARS = 500  # an article's title as stored (:func:`short_title`)


def salvaged_title(title: str) -> str:
    """A title of a feed salvaged from a document that was not well-formed, as plain text
    (:func:`plain_title`): an element of the feed's structure ends it, as what follows belongs
    to the elements its unclosed tag swallowed ("Malformed & broken<item><title>Unclosed <b>bold
    item" is "Malformed & broken"), and every HTML tag left in it, closed or not, is dropped."""
    found = _FEED_ELEMENT.search(title)
    if found is not None:
        before = title[:found.start()]
        title = before if before.strip() else _FEED_ELEMENT.sub(" ", title)
    return plain_title(title, salvaged=True)


def short_title(title: str, limit: int) -> str:
    """``title`` in at most ``limit`` characters: a longer one is cut after its last whole word
    that fits, with "…" (in the middle of a word only when it has no space to cut at)."""
    if len(title) <= limit:
        return title
    cut = title[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut[:limit - 1].rstrip(" ,;:-–—") + "…"


def salvaged(feed: ParsedFeed) -> bool:
    """Whether ``feed`` was salvaged from a document that was not well-formed XML."""
    return feed.bozo and "not well-formed" in (feed.bozo_reason or "")


def feed_name(feed: ParsedFeed) -> str | None:
    """What a source is called after its feed's title: plain text on one line, at most 200
    characters (:func:`short_title`); None without one."""
    if not feed.title:
        return None
    title = salvaged_title(feed.title) if salvaged(feed) else plain_title(feed.title)
    return short_title(title, 200) or None


def authors(names: Sequence[str]) -> list[str]:
    """Authors' names as stored (:func:`one_line`), those left empty dropped."""
    return [name for name in map(one_line, names) if name]


def profile_key(page_url: str, site_url: str | None) -> str:
    """Which site profile a page learns into: the site's host, plus its path when the
    site lives under a path of a shared host (``host/outlet``); ports never matter."""
    host = host_of(page_url)
    if site_url and host_of(site_url) == host:
        prefix = urlsplit(site_url).path.strip("/").split("/")[0]
        if prefix and urlsplit(page_url).path.lstrip("/").startswith(prefix + "/"):
            return f"{host}/{prefix}"
    return host


def text_hash(title: str, text: str) -> str:
    """What tells one source's article republished under another address: its title and text
    (an outlet's items that share only their text, "Comments" or a maintenance page, stay
    apart)."""
    both = " ".join(title.split()).lower() + "\n" + " ".join(text.split()).lower()
    return hashlib.sha256(both.encode()).hexdigest()


def entry_address(source_id: int, guid: str) -> str:
    """The identity of an article whose entry links to no web page: not a web address, so it is
    never offered as a link to the original (``Article.link`` is then empty)."""
    return f"urn:progleton:entry:{source_id}:{hashlib.sha256(guid.encode()).hexdigest()[:32]}"


# ---- extraction in a worker process ----------------------------------------------------------

def extract_pages(pages: Sequence[tuple[bytes, str]], site: str,
                  profile_json: str | None) -> tuple[list[ExtractedArticle], str]:
    """Extract a batch of one site's pages with the site's profile, having first let the
    profile see every page of the batch (so blocks repeated across them are known).
    Returns the articles and the updated profile.

    Runs in a worker process: arguments and results are plain picklable data.
    """
    profile = SiteProfile.from_json(profile_json) if profile_json else SiteProfile(site)
    for body, url in pages:
        profile.observe(body, url=url)
    return [extract(body, url=url, site_profile=profile) for body, url in pages], profile.to_json()


@dataclass(frozen=True)
class EntryText:
    """What the pipeline derives from an entry's own HTML (computed where the feed is read)."""

    canonical_link: str | None
    summary_html: str  # sanitized
    content_html: str  # sanitized; empty when it repeats the summary
    summary_text: str
    content_text: str


def text_to_html(text: str) -> str:
    """Plain text as HTML: escaped, a paragraph per blank-line-separated block, its single
    line breaks kept."""
    blocks = (b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")))
    return "".join(f"<p>{html.escape(b).replace(chr(10), '<br>')}</p>" for b in blocks if b)


def entry_html(value: str, content_type: str | None, base_url: str) -> str:
    """An entry's summary or content as safe HTML. What the feed declared plain text is
    escaped: cleaned as HTML, its "<angle> brackets" and "&lt;not a tag&gt;" would be lost."""
    if content_type == "text/plain":
        return text_to_html(value)
    return sanitize_html(value, base_url=base_url)


def read_feed(body: bytes, url: str, headers: Mapping[str, str],
              fallback_base: str) -> tuple[ParsedFeed, list[EntryText]]:
    """Parse a feed and prepare its entries' text: the CPU-bound half of a feed's update."""
    feed = feeds.parse(body, url=url, headers=headers)
    if salvaged(feed):  # markup its broken tags left in titles
        feed = replace(feed, entries=tuple(
            replace(e, title=salvaged_title(e.title)) if e.title and "<" in e.title else e for e in feed.entries))
    if any(_has_userinfo(e) for e in feed.entries):
        feed = replace(feed, entries=tuple(map(_without_userinfo, feed.entries)))
    texts = []
    for entry in feed.entries:
        base = entry.link or fallback_base
        summary = entry_html(entry.summary or "", entry.summary_type, base)
        content = (entry_html(entry.content, entry.content_type, base)
                   if entry.content and entry.content != entry.summary else "")
        texts.append(EntryText(
            canonical_link=canonical_url(entry.link) if entry.link else None,
            summary_html=summary, content_html=content,
            summary_text=body_text(html_to_text(summary)), content_text=body_text(html_to_text(content)),
        ))
    return feed, texts


def _has_userinfo(entry: ParsedEntry) -> bool:
    return any("@" in link for link in (entry.link or "", *(e.url for e in entry.enclosures)))


def _without_userinfo(entry: ParsedEntry) -> ParsedEntry:
    """``entry`` with no user name or password in its link or enclosures
    (:func:`~progleton.urls.without_userinfo`): a feed's links are fetched and shown without them."""
    if not _has_userinfo(entry):
        return entry
    return replace(entry, link=without_userinfo(entry.link) if entry.link else entry.link,
                   enclosures=tuple(replace(e, url=without_userinfo(e.url)) for e in entry.enclosures))


def feed_body(entry: ParsedEntry, text: EntryText) -> tuple[str, str]:
    """An article's text and HTML when its page is not used: what the feed said, and what it
    attached (a podcast's audio) to play or open."""
    return text.content_text or text.summary_text, (text.content_html or text.summary_html) + enclosure_links(entry)


def changed_texts(by_guid: Mapping[str, tuple[ParsedEntry, EntryText]],
                   known: Mapping[str, KnownEntry]) -> list[dict[str, Any]]:
    """Stored entries whose feed now gives another text, for the articles that show the feed's
    text (a live post the feed keeps rewriting, a corrected summary), as ``SQLStore.save_feeds``
    takes them (``_texts``): the article shows the new text; the grouper keeps reading the text
    it first read. An article whose page was used keeps the page's text. ``updated`` is the
    entry's own updated time, if the feed gives one (the store dates the change by it)."""
    changed = []
    for guid, (entry, text) in by_guid.items():
        stored = known.get(guid)
        if stored is None or stored.feed_text is None or stored.article_id is None:
            continue
        body, html = feed_body(entry, text)
        if body and body != stored.feed_text:
            title = short_title(plain_title(entry.title or ""), MAX_TITLE_CHARS)
            changed.append({"guid": guid, "entry_summary": text.summary_html, "entry_content": text.content_html,
                            "article_id": stored.article_id, "text": body, "html": html, "updated": entry.updated,
                            "summary": text.summary_text[:1000], "word_count": word_count(body),
                            "text_hash": text_hash(title, body)})
    return changed


def changed_headlines(by_guid: Mapping[str, tuple[ParsedEntry, Any]],
                       known: Mapping[str, KnownEntry]) -> list[dict[str, Any]]:
    """Stored entries whose feed now gives another title (a corrected or updated headline), as
    ``SQLStore.save_feeds`` takes them: the article shows the new one; the grouper keeps reading
    the title it first read. ``updated`` is the entry's own updated time, if the feed gives one
    (the store dates the change by it)."""
    changed = []
    for guid, (entry, _) in by_guid.items():
        if guid not in known or not entry.title:
            continue
        old_title, article_id = known[guid].title, known[guid].article_id
        headline = short_title(plain_title(entry.title), MAX_TITLE_CHARS)
        if entry.title != old_title and headline and headline != plain_title(old_title or ""):
            changed.append({"guid": guid, "title": entry.title, "article_id": article_id, "headline": headline,
                            "updated": entry.updated})
    return changed


def recency(entry: ParsedEntry) -> tuple[bool, float]:
    """How an entry ranks among new ones, the newest first: by date, an undated entry after the
    dated ones."""
    moment = entry.published or entry.updated
    return moment is None, -moment.timestamp() if moment else 0.0


def newest_entries(new: Sequence[tuple[str, ParsedEntry, EntryText]], cap: int
                   ) -> tuple[list[tuple[str, ParsedEntry, EntryText]], list[tuple[str, ParsedEntry, EntryText]]]:
    """At most ``cap`` of a feed's new entries, the newest by date (:func:`recency`; undated ones
    in feed order), kept in feed order; and the ones left, the newest first.

    A feed of 100,000 items was stored in a minute and then grouped for half an hour: one
    update takes a bounded number, and the ones left wait for later updates
    (:mod:`progleton.pending`)."""
    if len(new) <= cap:
        return list(new), []
    order = sorted(range(len(new)), key=lambda i: (*recency(new[i][1]), i))
    return [new[i] for i in sorted(order[:cap])], [new[i] for i in order[cap:]]


def left_note(taken: int, left: int) -> str | None:
    """What a source says when :func:`newest_entries` left some of its new entries."""
    if not left:
        return None
    return (f"took the newest {taken:,} of {taken + left:,} new entries (max_new_entries); "
            f"{left:,} {'was' if left == 1 else 'were'} left for later updates")


def unlinked_note(items: Sequence[tuple[dict[str, Any], Any]]) -> str | None:
    """What a source should say about its new entries whose link is no web address (a
    ``javascript:``, ``data:`` or ``urn:`` one): they are read from the feed's own text, with no
    link to the original, since a reader could not be sent there. (An entry with no link at
    all is ordinary, a status update or a note, and goes unremarked.)"""
    odd = [e["link"] for e, _ in items if e["link"] and not is_web_address(e["link"])]
    if not odd:
        return None
    count = f"{len(odd)} new entr{'y links' if len(odd) == 1 else 'ies link'}"
    return (f"{count} to no web address (such as {odd[0][:60]!r}): shown with the feed's own text "
            "and no link to the original")


def first_words(text: str, count: int) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


