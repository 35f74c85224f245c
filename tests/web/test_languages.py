"""Headlines written by outlets in other languages are marked so on every page that shows them:
their language (``lang``), for a screen reader's voice and hyphenation, and their direction
(``dir``), so that Arabic or Hebrew reads right to left where the page is in English."""

from __future__ import annotations

import lxml.html
import pytest
from fastapi.testclient import TestClient

from progleton.core import Progleton

from .conftest import Seeded, article_record

ARABIC_TITLE = "إغلاق ميناء الإسكندرية بسبب العاصفة؟"
ARABIC_TEXT = "أعلنت السلطات في مدينة الإسكندرية إغلاق الميناء بسبب العاصفة. " * 12


@pytest.fixture
def arabic(progleton: Progleton, seeded: Seeded) -> int:
    source = next(iter(seeded.sources.values()))
    return progleton.store.add_article(
        article_record(source, "ar-storm", ARABIC_TITLE, text=ARABIC_TEXT, language="ar", hours_ago=0.5),
        {"story_id": "story-ar", "reasons": {"note": "new story"}})


def _marked(client: TestClient, path: str) -> list[tuple[str | None, str | None, str | None]]:
    """(link, lang, dir) in force at each element of ``path`` holding the Arabic headline as its text."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    tree = lxml.html.fromstring(page.text)
    found = []
    for element in tree.iter():
        if isinstance(element.tag, str) and element.text and element.text.strip() == ARABIC_TITLE \
                and element.tag not in {"title", "option"}:
            lang = next((e.get("lang") for e in element.iterancestors() if e.get("lang")), None)
            found.append((element.get("href"), element.get("lang") or lang,
                          element.get("dir") or next((e.get("dir") for e in element.iterancestors() if e.get("dir")),
                                                     None)))
    assert found, f"{path} does not show the headline"
    return found


@pytest.mark.parametrize("path", ["/", "/following", "/merge?story=story-ar"])
def test_a_story_headline_reads_its_direction_from_its_text(client: TestClient, arabic: int, path: str) -> None:
    client.put("/api/v1/stories/story-ar/follow", json={"followed": True})
    for _, _, direction in _marked(client, path):
        assert direction in {"auto", "rtl"}


@pytest.mark.parametrize("path", ["/stories/story-ar", "/search?q=السلطات", "/starred", "/articles/{id}"])
def test_an_article_headline_says_its_language_and_direction(client: TestClient, arabic: int, path: str) -> None:
    client.put(f"/api/v1/articles/{arabic}/state", json={"starred": True})
    """The article's own headline says both; a story's headline (the search's heading of a
    story) at least reads its direction from its text."""
    marked = _marked(client, path.format(id=arabic))
    assert all(direction in {"auto", "rtl"} for _, _, direction in marked)
    assert all((lang, direction) == ("ar", "rtl") for link, lang, direction in marked
               if not (link or "").startswith("/stories/"))


@pytest.mark.parametrize("query", ["إسكندرية", "ميناء", "الميناء", "עיר", "העיר"])
def test_an_arabic_or_hebrew_search_finds_words_with_and_without_the_article(
        client: TestClient, progleton: Progleton, arabic: int, query: str) -> None:
    """Searching "ميناء" (port) found the headline's "ميناء" but not the text's "الميناء" (the
    port), and "إسكندرية" nothing: the reports write "الإسكندرية". Hebrew's ה alike."""
    source = progleton.store.add_source("https://haifa.example/feed.xml", title="חדשות הצפון")[0].id
    hebrew = progleton.store.add_article(
        article_record(source, "he-fire", "שריפה פרצה בעיר התחתית", text="העיר כולה התעוררה לריח עשן. " * 6,
                       language="he"), {"story_id": "story-he", "reasons": {}})
    found = {hit["article"]["id"] for hit in client.get("/api/v1/search", params={"q": query}).json()}
    assert found == ({hebrew} if query in ("עיר", "העיר") else {arabic})
    page = client.get("/search", params={"q": query}).text
    assert f'href="/articles/{hebrew if query in ("עיר", "העיר") else arabic}"' in page
