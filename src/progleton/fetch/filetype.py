"""Whether an article link leads to a web page or to a file (a podcast's episode, a PDF, an
image): pure readings of a response's ``Content-Type`` and of its first bytes.

A feed's item often links to its file rather than to a page about it. Read as a page, an
episode was downloaded up to ``max_response_bytes`` (20 MB of each of a feed's new entries) to
end as "sent more than 20,000,000 bytes ... raise max_response_bytes", and a PDF or an image
went to the HTML extractor, which logged an error for each. The declared type stops the fetch
at the headers; the first bytes catch files served as ``application/octet-stream`` (S3's
default) or as ``text/html``.
"""

from __future__ import annotations

# Declared types read as a page: text of any kind, XML and XHTML, and the types that say
# nothing (the first bytes decide those).
_UNKNOWN_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown",
                            "application/x-unknown", "unknown/unknown"})
_KINDS = {"audio": "audio", "video": "a video", "image": "an image", "font": "a font", "model": "a 3D model"}
_APPLICATIONS = {"pdf": "a PDF document", "zip": "a ZIP archive", "json": "JSON data", "epub+zip": "an e-book",
                 "msword": "a Word document", "vnd.ms-excel": "a spreadsheet"}
# How files start (their "magic numbers"), for those served under a type that says nothing.
_SIGNATURES = (
    (b"%PDF-", "a PDF document"), (b"\x89PNG\r\n\x1a\n", "an image (PNG)"), (b"GIF8", "an image (GIF)"),
    (b"\xff\xd8\xff", "an image (JPEG)"), (b"ID3", "audio (MP3)"), (b"OggS", "audio or video (Ogg)"),
    (b"fLaC", "audio (FLAC)"), (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip file"), (b"RIFF", "audio, video or an image (RIFF)"),
)
# Every byte but the control characters that no text holds.
_TEXT_BYTES = bytes(b for b in range(256) if b >= 0x20 or b in b"\t\n\r\f\x1b")
# Bytes of the start that :func:`sniffed_file` reads.
SNIFF_BYTES = 1024


def media_type(content_type: str) -> str:
    """The ``type/subtype`` of a ``Content-Type`` value, lower case, without parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def declared_file(content_type: str) -> str | None:
    """What a response declared as ``content_type`` is when that is no web page ("a PDF
    document"), or None when it may be one (HTML, XML, any text, or a type that says nothing)."""
    declared = media_type(content_type)
    kind, _, subtype = declared.partition("/")
    if declared in _UNKNOWN_TYPES or kind == "text" or subtype == "xml" or subtype.endswith("+xml"):
        return None
    if kind in _KINDS:
        return _KINDS[kind]
    if kind == "application":
        return _APPLICATIONS.get(subtype.removeprefix("x-"), "a file")
    return "a file"


def sniffed_file(start: bytes) -> str | None:
    """What a body beginning with ``start`` (its first :data:`SNIFF_BYTES` decoded bytes) is
    when it is a file and no text, or None. Control characters that text never holds (NUL and
    the like, not tab, line ends or ESC), one byte in ten or more, mark binary data, unless a
    UTF-16 or UTF-32 byte order mark says the text is written so; a page with a stray NUL is
    still a page."""
    for signature, what in _SIGNATURES:
        if start.startswith(signature):
            return what
    if start.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return None
    head = start[:SNIFF_BYTES]
    return "binary data" if head and len(head.translate(None, _TEXT_BYTES)) * 10 >= len(head) else None
