"""The JSON API under /api/v1 and its OpenAPI schema."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from progleton.core import Progleton

from .conftest import Seeded


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "Progleton"
    paths = schema["paths"]
    assert set(paths["/api/v1/sources"]) == {"get", "post"}
    assert "delete" in paths["/api/v1/sources/{source_id}"]
    assert "get" in paths["/api/v1/stories"]
    assert "get" in paths["/api/v1/stories/{story_id}"]
    assert "get" in paths["/api/v1/articles/{article_id}"]
    assert "get" in paths["/api/v1/search"]
    assert not [p for p in paths if not p.startswith("/api/v1/")], "HTML pages stay out of the schema"
    models = schema["components"]["schemas"]
    for name in ("SourceOut", "SourceIn", "StoryOut", "StoryDetailOut", "ArticleOut", "SearchHitOut", "ErrorOut"):
        assert name in models
    assert "outlet_count" in models["StoryOut"]["properties"]
    story_ok = paths["/api/v1/stories/{story_id}"]["get"]["responses"]
    assert story_ok["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/StoryDetailOut")
    assert "404" in story_ok


def test_docs_pages_are_off(client: TestClient) -> None:
    # FastAPI's /docs needs inline script, which the CSP forbids; the schema is enough.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_sources(client: TestClient, seeded: Seeded) -> None:
    sources = client.get("/api/v1/sources").json()
    assert [s["title"] for s in sources][:2] == ["Continental Press", "Evening Star"]
    harbour = next(s for s in sources if s["title"] == "Harbour Daily")
    assert harbour["article_count"] == 2 and harbour["groups"] == ["Verel"]
    assert harbour["last_status"] is None and harbour["retired"] is False
    one = client.get(f"/api/v1/sources/{harbour['id']}").json()
    assert one == harbour


def test_add_and_delete_source(client: TestClient, progleton: Progleton) -> None:
    body = {"url": "https://feeds.example/news.xml", "groups": ["Tests"], "discover": False}
    added = client.post("/api/v1/sources", json=body)
    assert added.status_code == 201
    source = added.json()["source"]
    assert added.json()["created"] is True and source["groups"] == ["Tests"]
    again = client.post("/api/v1/sources", json=body)
    assert again.status_code == 200 and again.json()["created"] is False
    assert client.delete(f"/api/v1/sources/{source['id']}").status_code == 204
    assert progleton.sources() == []
    gone = client.delete(f"/api/v1/sources/{source['id']}")
    assert gone.status_code == 404 and "no source" in gone.json()["detail"]
    assert client.post("/api/v1/sources", json={"url": ""}).status_code == 422


def test_stories(client: TestClient, seeded: Seeded) -> None:
    stories = client.get("/api/v1/stories").json()
    assert [s["id"] for s in stories] == ["story-storm", "story-wire-sea-wall", "story-evil"]
    wire = stories[1]
    assert wire["outlet_count"] == 4 and wire["independent_count"] == 1 and wire["article_count"] == 4
    assert wire["url"] == "/stories/story-wire-sea-wall"
    assert len(client.get("/api/v1/stories?limit=1&offset=1").json()) == 1
    assert client.get("/api/v1/stories?limit=0").status_code == 422
    national = {s["id"] for s in client.get("/api/v1/stories?group=National").json()}
    assert national == {"story-wire-sea-wall", "story-storm", "story-evil"}


def test_one_story_with_articles(client: TestClient, seeded: Seeded) -> None:
    detail = client.get("/api/v1/stories/" + quote(seeded.stories["wire"], safe="")).json()
    assert detail["story"]["title"] == "Port Verel approves sea wall"
    articles = detail["articles"]
    assert len(articles) == 4
    original = seeded.articles["wire"]
    assert sorted(a["wire_copy_of"] for a in articles if a["wire_copy_of"]) == [original] * 3
    assert articles[0]["id"] == original and articles[0]["outlet"] == "Continental Press"
    missing = client.get("/api/v1/stories/story-nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/json"
    assert missing.json() == {"detail": "no story with id story-nope"}


def test_article(client: TestClient, seeded: Seeded) -> None:
    article = client.get(f"/api/v1/articles/{seeded.articles['storm2']}").json()
    assert article["title"] == "Ferries halted as storm hits coast"
    assert article["authors"] == ["Ana Reporter"]
    assert article["reasons"]["shared_names"] == ["Verel", "Ines Tarrow"]
    assert article["published"].endswith("Z") or article["published"].endswith("+00:00")
    assert client.get("/api/v1/articles/424242").json()["detail"] == "no article with id 424242"
    bad = client.get("/api/v1/articles/abc")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["path", "article_id"]


def test_search(client: TestClient, seeded: Seeded) -> None:
    hits = client.get("/api/v1/search", params={"q": "ferry"}).json()
    assert {h["article"]["story_id"] for h in hits} == {"story-storm"}
    assert any("<mark>" in h["highlight"].lower() for h in hits)
    assert client.get("/api/v1/search", params={"q": '"sea wall" -storm'}).json()
    assert client.get("/api/v1/search", params={"q": "ferry", "limit": 1}).json().__len__() == 1
    assert client.get("/api/v1/search").status_code == 422
    assert client.get("/api/v1/search", params={"q": '"unbalanced AND ( OR'}).status_code == 200


def test_article_state(client: TestClient, seeded: Seeded) -> None:
    article = seeded.articles["storm1"]
    answer = client.put(f"/api/v1/articles/{article}/state", json={"starred": True})
    assert answer.json() == {"article_id": article, "read": False, "starred": True}
    assert client.put(f"/api/v1/articles/{article}/state", json={"read": True}).json()["starred"] is True
    assert [a["id"] for a in client.get("/api/v1/starred").json()] == [article]
    assert client.put("/api/v1/articles/999/state", json={"read": True}).status_code == 404


def test_openapi_documents_the_bearer_token(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "put" in schema["paths"]["/api/v1/articles/{article_id}/state"]


def test_move_and_merge_through_the_api(client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    storm, moved = seeded.stories["storm"], seeded.articles["storm3"]
    split = client.put(f"/api/v1/articles/{moved}/story", json={"story_id": None})
    assert split.status_code == 200
    new_story = split.json()["story_id"]
    assert new_story not in (None, storm)
    assert split.json()["reasons"]["note"] == "split out by a user"
    assert len(client.get(f"/api/v1/stories/{quote(storm)}").json()["articles"]) == 2

    related = client.get(f"/api/v1/stories/{quote(storm)}/related")
    assert related.status_code == 200
    listed = {r["story"]["id"]: r for r in related.json()}
    assert {new_story, seeded.stories["wire"]} <= listed.keys()  # "ferry", "Verel"
    assert listed[new_story]["shared_words"] == ["ferry"]
    # each weighed by the grouper; the report split out of this story is the most likely
    assert all(r["same_event"] is not None for r in related.json())
    assert related.json()[0]["story"]["id"] == new_story and related.json()[0]["same_event"] > 0.7
    assert client.get("/api/v1/stories/story-nope/related").status_code == 404
    merged = client.post(f"/api/v1/stories/{quote(storm)}/merge", json={"other": new_story})
    assert merged.status_code == 200
    why = {a["id"]: a["why"] for a in merged.json()["articles"]}
    assert why[moved] == ["Merged into this story by a user, with the reports of "
                          "“Gale warning: ferry crossings cancelled”."]
    assert "Closest to Harbour Daily: Storm closes Verel ferry." in why[seeded.articles["storm2"]]
    assert merged.json()["story"]["id"] == storm
    assert moved in [a["id"] for a in merged.json()["articles"]]
    assert progleton.article(moved).story_id == storm
    gone = client.get(f"/api/v1/stories/{quote(new_story)}", follow_redirects=False)
    assert (gone.status_code, gone.headers["location"]) == (301, f"/api/v1/stories/{quote(storm)}")

    # the merge undone: the story merged away is back, under its own id and address
    unmerged = client.post(f"/api/v1/stories/{quote(new_story)}/unmerge")
    assert unmerged.status_code == 200 and unmerged.json()["story"]["id"] == new_story
    assert [a["id"] for a in unmerged.json()["articles"]] == [moved]
    assert unmerged.json()["articles"][0]["reasons"]["note"] == "split out by a user"
    assert client.get(f"/api/v1/stories/{quote(new_story)}", follow_redirects=False).status_code == 200
    assert len(client.get(f"/api/v1/stories/{quote(storm)}").json()["articles"]) == 2
    again = client.post(f"/api/v1/stories/{quote(new_story)}/unmerge")
    assert again.status_code == 404 and "no merge to undo" in again.json()["detail"]
    client.post(f"/api/v1/stories/{quote(storm)}/merge", json={"other": new_story})

    # moved back out, then into a named story
    client.put(f"/api/v1/articles/{moved}/story", json={"story_id": None})
    into = client.put(f"/api/v1/articles/{moved}/story", json={"story_id": storm})
    assert into.status_code == 200 and into.json()["story_id"] == storm
    assert into.json()["reasons"]["note"] == "moved by a user"


def test_an_article_and_a_moves_answer_give_why_in_words_and_cites_as_a_list(
        client: TestClient, seeded: Seeded) -> None:
    """GET /articles/{id} and the move's answer gave "why": null where the story gives the
    reasons in words, and the move's "cites": null where there was nothing cited."""
    storm, article = seeded.stories["storm"], seeded.articles["storm2"]
    in_story = {a["id"]: a for a in client.get(f"/api/v1/stories/{quote(storm)}").json()["articles"]}
    alone = client.get(f"/api/v1/articles/{article}").json()
    assert alone["why"] == in_story[article]["why"] and alone["why"]
    assert alone["cites"] == in_story[article]["cites"] == []
    split = client.put(f"/api/v1/articles/{article}/story", json={"story_id": None}).json()
    assert split["why"] == ["Split out into a story of its own by a user."]
    assert split["cites"] == []
    moved = client.put(f"/api/v1/articles/{article}/story", json={"story_id": storm}).json()
    story = {a["id"]: a for a in client.get(f"/api/v1/stories/{quote(storm)}").json()["articles"]}
    assert moved["why"] == story[article]["why"] and moved["cites"] == story[article]["cites"] == []


