"""Per-element handlers of the fast path, mirroring feedparser's ``_start_*``/``_end_*`` pairs.

Each handler receives the walker, the context dict (feed, entry, image or textinput), the
element, its feedparser key, the effective xml:base and xml:lang, and whether it is inside an
entry.
"""

from __future__ import annotations

from progleton.feeds.handlers.base import AUTHOR_NAMES, PRIVATE_KEYS, Context, Handler
from progleton.feeds.handlers.categories import _category, _tags, add_tag
from progleton.feeds.handlers.channel import (
    _cloud,
    _dimension,
    _generator,
    _href,
    _image,
    _language,
    _skip_hours,
    _textinput,
)
from progleton.feeds.handlers.links import _enclosure, _guid, _link, _source, enclosure_link
from progleton.feeds.handlers.people import _author, _contributor, _ignore_text, _publisher
from progleton.feeds.handlers.text import _content, _date, _description, _text_field, _title

__all__ = ["AUTHOR_NAMES", "HANDLERS", "PRIVATE_KEYS", "Context", "Handler", "add_tag", "enclosure_link"]

HANDLERS: dict[str, Handler] = {
    "title": _title,
    "dc_title": _title,
    "link": _link,
    "guid": _guid,
    "id": _guid,
    "description": _description("text/html"),
    "dc_description": _description("text/html"),
    "summary": _description("text/plain"),
    "abstract": _description("text/plain"),
    "subtitle": _text_field("subtitle", "text/plain"),
    "tagline": _text_field("subtitle", "text/plain"),
    "rights": _text_field("rights", "text/plain"),
    "copyright": _text_field("rights", "text/plain"),
    "dc_rights": _text_field("rights", "text/plain"),
    "info": _text_field("info", "text/plain"),
    "feedburner_browserfriendly": _text_field("info", "text/plain"),
    "content": _content("text/plain"),
    "content_encoded": _content("text/html"),
    "fullitem": _content("text/html"),
    "body": _content("application/xhtml+xml"),
    "xhtml_body": _content("application/xhtml+xml"),
    "published": _date("published"),
    "pubdate": _date("published"),
    "issued": _date("published"),
    "dcterms_issued": _date("published"),
    "updated": _date("updated"),
    "modified": _date("updated"),
    "lastbuilddate": _date("updated"),
    "dc_date": _date("updated"),
    "dcterms_modified": _date("updated"),
    "created": _date("created"),
    "dcterms_created": _date("created"),
    "expirationdate": _date("expired"),
    "author": _author("author"),
    "managingeditor": _author("author"),
    "dc_creator": _author("author"),
    "dc_author": _author("author"),
    "webmaster": _publisher,
    "dc_publisher": _publisher,
    "contributor": _contributor,
    "dc_contributor": _contributor,
    "category": _category,
    "keywords": _category,
    "dc_subject": _category,
    "tags": _tags,
    "enclosure": _enclosure,
    "generator": _generator,
    "language": _language,
    "dc_language": _language,
    "url": _href,
    "uri": _href,
    "homepage": _href,
    "width": _dimension,
    "height": _dimension,
    "name": _ignore_text,
    "email": _ignore_text,
    "image": _image,
    "textinput": _textinput,
    "cloud": _cloud,
    "source": _source,
    "skiphours": _skip_hours,
}
