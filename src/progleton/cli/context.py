"""What every command is given: the database and settings asked for on the command line, and
the Progleton they open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa

from ..core import Progleton, make_progleton
from ..settings import Settings, load_settings
from ..store.failures import database_failure


class Context:
    def __init__(self, db: str | None, config: Path | None, overrides: dict[str, Any]) -> None:
        self.db = db
        self.config = config
        self.overrides = overrides

    def settings(self, **more: Any) -> Settings:
        return load_settings(config_file=self.config, overrides={**self.overrides, **more})

    @contextmanager
    def open(self, **more: Any) -> Iterator[Progleton]:
        """The Progleton of the command; a database that cannot be used (locked, full,
        read-only, damaged, cut off) ends the command in words, not a traceback."""
        app = make_progleton(self.db, settings=self.settings(**more))
        try:
            yield app
        except sa.exc.DBAPIError as exc:
            if (failure := database_failure(exc, app.store.engine.url)) is None:
                raise
            raise failure from exc
        finally:
            app.close()


pass_ctx = click.make_pass_decorator(Context)
LIMIT = click.IntRange(1, 10_000)  # how many rows a listing shows
