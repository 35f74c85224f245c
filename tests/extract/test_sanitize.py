"""Sanitized HTML keeps structure and drops everything executable."""

from __future__ import annotations

import pytest

from progleton.extract import sanitize_html

BASE = "https://news.example.com/story/1"


def test_keeps_structure() -> None:
    html = (
        "<h2>Head</h2><p>A <em>b</em> <strong>c</strong> <code>d</code></p><ul><li>x</li></ul>"
        "<blockquote>q</blockquote><table><thead><tr><th>h</th></tr></thead><tbody><tr><td>v</td>"
        "</tr></tbody></table><figure><img src='/i.jpg' alt='A'><figcaption>Cap</figcaption></figure>"
    )
    out = sanitize_html(html, base_url=BASE)
    for tag in (
        "<h2>",
        "<em>",
        "<strong>",
        "<code>",
        "<ul>",
        "<li>",
        "<blockquote>",
        "<table>",
        "<thead>",
        "<th>",
        "<td>",
        "<figure>",
        "<figcaption>",
    ):
        assert tag in out
    assert '<img src="https://news.example.com/i.jpg" alt="A">' in out


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<style>body{display:none}</style>",
        "<iframe src='https://evil.example/'></iframe>",
        "<img src=x onerror=alert(1)>",
        "<p onclick='alert(1)'>hi</p>",
        "<a href='javascript:alert(1)'>x</a>",
        "<a href='JaVaScRiPt:alert(1)'>x</a>",
        "<img src='data:image/png;base64,AAAA'>",
        "<svg onload=alert(1)></svg>",
        "<object data='x.swf'></object>",
        "<form action='/x'><input name=a></form>",
    ],
)
def test_drops_executable_content(attack: str) -> None:
    out = sanitize_html(f"<p>ok</p>{attack}", base_url=BASE).lower()
    for needle in (
        "<script",
        "<style",
        "<iframe",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "data:",
        "<svg",
        "<object",
        "<form",
        "<input",
        "alert",
    ):
        assert needle not in out
    assert "<p>ok</p>" in out


def test_links_are_absolute_and_get_rel() -> None:
    out = sanitize_html('<a href="/other">other</a>', base_url=BASE)
    assert (
        out
        == '<a href="https://news.example.com/other" rel="noopener noreferrer nofollow">other</a>'
    )


def test_relative_link_without_base_is_dropped() -> None:
    assert "href" not in sanitize_html('<a href="/other">other</a>')


def test_only_http_images() -> None:
    out = sanitize_html('<img src="ftp://x.example/a.jpg"><img src="http://x.example/b.jpg">')
    assert "ftp:" not in out
    assert 'src="http://x.example/b.jpg"' in out


def test_an_image_address_that_names_no_picture_is_dropped() -> None:
    # a feed's <img src=x onerror=...>: "x" is no picture, and would show as a broken image
    out = sanitize_html('<p>Fair</p><img src=x onerror="alert(1)"><img src="#"><img src="p.jpg">',
                        base_url="https://a.example/news/fair")
    assert out == '<p>Fair</p><img><img><img src="https://a.example/news/p.jpg">'


def test_unknown_tags_keep_their_text() -> None:
    assert sanitize_html("<div><span>text</span></div>") == "text"


def test_empty() -> None:
    assert sanitize_html("") == ""
    assert sanitize_html("   ") == ""
