"""The lead picture: lazy-loaded, responsive and AMP images, placeholders, and thumbnails of
other stories that are not the lead."""

from __future__ import annotations

import pytest

from progleton.extract import extract
from progleton.extract.images import is_placeholder_image

URL = "https://gazette.example.net/region/storm-damage"
PARAGRAPH = (
    "<p>Council crews worked through the night to clear fallen trees from the coast road after "
    "the storm, and the ferry operator said its first crossing would leave two hours late.</p>"
)
BODY = PARAGRAPH * 5


def _page(lead: str, body: str = BODY, head: str = "") -> str:
    return (
        f"<html><head><title>Storm damage</title>{head}</head><body><main><article>"
        f"<h1>Storm damage on the coast</h1>{lead}{body}</article></main></body></html>"
    )


@pytest.mark.parametrize(
    "lead",
    [
        '<figure><img src="/assets/blank.gif" data-src="/photos/storm-road.jpg" alt="x">'
        "<figcaption>The coast road.</figcaption></figure>",
        '<figure><img src="data:image/gif;base64,R0lGOD" data-lazy-src="/photos/storm-road.jpg">'
        "<figcaption>The coast road.</figcaption></figure>",
        '<figure><img src="/i/spacer.png" data-srcset="/photos/storm-road-400.jpg 400w, '
        '/photos/storm-road-1200.jpg 1200w"><figcaption>The coast road.</figcaption></figure>',
        '<figure><picture><source srcset="/photos/storm-road.webp" type="image/webp">'
        '<img srcset="/photos/storm-road-1x.jpg 1x, /photos/storm-road-2x.jpg 2x"></picture>'
        "<figcaption>The coast road.</figcaption></figure>",
        '<figure><img class="lazy" src="/static/placeholder.png"><noscript>'
        '<img src="/photos/storm-road.jpg"></noscript><figcaption>The coast road.</figcaption>'
        "</figure>",
    ],
)
def test_lazy_and_responsive_lead_figures_show_the_real_picture(lead: str) -> None:
    article = extract(_page(lead), url=URL)
    assert article.image is not None
    assert "/photos/storm-road" in article.image
    assert "/photos/storm-road" in article.html
    assert "blank" not in article.html and "placeholder" not in article.html
    assert "<figcaption>The coast road.</figcaption>" in article.html


def test_srcset_gives_its_largest_candidate() -> None:
    lead = (
        '<figure><img data-srcset="/photos/a-400.jpg 400w, /photos/a-1600.jpg 1600w, '
        '/photos/a-800.jpg 800w"></figure>'
    )
    assert extract(_page(lead), url=URL).image == "https://gazette.example.net/photos/a-1600.jpg"


def test_amp_image_is_the_lead_picture() -> None:
    lead = '<amp-img src="/photos/storm-road.jpg" width="1200" height="675"></amp-img>'
    assert extract(_page(lead), url=URL).image == "https://gazette.example.net/photos/storm-road.jpg"


def test_tracking_pixel_is_no_picture() -> None:
    lead = '<img src="https://stats.example.com/t.gif?id=9" width="1" height="1">'
    assert extract(_page(lead), url=URL).image is None


def test_site_default_og_image_loses_to_the_articles_picture() -> None:
    head = '<meta property="og:image" content="/static/share-default-logo.png">'
    lead = '<figure><img src="/photos/storm-road.jpg"></figure>'
    article = extract(_page(lead, head=head), url=URL)
    assert article.image == "https://gazette.example.net/photos/storm-road.jpg"


def test_site_default_og_image_stays_when_the_article_has_no_picture() -> None:
    head = '<meta property="og:image" content="/static/share-default-logo.png">'
    assert extract(_page("", head=head), url=URL).image == (
        "https://gazette.example.net/static/share-default-logo.png"
    )


@pytest.mark.parametrize(
    "body",
    [
        # a teaser card for another story, linked, inside the body
        PARAGRAPH * 2
        + '<a href="/other-story"><img src="/thumbs/other-story.jpg">Read: other story</a>'
        + PARAGRAPH * 3,
        # an aside's figure mid-article
        PARAGRAPH * 3
        + '<aside><figure><img src="/thumbs/other-story.jpg"><figcaption>Related</figcaption>'
        "</figure></aside>"
        + PARAGRAPH * 2,
        # a figure well into the story illustrates a passage, it is not the lead
        PARAGRAPH * 3 + '<figure><img src="/thumbs/other-story.jpg"></figure>' + PARAGRAPH * 2,
        # a linked card at the very top is still another story's
        '<div class="related-card"><figure><img src="/thumbs/other-story.jpg"></figure></div>'
        + BODY,
    ],
)
def test_other_stories_thumbnails_are_not_the_lead(body: str) -> None:
    article = extract(_page("", body=body), url=URL)
    assert article.image is None
    assert "other-story" not in article.html


@pytest.mark.parametrize(
    ("url", "placeholder"),
    [
        ("https://x.example/img/placeholder-1x1.gif", True),
        ("https://x.example/s/pixel.gif", True),
        ("https://x.example/s/og-default.png", True),
        ("https://x.example/photos/pixel-phone-review.jpg", False),
        ("https://x.example/photos/harbour.jpg", False),
    ],
)
def test_placeholder_names(url: str, placeholder: bool) -> None:
    assert is_placeholder_image(url) is placeholder


@pytest.mark.parametrize("src", ["x", "null", "undefined", "#", "#top"])
def test_an_address_that_names_no_picture_is_no_lead_image(src: str) -> None:
    # <img src=x onerror=...>: "x" resolves to a page beside the article, fetched as a broken image
    for lead in (f'<img src="{src}" alt="">', f'<figure><img src="{src}"></figure>'):
        article = extract(_page(lead), url=URL)
        assert article.image is None, lead
        assert "<img" not in article.html or 'src="' not in article.html, article.html
    head = f'<meta property="og:image" content="{src}">'
    assert extract(_page("", head=head), url=URL).image is None


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("photos/storm.jpg", "https://gazette.example.net/region/photos/storm.jpg"),
        ("storm.jpg", "https://gazette.example.net/region/storm.jpg"),
        ("/image?id=55", "https://gazette.example.net/image?id=55"),
        ("render?id=55", "https://gazette.example.net/region/render?id=55"),
        ("https://cdn.example/a", "https://cdn.example/a"),
        ("//cdn.example/a", "https://cdn.example/a"),
    ],
)
def test_relative_pictures_with_a_path_an_extension_or_a_query_stay(src: str, expected: str) -> None:
    from progleton.extract.sanitize import picture_url

    assert picture_url(src, URL) == expected
    assert extract(_page(f'<figure><img src="{src}"></figure>'), url=URL).image == expected
