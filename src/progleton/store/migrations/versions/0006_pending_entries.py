"""Pending entries: the entries an update left for a later one (more than ``max_new_entries``,
or a page not yet asked for), kept with what their article is made of, so that a feed that
drops them meanwhile loses none.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_entries",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_id", "guid"),
    )
    op.create_index("ix_pending_entries_first_seen", "pending_entries", ["first_seen"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_pending_entries_first_seen", table_name="pending_entries")
    op.drop_table("pending_entries")
