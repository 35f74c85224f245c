"""Articles: the feed's later headline (``headline``), shown in the title's place, and searched.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("headline", sa.Text(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # search finds the headline shown
        from progleton.store.sqlite import index_shown_headlines

        index_shown_headlines(bind)
    elif bind.dialect.name == "postgresql":
        from progleton.store.postgres import create_search_index, drop_search_index

        drop_search_index(bind)
        create_search_index(bind, shown_headlines=True)


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("headline")
