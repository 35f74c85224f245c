"""The same pipeline on PostgreSQL: the demo ingested into a fresh database on 127.0.0.1."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from progleton import make_progleton
from progleton.demo import EXPECTATIONS, feed_urls
from progleton.urls import canonical_url

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ADMIN = os.environ.get("PROGLETON_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def pg_url() -> Iterator[str]:
    name = f"progleton_e2e_{uuid.uuid4().hex[:10]}"
    try:
        admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    except Exception as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is needed under CI: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        yield ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def test_demo_on_postgresql(pg_url: str, demo_server: object) -> None:
    base = demo_server.base_url  # type: ignore[attr-defined]
    with make_progleton(pg_url, allowed_hosts="127.0.0.1", extract_workers=1) as app:
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
