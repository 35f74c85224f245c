"""Articles: the outlet their source counted for, kept when the source is removed
(``source_outlet``).

A removed source's articles stay in their stories. They counted by the name it left, not by
its site, so a feed removed beside another feed of its site became an outlet of its own. The
articles of sources removed before keep counting by name: which site their source had is not
known any more.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("source_outlet", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("source_outlet")
