"""Metadata from JSON-LD, meta tags and trafilatura's heuristics."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progleton.extract import extract
from progleton.extract.authors import split_authors
from progleton.extract.dates import parse_datetime

URL = "https://courier.example.org/transport/tram"


def test_jsonld_article_metadata(fixture_page: Callable[[str], str]) -> None:
    article = extract(fixture_page("article_jsonld.html"), url=URL)
    assert article.title == "Tram Line Extension Opens Two Months Early"
    assert article.authors == ("Anna Berg", "Tomas Lind")
    assert article.published == datetime(2026, 2, 10, 7, 15, tzinfo=UTC)
    assert article.updated == datetime(2026, 2, 11, 16, 0, tzinfo=UTC)
    assert article.language == "en"
    assert article.image == "https://cdn.example.org/tram-large.jpg"
    assert (
        article.canonical_url
        == "https://courier.example.org/transport/tram-line-extension-opens?utm_source=x"
    )
    assert article.site_name == "Northern Courier"
    assert article.word_count > 100


def test_structure_is_kept_in_html(fixture_page: Callable[[str], str]) -> None:
    article = extract(fixture_page("article_jsonld.html"), url=URL)
    assert "<h2>Record ridership expected</h2>" in article.html
    assert "<li>Four new stops</li>" in article.html
    assert "<blockquote>" in article.html
    assert "\n\n" in article.text


def test_meta_tags_and_byline_fallback() -> None:
    html = (
        """<html lang="de"><head><title>Hafen wird erneuert</title>
    <meta name="author" content="Klaus Weber">
    <meta property="article:published_time" content="2025-11-03T10:00:00+01:00"></head>
    <body><article><h1>Hafen wird erneuert</h1>"""
        + "<p>Der Stadtrat hat am Montag beschlossen, den alten Hafen für vierzig Millionen Euro zu erneuern, nachdem der Streit fast zwei Jahre gedauert hatte.</p>"
        * 4
        + "</article></body></html>"
    )
    article = extract(html, url="https://zeitung.example.de/hafen")
    assert article.authors == ("Klaus Weber",)
    assert article.published == datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
    assert article.language == "de"
    assert article.title == "Hafen wird erneuert"


def test_parse_datetime_forms() -> None:
    assert parse_datetime("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_datetime("2024-05-01T12:00:00Z") == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert parse_datetime("2024-05-01 12:00:00+0200") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_datetime("1970-01-01") is None
    assert parse_datetime("3000-01-01") is None
    assert parse_datetime("yesterday") is None


@given(st.text(max_size=40))
def test_parse_datetime_never_raises_and_is_utc(value: str) -> None:
    parsed = parse_datetime(value)
    assert parsed is None or parsed.tzinfo == UTC


def test_split_authors() -> None:
    assert split_authors(["By Anna Berg and Tomas Lind", "https://x/y", "anna berg"]) == (
        "Anna Berg",
        "Tomas Lind",
    )


def test_lead_figure_with_caption_leads_the_html() -> None:
    paragraph = "<p>The ferry service to the island resumed on Monday after a week of storms that kept boats in the harbour and left residents without deliveries.</p>"
    html = (
        "<html><body><article><h1>Ferries sail again</h1><figure><img src='/img/ferry.jpg' alt='Ferry'>"
        f"<figcaption>The morning ferry leaves port.</figcaption></figure>{paragraph * 4}</article></body></html>"
    )
    article = extract(html, url="https://isles.example/ferry")
    assert article.html.startswith(
        '<figure><img src="https://isles.example/img/ferry.jpg" alt="Ferry">'
        "<figcaption>The morning ferry leaves port.</figcaption></figure>"
    )
    assert "morning ferry leaves port" not in article.text
    assert article.image == "https://isles.example/img/ferry.jpg"


def test_chinese_and_japanese_count_a_word_a_character() -> None:
    """Written without spaces, a paragraph is not "three words": each character counts."""
    from progleton.extract.blocks import word_count

    assert (
        word_count("四川泸定县发生6.8级地震，震源深度16千米。") == 19
    )  # 6.8 is two runs of digits, as in any language
    assert word_count("東京都で震度5強の地震があった") == 15
    assert word_count("Президент России, 2026 год") == 4
    paragraphs = (
        "<p>中国地震台网正式测定，9月5日12时52分在四川甘孜州泸定县发生6.8级地震，震源深度16千米。"
        "震中附近的磨西镇房屋受损严重，当地已启动地震应急响应，救援队伍正赶往灾区。</p>"
        "<p>据四川省应急管理厅介绍，地震造成磨西镇多处房屋倒塌，通往灾区的道路部分中断，"
        "救援人员正在搜救被困群众。</p>"
    )
    page = f'<html lang="zh"><head><title>四川泸定发生6.8级地震</title></head><body><article><h1>四川泸定发生6.8级地震</h1>{paragraphs}</article></body></html>'
    article = extract(page, url="https://xinhua.example/a/1")
    assert article.warnings == () and "磨西镇" in article.text
    assert article.language == "zh" and article.word_count > 100


@pytest.mark.parametrize(("text", "declared", "expected"), [
    # py3langid takes these for Wu and for Cantonese: Chinese, written Chinese
    ("塔尔斯克大坝周二凌晨决堤，洪水淹没了霍林和马尔多两个村庄，约四千人被迫撤离家园。" * 4, "zh", "zh"),
    ("塔尔斯克大坝周二凌晨决堤，洪水淹没了霍林和马尔多两个村庄，约四千人被迫撤离家园。" * 4, None, "zh"),
    ("佢哋話今日唔會返工，因為打風，啲巴士都停晒，好多人喺屋企等消息。" * 3, "zh-HK", "zh"),
], ids=["wu", "wu-undeclared", "cantonese"])
def test_a_language_is_its_iso_639_1_code_never_a_varietys(text: str, declared: str | None, expected: str) -> None:
    """A Chinese report was stored as "wuu" (Wu Chinese): `lang:zh` and the front page's
    `?lang=zh` missed it, and its page was marked lang="wuu"."""
    page = (f'<html{f" lang={declared!r}" if declared else ""}><head><title>大坝决堤</title></head>'
            f"<body><article><h1>大坝决堤</h1><p>{text}</p></article></body></html>")
    assert extract(page, url="https://news.example/zh/1").language == expected


_PROSE = "<p>The harbour board voted on Monday to rebuild the old sea wall before the winter storms arrive, after two years of argument over who should pay for it.</p>"


def test_a_canonical_naming_the_home_page_is_no_identity() -> None:
    # a template writing rel=canonical "/" on every article would make them all one article
    for head in (
        '<link rel="canonical" href="/">',
        '<meta property="og:url" content="https://courier.example.org/">',
    ):
        page = f"<html><head>{head}<title>Wall</title></head><body><article>{_PROSE * 4}</article></body></html>"
        assert extract(page, url=URL).canonical_url is None
    page = f'<html><head><link rel="canonical" href="/"></head><body><article>{_PROSE * 4}</article></body></html>'
    assert (
        extract(page, url="https://courier.example.org/").canonical_url
        == "https://courier.example.org/"
    )
    moved = f'<html><head><link rel="canonical" href="/news/wall"></head><body><article>{_PROSE * 4}</article></body></html>'
    assert extract(moved, url=URL).canonical_url == "https://courier.example.org/news/wall"


def test_the_publication_time_is_the_articles_not_the_site_headers_clock() -> None:
    page = (
        '<html><body><header><time datetime="2025-01-14">Tuesday 14 January</time></header>'
        f'<article><h1>Wall</h1><time datetime="2024-03-04T08:00:00Z">4 March</time>{_PROSE * 4}</article>'
        "</body></html>"
    )
    assert extract(page, url=URL).published == datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
    marked = page.replace(
        "<header>", '<header><time class="published-date" datetime="2024-03-03T07:00:00Z">x</time>'
    )
    assert extract(marked, url=URL).published == datetime(2024, 3, 3, 7, 0, tzinfo=UTC)


def test_a_page_its_scripts_render_is_read_from_its_jsonld_article_body() -> None:
    body = (
        "The harbour board voted on Monday to rebuild the sea wall.\n\nIt will cost <b>90 million</b> crowns, a sum the council says it cannot find alone. "
        * 5
    )
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "Wall vote",
            "datePublished": "2025-11-03T10:00:00Z",
            "articleBody": body,
        }
    )
    page = (
        f'<html><head><script type="application/ld+json">{jsonld}</script></head>'
        '<body><div id="root">Loading…</div><script src="/app.js"></script></body></html>'
    )
    article = extract(page, url=URL)
    assert (
        article.text.startswith("The harbour board voted on Monday")
        and "90 million crowns" in article.text
    )
    assert article.word_count > 100 and not any(
        w.startswith("no article") for w in article.warnings
    )
    assert "<p>It will cost 90 million crowns" in article.html
    # text the publisher marks as for subscribers only is not taken from what it gives search engines
    paid = page.replace('"articleBody"', '"isAccessibleForFree": false, "articleBody"')
    assert "90 million" not in extract(paid, url=URL).text
    # a page that shows its article keeps its own text and markup
    prose = "".join(
        _PROSE.replace("Monday", day) for day in ("Monday", "Tuesday", "Wednesday", "Thursday")
    )
    shown = page.replace('<div id="root">Loading…</div>', f"<article>{prose}</article>")
    assert "90 million" not in extract(shown, url=URL).text


def _bare_page(head: str = "") -> str:
    paragraph = (
        "<p>The water board said the reservoir stood at forty per cent of capacity, the lowest "
        "level recorded in late summer since the dam was completed.</p>"
    )
    return f"<html><head>{head}</head><body><article>{paragraph * 4}</article></body></html>"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/2023/07/04/reservoir-low", datetime(2023, 7, 4, tzinfo=UTC)),
        ("https://news.example/local/2023/7/4/reservoir.html", datetime(2023, 7, 4, tzinfo=UTC)),
        ("https://news.example/2023/13/40/reservoir", None),
        ("https://news.example/local/reservoir-2023", None),
    ],
)
def test_date_in_the_url_when_the_page_gives_none(url: str, expected: datetime | None) -> None:
    assert extract(_bare_page(), url=url).published == expected


def test_date_in_the_page_beats_the_url() -> None:
    head = '<meta property="article:published_time" content="2023-07-05T08:00:00Z">'
    article = extract(_bare_page(head), url="https://news.example/2023/07/04/reservoir")
    assert article.published == datetime(2023, 7, 5, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta http-equiv="Content-Language" content="de">', "de"),
        ('<meta http-equiv="content-language" content="fr-CA, en">', "fr"),
        ('<meta name="language" content="nl">', "nl"),
        ('<meta http-equiv="content-language" content="*">', None),
    ],
)
def test_declared_language_meta(head: str, expected: str | None) -> None:
    """Too little text to classify: the page's declared language is the answer."""
    html = f"<html><head>{head}</head><body><article><p>Kurz.</p></article></body></html>"
    assert extract(html, url="https://news.example/brief").language == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Maria Lopez | Lisbon correspondent", ("Maria Lopez",)),
        ("By Tom Hale, Berlin bureau chief", ("Tom Hale",)),
        ("Sara Kim, Omar Haddad", ("Sara Kim", "Omar Haddad")),
        ("By Lena Fisch and Jonas Berg, Associated Press", ("Lena Fisch", "Jonas Berg")),
        ("By Ana Ruiz · Health editor", ("Ana Ruiz",)),
        ("By Pieter van Dijk, Special to the Gazette", ("Pieter van Dijk",)),
        ("Reuters", ("Reuters",)),
        ("Staff reporter", ()),
    ],
)
def test_byline_people_without_roles_places_and_outlets(
    raw: str, expected: tuple[str, ...]
) -> None:
    assert split_authors([raw]) == expected


