"""Articles: one index on (source_id, text_hash) instead of one on each.

An exact duplicate is the same text from the same source, so the lookup is by both; the
index on text_hash alone (random 64-character keys) was a third of the cost of inserting
an article, and source_id queries use the new index's first column.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_articles_text_hash", table_name="articles")
    op.drop_index("ix_articles_source_id", table_name="articles")
    op.create_index("ix_articles_source_text_hash", "articles", ["source_id", "text_hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_articles_source_text_hash", table_name="articles")
    op.create_index("ix_articles_source_id", "articles", ["source_id"], unique=False)
    op.create_index("ix_articles_text_hash", "articles", ["text_hash"], unique=False)
