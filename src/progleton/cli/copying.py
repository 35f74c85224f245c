"""``progleton copy-to``: an installation's SQLite database copied into PostgreSQL."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..settings import load_settings
from .context import Context, pass_ctx
from .terminal import console, err_console


@click.command(name="copy-to")
@click.argument("target")
@pass_ctx
def copy_to(ctx: Context, target: str) -> None:
    """Copy this installation (the SQLite database of --db) into TARGET, an empty PostgreSQL
    database (postgresql://USER@HOST/NAME; create it first, with a UTF-8 locale: createdb
    --template=template0 --locale=C.UTF-8 NAME). Every table is
    copied, every row under the same ids: stories, articles, read and starred state, follows,
    saved searches, corrections, users and tokens, the secret key. The SQLite file is only read.
    Stop `progleton serve` and cron updates first: what they write meanwhile is not copied."""
    from ..store import default_db_url, masked_url
    from ..store.transfer import copy_to_postgresql

    source = str(load_settings(config_file=ctx.config, overrides=ctx.overrides).db or default_db_url())
    with Progress(TextColumn("[bold]Copying"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"),
                  TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console,
                  transient=False, disable=not err_console.is_terminal) as bar:
        report = copy_to_postgresql(source, target, progress=_CopyBar(bar))
    shown = masked_url(target)
    console.print(f"Copied {sum(report.rows.values()):,} rows from {escape(masked_url(source))} into {escape(shown)} "
                  f"in {report.seconds:.1f} s:", highlight=False)
    console.print("  " + ", ".join(f"{n:,} {escape(name)}" for name, n in report.rows.items()), highlight=False)
    if report.nul_texts:
        console.print(f"{report.nul_texts:,} texts held NUL characters, which PostgreSQL cannot store: "
                      "they were left out of them.")
    if report.replaced_meta:
        console.print(f"The installation's secret key and state replaced the target's own "
                      f"({escape(', '.join(report.replaced_meta))}).", highlight=False)
    address = ("the address given here, password and all" if shown != target
               else f"PROGLETON_DB='{escape(shown)}'")  # a masked one, pasted, would set a wrong password
    console.print(f"\nNext:\n  1. Point Progleton at the new database wherever it runs: "
                  f"{address} (or db in the settings file, or --db).\n"
                  "  2. Start `progleton serve` and your cron `progleton update` on it.\n"
                  "  3. The SQLite file is unchanged: keep it until you have checked the copy.", highlight=False)


class _CopyBar:
    """A copy's progress on a rich progress bar (one task, every table's rows)."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task = bar.add_task("", total=None)

    def planned(self, rows: Any) -> None:
        self.bar.update(self.task, total=sum(rows.values()))

    def copied(self, table: str, rows: int) -> None:
        self.bar.update(self.task, advance=rows, description=escape(table))

    def building_indexes(self) -> None:
        self.bar.update(self.task, description="building the indexes (search: a minute or more on a large one)")
