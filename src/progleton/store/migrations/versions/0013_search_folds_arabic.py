"""Search: Arabic indexed without the hamza on an alef, vowel marks and tatweel.

"أحمد", "إحمد", "آحمد" and "احمد" are one word to search, and "مُحَمَّد" is "محمد"
(``scripts.fold_arabic``; the query side reads a query the same way). Both indexes are made
again over every stored article: on SQLite the FTS5 table (its triggers fold with replace(),
and its tokenizer keeps a word's vowel marks inside it, where it had cut "مُحَمَّد" into
three one-letter words), on PostgreSQL ``progleton_fold`` and the expression index over it.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from progleton.store.sqlite import index_folded_arabic

        index_folded_arabic(bind)
    elif bind.dialect.name == "postgresql":
        from progleton.store.postgres import create_search_index, drop_search_index

        drop_search_index(bind)
        create_search_index(bind, shown_headlines=True, folds_arabic=True)


def downgrade() -> None:
    pass  # the folded index serves the queries of before as well
