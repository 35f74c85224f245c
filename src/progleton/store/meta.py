"""Site profiles, the reader's corrections (merges and the like) and the ``meta`` key-value
table in the store. Mixed into ``SQLStore``; the same queries serve SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import NotFound
from . import schema as t
from .sql_util import now_utc, upsert, utc


class MetaMixin:
    """Needs ``_read``/``_write`` connection context managers of SQLStore."""

    if TYPE_CHECKING:
        _read: Callable[[], AbstractContextManager[sa.Connection]]
        _write: Callable[[], AbstractContextManager[sa.Connection]]

    def get_site_profile(self, host: str) -> str | None:
        with self._read() as conn:
            return conn.execute(sa.select(t.site_profiles.c.data).where(t.site_profiles.c.host == host)).scalar()

    def site_profile_keys(self) -> list[str]:
        with self._read() as conn:
            return list(conn.execute(sa.select(t.site_profiles.c.host).order_by(t.site_profiles.c.host)).scalars())

    def put_site_profile(self, host: str, data: str) -> None:
        with self._write() as conn:
            updated = conn.execute(t.site_profiles.update().where(t.site_profiles.c.host == host).values(
                data=data, updated_at=now_utc())).rowcount
            if not updated:
                conn.execute(t.site_profiles.insert().values(host=host, data=data, updated_at=now_utc()))

    def add_correction(self, kind: str, *, article_id: int | None = None, story_id: str | None = None,
                       into_story_id: str | None = None) -> None:
        with self._write() as conn:
            conn.execute(t.corrections.insert().values(
                kind=kind, article_id=article_id, story_id=story_id, into_story_id=into_story_id,
                created_at=now_utc()))

    def corrections(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            return [{**r._mapping, "created_at": utc(r.created_at)}
                    for r in conn.execute(sa.select(t.corrections).order_by(t.corrections.c.id))]

    def merged_into(self, story_id: str) -> str | None:
        """The story a user merged ``story_id`` into, where it now lives (following later
        merges of that one too); None if it was never merged away or is back."""
        c = t.corrections.c
        seen = {story_id}
        with self._read() as conn:
            while True:
                into = conn.execute(sa.select(c.into_story_id).where(c.kind == "merge", c.story_id == story_id)
                                    .order_by(c.id.desc()).limit(1)).scalar()
                if into is None or into in seen:
                    break
                seen.add(into)
                story_id = into
            exists = conn.execute(sa.select(t.stories.c.id).where(t.stories.c.id == story_id)).scalar()
        return story_id if len(seen) > 1 and exists is not None else None

    def last_merge(self, story_id: str) -> str | None:
        """The story a user last merged ``story_id`` into (not following later merges of that
        one); None if it was never merged, or its merge was undone (:meth:`forget_merge`)."""
        c = t.corrections.c
        with self._read() as conn:
            return conn.execute(sa.select(c.into_story_id).where(c.kind == "merge", c.story_id == story_id)
                                .order_by(c.id.desc()).limit(1)).scalar()

    def forget_merge(self, story_id: str) -> None:
        """Undo the record of ``story_id``'s latest merge: a replay no longer makes it, and the
        story's address no longer leads on to the one it went into."""
        c = t.corrections.c
        with self._write() as conn:
            latest = conn.execute(sa.select(c.id).where(c.kind == "merge", c.story_id == story_id)
                                  .order_by(c.id.desc()).limit(1)).scalar()
            if latest is None:
                raise NotFound(f"story {story_id} was never merged into another")
            conn.execute(t.corrections.delete().where(c.id == latest))

    def get_meta(self, key: str) -> str | None:
        with self._read() as conn:
            return conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(upsert(t.meta, conn.dialect).values(key=key, value=value).on_conflict_do_update(
                index_elements=["key"], set_={"value": value}))

    def first_meta(self, key: str, value: str) -> str:
        """The value stored under ``key``, storing ``value`` first when there is none: processes
        that start together all get the one stored first (two servers started at once had kept
        two secret keys, one of them stored nowhere)."""
        with self._write() as conn:
            conn.execute(upsert(t.meta, conn.dialect).values(key=key, value=value).on_conflict_do_nothing())
            return str(conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == key)).scalar_one())
