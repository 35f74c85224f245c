"""A page of ranked search matches, and the fold of wire copies: one hit per wire text.

Each way of searching (SQLite's FTS5, PostgreSQL's tsvector, the substring scan of
:mod:`.unspaced`) ranks its matches in its own way; :func:`best_first` pages them the same
way for all three. Folding, a text carried word for word by many outlets (an article and the
articles that are its ``wire_copy_of``) is one hit, not one per outlet: the original where it
ranks as well as its best copy, else that copy, with the number of the others it stands for.
The fold is done before the page is cut, so that a page holds as many hits as asked for and the
next page starts where this one ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from .schema import articles


def best_first(ranked: sa.Subquery, keys: Sequence[str], *, limit: int, offset: int,
               fold_copies: bool = False) -> sa.Select[Any]:
    """The rows ``(id, folded)`` of the page ``limit``/``offset`` of ``ranked``, a query of
    matching article ``id``s with the columns ``keys``, best first when ascending (the first
    says how well an article matches, any others order equal matches; ties by id). ``folded``
    is 0, or with ``fold_copies`` the number of other matches of the same wire text that this
    row stands for (they are left out): the original, unless a copy matches better."""
    order = [ranked.c[key] for key in keys]
    if not fold_copies:
        return (sa.select(ranked.c.id, sa.literal(0).label("folded"))
                .order_by(*order, ranked.c.id).limit(limit).offset(offset))
    copy_of = articles.c.wire_copy_of
    text = sa.func.coalesce(copy_of, ranked.c.id)  # a wire text is known by its original's id
    texts = (
        sa.select(ranked.c.id, *order,
                  sa.func.row_number().over(partition_by=text,
                                            order_by=[order[0], copy_of.is_not(None), *order[1:], ranked.c.id]).label("nth"),
                  (sa.func.count().over(partition_by=text) - 1).label("folded"))
        .join_from(ranked, articles, articles.c.id == ranked.c.id)
        .subquery("texts")
    )
    return (sa.select(texts.c.id, texts.c.folded).where(texts.c.nth == 1)
            .order_by(*(texts.c[key] for key in keys), texts.c.id).limit(limit).offset(offset))
