"""The same pipeline on PostgreSQL: the demo ingested into a fresh database on 127.0.0.1."""

from __future__ import annotations

import pytest

from progleton import make_progleton
from progleton.demo import EXPECTATIONS, feed_urls
from progleton.urls import canonical_url

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_demo_on_postgresql(postgres_url: str, demo_server: object) -> None:
    base = demo_server.base_url  # type: ignore[attr-defined]
    with make_progleton(postgres_url, allowed_hosts="127.0.0.1", extract_workers=1) as app:
        for url in feed_urls(base):
            app.store.add_source(url)
        first = app.update(due_only=False)
        assert len(first.errors) == len(EXPECTATIONS.broken_feeds)
        assert app.update(due_only=False).new_articles == 0
        stories = {app.article(app.store.article_id_by_canonical_url(canonical_url(base + p))).story_id  # type: ignore[arg-type]
                   for p in EXPECTATIONS.multi_outlet_event}
        assert len(stories) == 1
        word = app.stories(limit=1)[0].title.split()[-1]
        assert app.search(word)
