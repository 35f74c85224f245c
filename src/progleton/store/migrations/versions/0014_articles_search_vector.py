"""Search: on PostgreSQL, the search document stored in ``articles.search_vector`` and indexed.

The expression index of 0013 found the matches, but ranking them made each candidate's document
again, on every search (about 1 s for 2,000 Arabic candidates on a loaded machine). The column
is generated from the title shown and the text as the index's expression was
(``postgres.store_search_vector``), so it is filled for every stored article here, and search
ranks from it. SQLite's FTS5 table already keeps its index: nothing to do there.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from progleton.store.postgres import store_search_vector

        store_search_vector(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from progleton.store.postgres import drop_search_vector

        drop_search_vector(bind)