def _byline_page(byline: str, head: str = "") -> str:
    paragraph = (
        "<p>The rail operator said the new timetable would add four trains an hour between the "
        "two cities from December, after the signalling upgrade is finished.</p>"
    )
    return (
        f"<html><head>{head}</head><body><article><h1>More trains</h1>"
        f'<p class="byline">{byline}</p>{paragraph * 4}</article></body></html>'
    )


@pytest.mark.parametrize(
    "byline",
    [
        "By Jane Roe, Updated 3 May 2024",
        "By Jane Roe | May 3, 2024 at 10:40",
        "By <a href='/staff/jane'>Jane Roe</a> on Monday 4 March 2024",
    ],
)
def test_a_byline_with_a_date_still_names_its_author(byline: str) -> None:
    assert extract(_byline_page(byline), url="https://rail.example/t").authors == ("Jane Roe",)


_COURIER = '<meta property="og:site_name" content="Daily Courier">'


@pytest.mark.parametrize(
    ("meta_author", "byline", "expected"),
    [
        # the QA page: a role in the author tag, and the outlet's name after it in the byline
        ("Staff reporter", "By Staff reporter, Daily Courier", ("Staff reporter",)),
        (None, "By Staff reporter, Daily Courier", ("Staff reporter",)),
        (None, "By Staff, Daily Courier", ("Staff",)),
        (None, "By Anna Berg, Daily Courier", ("Anna Berg",)),
        ("Daily Courier", "", ()),
        # a person named anywhere comes before a role credited
        ("Staff reporter", "By Jane Roe", ("Jane Roe",)),
        ("Jane Roe", "By Staff reporter, Daily Courier", ("Jane Roe",)),
    ],
)
def test_the_outlets_own_name_is_no_author_and_a_credited_role_is_kept(
    meta_author: str | None, byline: str, expected: tuple[str, ...]
) -> None:
    head = _COURIER + (f'<meta name="author" content="{meta_author}">' if meta_author else "")
    assert extract(_byline_page(byline, head), url="https://rail.example/t").authors == expected


def test_jsonld_author_that_is_the_publisher_gives_way_to_the_bylines_people() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "More trains",
        "author": {"@type": "Organization", "name": "Rail Gazette"},
        "publisher": {"@type": "Organization", "name": "Rail Gazette"},
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    article = extract(_byline_page("By Jane Roe and Tom Hale", head), url="https://rail.example/t")
    assert article.authors == ("Jane Roe", "Tom Hale")
    alone = extract(_byline_page("", head), url="https://rail.example/t")
    assert alone.authors == ("Rail Gazette",)


def test_jsonld_graph_author_reference_is_resolved() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "NewsArticle",
                "@id": "https://rail.example/t#article",
                "headline": "More trains",
                "author": {"@id": "https://rail.example/#/schema/person/ab12"},
            },
            {
                "@type": "Person",
                "@id": "https://rail.example/#/schema/person/ab12",
                "name": "Jane Roe",
            },
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    assert extract(_byline_page("", head), url="https://rail.example/t").authors == ("Jane Roe",)
