from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progleton import urls as urls_module
from progleton.urls import canonical_url, host_of, without_userinfo


def test_tracking_parameters_fragment_and_case_are_dropped() -> None:
    assert canonical_url("HTTP://News.Example.COM:80/a/b?utm_source=rss&id=7&fbclid=x#top") == \
        "http://news.example.com/a/b?id=7"


def test_query_order_and_escapes_do_not_change_identity() -> None:
    assert canonical_url("https://x.org/p%7Eq?b=2&a=1") == canonical_url("https://x.org/p~q?a=1&b=2")


def test_non_default_port_and_scheme_are_kept() -> None:
    assert canonical_url("http://127.0.0.1:8080/p") == "http://127.0.0.1:8080/p"
    assert canonical_url("https://x.org/p") != canonical_url("http://x.org/p")
    assert host_of("https://Sub.X.org:8443/p") == "sub.x.org"


urls = st.builds(
    lambda host, path, query: f"https://{host}/{path}?{query}",
    st.from_regex(r"[a-z]{1,10}\.(com|org)", fullmatch=True),
    st.from_regex(r"[a-zA-Z0-9/_.~-]{0,20}", fullmatch=True),
    st.from_regex(r"([a-z]{1,5}=[a-z0-9]{0,5}&?){0,4}", fullmatch=True),
)


@given(urls)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "utm_" not in once and "#" not in once


@settings(max_examples=2000)
@given(
    scheme=st.sampled_from(["http", "https"]),
    host=st.from_regex(r"[a-z0-9-]{1,5}(\.[a-z0-9-]{1,5}){0,2}", fullmatch=True),
    rest=st.text("abcXYZ019-._~/:@!$&'()*+,;=%?#", max_size=20),
)
def test_the_fast_path_for_canonical_links_agrees_with_the_full_rules(scheme: str, host: str, rest: str) -> None:
    url = f"{scheme}://{host}{rest}"
    fast = urls_module._ALREADY_CANONICAL
    if not fast.fullmatch(url):
        return  # the full rules decide anyway
    try:
        urls_module._ALREADY_CANONICAL = re.compile(r"(?!)")  # never matches: the full rules only
        by_the_full_rules = urls_module.canonical_url.__wrapped__(url)
    finally:
        urls_module._ALREADY_CANONICAL = fast
    assert urls_module.canonical_url.__wrapped__(url) == by_the_full_rules


BROKEN_WEB_ADDRESSES = [
    "http://127.0.0.1:99999/a", "https://example.org:-1/a", "http://example.org:port/a",
    "http://[::1/a", "http://[not-an-address]/a", "http:///no-host", "https://",
]


def test_an_address_that_cannot_be_read_is_no_web_address() -> None:
    for url in BROKEN_WEB_ADDRESSES:
        assert not urls_module.is_web_address(url), url
    for url in ["https://example.org/a", "HTTP://example.org:8080/a", "http://[::1]:8080/a", "https://xn--bcher-kva.example/"]:
        assert urls_module.is_web_address(url), url


@given(st.sampled_from(["http://", "https://", "HTTP://"]), st.text(max_size=40))
def test_url_helpers_never_raise_on_what_a_feed_may_write(scheme: str, rest: str) -> None:
    """A feed's or a page's link of any text: one that cannot be parsed failed its whole source
    ("internal error: Port out of range 0-65535")."""
    for url in [scheme + rest, *BROKEN_WEB_ADDRESSES]:
        canonical_url(url)
        host_of(url)
        urls_module.server_of(url)


def test_a_web_address_longer_than_an_index_takes_is_refused_with_its_length() -> None:
    """`progleton add` of a 6,000-character address ended in a database traceback on PostgreSQL."""
    import pytest

    from progleton.exceptions import UnsafeURLError

    with pytest.raises(UnsafeURLError, match="6,030 characters"):
        urls_module.web_address("https://example.org/feed?x=" + "a" * 6003)
    long_enough = "https://example.org/feed?x=" + "a" * (urls_module.MAX_URL_BYTES - 27)
    assert urls_module.web_address(long_enough) == long_enough


@pytest.mark.parametrize(("url", "expected"), [
    ("http://user:pass@host.example/a?b=c#d", "http://host.example/a?b=c#d"),
    ("https://user@host.example:8080/a", "https://host.example:8080/a"),
    ("http://a:b@c@host.example/", "http://host.example/"),
    ("http://host.example/@ann/post", "http://host.example/@ann/post"),  # a path's "@" is no user
    ("http://host.example/?q=a@b", "http://host.example/?q=a@b"),
    ("mailto:ann@host.example", "mailto:ann@host.example"),
])
def test_without_userinfo_drops_the_user_name_and_password_alone(url: str, expected: str) -> None:
    assert without_userinfo(url) == expected
