"""OPML subscription lists: read them safely, write them so that they read back the same."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from lxml import etree

from progleton.exceptions import FeedParseError
from progleton.feeds.prepare import normalize_headers, prepare_xml
from progleton.feeds.repair import repair_common_errors

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)
_MAX_OUTLINES = 100_000


@dataclass(frozen=True)
class OutlineSource:
    """One feed from an OPML file, with the folders it sat in as categories."""

    url: str
    title: str | None = None
    site_url: str | None = None
    categories: tuple[str, ...] = ()


def parse_opml(data: bytes) -> list[OutlineSource]:
    """The feeds listed in an OPML document, in document order, without duplicates.

    Folders (outlines without ``xmlUrl``) and the ``category`` attribute become categories.
    Entity declarations are never expanded. Raises FeedParseError when it is not OPML.
    """
    return read_opml(data)[0]


def read_opml(data: bytes) -> tuple[list[OutlineSource], int]:
    """:func:`parse_opml`, and how many outlines repeated an address listed before (left out:
    the first outline of an address is the one taken)."""
    if not data or not data.strip():
        raise FeedParseError("not an OPML file: the document is empty")
    doc = prepare_xml(data, normalize_headers(None))
    # Bare ampersands are common in xmlUrl ("?a=1&b=2"): the recovering parser would drop
    # "&b" as an unknown entity and the feed would be subscribed under another URL.
    xml = repair_common_errors(doc.data) or doc.data
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise FeedParseError(f"not an OPML file: {exc}") from None
    if (
        root is None
        or not isinstance(root.tag, str)
        or etree.QName(root).localname.lower() != "opml"
    ):
        raise FeedParseError("not an OPML file: the root element is not <opml>")
    body = next((c for c in root if isinstance(c.tag, str) and c.tag.lower() == "body"), None)
    found: dict[str, OutlineSource] = {}
    repeats: list[str] = []
    if body is not None:
        _collect(body, (), found, repeats)
    return list(found.values()), len(repeats)


def _collect(
    parent: etree._Element, folders: tuple[str, ...], found: dict[str, OutlineSource], repeats: list[str]
) -> None:
    for outline in parent:
        if (
            not isinstance(outline.tag, str)
            or outline.tag.lower() != "outline"
            or len(found) >= _MAX_OUTLINES
        ):
            continue
        attrs = {k.lower(): v for k, v in outline.attrib.items()}
        label = (attrs.get("title") or attrs.get("text") or "").strip() or None
        url = (attrs.get("xmlurl") or "").strip()
        if url:
            label = None if label == url else label
            if url in found:
                repeats.append(url)
            else:
                found[url] = OutlineSource(
                    url=url,
                    title=label,
                    site_url=(attrs.get("htmlurl") or "").strip() or None,
                    categories=_categories(folders, attrs.get("category", "")),
                )
            continue
        _collect(outline, (*folders, label) if label else folders, found, repeats)


def _categories(folders: tuple[str, ...], attribute: str) -> tuple[str, ...]:
    names = list(folders)
    for part in attribute.split(","):
        name = part.strip().strip("/").split("/")[-1].strip() if part.strip() else ""
        if name and name not in names:
            names.append(name)
    return tuple(names)


def write_opml(sources: Iterable[OutlineSource], *, title: str) -> str:
    """An OPML 2.0 document: sources grouped in folders by their first category.

    Further categories go in the ``category`` attribute, so parse_opml() reads back the
    same sources.
    """
    folders: dict[str | None, list[OutlineSource]] = {}
    for source in sources:
        folders.setdefault(source.categories[0] if source.categories else None, []).append(source)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title></head>",
        "  <body>",
    ]
    for folder, members in folders.items():
        indent = "    "
        if folder is not None:
            lines.append(f"    <outline text={quoteattr(folder)} title={quoteattr(folder)}>")
            indent = "      "
        lines.extend(indent + _outline(source) for source in members)
        if folder is not None:
            lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _outline(source: OutlineSource) -> str:
    attrs = [("type", "rss"), ("text", source.title or source.url)]
    if source.title is not None:
        attrs.append(("title", source.title))
    attrs.append(("xmlUrl", source.url))
    if source.site_url:
        attrs.append(("htmlUrl", source.site_url))
    if len(source.categories) > 1:
        attrs.append(("category", ",".join(source.categories[1:])))
    return "<outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs) + "/>"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
