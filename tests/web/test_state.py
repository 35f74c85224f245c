"""Read, starred, followed, and "N new since you last looked" (open mode: the local user)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from progleton.core import Progleton

from .conftest import Seeded, article_record, csrf_token


def test_opening_an_article_marks_it_read(client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    storm1 = seeded.articles["storm1"]
    assert 'class="report read"' not in client.get("/stories/story-storm").text
    client.get(f"/articles/{storm1}")
    story = client.get("/stories/story-storm").text
    assert f'class="report read" id="a{storm1}"' in story
    token = csrf_token(client)
    answer = client.post(f"/articles/{storm1}/state", data={"csrf_token": token, "read": "0",
                                                            "next": f"/articles/{storm1}?keep_unread=1"},
                         follow_redirects=False)
    assert answer.headers["location"] == f"/articles/{storm1}?keep_unread=1"
    client.get(answer.headers["location"])
    assert f'class="report read" id="a{storm1}"' not in client.get("/stories/story-storm").text


def test_a_head_request_or_a_prefetch_does_not_mark_an_article_read(client: TestClient, seeded: Seeded,
                                                                     progleton: Progleton) -> None:
    """A link checker's HEAD, or a browser prefetching a link on hover, marked the article read
    though nobody opened it."""
    storm1 = seeded.articles["storm1"]
    user = progleton.store.get_user(name="local")
    assert user is not None

    def read() -> bool:
        return progleton.store.article_states(int(user["id"]), [storm1]).get(storm1, (False, False))[0]

    assert client.head(f"/articles/{storm1}").status_code == 200
    assert not read()
    assert client.get(f"/articles/{storm1}", headers={"Sec-Purpose": "prefetch"}).status_code == 200
    assert not read()
    assert client.get(f"/articles/{storm1}", headers={"Purpose": "prefetch"}).status_code == 200
    assert not read()
    client.get(f"/articles/{storm1}")
    assert read()


def test_an_article_kept_unread_says_so_and_stays_unread_when_starred(client: TestClient, seeded: Seeded,
                                                                       progleton: Progleton) -> None:
    """After "Mark unread" the article page still offered "Mark unread" alone (the `m` key
    could not mark it read again), and starring it there marked it read."""
    storm1 = seeded.articles["storm1"]
    user = progleton.store.get_user(name="local")
    assert user is not None

    def read() -> bool:
        return progleton.store.article_states(int(user["id"]), [storm1])[storm1][0]

    token = csrf_token(client)
    client.get(f"/articles/{storm1}")
    kept = client.post(f"/articles/{storm1}/state", data={"csrf_token": token, "read": "0",
                                                          "next": f"/articles/{storm1}?keep_unread=1"})
    assert not read()
    assert "Mark read</button>" in kept.text and "Mark unread</button>" not in kept.text
    star = re.search(r'name="starred" value="1">\s*<input type="hidden" name="next" value="([^"]+)"', kept.text)
    assert star is not None and star.group(1) == f"/articles/{storm1}?keep_unread=1"
    starred = client.post(f"/articles/{storm1}/state", data={"csrf_token": token, "starred": "1",
                                                             "next": star.group(1)})
    assert "★ Starred" in starred.text and not read()  # starred, and unread still
    mark = re.search(r'name="read" value="1">\s*<input type="hidden" name="next" value="([^"]+)"', starred.text)
    assert mark is not None
    again = client.post(f"/articles/{storm1}/state", data={"csrf_token": token, "read": "1", "next": mark.group(1)})
    assert read() and "Mark unread</button>" in again.text


def test_star_and_the_starred_page(client: TestClient, seeded: Seeded) -> None:
    article = seeded.articles["storm2"]
    assert "Nothing starred yet" in client.get("/starred").text
    page = client.get(f"/articles/{article}").text
    assert "☆ Star" in page and 'aria-pressed="false"' in page
    client.post(f"/articles/{article}/state", data={"csrf_token": csrf_token(client), "starred": "1"})
    assert "★ Starred" in client.get(f"/articles/{article}").text
    starred = client.get("/starred").text
    assert "Ferries halted as storm hits coast" in starred and "Storm closes" not in starred
    client.post(f"/articles/{article}/state", data={"csrf_token": csrf_token(client), "starred": "0"})
    assert "Nothing starred yet" in client.get("/starred").text


def test_a_starred_reports_star_has_words_for_screen_readers(client: TestClient, seeded: Seeded) -> None:
    """The story page's ★ had only a `title` (which screen readers skip); it says "Starred" in
    visually hidden text, and the ★ itself is left out of what they read."""
    article = seeded.articles["storm2"]
    client.post(f"/articles/{article}/state", data={"csrf_token": csrf_token(client), "starred": "1"})
    page = client.get("/stories/story-storm").text
    heading = page.split(f'id="a{article}">', 1)[1].split("</h3>", 1)[0]
    assert ('<span class="star" title="Starred"><span aria-hidden="true">★</span>'
            '<span class="visually-hidden">Starred:</span></span>') in heading
    assert page.count('class="star"') == 1


def test_new_since_last_look(client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    first = client.get("/stories/story-storm").text
    assert "since you last looked" not in first
    assert "Nothing new since you last looked" in client.get("/stories/story-storm").text
    assert 'class="story-card seen"' in client.get("/").text
    progleton.store.add_article(
        article_record(seeded.sources["Evening Star"], "storm-late", "Storm: ferries resume", hours_ago=0),
        {"story_id": "story-storm", "reasons": {"score": 0.7}})
    assert '<strong class="new">1 new</strong>' in client.get("/").text
    page = client.get("/stories/story-storm").text
    assert "<strong>1 new article</strong> since you last looked" in page
    assert page.count('<span class="badge new">New</span>') == 1
    assert "Nothing new since you last looked" in client.get("/stories/story-storm").text


def test_the_new_articles_are_new_still_after_marking_one(client: TestClient, seeded: Seeded,
                                                           progleton: Progleton) -> None:
    """Marking or starring a report on a story with new articles came back to the story as a
    new look: every "New" was gone, and which reports were new could not be told any more."""
    client.get("/stories/story-storm")
    late = [progleton.store.add_article(
        article_record(seeded.sources["Evening Star"], f"storm-late-{n}", f"Storm: ferries resume {n}", hours_ago=0),
        {"story_id": "story-storm", "reasons": {"score": 0.7}}) for n in (1, 2)]
    page = client.get("/stories/story-storm").text
    assert "<strong>2 new articles</strong> since you last looked" in page
    form = page.split(f'id="a{late[0]}"', 1)[1].split("</form>", 1)[0]
    back = re.search(r'name="next" value="([^"]+)"', form)
    assert back is not None and "?look=" in back.group(1)
    marked = client.post(f"/articles/{late[0]}/state", data={
        "csrf_token": csrf_token(client), "read": "1", "next": back.group(1).replace("&amp;", "&")}).text
    assert "<strong>2 new articles</strong> since you last looked" in marked
    assert marked.count('<span class="badge new">New</span>') == 2
    assert "Nothing new since you last looked" in client.get("/stories/story-storm").text  # a look of its own
    forged = client.get("/stories/story-storm?look=2999-01-01T00:00:00%2B00:00").text  # no later than the last
    assert "Nothing new since you last looked" in forged
    assert client.get("/stories/story-storm?look=yesterday").status_code == 200


def test_follow_a_story(client: TestClient, seeded: Seeded) -> None:
    assert "You follow no stories yet" in client.get("/following").text
    answer = client.post("/story-actions/follow", data={"csrf_token": csrf_token(client), "story_id": "story-storm",
                                                        "next": "/stories/story-storm"}, follow_redirects=False)
    assert answer.headers["location"] == "/stories/story-storm"
    assert "Following ✓ (stop)" in client.get("/stories/story-storm").text
    following = client.get("/following").text
    assert '<a href="/stories/story-storm">' in following
    client.post("/story-actions/follow", data={"csrf_token": csrf_token(client), "story_id": "story-storm",
                                               "follow": "0"})
    assert "You follow no stories yet" in client.get("/following").text


def test_mark_a_story_read(client: TestClient, seeded: Seeded) -> None:
    client.post("/story-actions/read", data={"csrf_token": csrf_token(client), "story_id": "story-wire-sea-wall"})
    page = client.get("/stories/story-wire-sea-wall").text
    reports = re.findall(r'<div class="report[^"]*" id="a\d+">', page)
    assert len(reports) == 4 and all(" read\"" in r for r in reports)


def test_redirects_stay_on_this_site(client: TestClient, seeded: Seeded) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        answer = client.post("/story-actions/follow", data={"csrf_token": csrf_token(client),
                                                            "story_id": "story-storm", "next": target},
                             follow_redirects=False)
        assert answer.headers["location"] == "/", target


def test_state_for_unknown_records_is_404(client: TestClient, seeded: Seeded) -> None:
    token = csrf_token(client)
    assert client.post("/articles/999/state", data={"csrf_token": token, "read": "1"}).status_code == 404
    assert client.post("/story-actions/follow", data={"csrf_token": token, "story_id": "nope"}).status_code == 404