def test_corrections_through_the_api_reject_bad_ids(client: TestClient, seeded: Seeded) -> None:
    storm = seeded.stories["storm"]
    assert client.put("/api/v1/articles/99999/story", json={"story_id": None}).status_code == 404
    missing = client.put(f"/api/v1/articles/{seeded.articles['storm1']}/story", json={"story_id": "story-nope"})
    assert missing.status_code == 404 and "story-nope" in missing.json()["detail"]
    assert client.post(f"/api/v1/stories/{quote(storm)}/merge", json={"other": "story-nope"}).status_code == 404
    assert client.post(f"/api/v1/stories/{quote(storm)}/merge", json={"other": storm}).status_code == 400
    assert client.post(f"/api/v1/stories/{quote(storm)}/merge", json={}).status_code == 422
    assert len(client.get(f"/api/v1/stories/{quote(storm)}").json()["articles"]) == 3
    schema = client.get("/openapi.json").json()["paths"]
    assert "put" in schema["/api/v1/articles/{article_id}/story"]
    assert "post" in schema["/api/v1/stories/{story_id}/merge"]
    assert "post" in schema["/api/v1/stories/{story_id}/unmerge"]
    assert "get" in schema["/api/v1/stories/{story_id}/related"]


def test_a_story_merged_into_itself_is_left_alone(seeded: Seeded, progleton: Progleton) -> None:
    storm = seeded.stories["storm"]
    assert progleton.merge_stories(storm, storm) == storm  # as the CLI calls it
    assert progleton.store.corrections() == []
    assert len(progleton.story(storm).articles) == 3


