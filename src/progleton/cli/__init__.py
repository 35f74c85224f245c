"""The ``progleton`` command line. Configures logging; the library never does.

The group and ``config`` are here; the other commands are in the modules beside this one,
by what they work on, and are added to the group below.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from ..exceptions import ProgletonError
from ..settings import REGISTRY, load_settings
from . import accounts, copying, serving, sources, stories, updating
from .context import Context, pass_ctx
from .stopping import stop_on
from .terminal import console, err_console, print_json

# The libraries that read pages: their warnings are about one page's markup, which the
# article's own warnings already cover, and a plain `update` printed them on the terminal.
EXTRACTION_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "readability")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", help="Database URL (sqlite:///PATH or postgresql://…); default: the db setting "
              "(PROGLETON_DB), else a SQLite file in your user data directory (`progleton config` shows it).")
@click.option("--config", "config", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              envvar="PROGLETON_CONFIG",
              help="A TOML settings file.")
@click.option("--allow-private-addresses", is_flag=True, default=None,
              help="Allow fetching loopback and private addresses (for local testing).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="progleton")
@click.pass_context
def main(ctx: click.Context, db: str | None, config: Path | None, allow_private_addresses: bool | None,
         verbose: int) -> None:
    """Progleton: follow news sources, read clean stories grouped across outlets."""
    # Piped into a file, grep or less, lines are not cut at 80 columns: each record keeps its
    # lines, and a table is as wide as it needs (up to 200 columns, or $COLUMNS).
    for out in (console, err_console):
        if not out.is_terminal:
            out.soft_wrap = True
            if "COLUMNS" not in os.environ:
                out.width = 200
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose:  # what the extraction libraries say of a page ("discarding data") is for -v
        for name in EXTRACTION_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
    overrides = {"allow_private_addresses": allow_private_addresses, "db": db}
    ctx.obj = Context(db, config, overrides)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def config(ctx: Context, as_json: bool) -> None:
    """Print the effective settings and where each came from."""
    from ..store import default_db_url, masked_url

    settings = load_settings(config_file=ctx.config, overrides=ctx.overrides)
    def shown(name: str) -> Any:  # secrets are never printed, only whether they are set
        if name == "db":  # the database actually used, the default file too (not its password)
            return masked_url(str(settings.db or default_db_url()))
        return settings.shown(name)

    # sign-in is on while an account has a password in the database, admin_password set or not
    sign_in = accounts.sign_in_state(settings, str(settings.db or default_db_url()))
    if as_json:
        print_json({**{s.name: {"value": shown(s.name), "from": settings.origin[s.name]} for s in REGISTRY},
                    "sign_in": {"value": sign_in.value, "from": sign_in.origin, "why": sign_in.why}})
        return
    table = Table("setting", "value", "from", "help")
    for s in REGISTRY:
        table.add_row(s.name, str(shown(s.name)), settings.origin[s.name], s.help)
    table.add_row("sign_in", sign_in.value, sign_in.origin, f"Whether the web reader asks to sign in: {sign_in.why}.")
    console.print(table)


for command in (sources.add, sources.import_, sources.remove, sources.export, sources.sources,
                sources.site_profile, updating.update, stories.search, stories.stories, stories.story,
                stories.move, stories.merge, stories.unmerge, serving.serve, serving.demo, copying.copy_to,
                accounts.sign_in):
    main.add_command(command)


def _stop_on_sigterm() -> None:
    """Make SIGTERM (``kill``, ``timeout``, systemd, a container stop) end the command the way
    Ctrl+C does: the extraction workers are stopped and the database is closed. Its default
    action ends this process alone and leaves the worker processes running, about 160 MB each,
    after every cron run under ``timeout``."""
    stop_on(signal.SIGTERM)


def run() -> None:
    """Entry point with friendly errors."""
    _stop_on_sigterm()
    try:
        main(standalone_mode=True)
    except ProgletonError as exc:
        err_console.print(f"[red]Error:[/] {escape(str(exc))}")
        sys.exit(1)
