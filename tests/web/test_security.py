"""Security headers on every response, CSRF and cross-site refusal."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from progleton.web.security import CSP, cross_site, csrf_form_token, csrf_valid

from .conftest import Seeded, csrf_token

EXPECTED_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
                "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def assert_safe_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-security-policy"] == EXPECTED_CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("url", [
    "/", "/?page=2", "/stories/story-wire-sea-wall", "/stories/story-nope", "/articles/1", "/articles/999",
    "/articles/x", "/search?q=ferry", "/search", "/sources", "/sources/export.opml", "/static/style.css",
    "/static/nope.css", "/api/v1/stories", "/api/v1/stories/nope", "/openapi.json", "/docs", "/feeds/top.atom",
])
def test_every_response_has_the_security_headers(client: TestClient, seeded: Seeded, url: str) -> None:
    assert_safe_headers(client.get(url))


@pytest.mark.parametrize("url", [
    "/", "/stories/story-wire-sea-wall", "/stories/story-nope", "/articles/1", "/search?q=ferry", "/starred",
    "/following", "/sources", "/account", "/merge?story=story-storm",
])
def test_no_page_is_kept_by_the_browser(client: TestClient, seeded: Seeded, url: str) -> None:
    """Back and Forward show a page from the browser's cache without asking the server (the
    state before an action, the account's tokens after signing out) unless it is no-store."""
    assert client.get(url).headers["cache-control"] == "no-store"


def test_post_answers_have_the_headers_too(client: TestClient, seeded: Seeded) -> None:
    assert_safe_headers(client.post("/story-actions/split", data={"article_id": 1, "story_id": "x"}))
    token = csrf_token(client)
    answer = client.post("/sources/999/remove", data={"csrf_token": token})
    assert answer.status_code == 404
    assert_safe_headers(answer)


@pytest.mark.parametrize("url", ["/articles/99999999999999999999", "/api/v1/articles/99999999999999999999"])
def test_a_number_past_what_the_database_holds_is_nothing_there(client: TestClient, url: str) -> None:
    answer = client.get(url)
    assert answer.status_code == 404 and "nothing with that number" in answer.text
    assert_safe_headers(answer)


def test_a_bug_answers_500_with_the_security_headers(progleton: object) -> None:
    from progleton.web import create_app

    app = create_app(progleton)  # type: ignore[arg-type]

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False, base_url="http://127.0.0.1:8000") as broken:
        answer = broken.get("/boom")
    assert answer.status_code == 500 and "the error is logged" in answer.text
    assert_safe_headers(answer)


def test_csp_is_strict() -> None:
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert CSP == EXPECTED_CSP


def test_pages_carry_no_inline_script_or_style(client: TestClient, seeded: Seeded) -> None:
    for url in ("/", "/stories/story-storm", "/articles/1", "/search?q=ferry", "/sources"):
        html = client.get(url).text
        assert "<script>" not in html and "<style" not in html and " style=" not in html, url
        assert " onclick=" not in html and "javascript:" not in html, url


def test_csrf_cookie_is_httponly_and_strict(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert cookie.startswith("progleton_csrf=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "set-cookie" not in client.get("/").headers  # the browser keeps its token


def test_csrf_token_is_bound_to_the_cookie() -> None:
    token = csrf_form_token("secret", "cookie-a")
    assert csrf_valid("secret", "cookie-a", token)
    assert not csrf_valid("secret", "cookie-b", token)
    assert not csrf_valid("other", "cookie-a", token)
    assert not csrf_valid("secret", None, token)
    assert not csrf_valid("secret", "cookie-a", "")


def test_token_from_another_browser_is_refused(client: TestClient, seeded: Seeded) -> None:
    token = csrf_token(client)
    client.cookies.clear()
    answer = client.post(f"/sources/{seeded.sources['Evening Star']}/remove", data={"csrf_token": token})
    assert answer.status_code == 403


@pytest.mark.parametrize(("headers", "refused"), [
    ({}, False),
    ({"sec-fetch-site": "same-origin"}, False),
    ({"sec-fetch-site": "cross-site"}, True),
    ({"sec-fetch-site": "same-site"}, True),
    ({"sec-fetch-site": "none"}, False),
    ({"sec-fetch-site": "same-origin", "origin": "null"}, False),
    ({"origin": "http://127.0.0.1:8000", "host": "127.0.0.1:8000"}, False),
    ({"origin": "https://evil.example", "host": "127.0.0.1:8000"}, True),
    ({"origin": "null", "host": "127.0.0.1:8000"}, True),
])
def test_cross_site(headers: dict[str, str], refused: bool) -> None:
    assert cross_site("POST", headers) is refused
    assert cross_site("GET", headers) is False


def test_cross_site_api_writes_are_refused(client: TestClient, seeded: Seeded) -> None:
    source = seeded.sources["Evening Star"]
    assert client.delete(f"/api/v1/sources/{source}", headers={"origin": "https://evil.example"}).status_code == 403
    assert client.delete(f"/api/v1/sources/{source}", headers={"sec-fetch-site": "cross-site"}).status_code == 403
    assert client.delete(f"/api/v1/sources/{source}", headers={"origin": "http://127.0.0.1:8000"}).status_code == 204


@pytest.mark.parametrize("url", ["/", "/stories/story-storm", "/feeds/top.atom", "/api/v1/stories", "/static/icon.svg"])
def test_head_answers_as_get_without_the_body(client: TestClient, seeded: Seeded, url: str) -> None:
    """Link checkers and feed readers ask with HEAD first (it was a 405)."""
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert_safe_headers(head)


def test_open_mode_answers_only_to_addresses_localhost_and_listed_names(progleton: object, seeded: Seeded) -> None:
    """DNS rebinding: a page at attacker.example whose name now points at 127.0.0.1 reaches the
    reader under its own name, which an open (no sign-in) reader refuses."""
    from progleton.core import Progleton
    from progleton.web import create_app

    assert isinstance(progleton, Progleton)
    app = create_app(progleton)
    for base, answered in (("http://127.0.0.1:8000", True), ("http://localhost:8000", True),
                           ("http://[::1]:8000", True), ("http://192.168.1.20:8000", True),
                           ("http://attacker.example:8000", False), ("http://reader.home:8000", False)):
        with TestClient(app, base_url=base) as client:
            answer = client.get("/api/v1/stories")
            assert (answer.status_code == 200) == answered, base
            if not answered:
                assert answer.status_code == 421 and "web_hosts" in answer.json()["detail"]  # JSON, as API errors
                assert_safe_headers(answer)
                page = client.get("/")
                assert page.status_code == 421 and page.headers["content-type"].startswith("text/plain")
    listed = create_app(Progleton(progleton.store, progleton.settings.replace(web_hosts="reader.home, news.lan")))
    with TestClient(listed, base_url="http://reader.home:8000") as client:
        assert client.get("/api/v1/stories").status_code == 200


def test_no_change_asked_is_no_error(client: TestClient, seeded: Seeded) -> None:
    article = seeded.articles["storm1"]
    for _ in range(2):  # the second time the article has a state
        answer = client.put(f"/api/v1/articles/{article}/state", json={})
        assert answer.status_code == 200, answer.text
    assert client.post(f"/articles/{article}/state", data={"csrf_token": csrf_token(client)},
                       follow_redirects=False).status_code == 303
