"""Stories: their front-page score worked out again, velocity now counted in outlets.

A story's score (``progleton.stories.rank``) counted the reports of its last six hours, so one
feed posting 300 items put its one-outlet story above a story of four outlets; it now counts
the outlets that reported in those hours. Scores are refreshed when a story's members change:
this works out every stored story's score once, so that the front page is in the new order at
once, not as stories gather reports.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_UTC_DATETIME = sa.DateTime(timezone=True)
_articles = sa.table(
    "articles", sa.column("story_id", sa.Text), sa.column("source_id", sa.Integer),
    sa.column("wire_copy_of", sa.Integer), sa.column("published", _UTC_DATETIME),
    sa.column("created_at", _UTC_DATETIME),
)
_stories = sa.table(
    "stories", sa.column("id", sa.Text), sa.column("last_seen", _UTC_DATETIME),
    sa.column("independent_count", sa.Integer), sa.column("score", sa.Float),
)


def upgrade() -> None:
    from progleton.store.sql_util import utc
    from progleton.stories.rank import recent_outlets, story_score

    bind = op.get_bind()
    reports: dict[str, list[tuple[int | None, datetime]]] = defaultdict(list)
    copies: dict[str, list[tuple[int | None, datetime]]] = defaultdict(list)
    when = sa.func.coalesce(_articles.c.published, _articles.c.created_at).label("when")
    query = sa.select(_articles.c.story_id, _articles.c.source_id, _articles.c.wire_copy_of, when).where(
        _articles.c.story_id.is_not(None))
    for story_id, source_id, wire_copy_of, at in bind.execute(query):
        if (at := utc(at)) is not None:
            (copies if wire_copy_of is not None else reports)[story_id].append((source_id, at))
    scores = []
    for story_id, last_seen, independent in bind.execute(
            sa.select(_stories.c.id, _stories.c.last_seen, _stories.c.independent_count)):
        last = utc(last_seen)
        recent = recent_outlets(reports.get(story_id) or copies.get(story_id, []), last)
        scores.append({"key": story_id, "new_score": story_score(independent, last, recent)})
    if scores:
        bind.execute(_stories.update().where(_stories.c.id == sa.bindparam("key"))
                     .values(score=sa.bindparam("new_score")), scores)


def downgrade() -> None:
    pass  # the scores stay as they are; the next change of each story's members sets them
