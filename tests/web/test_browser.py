"""The reader as a person uses it, in a real headless Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from progleton.core import Progleton, make_progleton
from progleton.web import create_app

from .conftest import Seeded, article_record
from .live import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def launched_chromium(*extra_args: str) -> Iterator[Any]:
    """Debian's Chromium under playwright, with ``CHROMIUM_ARGS`` and ``extra_args`` (a
    fixture's body: skipped, or failed in CI, when Chromium or playwright is missing)."""
    if not CHROMIUM.exists():
        _skip_or_fail(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the playwright package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture
def site(progleton: Progleton, seeded: Seeded) -> Iterator[str]:
    with live_server(create_app(progleton)) as base:
        yield base


PLACEHOLDER_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">'
                   b'<rect width="640" height="400" fill="#8aa4b8"/></svg>')


def stay_local(context: Any, *, placeholder_images: bool = True) -> None:
    """Nothing leaves 127.0.0.1: images (which the app would fetch from outlets) get a
    placeholder, anything outside is refused."""

    def handle(route: Any) -> None:
        if placeholder_images and route.request.resource_type == "image" and "/images?" in route.request.url:
            route.fulfill(status=200, content_type="image/svg+xml", body=PLACEHOLDER_SVG)
        elif route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        elif route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/svg+xml", body=PLACEHOLDER_SVG)
        else:
            route.abort()

    context.route("**/*", handle)


