"""The sources followed: ``add``, ``import``, ``remove``, ``export``, ``sources``, and
``site-profile`` (what is stripped from a site's pages)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click
from rich.markup import escape
from rich.table import Table

from ..exceptions import NotFound
from ..json_out import source_out
from ..types import Source
from ..urls import web_address
from .context import Context, pass_ctx
from .terminal import ago, console, count, err_console, json_default, print_json


@click.command()
@click.argument("url")
@click.option("--group", "groups", multiple=True, help="Put the source in a group (repeatable).")
@click.option("--no-discover", is_flag=True, help="Take URL as the feed itself.")
@pass_ctx
def add(ctx: Context, url: str, groups: tuple[str, ...], no_discover: bool) -> None:
    """Follow a feed, or a site whose feed is found by autodiscovery."""
    with ctx.open() as app:
        before = app.store.source_by_url(web_address(url))
        source, created = app.add_source(url, groups=groups, discover=not no_discover)
    again = before is not None and before.retired
    verb = "Added" if created else ("Following again" if again else "Already following")
    number = "" if created or again else f" as source {source.id}"  # what `remove` and `sources` name
    in_groups = f" in {', '.join(source.groups)}" if source.groups else ""
    address = f" ({escape(source.shown_url)})" if source.name != source.shown_url else ""  # one named by nothing else
    console.print(f"{verb} [bold]{escape(source.name)}[/]{number}{address}{escape(in_groups)}."
                  + (" Run `progleton update` to fetch it." if created or again else ""))


@click.command(name="import")
@click.argument("file", type=click.File("rb"))
@pass_ctx
def import_(ctx: Context, file: Any) -> None:
    """Follow every feed listed in an OPML file."""
    with ctx.open() as app:
        done = app.import_opml_file(file.read())
    for why in done.skipped:
        err_console.print(f"[yellow]skipped[/] {escape(why)}")
    created = sum(1 for _, c in done.added if c)
    skipped = f", {len(done.skipped)} skipped" if done.skipped else ""
    twice = f"; {count(done.repeated, 'outline')} repeated, taken once" if done.repeated else ""
    console.print(f"Imported {count(len(done.added), 'source')} ({created} new, {len(done.added) - created} already "
                  f"followed{skipped}{twice}). Run `progleton update` to fetch {'it' if len(done.added) == 1 else 'them'}.")


@click.command()
@click.argument("source")
@pass_ctx
def remove(ctx: Context, source: str) -> None:
    """Stop following SOURCE: its id, its feed's address (or its site's), or its title
    (`progleton sources` lists them); its articles stay."""
    with ctx.open() as app:
        if source.strip().isdigit():
            found = app.store.get_source(int(source))
        else:
            found = _one_source(sources_named(app.sources(), source), source)
        app.remove_source(found.id)
    console.print(f"Stopped following [bold]{escape(found.name)}[/] ({escape(found.shown_url)}); its articles stay.")


def sources_named(followed: Sequence[Source], given: str) -> list[Source]:
    """The sources ``given`` names: its feed's address as stored, as shown (its password
    masked) or as it would be added (``example.org/feed``, another case of host, a slash more or
    less), else its site's address, else its exact title (else the same title in another case)."""
    given = given.strip()
    try:
        key = _address_key(web_address(given))
    except ValueError:
        key = None
    if key is not None:
        by_feed = [s for s in followed if key in (_address_key(s.url), _address_key(s.shown_url))]
        by_site = [s for s in followed if s.site_url and _address_key(s.site_url) == key]
        if by_feed or by_site:
            return by_feed or by_site
    exact = [s for s in followed if s.name == given]
    return exact or [s for s in followed if s.name.casefold() == given.casefold()]


def _address_key(url: str) -> str:
    """An address as compared: its scheme and host in lower case, without a final slash."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, ""))


def _one_source(found: list[Source], given: str) -> Source:
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(f"no source is named {given!r}: give its id, its feed's address or its title "
                       "(`progleton sources` lists them)")
    listed = "; ".join(f"{s.id} {s.name} ({s.shown_url})" for s in found)
    raise click.ClickException(f"{given!r} names {len(found)} sources: {listed}. Give the id of the one to remove.")


@click.command()
@pass_ctx
def export(ctx: Context) -> None:
    """Print the followed sources as OPML."""
    with ctx.open() as app:
        click.echo(app.export_opml())


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def sources(ctx: Context, as_json: bool) -> None:
    """List sources with their last fetch, status, error and next fetch."""
    with ctx.open() as app:
        rows = app.sources()
    if as_json:
        print_json([{**source_out(s).model_dump(mode="json"), "etag": s.etag, "last_modified": s.last_modified}
                    for s in rows])
        return
    if not rows:
        console.print("No sources yet: `progleton add URL`, or `progleton import FILE.opml`.")
        return
    # The address has the room: at 80 columns, seven columns cut it into 10-character pieces
    # and kept an error column that was mostly empty. A source's error goes under its address,
    # its fetch times under its status.
    table = Table("id", "source", "status", "articles")
    table.columns[0].justify = table.columns[3].justify = "right"
    table.columns[1].overflow = "fold"  # an address or an error cut short with "…" says nothing
    table.columns[1].ratio = 1
    for s in rows:
        said = (s.last_error or "").removeprefix(s.shown_url + " ")  # "… answered 500", under the address
        error = f"\n[red]✗ {escape(said)}[/]" if said and not s.retired else ""
        table.add_row(str(s.id), f"{escape(s.name)}\n[dim]{escape(s.shown_url)}[/]{error}", escape(_fetches(s)),
                      str(s.article_count))
    console.print(table)


def _fetches(s: Source) -> str:
    """A source's status, with when it was fetched and is fetched next, a line each."""
    status = "retired" if s.retired else (s.last_status or "new")
    if s.backoff_minutes:
        status += f" (backoff {s.backoff_minutes:.0f} min)"
    if s.retired:
        return f"{status}\nnever fetched again (`progleton add` the address to follow it again)"
    lines = [status]
    if s.last_fetched_at is not None:
        lines.append(f"fetched {ago(s.last_fetched_at)}")
    due = s.next_fetch_at is None or s.next_fetch_at <= datetime.now(UTC)
    lines.append("due now" if due else f"next {ago(s.next_fetch_at)}")
    return "\n".join(lines)


@click.command(name="site-profile")
@click.argument("site")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def site_profile(ctx: Context, site: str, as_json: bool) -> None:
    """What boilerplate Progleton has learned to strip from SITE's pages, and why."""
    with ctx.open() as app:
        profiles = app.site_profile(site)
    if as_json:
        print_json(profiles)
        return
    for key, entries in profiles.items():
        console.print(f"[bold]{escape(key)}[/]: {len(entries)} boilerplate block(s) stripped")
        for entry in entries:
            data = json_default(entry) if dataclasses.is_dataclass(entry) else dict(entry)
            sample = " ".join(str(data.get("sample", "")).split())[:90]
            console.print(f"  • “{escape(sample)}” — seen on {data.get('pages_seen', '?')} pages "
                          f"({float(data.get('share', 0)):.0%} of the site's pages), at {data.get('dom_path', '?')}")
