from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from progleton.urls import canonical_url, host_of


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
