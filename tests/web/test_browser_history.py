"""Back, forward and reload after the reader's actions, in a real headless Chromium: what the
browser shows is what the server says now, never a page it kept from before."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from progleton.core import Progleton
from progleton.web import create_app

from .conftest import Seeded
from .live import live_server
from .test_browser import launched_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# No request routing here: Playwright turns the browser's HTTP cache off for a context that
# routes requests, and the cache is what these tests are about. Nothing leaves 127.0.0.1 all
# the same: every other host name resolves to nothing.
LOCAL_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


@pytest.fixture(scope="module")
def cached_browser() -> Iterator[Any]:
    """Chromium with its HTTP cache as a reader's is."""
    yield from launched_chromium(LOCAL_ONLY)


@pytest.fixture
def site(progleton: Progleton, seeded: Seeded) -> Iterator[str]:
    with live_server(create_app(progleton)) as base:
        yield base


@pytest.fixture
def signed_in_site(progleton: Progleton, seeded: Seeded) -> Iterator[str]:
    with live_server(create_app(progleton, admin_password="a long pass phrase")) as base:
        yield base


def test_back_after_signing_out_shows_no_page_of_the_account(cached_browser: Any, signed_in_site: str) -> None:
    """The browser kept every page in its cache, and Back after "Sign out" showed the account
    page again, its API token and feed token on it, to whoever sat down at the computer next."""
    context = cached_browser.new_context(base_url=signed_in_site)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Password").fill("a long pass phrase")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.goto("/account")
    api_token = page.locator("main code").first.inner_text().removeprefix("Authorization: Bearer ")
    assert len(api_token) > 20
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert "/login" in page.url
    page.go_back()
    assert "/login" in page.url, (page.url, page.locator("main").inner_text())
    assert api_token not in page.content()
    context.close()


def test_reloading_the_page_after_a_wrong_password_sends_nothing_again(cached_browser: Any,
                                                                       signed_in_site: str) -> None:
    """The sign-in page that said the password was wrong was the answer to the form: reloading
    it sent the form, password and all, again (Chromium asked first, as every browser does)."""
    context = cached_browser.new_context(base_url=signed_in_site)
    page = context.new_page()
    page.goto("/stories/story-storm")
    page.get_by_label("Password").fill("not the pass phrase")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.locator(".error").inner_text() == "That name and password do not match."
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.method) if r.is_navigation_request() else None)
    page.reload()
    assert sent == ["GET"] and page.locator(".error").count() == 0  # said once
    page.get_by_label("Password").fill("a long pass phrase")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/stories/story-storm") and page.locator("h1").inner_text() == "Ferries halted as storm hits coast"
    context.close()


def test_reloading_the_page_that_says_too_many_attempts_sends_nothing_again(cached_browser: Any,
                                                                            signed_in_site: str) -> None:
    """The page that said "Too many failed attempts" was the answer to the form (a 429):
    reloading it sent the form, password and all, again. It is the sign-in page, got again by
    a reload, and still a 429 while the limit holds."""
    context = cached_browser.new_context(base_url=signed_in_site)
    page = context.new_page()
    page.goto("/login")
    for _ in range(6):
        page.get_by_label("Password").fill("not the pass phrase")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
    assert "Too many failed attempts; try again in 15 minutes." in page.locator(".error").inner_text()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.method) if r.is_navigation_request() else None)
    reloaded = page.reload()
    assert sent == ["GET"] and reloaded is not None and reloaded.status == 429
    assert page.locator(".error").inner_text() == "Too many failed attempts; try again in 15 minutes."
    context.close()


def test_a_merged_storys_address_leads_to_it_again_once_the_merge_is_undone(
        cached_browser: Any, site: str, progleton: Progleton) -> None:
    """A merged story's address answers 301 to the story it went into. Chromium kept that
    redirect, and after the merge was undone the story's own address (on the front page, in a
    bookmark) still led to the other story, in that browser for good."""
    context = cached_browser.new_context(base_url=site)
    page = context.new_page()
    page.goto("/stories/story-storm")
    title = page.locator("h1").inner_text()
    progleton.merge_stories("story-wire-sea-wall", "story-storm")
    page.goto("/stories/story-storm")
    assert page.url.endswith("/stories/story-wire-sea-wall")
    progleton.unmerge_story("story-storm")
    page.goto("/stories/story-storm")
    assert page.url.endswith("/stories/story-storm")
    assert page.locator("h1").inner_text() == title
    context.close()


def test_one_back_leaves_a_page_after_marking_and_starring_on_it(
        cached_browser: Any, site: str, progleton: Progleton, seeded: Seeded) -> None:
    """Each star, mark and follow was a page of its own in the history: Back after starring
    two reports showed the story again (twice), and Back after "Mark unread" showed the
    article again, which opening marks read, so the article was read after all."""
    context = cached_browser.new_context(base_url=site)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    user = progleton.store.get_user(name="local")
    assert user is not None
    page.goto("/")
    with page.expect_navigation():
        page.locator("a[href='/stories/story-storm']").click()
    story_url = page.url
    for n in (0, 1):
        page.locator(".coverage .report").nth(n).get_by_role("button", name="☆ Star").click()
        page.locator(".coverage .report").nth(n).get_by_role("button", name="★ Starred").wait_for()
    page.get_by_role("button", name="Follow this story").click()
    page.get_by_role("button", name="Following ✓ (stop)").wait_for()
    page.go_back()
    assert page.url == site + "/", page.url

    page.goto(story_url)
    storm1 = seeded.articles["storm1"]
    with page.expect_navigation():
        page.locator(f"#a{storm1} h3 a").click()
    assert progleton.store.article_states(int(user["id"]), [storm1])[storm1][0]  # opened: read
    page.get_by_role("button", name="Mark unread").click()
    page.get_by_role("button", name="Mark read").wait_for()
    page.go_back()
    assert page.url.split("#")[0] == story_url, page.url
    assert not progleton.store.article_states(int(user["id"]), [storm1])[storm1][0]  # unread still
    assert "read" not in (page.locator(f"#a{storm1}").get_attribute("class") or "").split()
    assert problems == []
    context.close()


def test_a_star_sent_once_the_session_ended_says_so_and_leads_back(cached_browser: Any, signed_in_site: str) -> None:
    context = cached_browser.new_context(base_url=signed_in_site)
    page = context.new_page()
    page.goto("/stories/story-storm")
    page.get_by_label("Password").fill("a long pass phrase")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    kept = [c for c in context.cookies() if c["name"] != "progleton_session"]
    context.clear_cookies()  # signed out on another device
    context.add_cookies(kept)
    with page.expect_navigation(url="**/login?**"):
        page.locator(".coverage .report").first.get_by_role("button", name="☆ Star").click()
    assert "what you sent was not done" in page.locator(".notice").inner_text()
    page.get_by_label("Password").fill("a long pass phrase")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/stories/story-storm")
    assert page.locator(".coverage .report").first.get_by_role("button", name="☆ Star").is_visible()  # not done
    context.close()
