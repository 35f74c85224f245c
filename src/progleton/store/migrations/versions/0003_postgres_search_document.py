"""PostgreSQL: the search index reads words as the queries do, and the first 100,000 characters.

The index expression is ``postgres._DOCUMENT``: "4.2", "67-year-old" and host names are split
into the words a query looks for, accents are folded (``progleton_fold``: the unaccent
extension where it can be created), and an article too long for a tsvector (1 MB) no longer
stops its feed from being stored. The old index is dropped and the new one built (SQLite:
nothing).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from progleton.store.postgres import create_search_index, drop_search_index

        drop_search_index(bind)
        create_search_index(bind)


def downgrade() -> None:
    pass  # the index of 0001 was the old expression; the new one serves the same queries
