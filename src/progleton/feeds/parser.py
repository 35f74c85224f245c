"""The entry point: safety checks, the fast lxml path, JSON Feed, and the feedparser fallback."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from feedparser.urls import make_safe_absolute_uri
from lxml import etree

from progleton.exceptions import FeedParseError
from progleton.feeds import cdata, compat, textconstructs
from progleton.feeds.fallback import parse_with_feedparser, salvaged_anything
from progleton.feeds.fast import FeedWalker, NotUnderstood, feed_version, namespaces_in_use
from progleton.feeds.jsonfeed import looks_like_json, parse_json_feed
from progleton.feeds.model import ParsedFeed
from progleton.feeds.prepare import (
    NOT_A_FEED_HTML,
    PreparedDocument,
    check_not_empty,
    drop_undeclared_references,
    looks_like_html_page,
    normalize_headers,
    prepare_xml,
)
from progleton.feeds.repair import repair_common_errors

# feedparser is slow and its loose parser is fragile on big or deep documents.
FALLBACK_MAX_BYTES = 8_000_000

_SAFE = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "dtd_validation": False,
    "remove_pis": True,
    "collect_ids": False,
}
_PARSERS = threading.local()  # lxml parsers and XPath evaluators: one per thread


def _strict_parser() -> etree.XMLParser:
    parser = getattr(_PARSERS, "strict", None)
    if parser is None:
        parser = _PARSERS.strict = etree.XMLParser(**_SAFE)
    return parser


def _has_xml_base(root: etree._Element) -> bool:
    # In C over the tree; unlike a search of the bytes, not fooled by text that mentions it.
    finder = getattr(_PARSERS, "xml_base", None)
    if finder is None:
        finder = _PARSERS.xml_base = etree.XPath("boolean(//@xml:base)")
    return bool(finder(root))


def _recover_parser() -> etree.XMLParser:
    parser = getattr(_PARSERS, "recover", None)
    if parser is None:
        parser = _PARSERS.recover = etree.XMLParser(recover=True, **_SAFE)
    return parser


_ELEMENT = re.compile(rb"<[A-Za-z_]")
_LONG_TEXT = re.compile(rb"[^<]{%d,}" % textconstructs.MAX_FIELD_CHARS)


def parse(
    data: bytes, *, url: str | None = None, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    """Parse a feed document.

    ``url`` is where it was fetched from (the base for relative links) and ``headers`` the
    HTTP response headers (charset, Content-Location, Content-Language). Returns a
    ParsedFeed with ``bozo`` set when the document was not well-formed but something
    could be salvaged. Raises FeedParseError when it is empty, an HTML page, or holds
    no feed at all. Thread-safe; does no I/O.
    """
    if not isinstance(data, bytes):
        raise TypeError("parse() takes the document as bytes")
    hdrs = normalize_headers(headers)
    check_not_empty(data)
    location = hdrs.get("content-location", "")
    base = (
        make_safe_absolute_uri(url or "", location) or make_safe_absolute_uri(location) or url or ""
    )
    if looks_like_json(data):
        raw = parse_json_feed(data, base=base)
        reasons = []
        if raw.pop("truncated"):
            reasons.append(f"field too large: truncated to {textconstructs.MAX_FIELD_CHARS:,} characters")
        if wrong_types := raw.pop("wrong_types"):
            reasons.append(wrong_types)
        reason = "; ".join(reasons) or None
        return compat.build_parsed_feed(
            raw,
            bozo=reason is not None,
            bozo_reason=reason,
            extra={
                "headers": hdrs,
                "href": url,
                "bozo_exception": reason and FeedParseError(reason),
            },
        )
    doc = prepare_xml(data, hdrs)
    if looks_like_html_page(doc.data):
        raise FeedParseError(NOT_A_FEED_HTML)
    if not _ELEMENT.search(doc.data):
        raise FeedParseError("not a feed: the document is empty (no XML element)")
    lifted = cdata.lift(doc.data) if len(doc.data) <= textconstructs.MAX_FIELD_CHARS else None
    if lifted is not None:
        parsed = _from_lifted(lifted, data, doc, url=url, base=base)
        if parsed is not None:
            return parsed
    try:
        root = etree.fromstring(doc.data, _strict_parser())
    except etree.XMLSyntaxError as exc:
        return _salvage(data, doc, exc, url=url, base=base)
    return _from_tree(root, data, doc, url=url, base=base)


def _from_lifted(
    lifted: tuple[bytes, dict[str, str]],
    original: bytes,
    doc: PreparedDocument,
    *,
    url: str | None,
    base: str,
) -> ParsedFeed | None:
    """The feed read from the document with its CDATA sections lifted out (cdata.py).

    None when that reading is not certain to equal the plain one: the lifted document does
    not parse, is not read directly, or left a marker unread. The caller then starts over.
    """
    source, texts = lifted
    try:
        root = etree.fromstring(source, _strict_parser())
        version = feed_version(root, doc.version_hint)
    except (etree.XMLSyntaxError, NotUnderstood):
        return None
    if not _can_read_directly(root, doc):
        return None
    walker = _walk(root, doc, version, base, direct=True, lifted=texts)
    if len(walker.restored) != len(texts):
        return None
    return _direct_feed(walker, original, doc, url=url, base=base, version=version)


def _from_tree(
    root: etree._Element,
    original: bytes,
    doc: PreparedDocument,
    *,
    url: str | None,
    base: str,
    bozo_reason: str | None = None,
) -> ParsedFeed:
    try:
        version = feed_version(root, doc.version_hint)
    except NotUnderstood as exc:
        if isinstance(root.tag, str) and etree.QName(root).localname.lower() == "html":
            raise FeedParseError(NOT_A_FEED_HTML) from None
        if bozo_reason is not None:
            raise FeedParseError(f"not a feed: {bozo_reason}") from None
        return _fallback(original, doc, url=url, reason=None, not_understood=str(exc))
    if bozo_reason is None and _can_read_directly(root, doc):
        walker = _walk(root, doc, version, base, direct=True)
        return _direct_feed(walker, original, doc, url=url, base=base, version=version)
    walker = _walk(root, doc, version, base, direct=False)
    # read before _feedparser_view drops the walker's bookkeeping (the entries' author names)
    entries = tuple(compat.entry_from_raw(e) for e in walker.entries)
    bozo, reason, exception = _bozo(doc, walker, bozo_reason)
    extra: dict[str, Any] = {"headers": doc.headers, "href": url, "bozo_exception": exception}
    extra.update(_feedparser_view(root, walker, doc, version))
    extra["compat_complete"] = walker.compat_complete and bozo_reason is None
    if not extra["compat_complete"]:
        extra.update(_delegation_source(original, doc, url))
    return compat.build_parsed_feed(
        extra["raw"],
        bozo=bozo,
        bozo_reason=reason,
        skip_hours=walker.skip_hours,
        feed_authors=walker.feed_authors,
        extra=extra,
        entries=entries,
    )


def _direct_feed(
    walker: FeedWalker,
    original: bytes,
    doc: PreparedDocument,
    *,
    url: str | None,
    base: str,
    version: str,
) -> ParsedFeed:
    # The feedparser-shaped entries are left for to_feedparser(), which walks again.
    bozo, reason, exception = _bozo(doc, walker, None)
    extra: dict[str, Any] = {
        "headers": doc.headers,
        "href": url,
        "bozo_exception": exception,
        "deferred": DeferredDetail(original, doc, url, base, version),
    }
    raw = {"feed": walker.feed, "entries": [], "version": version, "encoding": doc.encoding}
    compat.strip_private(raw)
    return compat.build_parsed_feed(
        raw,
        bozo=bozo,
        bozo_reason=reason,
        skip_hours=walker.skip_hours,
        feed_authors=walker.feed_authors,
        extra=extra,
        entries=walker.build_entries(),
    )


def _can_read_directly(root: etree._Element, doc: PreparedDocument) -> bool:
    """Whether entries.read_entry() may read the entries of this well-formed document.

    It gives every element the base of its entry, and reads texts without the truncation
    check: so not where an ``xml:base`` occurs, nor where a field could be over the limit.
    """
    return len(doc.data) <= textconstructs.MAX_FIELD_CHARS and not _has_xml_base(root)


def _walk(
    root: etree._Element,
    doc: PreparedDocument,
    version: str,
    base: str,
    *,
    direct: bool,
    lifted: dict[str, str] | None = None,
) -> FeedWalker:
    walker = FeedWalker(version, "utf-8", base, doc.headers.get("content-language"))
    walker.direct = direct
    walker.lifted = lifted or {}
    walker.walk(root)
    return walker


def _feedparser_view(
    root: etree._Element, walker: FeedWalker, doc: PreparedDocument, version: str
) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "feed": walker.feed,
        "entries": walker.entries,
        "version": version,
        "encoding": doc.encoding,
        "namespaces": namespaces_in_use(root),
    }
    compat.strip_private(raw)
    return {"raw": raw}


@dataclass(frozen=True)
class DeferredDetail:
    """What ``to_feedparser()`` needs to walk a directly read document in full, later.

    Plain data (no lxml tree is kept alive): the document is parsed again when asked.
    """

    original: bytes
    doc: PreparedDocument
    url: str | None
    base: str
    version: str

    def complete(self, extra: dict[str, Any]) -> None:
        """Add ``raw`` and ``compat_complete`` (and the delegation source) to ``extra``."""
        root = etree.fromstring(self.doc.data, _strict_parser())
        walker = _walk(root, self.doc, self.version, self.base, direct=False)
        extra.update(_feedparser_view(root, walker, self.doc, self.version))
        extra["compat_complete"] = walker.compat_complete
        if not walker.compat_complete:
            extra.update(_delegation_source(self.original, self.doc, self.url))


def _bozo(
    doc: PreparedDocument, walker: FeedWalker, reason: str | None
) -> tuple[bool, str | None, Exception | None]:
    exception = doc.bozo_exception if doc.bozo else None
    if reason is None and exception is not None:
        reason = str(exception)
    if walker.truncated:
        fields = ", ".join(sorted(set(walker.truncated)))
        reason = (
            f"field too large: {fields} truncated to {textconstructs.MAX_FIELD_CHARS:,} characters"
        )
        exception = exception or FeedParseError(reason)
    if reason is not None and exception is None:
        exception = FeedParseError(reason)
    return reason is not None, reason, exception


def _delegation_source(original: bytes, doc: PreparedDocument, url: str | None) -> dict[str, Any]:
    headers = dict(doc.headers)
    if url and "content-location" not in headers:
        headers["content-location"] = url
    if doc.entities_neutralized:
        headers["content-type"] = "application/xml; charset=utf-8"
        return {"source": doc.data, "source_headers": headers}
    return {"source": original, "source_headers": headers}


def _salvage(
    original: bytes,
    doc: PreparedDocument,
    error: etree.XMLSyntaxError,
    *,
    url: str | None,
    base: str,
) -> ParsedFeed:
    undeclared = drop_undeclared_references(doc)
    left_out = (f"references to entities the feed does not declare left out ({', '.join(undeclared[:3])}"
                f"{', …' if len(undeclared) > 3 else ''})") if undeclared else None
    if left_out is not None:
        try:
            root = etree.fromstring(doc.data, _strict_parser())
        except etree.XMLSyntaxError as exc:
            error = exc
        else:  # that was all that was wrong with it
            return _from_tree(root, original, doc, url=url, base=base, bozo_reason=_with_notes(doc, left_out))
    reason = _with_notes(doc, "; ".join(filter(None, (left_out, f"not well-formed XML: {error}"))))
    message = str(error)
    if "Text node too long" in message or "huge" in message.lower():
        shortened = _LONG_TEXT.sub(_shorten, doc.data)
        try:
            root = etree.fromstring(shortened, _strict_parser())
        except etree.XMLSyntaxError:
            pass
        else:
            field = f"a text field over {textconstructs.MAX_FIELD_CHARS:,} characters was truncated"
            return _from_tree(root, original, doc, url=url, base=base, bozo_reason=field)
    if "Excessive depth" in message or len(doc.data) > FALLBACK_MAX_BYTES:
        return _recover(original, doc, reason, url=url, base=base)
    repaired = repair_common_errors(doc.data)
    if repaired is not None:
        try:
            root = etree.fromstring(repaired, _strict_parser())
        except etree.XMLSyntaxError:
            pass
        else:
            return _from_tree(root, original, doc, url=url, base=base, bozo_reason=reason)
    return _fallback(original, doc, url=url, reason=reason)


def _with_notes(doc: PreparedDocument, reason: str) -> str:
    """Why a document was salvaged, after the unsafe declarations dropped from it, if any."""
    if doc.notes:
        return f"unsafe DOCTYPE declarations dropped ({', '.join(doc.notes[:3])}); {reason}"
    return reason


def _with_http(result: Any, doc: PreparedDocument, url: str | None) -> Any:
    compat._add_http_fields(result, {"headers": doc.headers, "href": url})
    return result


def _shorten(found: re.Match[bytes]) -> bytes:
    cut = found.group(0)[: textconstructs.MAX_FIELD_CHARS]
    amp = cut.rfind(b"&", -12)
    if amp != -1 and b";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.decode("utf-8", "ignore").encode("utf-8")


def _recover(
    original: bytes, doc: PreparedDocument, reason: str, *, url: str | None, base: str
) -> ParsedFeed:
    try:
        root = etree.fromstring(doc.data[: FALLBACK_MAX_BYTES * 4], _recover_parser())
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise FeedParseError(f"not a feed: {reason}")
    return _from_tree(root, original, doc, url=url, base=base, bozo_reason=reason)


def _fallback(
    original: bytes,
    doc: PreparedDocument,
    *,
    url: str | None,
    reason: str | None,
    not_understood: str | None = None,
) -> ParsedFeed:
    result = parse_with_feedparser(original, doc, url)
    if not salvaged_anything(result):
        raise FeedParseError(f"not a feed: {reason or not_understood}")
    bozo = bool(result.get("bozo"))
    exception = result.get("bozo_exception") if bozo else None
    reason = reason or (str(exception) if exception is not None else None)
    if reason is not None and not bozo:
        bozo, exception = True, FeedParseError(reason)
        result["bozo"], result["bozo_exception"] = True, exception
    return compat.build_parsed_feed(
        result,
        bozo=bozo,
        bozo_reason=reason if bozo else None,
        extra={
            "headers": doc.headers,
            "href": url,
            "feedparser_result": _with_http(result, doc, url),
            "bozo_exception": exception,
            "via": "feedparser",
        },
    )
