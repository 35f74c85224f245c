"""Articles: pages fetched again after a failure that may pass (``page_retry_at``,
``page_attempts``), and the text the grouper read when a later page replaced it
(``grouped_text``).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("grouped_text", sa.Text(), nullable=True))
    op.add_column("articles", sa.Column("page_retry_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("articles", sa.Column("page_attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_articles_page_retry_at", "articles", ["page_retry_at"])


def downgrade() -> None:
    op.drop_index("ix_articles_page_retry_at", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("page_attempts")
        batch.drop_column("page_retry_at")
        batch.drop_column("grouped_text")
