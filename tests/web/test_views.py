"""Pure shaping for the pages: search hit groups, time filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from progleton.types import Article, SearchHit
from progleton.web.views import group_hits, since_for


def art(i: int, *, story: str = "s") -> Article:
    return Article(id=i, url=f"https://x.example/{i}", canonical_url=f"https://x.example/{i}", title=f"T{i}",
                   story_id=story)


def test_hits_group_by_story_in_order_of_best_hit() -> None:
    hits = [SearchHit(art(1, story="b"), ""), SearchHit(art(2, story="a"), ""), SearchHit(art(3, story="b"), "")]
    assert [(k, [h.article.id for h in v]) for k, v in group_hits(hits)] == [("b", [1, 3]), ("a", [2])]


def test_time_filters() -> None:
    now = datetime(2026, 1, 2, tzinfo=UTC)
    assert since_for("day", now) == now - timedelta(days=1)
    assert since_for("week", now) == now - timedelta(days=7)
    assert since_for(None, now) is None and since_for("bogus", now) is None
