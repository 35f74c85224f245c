"""``extract`` never raises, whatever the bytes, and handles odd encodings."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progleton.extract import ExtractedArticle, SiteProfile, extract

URL = "https://news.example.com/a"
TAGS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<article>",
        "<script>",
        "<!--",
        "-->",
        "<table><tr><td>",
        "<h1>",
        "<![CDATA[",
        "<a href='javascript:x'>",
        "&amp;",
        "&#0;",
        "\x00",
        "<?xml version='1.0'?>",
        "<meta charset='utf-16'>",
    ]
)
HTMLISH = st.lists(st.one_of(TAGS, st.text(max_size=30)), max_size=40).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HTMLISH)
def test_never_raises_on_broken_html(html: str) -> None:
    assert isinstance(extract(html, url=URL), ExtractedArticle)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_never_raises_on_random_bytes(data: bytes) -> None:
    assert isinstance(extract(data, url=URL), ExtractedArticle)


@settings(max_examples=30, deadline=None)
@given(HTMLISH)
def test_profile_never_raises(html: str) -> None:
    profile = SiteProfile("news.example.com")
    profile.observe(html, url=URL)
    assert isinstance(extract(html, url=URL, site_profile=profile), ExtractedArticle)


PARAGRAPH = "Der Bürgermeister äußerte sich über die Straßenbahn und die Größe des Projekts. "


def test_declared_latin1_bytes() -> None:
    html = (
        "<html><head><meta charset='iso-8859-1'><title>Straße</title></head><body><article>"
        + f"<p>{PARAGRAPH * 4}</p>" * 3
        + "</article></body></html>"
    )
    article = extract(html.encode("iso-8859-1"), url=URL)
    assert "Bürgermeister äußerte" in article.text


def test_utf16_with_bom() -> None:
    html = "<html><body><article>" + f"<p>{PARAGRAPH * 4}</p>" * 3 + "</article></body></html>"
    assert "Bürgermeister äußerte" in extract(html.encode("utf-16"), url=URL).text


def test_undeclared_windows_1252_bytes() -> None:
    html = "<html><body><article>" + f"<p>{PARAGRAPH * 4}</p>" * 3 + "</article></body></html>"
    assert "Bürgermeister äußerte" in extract(html.encode("cp1252"), url=URL).text


def test_empty_inputs() -> None:
    for empty in ("", b"", "   ", b"\xef\xbb\xbf"):
        article = extract(empty, url=URL)
        assert article.refused
        assert article.text == ""


def test_article_and_profile_are_picklable() -> None:
    profile = SiteProfile("news.example.com")
    html = "<html><body><article>" + f"<p>{PARAGRAPH * 4}</p>" * 3 + "</article></body></html>"
    profile.observe(html, url=URL)
    article = extract(html, url=URL, site_profile=profile)
    assert pickle.loads(pickle.dumps(article)) == article
    assert pickle.loads(pickle.dumps(profile)).to_json() == profile.to_json()


@pytest.mark.parametrize(
    "void", ['<embed src="/media/clip.swf">', '<track src="/t.vtt">', "<keygen>", "<wbr>"]
)
def test_html5_void_elements_do_not_swallow_the_rest_of_the_article(void: str) -> None:
    """libxml2 parses these as containers of everything after them; the text must survive."""
    paragraph = (
        "<p>The harbour authority said the {} berth would reopen on Friday after divers "
        "finished inspecting the quay wall damaged in last week's collision.</p>"
    )
    first = "".join(paragraph.format(f"northern{i}") for i in range(3))
    rest = "".join(paragraph.format(f"southern{i}") for i in range(3))
    html = f"<html><body><article><h1>Berth reopens</h1>{first}{void}{rest}</article></body></html>"
    article = extract(html, url="https://port.example/news/berth")
    assert all(f"southern{i}" in article.text for i in range(3))
    assert all(f"northern{i}" in article.text for i in range(3))
    assert "southern2" in article.html


def test_a_huge_page_is_read_from_its_head() -> None:
    """A 15 MB page took 550 MiB to extract, in each worker: only the first MAX_PAGE_BYTES are
    parsed, where an article's text is."""
    from progleton.extract.core import MAX_PAGE_BYTES

    article = "".join(f"<p>The harbour board voted on day {i} to rebuild the old sea wall before winter.</p>"
                      for i in range(12))
    filler = "<div class='related'><a href='/x'>More</a></div>\n" * (MAX_PAGE_BYTES // 40)
    page = f"<html><body><article><h1>Sea wall</h1>{article}</article>{filler}<p>FAR BEYOND</p></body></html>"
    assert len(page) > MAX_PAGE_BYTES
    text = extract(page, url="https://x.example/news/wall").text
    assert "on day 11 to rebuild" in text and "FAR BEYOND" not in text
