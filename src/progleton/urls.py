"""URL identity: the canonical form under which one page is stored once."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .exceptions import UnsafeURLError

# Query parameters that track a click, not name a page. Data, not code branches.
TRACKING_PARAMETERS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid",
    "yclid", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url", "cmpid", "ncid", "ocid",
    "sr_share", "smid", "guccounter", "oly_anon_id", "oly_enc_id", "vero_id", "spm",
})
TRACKING_PREFIXES = ("utm_", "pk_", "piwik_", "mtm_", "at_", "__twitter", "_ga")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


# A URL already in canonical form: lower-case http(s) scheme and host, no port, a path
# of characters that need no escaping, no query, no fragment (most feed links).
_ALREADY_CANONICAL = re.compile(r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:/[A-Za-z0-9/:@!$&'()*+,;=._~-]*)?")


@lru_cache(maxsize=16_384)
def canonical_url(url: str) -> str:
    """The identity of a page: scheme and host lower-cased, default port, fragment and
    tracking parameters dropped, remaining query parameters sorted, percent-escapes
    normalised. ``https`` and ``http`` stay distinct (they can differ), ``www.`` stays.
    An address no parser reads (a port out of range, an unclosed IPv6 bracket: no
    :func:`is_web_address`) is its own identity, as written; it never raises.
    """
    if _ALREADY_CANONICAL.fullmatch(url):
        return url if url.count("/") > 2 else url + "/"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if port and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _is_tracking(k)))
    return urlunsplit((scheme, host, path, query, ""))


def host_of(url: str) -> str:
    """The host (lower-case, no port) of a URL; empty when it has none (or no parser reads it)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # an unclosed IPv6 bracket
        return ""