def new_context(browser: Any, site: str, **options: Any) -> Any:
    context = browser.new_context(base_url=site, **options)
    stay_local(context)
    return context


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    context = new_context(browser, site, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    yield page
    context.close()


def test_read_a_story_from_the_front_page(page: Any) -> None:
    page.goto("/")
    assert page.title() == "Top stories · Progleton"
    cards = page.locator(".story-card")
    assert cards.count() == 3
    page.get_by_role("link", name="Port Verel approves sea wall").click()
    page.wait_for_url("**/stories/story-wire-sea-wall")
    assert page.locator("h1").inner_text() == "Port Verel approves sea wall"
    assert "Continental Press text, carried by 4 outlets" in page.locator(".wire-head").inner_text()
    page.locator(".report").first.get_by_role("link").click()
    assert page.locator(".original a").inner_text() == "Read the entire article at Continental Press"
    assert page.locator(".original a").get_attribute("rel") == "noopener noreferrer"
    assert page.problems == []


def test_search_from_the_header(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Search articles").fill("ferry")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=ferry")
    assert page.locator(".hit-group").count() == 1
    assert page.locator("mark").count() >= 2
    assert page.problems == []


def test_split_an_article_out_of_its_story(page: Any, progleton: Progleton, seeded: Seeded) -> None:
    page.goto("/stories/story-storm")
    report = page.locator(".report").nth(2)
    report.locator("summary").click()
    report.get_by_role("button", name="Not the same story: split it out").click()
    page.wait_for_load_state()
    assert "/stories/story-storm?notice=split&to=" in page.url, page.content()[:3000]
    assert page.locator(".notice").inner_text() == "The article was split out into a story of its own."
    assert page.locator(".notice a").get_attribute("href") == "/stories/" + quote(
        progleton.article(seeded.articles["storm3"]).story_id or "", safe="")
    assert page.locator(".report").count() == 2
    assert progleton.article(seeded.articles["storm3"]).story_id != "story-storm"


def test_a_starred_reports_star_is_read_out(page: Any, progleton: Progleton, seeded: Seeded) -> None:
    """The story page's ★ before a starred report's headline had only a `title`, which screen
    readers do not read: the headline is now "Starred: …" to them, and the ★ itself is not read."""
    page.goto("/stories/story-storm")
    with page.expect_event("load"):  # the same page, loaded again (app.js sends the form in place)
        page.locator(f"#a{seeded.articles['storm2']}").get_by_role("button", name="☆ Star").click()
    heading = page.get_by_role("heading", name="Starred: Ferries halted as storm hits coast", exact=True)
    assert heading.is_visible()
    hidden = heading.locator(".visually-hidden").bounding_box()  # what is seen is the ★ alone
    assert hidden is not None and hidden["width"] <= 1 and hidden["height"] <= 1
    assert heading.locator(".star").get_attribute("title") == "Starred"  # and a pointer still says so
    assert page.get_by_role("heading", name="Storm closes Verel ferry", exact=True).is_visible()  # not starred
    assert page.problems == []


def test_script_in_an_article_never_runs(page: Any, seeded: Seeded) -> None:
    page.goto(f"/articles/{seeded.articles['evil']}")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert "<script>" in page.locator("h1").inner_text()  # shown as text, not run
    assert page.problems == []


def test_dark_mode_follows_the_system(browser: Any, site: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context = new_context(browser, site, color_scheme=scheme)
        page = context.new_page()
        page.goto("/")
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert colours["light"] == "rgb(251, 251, 249)"
    assert colours["dark"] == "rgb(20, 21, 23)"


def test_m_and_s_on_one_selected_report_mark_that_report_only(page: Any, progleton: Progleton,
                                                               seeded: Seeded) -> None:
    page.goto("/stories/story-storm")
    page.keyboard.press("j")
    page.keyboard.press("j")
    selected = page.locator(".report.current")
    assert selected.count() == 1
    report_id = selected.get_attribute("id")
    with page.expect_event("load"):  # the same page, loaded again (app.js sends the form in place)
        page.keyboard.press("m")
    assert page.locator(".report.read").count() == 1  # that report, not the whole story
    assert page.locator(".report.read").get_attribute("id") == report_id
    assert page.locator(".report.current").get_attribute("id") == report_id  # still selected after the reload
    with page.expect_event("load"):  # the same page, loaded again (app.js sends the form in place)
        page.keyboard.press("s")  # the same report, not the page's first
    assert page.locator(f"#{report_id} .star").count() == 1 and page.locator(".report .star").count() == 1


def test_usable_on_a_phone(browser: Any, site: str, progleton: Progleton, seeded: Seeded) -> None:
    unbroken = "Harbour" + "x" * 260  # a feed's headline with no space in it
    long_one = progleton.store.add_article(
        article_record(seeded.sources["Harbour Daily"], "long", unbroken), {"story_id": "story-long"})
    context = new_context(browser, site, viewport={"width": 360, "height": 780}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    for url in ("/", "/stories/story-wire-sea-wall", "/articles/1", "/sources", "/search?q=ferry",
                "/stories/story-long", f"/articles/{long_one}", "/search?q=harbour"):
        page.goto(url)
        # against the screen's width: a phone widens window.innerWidth to what sticks out (the
        # OPML file input's 363px on the Sources page passed as 363 - 363)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
        assert page.evaluate("window.innerWidth") == 360, url
        # the pages of the menu on one line ("Sources" went alone onto a second)
        tops = page.evaluate("Array.from(document.querySelectorAll('header.site ul a'), a => a.getBoundingClientRect().top)")
        assert len(tops) == 4 and len(set(tops)) == 1, (url, tops)
        if url == "/sources":  # the column headers are hidden: each value says what it is
            label = page.evaluate("getComputedStyle(document.querySelector('td[data-label]'), '::before').content")
            assert label == '"Health: "', label
    context.close()


@pytest.fixture
def fresh_site(tmp_path: Path, local_site: str) -> Iterator[str]:
    """An empty Progleton with sign-in on, allowed to fetch the local fixture site."""
    p = make_progleton(f"sqlite:///{tmp_path}/fresh.db", allowed_hosts="127.0.0.1", extract_workers=1)
    with live_server(create_app(p, admin_password="a long pass phrase")) as base:
        yield base
    p.close()


def test_a_new_user_from_sign_in_to_search(browser: Any, fresh_site: str, local_site: str) -> None:
    context = new_context(browser, fresh_site, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/")
    assert "/login?next=" in page.url
    page.get_by_label("Name").fill("admin")
    page.get_by_label("Password").fill("a long pass phrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.title() == "Top stories · Progleton" and "No stories yet" in page.content()

    page.get_by_role("link", name="Sources", exact=True).click()
    page.get_by_label("Feed or site address").fill(local_site + "/")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state()
    assert "The source was added" in page.locator(".notice").inner_text()
    page.get_by_role("button", name="Update all now").click()
    page.wait_for_load_state()
    assert page.locator(".notice").inner_text() == "1 of 1 source updated: 1 new article from 1 new entry."

    page.get_by_role("link", name="Top stories", exact=True).click()
    page.wait_for_url(fresh_site + "/")
    page.keyboard.press("j")
    assert page.locator(".story-card.current").count() == 1
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.locator("h1").inner_text() == "Bridge reopens after repairs"
    with page.expect_event("load"):  # the same page, loaded again (app.js sends the form in place)
        page.keyboard.press("f")
    assert page.get_by_role("button", name="Following ✓ (stop)").is_visible()
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.url.endswith("/articles/1")
    with page.expect_event("load"):  # the same page, loaded again (app.js sends the form in place)
        page.keyboard.press("s")
    assert page.get_by_role("button", name="★ Starred").is_visible()
    page.goto("/starred")
    assert "Bridge reopens after repairs" in page.locator("main").inner_text()

    page.keyboard.press("/")
    page.keyboard.type("bridge")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h3 mark").first.inner_text() == "Bridge"
    page.keyboard.press("Escape")  # nothing to leave: the results page gives the search box no focus
    page.keyboard.press("?")
    assert page.locator("#keys").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#keys").is_visible()
    assert errors == []
    context.close()


def test_theme_switch(browser: Any, site: str) -> None:
    context = new_context(browser, site, color_scheme="light")
    page = context.new_page()
    page.goto("/")
    button = page.locator("#theme")
    assert button.inner_text() == "Theme: auto"
    button.click()
    button.click()
    assert button.inner_text() == "Theme: dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 21, 23)"
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"  # remembered
    context.close()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Wait until ``expression`` is true in the page. ``page.wait_for_function`` compiles its
    predicate with eval inside the page, which the app's CSP refuses once the first look fails
    (under load); ``page.evaluate`` goes through the browser's debugging protocol."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true within {timeout:g} s: {expression}"
        page.wait_for_timeout(50)


def test_pictures_that_fail_to_load_are_not_shown(browser: Any, tmp_path: Path) -> None:
    """A lead image the outlet answers 404 for, or that is no image, leaves no empty box at
    phone width: the page's script takes it out (with its figure), and the next page leaves it
    out itself. Nothing runs inline: the CSP stays strict."""
    from .conftest import serve_files

    files = {"/a.png": (PNG, "image/png"), "/fake.jpg": (b"<html>oops</html>", "image/jpeg")}
    with serve_files(files) as outlet:
        p = make_progleton(f"sqlite:///{tmp_path}/pictures.db", allowed_hosts="127.0.0.1")
        source, _ = p.store.add_source("https://outlet.example/feed.xml", title="Daily Courier")
        broken = f'<figure><img src="{outlet}/missing.png"><figcaption>A ferry</figcaption></figure>'
        stories = [("Harbour bridge closed", "/missing.png"), ("Fair opens", "/fake.jpg"),
                   *((f"Council meets on item {n}", None) for n in range(4)), ("Ferry sails again", "/a.png")]
        ids = [p.store.add_article(article_record(source.id, f"a{i}", title, image=image and outlet + image,
                                                  hours_ago=i, html=(broken if i == 0 else "") + "<p>Text of the report.</p>"),
                                   {"story_id": f"s{i}"})
               for i, (title, image) in enumerate(stories)]
        with live_server(create_app(p)) as site:
            context = browser.new_context(base_url=site, viewport={"width": 360, "height": 780}, is_mobile=True)
            stay_local(context, placeholder_images=False)  # the app's own /images answers
            page = context.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            everything_loaded = "Array.from(document.images).every(i => i.complete)"
            for _ in range(2):  # the first time the script takes them out, the second the page leaves them out
                page.goto("/")
                _until(page, "document.querySelectorAll('.story-card img').length === 1")
                assert page.locator(".story-card").count() == 7
                # the picture that loads, below the fold and lazy (not loaded yet), is not taken for a broken one
                good = page.locator(".story-card img.lead")
                assert good.get_attribute("src").startswith("/images?url=" + quote(outlet, safe=""))
                good.scroll_into_view_if_needed()
                _until(page, everything_loaded)
                assert page.evaluate("Array.from(document.images).map(i => i.naturalWidth)") == [1]
                page.goto(f"/articles/{ids[0]}")
                _until(page, everything_loaded)
                assert page.locator("img").count() == 0 and page.locator("figure").count() == 0
                assert "A ferry" not in page.locator("main").inner_text()
                assert "Text of the report." in page.locator(".body").inner_text()
            front = page.request.get("/").text()
            assert "missing.png" not in front and "fake.jpg" not in front and "a.png" in front
            assert not [m for m in problems if "Content Security Policy" in m or "Refused" in m], problems
            assert not [m for m in problems if "404" not in m], problems  # only the images' own 404s
            context.close()
        p.close()


def test_a_story_of_a_hundred_wire_copies_reads_by_keyboard(page: Any, progleton: Progleton) -> None:
    """Three copies shown, the other 97 folded; j passes over the folded ones to the outlets'
    own reports, and a folded copy marked read is shown again, still the selected one."""
    from .conftest import add_carried_story

    dam = add_carried_story(progleton, 100)
    page.goto("/stories/story-dam")
    assert page.locator(".coverage .report:visible").count() == 6  # the original, 3 copies, 2 reports
    for _ in range(5):
        page.keyboard.press("j")
    assert page.locator(".report.current").get_attribute("id") == f"a{dam['reports'][0]}"
    page.get_by_text("The other 97 copies of this text").click()
    folded = page.locator(f"#a{dam['copies'][50]}")
    with page.expect_event("load"):
        folded.get_by_role("button", name="Mark read").click()
    assert folded.is_visible() and "current" in (folded.get_attribute("class") or "")
    assert folded.get_by_role("button", name="Mark unread").is_visible()
    assert page.problems == []


def test_outlets_named_right_to_left_are_listed_in_their_order(page: Any, progleton: Progleton) -> None:
    """Two outlets' names written right to left, side by side in a list, ran together into one
    right-to-left run: the second was shown first, the comma between them astray."""
    names = ("Valley Times", "חדשות העמק", "أخبار الوادي")
    for n, name in enumerate(names):
        source, _ = progleton.store.add_source(f"https://o{n}.example/feed.xml", title=name)
        progleton.store.add_article(article_record(source.id, "dam", "Dam gives way", host=f"o{n}.example",
                                                   hours_ago=3 - n), {"story_id": "story-bidi"})
    listed = list(progleton.story("story-bidi").story.outlets)  # the order the page lists them in
    assert sorted(listed) == sorted(names)
    page.goto("/stories/story-bidi")
    line = page.locator(".story header .meta").first
    lefts = line.evaluate("""(line, names) => names.map(name => {
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(name);
            if (at >= 0) {
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + name.length);
                return range.getBoundingClientRect().left;
            }
        }
        return null;
    })""", listed)
    assert None not in lefts and lefts == sorted(lefts), lefts  # left to right, as listed


def test_enter_on_a_focused_control_is_that_controls_not_the_selected_items(
        page: Any, progleton: Progleton, seeded: Seeded) -> None:
    """Once a report was selected with j, Enter opened its article whatever had the focus: the
    report's own Star button, its "Why this is here", the menu's Sources link."""
    page.goto("/stories/story-storm")
    page.keyboard.press("j")
    selected = page.locator(".report.current")
    selected.locator("summary").focus()
    page.keyboard.press("Enter")
    assert selected.locator("details.why").get_attribute("open", timeout=3000) == ""  # opened, not left
    assert page.url.endswith("/stories/story-storm")
    selected.get_by_role("button", name="☆ Star").focus()
    with page.expect_event("load"):
        page.keyboard.press("Enter")
    assert page.url.split("#")[0].endswith("/stories/story-storm")
    assert page.locator(".report.current").get_by_role("button", name="★ Starred").is_visible()
    page.locator("header.site").get_by_role("link", name="Sources").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/sources")
    assert page.problems == []


def test_the_results_of_a_search_are_read_with_j_and_k_at_once(page: Any) -> None:
    """The search box took the focus on the results page too: j and k typed into it."""
    page.goto("/search")
    assert page.evaluate("document.activeElement.id") == "q"  # an empty search page: type at once
    page.keyboard.type("ferry")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.keyboard.press("j")
    assert page.locator(".hit-group li.current").count() == 1
    assert page.locator("#q").input_value() == "ferry"
    with page.expect_navigation():
        page.keyboard.press("o")
    assert "/articles/" in page.url


def test_choosing_another_filter_on_the_front_page_keeps_the_language(page: Any, progleton: Progleton,
                                                                      seeded: Seeded) -> None:
    """The front page of ?lang=en, filtered by time with its form, showed stories in every
    language: the form had no field for the language, so sending it dropped ?lang=."""
    progleton.store.add_article(article_record(seeded.sources["Evening Star"], "hafen", "Hafen von Verel gesperrt",
                                               language="de"), {"story_id": "story-hafen"})
    page.goto("/?lang=en")
    assert page.locator(".story-card").count() == 3
    page.get_by_label("Time").select_option("week")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "lang=en" in page.url and "since=week" in page.url
    assert "Hafen von Verel" not in page.locator(".stories").inner_text()
    page.get_by_label("Language").select_option("")  # and the language can be let go
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "Hafen von Verel" in page.locator(".stories").inner_text()
    assert page.problems == []
