"""One feed flooding near-identical items: other stories are grouped and ranked as without it.

The QA round stored a feed of 300 items ("Huge item N" / "filler text N") beside a few outlets'
news: the flood raised the count of docs from 17 to 317, and with it every other word's inverse
document frequency alike, which flattened the contrast between rare and common words; a
stabbing in Lyon then joined a museum theft in Lyon (0.67 without the flood, 0.76 with it). Its
own one-outlet story was ranked first, above an earthquake told by four outlets.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from local_server import LocalServer
from progleton import make_progleton
from progleton.core import Progleton
from progleton.stories import StoryGrouper
from progleton.stories.model import Assignment

from .flood_news import FLOOD_ITEMS, OUTLETS, REPORTS, app, docs

NOW = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)


def _grouped(flood_items: int) -> tuple[StoryGrouper, dict[str, Assignment]]:
    grouper = StoryGrouper()
    return grouper, {a.doc_id: a for a in grouper.add_many(docs(NOW, flood_items=flood_items))}


def test_a_flood_from_one_outlet_weighs_as_its_first_item_alone() -> None:
    """300 near-identical items of one feed leave every other decision, and its score, as one
    item of that feed does; and the stabbing is its own story, as without the feed."""
    one, one_assigned = _grouped(1)
    flooded, flood_assigned = _grouped(FLOOD_ITEMS)
    for assigned in (_grouped(0)[1], one_assigned, flood_assigned):
        stabbing = assigned["lyon-stabbing"]  # 0.61, 0.62 and 0.62 (0.76 and joined before)
        assert stabbing.new_story and stabbing.reasons.score < stabbing.reasons.bar  # type: ignore[operator]
    for report in REPORTS:
        assert flood_assigned[report.slug].story_id == one_assigned[report.slug].story_id
        assert flood_assigned[report.slug].reasons.score == pytest.approx(one_assigned[report.slug].reasons.score)
    assert len({flooded.story_of(f"huge-{i}") for i in range(FLOOD_ITEMS)}) == 1
    assert flooded.vocabulary.docs == one.vocabulary.docs


def test_another_report_by_an_outlet_already_in_the_story_is_not_counted_again() -> None:
    grouper = StoryGrouper()
    first, *updates = [d for d in docs(NOW) if d.source == "flood"][:4]
    grouper.add(first)
    counted = grouper.vocabulary.docs, grouper.vocabulary.df("w:filler")
    for update in updates:
        assert grouper.add(update).story_id == grouper.story_of(first.id)
    assert (grouper.vocabulary.docs, grouper.vocabulary.df("w:filler")) == counted


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Progleton, LocalServer]]:
    """The outlets and the flood fetched by one update into a fresh SQLite file."""
    server = LocalServer(app(datetime.now(UTC)))
    url = f"sqlite:///{tmp_path_factory.mktemp('flood') / 'p.db'}"
    p = make_progleton(url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        for outlet, name in OUTLETS.items():
            p.store.add_source(server.url(f"/{outlet}/feed.xml"), title=name)
        p.update(due_only=False)
        yield p, server
    finally:
        p.close()
        server.close()


def _story_of(p: Progleton, server: LocalServer, outlet: str, slug: str) -> str:
    article_id = p.store.article_id_by_canonical_url(server.url(f"/{outlet}/{slug}"))
    assert article_id is not None, slug
    story = p.article(article_id).story_id
    assert story is not None
    return story


def test_the_stabbing_stays_apart_from_the_theft_beside_a_flood(updated: tuple[Progleton, LocalServer]) -> None:
    p, server = updated
    by_event: dict[str, set[str]] = {}
    for r in REPORTS:
        by_event.setdefault(r.event, set()).add(_story_of(p, server, r.outlet, r.slug))
    assert all(len(stories) == 1 for stories in by_event.values()), by_event
    assert len(set().union(*by_event.values())) == 3


def test_a_flood_from_one_outlet_ranks_below_a_story_of_four(updated: tuple[Progleton, LocalServer]) -> None:
    p, server = updated
    flood = _story_of(p, server, "flood", "huge/0")
    quake = _story_of(p, server, "courier", "chile-quake")
    assert p.story(flood).story.article_count == FLOOD_ITEMS and p.story(flood).story.outlets == ("Huge Feed",)
    order = [s.id for s in p.stories(limit=10)]
    assert order.index(quake) < order.index(flood)
    assert p.story(quake).story.score > p.story(flood).story.score
