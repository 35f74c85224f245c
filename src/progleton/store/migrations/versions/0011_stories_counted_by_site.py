"""Stories: their outlets counted again by site, not by feed.

A story's outlets were its sources: a reader following one paper through two feeds (its front
page and its World section) saw a story in both counted as two outlets, two independent
reports, and ranked as a story of two. Outlets are now the sites the sources belong to
(``progleton.outlets``). A story's counts and score are stored, and refreshed only when its
members change: this counts every stored story's outlets, independent reports and score again
once, so that existing stories are right at once, not as they gather reports. Nothing else of a
story changes (its title and lead are as its members left them).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_UTC_DATETIME = sa.DateTime(timezone=True)
_articles = sa.table(
    "articles", sa.column("story_id", sa.Text), sa.column("source_id", sa.Integer),
    sa.column("source_name", sa.Text), sa.column("url", sa.Text), sa.column("wire_copy_of", sa.Integer),
    sa.column("published", _UTC_DATETIME), sa.column("created_at", _UTC_DATETIME),
)
_sources = sa.table("sources", sa.column("id", sa.Integer), sa.column("url", sa.Text), sa.column("site_url", sa.Text))
_stories = sa.table(
    "stories", sa.column("id", sa.Text), sa.column("outlet_count", sa.Integer),
    sa.column("independent_count", sa.Integer), sa.column("score", sa.Float),
)


def _counts(members: list[tuple[str, bool, datetime | None]]) -> dict[str, Any]:
    """A story's counts and score from its (outlet, independent, time) members, as
    ``StoryMembershipMixin._refresh`` works them out."""
    from progleton.stories.rank import recent_outlets, story_score

    times = [at for _, _, at in members if at is not None]
    last = max(times) if times else None
    independent = [m for m in members if m[1]]
    outlets = {outlet for outlet, _, _ in independent} or {members[0][0]}
    recent = recent_outlets([(outlet, at) for outlet, _, at in independent or members if at is not None], last)
    return {"new_outlets": len({outlet for outlet, _, _ in members}), "new_independent": len(outlets),
            "new_score": story_score(len(outlets), last, recent)}


def upgrade() -> None:
    from progleton.outlets import outlet_key
    from progleton.store.sql_util import utc

    bind = op.get_bind()
    when = sa.func.coalesce(_articles.c.published, _articles.c.created_at).label("when")
    query = (
        sa.select(_articles.c.story_id, _articles.c.source_id, _sources.c.site_url, _sources.c.url.label("source_url"),
                  _articles.c.source_name, _articles.c.url, _articles.c.wire_copy_of, when)
        .select_from(_articles.outerjoin(_sources, _sources.c.id == _articles.c.source_id))
        .where(_articles.c.story_id.is_not(None))
    )
    members: dict[str, list[tuple[str, bool, datetime | None]]] = defaultdict(list)
    for r in bind.execute(query):
        outlet = outlet_key(r.source_id, r.site_url, r.source_url, r.source_name, r.url or "")
        members[r.story_id].append((outlet, r.wire_copy_of is None, utc(r.when)))
    counts = [{"key": story_id, **_counts(m)} for story_id, m in members.items()]
    for start in range(0, len(counts), 2_000):
        bind.execute(_stories.update().where(_stories.c.id == sa.bindparam("key")).values(
            outlet_count=sa.bindparam("new_outlets"), independent_count=sa.bindparam("new_independent"),
            score=sa.bindparam("new_score")), counts[start:start + 2_000])


def downgrade() -> None:
    pass  # the counts stay as they are; the next change of each story's members sets them