def server_of(url: str) -> str:
    """The server a URL is asked of, for politeness between requests: the host in lower case,
    with its port when it is not the scheme's default (``127.0.0.1:8810``); empty when it has
    none. http and https on their default ports are one server."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:  # an unclosed IPv6 bracket
        return ""
    try:
        port = parts.port
    except ValueError:  # a port out of range: no server to be polite to
        return host
    if host and port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host


def address_name(url: str) -> str:
    """What to call a site known only by its address: the host in lower case, without
    ``www.``, user name or port; and the space of a user on a shared host, a path segment
    starting with "@" or "~" ("medium.com/@ann", "uni.example/~bob"). The port stays beside a
    bare IP address or ``localhost``: there the host names no publisher and the port tells
    two development servers apart ("127.0.0.1:8765"). Empty when the URL has no host."""
    parts = urlsplit(url)
    host = host_of(url)
    if not host:
        return ""
    try:
        port = parts.port
    except ValueError:  # not a number: no port worth naming
        port = None
    if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()) and _names_no_publisher(host):
        host = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    host = _readable_host(host.rstrip("."))
    if not _SECOND_LEVEL.fullmatch(host.removeprefix("www.")):  # "www.co.uk" is no site of co.uk
        host = host.removeprefix("www.")
    user = next((p for p in parts.path.split("/") if p[:1] in ("@", "~") and len(p) > 1), None)
    return f"{host}/{user}" if user else host


# A country's registry space ("co.uk", "com.au"): what follows "www." there is no site's name.
_SECOND_LEVEL = re.compile(r"(?:co|com|org|net|ac|gov|edu|ne|or|go)\.[a-z]{2}")


def _readable_host(host: str) -> str:
    """A host as its readers write it: each punycode label ("xn--bcher-kva") in its own letters
    ("bücher"); a label that is no valid punycode is kept as it is."""
    if "xn--" not in host:
        return host
    labels = []
    for label in host.split("."):
        try:
            labels.append(label.encode("ascii").decode("idna") if label.startswith("xn--") else label)
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


def _names_no_publisher(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost") or _IP_ADDRESS.fullmatch(host) is not None


# The longest canonical address an article is stored under, in UTF-8 bytes: it is a unique key,
# and PostgreSQL indexes a value of at most 2,704 bytes (an 8,000-character link failed its
# source there). 2,000 is also the longest address that sitemaps and most servers take.
MAX_URL_BYTES = 2000
_IP_ADDRESS = re.compile(r"[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*")
WEB_SCHEMES = ("http://", "https://")


def is_web_address(url: str) -> bool:
    """Whether ``url`` is one a reader or a fetcher may be sent to: http or https, any case,
    with a host and a port that can be read. A feed's link to a port out of range or with an
    unclosed IPv6 bracket failed its whole source where the address was parsed, and one whose
    canonical form passes :data:`MAX_URL_BYTES` did on PostgreSQL; it is no web address, like a
    ``javascript:`` one."""
    if not url[:8].lower().startswith(WEB_SCHEMES) or len(url) > MAX_URL_BYTES:
        return False
    if _ALREADY_CANONICAL.fullmatch(url):
        return True
    try:
        parts = urlsplit(url)
        readable = bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:
        return False
    return readable and len(canonical_url(url).encode()) <= MAX_URL_BYTES


_AUTHORITY = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<authority>[^/?#]*)")


def without_userinfo(url: str) -> str:
    """``url`` without a user name and password ("http://user:pass@host/a" is "http://host/a"),
    the rest as written. An article link or a page's address never carries them: a feed's
    link could make us send credentials it chose, and readers would be shown them."""
    found = _AUTHORITY.match(url)
    if found is None or "@" not in found["authority"]:
        return url
    return found["scheme"] + found["authority"].rpartition("@")[2] + url[found.end():]


_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):(.*)", re.DOTALL)


def web_address(url: str) -> str:
    """A source's address as followed: ``https://`` before one written without a scheme
    ("example.org/feed", "example.org:8080/feed"), the scheme lower-cased ("HTTP://…"), no
    fragment ("…/feed#top" is the same feed); ``UnsafeURLError`` for another scheme (ftp:,
    javascript:, file:), no host, or one longer than :data:`MAX_URL_BYTES`."""
    written = url.strip()
    url = written.split("#", 1)[0].strip()
    match = _SCHEME.fullmatch(url)
    scheme = match.group(1).lower() if match else ""
    if match and scheme in ("http", "https"):
        url = scheme + ":" + match.group(2)
    elif match and "." not in scheme and not match.group(2)[:1].isdigit():
        raise UnsafeURLError(f"{written[:80]!r}: only http and https addresses can be followed, not {scheme}:")
    else:
        url = "https://" + url
    if any(c.isspace() for c in url):
        raise UnsafeURLError(f"{written[:80]!r}: a web address has no spaces")
    if len(url.encode()) > MAX_URL_BYTES:
        raise UnsafeURLError(f"{written[:80]!r}…: an address of {len(url):,} characters is longer than the "
                             f"{MAX_URL_BYTES:,} Progleton takes; look for a shorter address of the feed")
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if not host:
        raise UnsafeURLError(f"{written[:80]!r}: not a web address (it names no host)")
    return url


# A database URL's password: in its user info (up to the last "@": a password written with an
# "@" or "/" of its own is masked whole), and in a ``password=`` parameter (libpq's).
_USERINFO_PASSWORD = re.compile(r"(?P<head>://[^:/@?#]*:)(?P<password>.*)@")
_PARAMETER_PASSWORD = re.compile(r"(?P<head>[?&]password=)(?P<password>[^&#]*)", re.IGNORECASE)
MASK = "********"


def masked_url(url: str) -> str:
    """``url`` as it may be printed or logged: its password, if any, is ``********``."""
    url = _USERINFO_PASSWORD.sub(rf"\g<head>{MASK}@", url, count=1)
    return _PARAMETER_PASSWORD.sub(rf"\g<head>{MASK}", url)


def masked_error(error: object, url: str) -> str:
    """An error's text without ``url``'s password, or a part of it: a driver may quote them (a
    password written with an "@" makes its end the host it cannot find)."""
    text = str(error)
    secrets: set[str] = set()
    for match in (*_USERINFO_PASSWORD.finditer(url), *_PARAMETER_PASSWORD.finditer(url)):
        for password in (match["password"], unquote(match["password"])):
            secrets.update(p for p in (password, *password.split("@")) if len(p) > 1)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
