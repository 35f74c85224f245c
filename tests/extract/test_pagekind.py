"""Pages that are not the article are recognised and refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from progleton.extract import REFUSAL_PREFIXES, extract
from progleton.extract.pagekind import PageSignals, page_warnings


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("challenge_cloudflare.html", "challenge page"),
        ("challenge_captcha.html", "challenge page"),
        ("consent_wall.html", "consent page"),
        ("paywall_stub.html", "paywall"),
        ("error_404.html", "error page"),
    ],
)
def test_non_article_pages_are_refused(
    fixture_page: Callable[[str], str], name: str, prefix: str
) -> None:
    article = extract(fixture_page(name), url="https://news.example.com/a")
    assert article.refused
    assert article.warnings[0].startswith(prefix)
    assert prefix in REFUSAL_PREFIXES


def test_paywall_warning_says_truncated(fixture_page: Callable[[str], str]) -> None:
    article = extract(fixture_page("paywall_stub.html"), url="https://ledger.example.com/a")
    assert article.warnings == ("paywall: text truncated",)
    assert "Subscribe to continue reading" not in article.text


def test_a_real_article_is_not_refused(fixture_page: Callable[[str], str]) -> None:
    article = extract(fixture_page("article_jsonld.html"), url="https://courier.example.org/t")
    assert not article.refused
    assert article.warnings == ()


def test_long_article_mentioning_cookies_and_subscriptions_is_an_article() -> None:
    text = "The bakery sold cookies to subscribers who accept all offers. " * 60
    signals = PageSignals("Cookies", text, "", article_words=600)
    assert page_warnings(signals) == ()


def test_empty_page_is_no_article() -> None:
    article = extract("<html><body><nav>Home</nav></body></html>", url="https://x.example/")
    assert article.refused
    assert article.warnings[0].startswith("no article")


BRIEF = (
    "The city library will keep all of its branches open next year after the council found "
    "savings elsewhere in its budget, the leader of the council said on Thursday evening. "
) * 3


def test_a_free_brief_under_a_subscribe_bar_is_an_article() -> None:
    page = (
        "<html><body><header><a href='/subscribe'>Subscribe</a> Already a subscriber? "
        f"<a href='/login'>Sign in</a></header><article><h1>Libraries stay open</h1><p>{BRIEF}</p>"
        "</article></body></html>"
    )
    article = extract(page, url="https://courier.example/brief")
    assert not article.refused, article.warnings


def test_a_free_brief_beside_a_cookie_banner_is_an_article() -> None:
    banner = (
        "<div class='cmp'><h2>We value your privacy</h2><p>We and our partners use cookies "
        "for personalised ads. You may give or refuse consent.</p><button>Accept all</button>"
        "<button>Reject all</button><button>Manage preferences</button></div>"
    )
    page = f"<html><body>{banner}<article><h1>Libraries</h1><p>{BRIEF}</p></article></body></html>"
    article = extract(page, url="https://courier.example/brief")
    assert not article.refused, article.warnings


def test_a_subscription_prompt_after_a_short_text_is_a_paywall() -> None:
    page = (
        f"<html><body><article><h1>Libraries</h1><p>{BRIEF}</p><div><h3>Subscribe to continue "
        "reading</h3><p>Already a subscriber? <a href='/login'>Log in</a></p></div></article>"
        "</body></html>"
    )
    assert extract(page, url="https://courier.example/stub").warnings == ("paywall: text truncated",)


def test_a_brief_that_quotes_a_paywall_prompt_is_no_paywall() -> None:
    brief = ("<html><body><article><h1>Paper puts its archive behind a wall</h1>"
             "<p>The Harbour Courier will charge for its archive from Monday, its editor said on Friday.</p>"
             "<p>Readers who open an article older than a year will see a message reading "
             "“Subscribe to continue reading”, with a price of four crowns a month.</p>"
             "<p>The editor said the money would pay for two more reporters in the city.</p>"
             "</article></body></html>")
    assert not any(w.startswith("paywall") for w in extract(brief, url="https://news.example/archive").warnings)
    stub = brief.replace("“Subscribe to continue reading”,", "").replace(
        "</article>", "<p>Subscribe to continue reading</p></article>")
    assert any(w.startswith("paywall") for w in extract(stub, url="https://news.example/archive").warnings)