def test_wire_copies_stay_one_report_when_their_original_leaves_or_a_copy_comes_back(
        client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    wire, original = seeded.stories["wire"], seeded.articles["wire"]
    copies = [seeded.articles[f"copy-{n}"] for n in ("Harbour Daily", "Morning Ledger", "Evening Star")]
    assert client.put(f"/api/v1/articles/{original}/story", json={"story_id": None}).status_code == 200
    story = client.get(f"/api/v1/stories/{quote(wire)}").json()
    by_id = {a["id"]: a for a in story["articles"]}
    first, *rest = copies  # all three were carried an hour after the original, the first stored first
    assert by_id[first]["wire_copy_of"] is None and all(by_id[c]["wire_copy_of"] == first for c in rest)
    assert story["story"]["independent_count"] == 1  # still one text, however many carry it
    assert by_id[first]["why"] == ["Its text's earlier carrier was split out of this story by a user; "
                                   "it carries that text here now."]
    # a copy split out and moved back is a copy again, not an independent report
    client.put(f"/api/v1/articles/{rest[0]}/story", json={"story_id": None})
    back = client.put(f"/api/v1/articles/{rest[0]}/story", json={"story_id": wire})
    assert back.json()["wire_copy_of"] == first
    assert client.get(f"/api/v1/stories/{quote(wire)}").json()["story"]["independent_count"] == 1
    # the original moved back carries its text again, and every copy is its copy
    client.put(f"/api/v1/articles/{original}/story", json={"story_id": wire})
    story = client.get(f"/api/v1/stories/{quote(wire)}").json()
    assert {a["id"]: a["wire_copy_of"] for a in story["articles"]} == {original: None, **dict.fromkeys(copies, original)}
    assert story["story"]["independent_count"] == 1


def test_the_api_reads_back_state_follows_and_keeps_searches(client: TestClient, seeded: Seeded) -> None:
    article = seeded.articles["storm1"]
    assert client.get(f"/api/v1/articles/{article}/state").json() == {"article_id": article, "read": False,
                                                                      "starred": False}
    client.put(f"/api/v1/articles/{article}/state", json={"starred": True})
    assert client.get(f"/api/v1/articles/{article}/state").json()["starred"] is True
    storm = seeded.stories["storm"]
    followed = client.put(f"/api/v1/stories/{quote(storm)}/follow", json={"follow": True})
    assert followed.json() == {"story_id": storm, "followed": True}
    [followed_story] = client.get("/api/v1/following").json()
    assert followed_story["id"] == storm and followed_story["new_articles"] == 3  # never opened: all new
    assert followed_story["snippet"] and followed_story["outlets"]  # as the front page shows it
    client.get(f"/stories/{quote(storm)}")
    assert client.get("/api/v1/following").json()[0]["new_articles"] == 0
    client.put(f"/api/v1/stories/{quote(storm)}/follow", json={"follow": False})
    assert client.get("/api/v1/following").json() == []
    assert client.put("/api/v1/stories/story-nope/follow", json={}).status_code == 404
    saved = client.post("/api/v1/searches", json={"query": "ferry source:North", "name": "Ferries"})
    feed = f"http://127.0.0.1:8000/feeds/saved/{saved.json()['id']}.atom"
    assert saved.status_code == 201 and saved.json()["feed"] == feed  # to subscribe to as it is
    assert [s["name"] for s in client.get("/api/v1/searches").json()] == ["Ferries"]
    assert client.get(saved.json()["feed"]).status_code == 200
    assert client.post("/api/v1/searches", json={"query": "  "}).status_code == 422
    assert client.delete(f"/api/v1/searches/{saved.json()['id']}").status_code == 204
    assert client.delete(f"/api/v1/searches/{saved.json()['id']}").status_code == 404


def test_a_storys_actions_answer_405_to_get(client: TestClient, seeded: Seeded) -> None:
    storm = quote(seeded.stories["storm"])
    for action, allowed in (("merge", "POST"), ("follow", "PUT")):
        answer = client.get(f"/api/v1/stories/{storm}/{action}")
        assert answer.status_code == 405 and answer.headers["allow"] == allowed, answer.text
    assert client.get("/api/v1/stories/story-nope/merge").status_code == 404
    client.post(f"/api/v1/stories/{quote(seeded.stories['wire'])}/merge", json={"other": seeded.stories["storm"]})
    answer = client.get(f"/api/v1/stories/{storm}/unmerge")  # of a story merged away
    assert answer.status_code == 405 and answer.headers["allow"] == "POST", answer.text


def test_a_correction_while_another_process_groups_answers_503_soon(
        client: TestClient, seeded: Seeded, progleton: Progleton, monkeypatch: pytest.MonkeyPatch) -> None:
    from progleton import core
    from progleton.store import open_store

    monkeypatch.setattr(core, "CORRECTION_WAIT_S", 0.3)
    storm, moved = seeded.stories["storm"], seeded.articles["storm3"]
    other_process = open_store(progleton.store.engine.url.render_as_string(hide_password=False))
    with other_process.grouping_lock():  # a cron `progleton update` grouping its new articles
        busy = client.post(f"/api/v1/stories/{quote(storm)}/merge", json={"other": seeded.stories["wire"]})
        assert busy.status_code == 503 and busy.headers["retry-after"]
        assert "grouping" in busy.json()["detail"] and "try again" in busy.json()["detail"]
        moving = client.put(f"/api/v1/articles/{moved}/story", json={"story_id": None})
        assert moving.status_code == 503
    other_process.close()
    assert client.put(f"/api/v1/articles/{moved}/story", json={"story_id": None}).status_code == 200


@pytest.mark.parametrize(("method", "path", "body", "field", "takes"), [
    ("PUT", "/api/v1/articles/{article}/state", {"reed": True}, "reed", "read, starred"),
    ("PUT", "/api/v1/stories/{story}/follow", {"folow": False}, "folow", "followed, follow"),
    ("POST", "/api/v1/searches", {"query": "ferry", "title": "Ferries"}, "title", "query, name"),
    ("POST", "/api/v1/sources", {"url": "https://x.example/feed", "group": ["a"]}, "group", "url, groups"),
    ("PUT", "/api/v1/articles/{article}/story", {"story": None}, "story", "story_id"),
    ("POST", "/api/v1/stories/{story}/merge", {"other": "story-wire-sea-wall", "into": "x"}, "into", "other"),
])
def test_a_field_the_request_does_not_take_is_a_422_naming_it(
        client: TestClient, seeded: Seeded, method: str, path: str, body: dict[str, Any], field: str,
        takes: str) -> None:
    """{"reed": true} answered 200 and changed nothing."""
    url = path.format(article=seeded.articles["storm1"], story=seeded.stories["storm"])
    answer = client.request(method, url, json=body)
    assert answer.status_code == 422, answer.text
    [error] = [e for e in answer.json()["detail"] if e["type"] == "extra_forbidden"]
    assert error["loc"] == ["body", field] and error["msg"].startswith(f"unknown field '{field}': this request takes {takes}")
    assert client.get(f"/api/v1/articles/{seeded.articles['storm1']}/state").json()["read"] is False


def test_follow_takes_followed_as_the_answer_names_it(client: TestClient, seeded: Seeded) -> None:
    """{"followed": false} was ignored: the story was followed, and the answer said so."""
    story = f"/api/v1/stories/{seeded.stories['storm']}/follow"
    assert client.put(story, json={}).json()["followed"] is True  # left out: follow
    assert client.put(story, json={"followed": False}).json()["followed"] is False
    assert client.get("/api/v1/following").json() == []
    assert client.put(story, json={"follow": True}).json()["followed"] is True  # the older name works
    assert client.put(story, json={"follow": False, "followed": False}).json()["followed"] is False
    mixed = client.put(story, json={"follow": True, "followed": False})
    assert mixed.status_code == 422 and "send followed alone" in mixed.text


def test_stories_of_a_group_or_language_that_is_none_is_a_422_saying_so(client: TestClient, seeded: Seeded) -> None:
    """?group=Nope and ?language=xx answered 200 [], as if nothing had happened yet."""
    nope = client.get("/api/v1/stories", params={"group": "Nope"})
    assert nope.status_code == 422
    assert nope.json()["detail"] == "No source is in the group 'Nope': the groups are 'National', 'Verel'."
    bad = client.get("/api/v1/stories", params={"language": "xx"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("'xx' is not a language code: give an ISO 639-1")
    both = client.get("/api/v1/stories", params={"group": "Nope", "language": "xx"}).json()["detail"]
    assert "'Nope'" in both and "'xx'" in both
    assert client.get("/api/v1/stories", params={"language": "fr"}).json() == []  # a language with no stories
    english = client.get("/api/v1/stories", params={"language": "en"}).json()
    assert english and client.get("/api/v1/stories", params={"language": "EN"}).json() == english
    verel = client.get("/api/v1/stories", params={"group": "Verel"})
    assert verel.status_code == 200 and verel.json()


def test_stories_take_the_language_as_lang_too_and_refuse_two_that_differ(client: TestClient, seeded: Seeded) -> None:
    """The feeds choose a language by `lang`, /api/v1/stories by `language`: each takes both."""
    english = client.get("/api/v1/stories", params={"language": "en"}).json()
    assert english and client.get("/api/v1/stories", params={"lang": "en"}).json() == english
    assert client.get("/api/v1/stories", params={"lang": "en", "language": "EN"}).json() == english
    assert client.get("/api/v1/stories", params={"lang": "fr"}).json() == []
    assert "not a language code" in client.get("/api/v1/stories", params={"lang": "xx"}).json()["detail"]
    both = client.get("/api/v1/stories", params={"lang": "en", "language": "fr"})
    assert both.status_code == 422
    assert both.json()["detail"] == "lang='en' and language='fr' ask for different languages: give lang alone."
