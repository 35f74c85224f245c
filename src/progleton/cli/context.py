"""What every command is given: the database and settings asked for on the command line, and
the Progleton they open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..core import Progleton, make_progleton
from ..settings import Settings, load_settings


class Context:
    def __init__(self, db: str | None, config: Path | None, overrides: dict[str, Any]) -> None:
        self.db = db
        self.config = config
        self.overrides = overrides

    def settings(self, **more: Any) -> Settings:
        return load_settings(config_file=self.config, overrides={**self.overrides, **more})

    @contextmanager
    def open(self, **more: Any) -> Iterator[Progleton]:
        app = make_progleton(self.db, settings=self.settings(**more))
        try:
            yield app
        finally:
            app.close()


pass_ctx = click.make_pass_decorator(Context)
LIMIT = click.IntRange(1, 10_000)  # how many rows a listing shows
