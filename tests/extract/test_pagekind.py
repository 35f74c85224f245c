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
