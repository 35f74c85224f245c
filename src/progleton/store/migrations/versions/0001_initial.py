"""Initial schema: sources, entries, articles, stories, profiles, user state.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from progleton.store import schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    # The initial revision is the schema module as it stood; later revisions use op.* steps.
    schema.metadata.create_all(bind)
    if bind.dialect.name == "sqlite":
        from progleton.store.sqlite import create_search_index

        create_search_index(bind)
    elif bind.dialect.name == "postgresql":
        from progleton.store.postgres import create_search_index as create_pg_index

        create_pg_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from progleton.store.sqlite import drop_search_index

        drop_search_index(bind)
    elif bind.dialect.name == "postgresql":
        from progleton.store.postgres import drop_search_index as drop_pg_index

        drop_pg_index(bind)
    schema.metadata.drop_all(bind)
