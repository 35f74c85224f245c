"""The ``progleton`` command line. Configures logging; the library never does."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .core import RELATED_FLOOR, Progleton, make_progleton
from .entries import body_text
from .exceptions import GroupingLockLost, NotFound, ProgletonError
from .fetch import asked_to_wait
from .settings import REGISTRY, Settings, load_settings
from .timefmt import time_ago, time_until
from .types import Source, SourceUpdate, UpdateResult
from .urls import web_address


# A feed's text reaches the terminal: a title holding ESC sequences could retitle the window,
# clear the screen or fake output. Every string rich renders (printed or in a table) is cleaned
# as a stored text body is (:func:`~progleton.entries.body_text`: escape sequences and control
# characters go, newlines and tabs stay), for what was stored before titles were cleaned;
# ":fire:" in a headline stays text, not an emoji.
class _TerminalConsole(Console):
    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(body_text(text), **kwargs)


console = _TerminalConsole(emoji=False)
err_console = _TerminalConsole(stderr=True, emoji=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)  # type: ignore[arg-type]
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(type(value).__name__)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, default=_json_default, indent=2, ensure_ascii=False))


def _ago(value: datetime | None) -> str:
    now = datetime.now(UTC)
    if value is not None and value > now:
        return time_until(value, now)
    return time_ago(value, now) if value is not None else "—"


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
    in_groups = f" in {', '.join(source.groups)}" if source.groups else ""
    address = f" ({escape(source.url)})" if source.name != source.url else ""  # one named by nothing else
    console.print(f"{verb} [bold]{escape(source.name)}[/]{address}{escape(in_groups)}."
                  + (" Run `progleton update` to fetch it." if created or again else ""))


@main.command(name="import")
@click.argument("file", type=click.File("rb"))
@pass_ctx
def import_(ctx: Context, file: Any) -> None:
    """Follow every feed listed in an OPML file."""
    with ctx.open() as app:
        added, skipped = app.import_opml_report(file.read())
    for why in skipped:
        err_console.print(f"[yellow]skipped[/] {escape(why)}")
    created = sum(1 for _, c in added if c)
    console.print(f"Imported {_count(len(added), 'source')} ({created} new, {len(added) - created} already followed"
                  f"{f', {len(skipped)} skipped' if skipped else ''}). Run `progleton update` to fetch "
                  f"{'it' if len(added) == 1 else 'them'}.")


@main.command()
@click.argument("source_id", type=int)
@pass_ctx
def remove(ctx: Context, source_id: int) -> None:
    """Stop following a source (`progleton sources` lists the ids); its articles stay."""
    with ctx.open() as app:
        source = app.store.get_source(source_id)
        app.remove_source(source_id)
    console.print(f"Stopped following [bold]{escape(source.name)}[/] ({escape(source.url)}); its articles stay.")


@main.command()
@pass_ctx
def export(ctx: Context) -> None:
    """Print the followed sources as OPML."""
    with ctx.open() as app:
        click.echo(app.export_opml())


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def sources(ctx: Context, as_json: bool) -> None:
    """List sources with their last fetch, status, error and next fetch."""
    with ctx.open() as app:
        rows = app.sources()
    if as_json:
        _print_json([dataclasses.asdict(s) for s in rows])
        return
    table = Table("id", "source", "last fetch", "status", "next fetch", "articles", "error")
    for column in (table.columns[1], table.columns[6]):
        column.overflow = "fold"  # an address or an error cut short with "…" says nothing
    for s in rows:
        status = "retired" if s.retired else (s.last_status or "new")
        if s.backoff_minutes:
            status += f" (backoff {s.backoff_minutes:.0f} min)"
        upcoming = "never (`progleton add` the address to follow it again)" if s.retired else _ago(s.next_fetch_at)
        table.add_row(str(s.id), f"{escape(s.name)}\n[dim]{escape(s.url)}[/]", _ago(s.last_fetched_at), status,
                      escape(upcoming), str(s.article_count), escape(s.last_error or ""))
    console.print(table)


def _run_update(app: Progleton, *, due_only: bool) -> UpdateResult:
    with Progress(TextColumn("[bold]Updating"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console,
                  transient=False, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("", total=None)
        in_flight: dict[int, str] = {}  # the sources being fetched, the longest first

        def show() -> None:
            # what is still fetched, not the source that finished last: "16/17 …/huge.xml" stood
            # for half a minute while another source was what the update waited for
            url = next(iter(in_flight.values()), "")
            url = url if len(url) <= 50 else "…" + url[-49:]
            bar.update(task, description=f"waiting for {len(in_flight)}: {escape(url)}" if in_flight else "")

        def started(source: Source) -> None:
            in_flight[source.id] = source.url
            show()

        def progress(result: Any) -> None:
            in_flight.pop(result.source_id, None)
            bar.update(task, advance=1)
            show()

        def waiting() -> None:
            err_console.print("waiting for another process's grouping…")

        now = datetime.now(UTC)
        due = app.store.due_sources(now) if due_only else app.sources()
        bar.update(task, total=sum(1 for s in due if not s.retired and not asked_to_wait(s.last_status, s.next_fetch_at, now)))
        return app.update(due_only=due_only, progress=progress, waiting=waiting, started=started)


def _count(n: int, noun: str, plural: str = "") -> str:
    """"1 source", "2 sources"; "1 new entry", "2 new entries" (``plural`` given)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


@main.command()
@click.option("--all", "everything", is_flag=True,
              help="Fetch every source, not only the due ones (but none whose server asked for time).")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def update(ctx: Context, everything: bool, as_json: bool) -> None:
    """Fetch every due source once, extract new articles and group them into stories.
    Exits with status 1 when every source it fetched failed, or the grouping could not be
    finished (for cron and systemd)."""
    grouping_failed = None
    with ctx.open() as app:
        try:
            result = _run_update(app, due_only=not everything)
        except GroupingLockLost as exc:
            if exc.result is None:
                raise
            result, grouping_failed = exc.result, exc  # what was fetched is stored: said below
        idle = not result.sources and not result.held_back
        followed = [s for s in app.sources() if not s.retired] if idle else []
    all_failed = bool(result.sources) and len(result.errors) == len(result.sources)
    if grouping_failed is not None:
        err_console.print(f"[red]Error:[/] {escape(str(grouping_failed))}")
    if as_json:
        _print_json([dataclasses.asdict(s) for s in result.sources] + [
            {**dataclasses.asdict(SourceUpdate(s.id, s.url, "skipped", warning="its server asked for time")),
             "next_fetch_at": s.next_fetch_at} for s in result.held_back])
        if all_failed or grouping_failed:
            raise click.exceptions.Exit(1)
        return
    for failed in result.errors:  # an error that names its address is not preceded by it again
        error = failed.error or ""
        console.print(f"[red]✗[/] {escape(error if failed.url in error else f'{failed.url}: {error}')}")
    for held in result.held_back:
        due = held.next_fetch_at
        at = f" ({due.astimezone():%H:%M})" if due is not None else ""
        console.print(f"[yellow]–[/] {escape(held.url)} skipped: its server asked for time; due again "
                      f"{_ago(due)}{at}.", highlight=False)
    console.print(_update_summary(result) if not idle else _nothing_due(followed, result))
    if all_failed or grouping_failed:
        raise click.exceptions.Exit(1)


def _update_summary(result: UpdateResult) -> str:
    fetched = len(result.sources) - len(result.errors)
    held = len(result.held_back)
    return (
        f"{fetched} of {_count(len(result.sources), 'source')} updated: "
        f"{_count(result.new_articles, 'new article')} from {_count(result.new_entries, 'new entry', 'new entries')}"
        + (f"; {len(result.errors)} failed" if result.errors else "")
        + (f"; {held} skipped, as {'its server' if held == 1 else 'their servers'} asked" if held else "")
        + "."
        + (" `progleton sources` shows each one's error." if result.errors else "")
        + _grouped_earlier(result)
    )


def _nothing_due(followed: list[Source], result: UpdateResult) -> str:
    """What an update that fetched nothing says: when the next source is due ("0 of 0 sources
    updated" said nothing of it), or that there is none to fetch."""
    if not followed:
        return "No sources to update: `progleton add URL` or `progleton import FILE.opml` first." + _grouped_earlier(result)
    first = min(followed, key=lambda s: s.next_fetch_at or datetime.min.replace(tzinfo=UTC))
    return (f"No source is due yet: the next, {escape(first.name)}, is due {_ago(first.next_fetch_at)}. "
            "`progleton update --all` fetches every source now." + _grouped_earlier(result))


def _grouped_earlier(result: UpdateResult) -> str:
    n = result.grouped_earlier
    return f" Grouped {_count(n, 'article')} an earlier update had stored and not grouped." if n else ""


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True, type=click.UNPROCESSED)
@click.option("--limit", default=20, show_default=True, type=LIMIT)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def search(ctx: Context, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over articles: words, "phrases", OR, -word or NOT word to leave one
    out, and the filters source:NAME, after:2026-01-31, before:2026-02-28, lang:en. A word
    also finds its other forms ("earthquake" finds "earthquakes"); a quoted word only itself.
    The words may come as one argument or several: progleton search ferry -storm."""
    words = " ".join(query)
    with ctx.open() as app:
        found = app.find(words, limit=limit)
    # an empty query finds nothing in the web's search box, which shows the form; here it is
    # refused as a quote alone is (it exited 0 with "No articles match")
    problems = found.problems if words.strip() else ("Add a word to search for: progleton search WORDS…",)
    if as_json:
        if problems:
            raise click.UsageError(" ".join(problems))
        _print_json([{"article": dataclasses.asdict(h.article), "highlight": h.highlight} for h in found.hits])
        return
    for problem in problems:
        err_console.print(f"[red]✗[/] {escape(problem)}")
    if problems:
        raise click.exceptions.Exit(2)
    if not found.hits:
        console.print("No articles match. Try fewer words, or `progleton update` to fetch more.")
    for hit in found.hits:  # with the ids `progleton move` and `progleton story` take
        a = hit.article
        below = " · ".join(filter(None, (f"article {a.id}", a.story_id, a.link)))
        console.print(f"[bold]{escape(a.title)}[/] — {escape(a.outlet)}, {_ago(a.published)}\n  [dim]{escape(below)}[/]",
                      highlight=False)


@main.command()
@click.option("--limit", default=20, show_default=True, type=LIMIT)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def stories(ctx: Context, limit: int, as_json: bool) -> None:
    """Top stories, grouped across outlets."""
    with ctx.open() as app:
        rows = app.stories(limit=limit)
    if as_json:
        _print_json([dataclasses.asdict(s) for s in rows])
        return
    if not rows:
        console.print("No stories yet: `progleton add URL` then `progleton update` (or `progleton demo`).")
    for i, s in enumerate(rows, 1):
        outlets = escape(", ".join(s.outlets[:5]) + ("…" if len(s.outlets) > 5 else ""))
        independent = (f" ({s.independent_count} independent)"
                       if s.independent_count != s.outlet_count else "")
        console.print(f"{i:>2}. [bold]{escape(s.title)}[/]\n    {_ago(s.last_seen)} · "
                      f"{s.outlet_count} outlet{'s' if s.outlet_count != 1 else ''}{independent}: "
                      f"{outlets} · [dim]{escape(s.id)}[/]")


@main.command()
@click.argument("story_id")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.option("--weigh", is_flag=True,
              help="Score each related story as the same event with the grouper, and list its near misses "
                   "(rebuilds the grouper from the database: seconds on a large one).")
@pass_ctx
def story(ctx: Context, story_id: str, as_json: bool, weigh: bool) -> None:
    """One story: every report with its article id, wire copies under their original, why each
    article is there (the ids `progleton move` and `progleton merge` take), and the stories that
    may report the same event."""
    from .citations import story_citations
    from .explain import coverage, merged_in, probability_text, reasons_in_words

    with ctx.open() as app:
        try:
            detail = app.story(story_id)
        except NotFound as exc:
            raise NotFound(f"{exc}: {_where_story_ids_are(app, story_id)}") from None
        related = app.related_stories(story_id, limit=5, detail=detail, weigh=weigh)
    why = reasons_in_words(detail.articles)
    cites, _ = story_citations(detail.articles)
    if as_json:
        _print_json({
            "story": dataclasses.asdict(detail.story),
            "articles": [{**{k: v for k, v in dataclasses.asdict(a).items() if k not in ("text", "html")},
                          "why": why[a.id], "cites": [dataclasses.asdict(c) for c in cites[a.id]]}
                         for a in detail.articles],
            "related": [{**dataclasses.asdict(r.story), "same_event": r.same_event,
                         "shared_words": list(r.shared_words)} for r in related],
        })  # fmt: skip
        return
    s = detail.story
    independent = f" ({s.independent_count} independent)" if s.independent_count != s.outlet_count else ""
    console.print(f"[bold]{escape(s.title)}[/]\n{s.article_count} article{'s' if s.article_count != 1 else ''} · "
                  f"{s.outlet_count} outlet{'s' if s.outlet_count != 1 else ''}{independent} · "
                  f"latest {_ago(s.last_seen)} · [dim]{escape(s.id)}[/]")
    for group in coverage(detail):
        a = group.report
        label = f" · {escape(group.wire_label)}, carried by {len(group.carried_by)} outlets" if group.is_wire else ""
        link = f"\n        [dim]{escape(a.link)}[/]" if a.link else ""
        console.print(f"\n[bold]{a.id:>6}[/]  {escape(a.title)}\n        {escape(a.outlet)}, {_ago(a.published)}{label}"
                      + link)
        for line in why[a.id]:
            console.print(f"        · {escape(line)}", highlight=False)
        if cites[a.id]:
            cited = ", ".join(c.name + (f" (its report: {c.article_id})" if c.article_id else "") for c in cites[a.id])
            console.print(f"        · Cites {escape(cited)}.", highlight=False)
        for copy in group.copies:
            console.print(f"  [bold]{copy.id:>6}[/]  copy in {escape(copy.outlet)}, {_ago(copy.published)}: "
                          f"{escape(copy.title)}")
    for merged in merged_in(detail):
        console.print(f"\nMerged in by a user: {escape(merged.title)} · {merged.articles} "
                      f"article{'s' if merged.articles != 1 else ''} · `progleton unmerge {escape(merged.story_id)}` "
                      "undoes it", highlight=False)
    if related:
        console.print("\nThe same event? (`progleton merge`)" if weigh else
                      "\nStories whose headlines share its words (the same event? `progleton merge`; "
                      "`--weigh` scores them):")
        for r in related:
            o = r.story
            scored = (f" · scored {probability_text(r.same_event)} as the same event"
                      if r.same_event is not None else "")
            if r.shared_words:
                scored += f" · headlines share {', '.join(r.shared_words)}"
            console.print(f"  {escape(o.title)} · {o.article_count} article{'s' if o.article_count != 1 else ''} · "
                          f"{_ago(o.last_seen)}{scored} · [dim]{escape(o.id)}[/]")
    elif weigh:  # as the web's /merge?story= says it: weighed and found nothing, not "nothing said"
        console.print(f"\nNo other story comes close to this one: none the grouper weighed scored "
                      f"{probability_text(RELATED_FLOOR)} or more as the same event (stories that only share "
                      "a headline word are weighed too).", highlight=False)
    else:
        console.print("\nNo other story's headline shares its words (`--weigh` asks the grouper, which weighs "
                      "its nearby stories too).", highlight=False)
    console.print("\n[dim]Not the same story? `progleton move ARTICLE_ID` splits an article out, "
                  "`--to STORY_ID` moves it; `progleton merge STORY_ID OTHER_ID` merges two stories.[/]")


def _known_story(app: Progleton, story_id: str) -> None:
    """``NotFound`` for an id that names no story (nor one merged into another), saying where
    the ids are as `progleton story` does: `merge 4 1` said only "no story with id 4"."""
    try:
        app.story_or_successor(story_id)
    except NotFound as exc:
        raise NotFound(f"{exc}: {_where_story_ids_are(app, story_id)}") from None


def _where_story_ids_are(app: Progleton, story_id: str) -> str:
    # `progleton stories` numbers its lines, which invites `progleton story 2`; a place in the
    # list is no id (it changes with each update), but the story there now is worth naming
    place = int(story_id) if story_id.isdecimal() and len(story_id) < 4 else 0
    rows = app.stories(limit=place) if place else []
    if place and len(rows) == place:
        return (f"{place} is a place in `progleton stories`, not an id; the story there now is "
                f"{rows[-1].id} (each story's id ends its line there)")
    return "`progleton stories` lists the ids (each story's id ends its line there)"


@main.command()
@click.argument("article_id", type=int)
@click.option("--to", "to_story", default=None, help="Target story id; default: split into its own story.")
@pass_ctx
def move(ctx: Context, article_id: int, to_story: str | None) -> None:
    """Move an article out of its story (or into another); remembered for later updates."""
    with ctx.open() as app:
        try:
            app.article(article_id)
        except NotFound as exc:
            raise NotFound(f"{exc}: the article ids are in `progleton story STORY_ID` (before each report's "
                           "headline) and `progleton search WORDS` (under each headline)") from None
        if to_story is not None:
            _known_story(app, to_story)
        story_id = app.move_article(article_id, to_story=to_story)
    console.print(f"Article {article_id} is now in story {escape(story_id)}.")


@main.command()
@click.argument("into")
@click.argument("other")
@pass_ctx
def merge(ctx: Context, into: str, other: str) -> None:
    """Merge story OTHER into story INTO; remembered for later updates."""
    if into == other:
        raise click.UsageError("a story cannot be merged into itself: give two different story ids")
    with ctx.open() as app:
        for story_id in (into, other):
            _known_story(app, story_id)
        survivor = app.merge_stories(into, other)
        gone = other if survivor == into else into
        undo = f" To undo it: progleton unmerge {escape(gone)}" if app.store.last_merge(gone) == survivor else ""
    console.print(f"Merged into story {escape(survivor)}.{undo}")


@main.command()
@click.argument("story_id")
@pass_ctx
def unmerge(ctx: Context, story_id: str) -> None:
    """Undo a merge: STORY_ID (the story merged away) gets back its articles, its id and its address."""
    with ctx.open() as app:
        into = app.store.last_merge(story_id)
        app.unmerge_story(story_id)
        count = app.story(story_id).story.article_count
    console.print(f"Story {escape(story_id)} is back, with {count} article{'' if count == 1 else 's'} "
                  f"taken out of story {escape(into or '')}.")


@main.command(name="site-profile")
@click.argument("site")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def site_profile(ctx: Context, site: str, as_json: bool) -> None:
    """What boilerplate Progleton has learned to strip from SITE's pages, and why."""
    with ctx.open() as app:
        profiles = app.site_profile(site)
    if as_json:
        _print_json(profiles)
        return
    for key, entries in profiles.items():
        console.print(f"[bold]{escape(key)}[/]: {len(entries)} boilerplate block(s) stripped")
        for entry in entries:
            data = _json_default(entry) if dataclasses.is_dataclass(entry) else dict(entry)
            sample = " ".join(str(data.get("sample", "")).split())[:90]
            console.print(f"  • “{escape(sample)}” — seen on {data.get('pages_seen', '?')} pages "
                          f"({float(data.get('share', 0)):.0%} of the site's pages), at {data.get('dom_path', '?')}")


@main.command()
@click.option("--host", default=None, help="Address to listen on.")
@click.option("--port", default=None, type=int, help="Port to listen on.")
@click.option("--no-updates", is_flag=True, help="Do not fetch sources in the background.")
@pass_ctx
def serve(ctx: Context, host: str | None, port: int | None, no_updates: bool) -> None:
    """Run the web reader (and update sources in the background)."""
    with _listener(ctx.settings(host=host, port=port)) as listener, ctx.open(host=host, port=port) as app:
        _serve(app, listener, background_updates=not no_updates)


def _listener(settings: Settings) -> socket.socket:
    """A socket bound to the reader's address, taken before anything else is done: a port in
    use was found by uvicorn only after "Progleton is running at …" had been printed (and, for
    the demo, after the whole demo had been ingested again), in uvicorn's own words."""
    host, port = str(settings.host), int(settings.port)
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, OverflowError) as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: no wait after a restart
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno != errno.EADDRINUSE:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        free = _free_port(family, address, port)
        advice = f"try --port {free} (or PROGLETON_PORT={free})" if free else "try another --port"
        raise click.ClickException(f"port {port} is in use (another Progleton?): {advice}") from None
    return sock


def _free_port(family: socket.AddressFamily, address: tuple[Any, ...], port: int) -> int | None:
    """The first port after ``port`` that is free on the same address, if one of the next 20 is."""
    for candidate in range(port + 1, min(port + 21, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((address[0], candidate, *address[2:]))
            except OSError:
                continue
            return candidate
    return None


def _serve(app: Progleton, listener: socket.socket, *, background_updates: bool) -> None:
    import uvicorn

    from .web import create_app

    host, port = listener.getsockname()[:2]
    shown = f"http://{f'[{host}]' if ':' in host else host}:{port}"

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:  # said once it listens, not before
                console.print(f"Progleton is running at [bold]{shown}[/] (Ctrl+C to stop).")

    web = create_app(app, background_updates=background_updates,
                     secure_cookies=bool(app.settings.secure_cookies))
    Server(uvicorn.Config(web, log_level="warning")).run(sockets=[listener])


@main.command()
@click.option("--port", default=None, type=int, help="Port for the web reader.")
@click.option("--no-serve", is_flag=True, help="Ingest the demo and exit.")
@pass_ctx
def demo(ctx: Context, port: int | None, no_serve: bool) -> None:
    """Serve the bundled demo outlets on 127.0.0.1, ingest them, and open the reader."""
    from .demo import DemoServer, feed_urls
    from .store import default_db_url

    listener = None if no_serve else _listener(ctx.settings(port=port))  # in use: said before the ingest
    with listener or contextlib.nullcontext():
        server = _demo_server(DemoServer, avoid=port)
        if ctx.db is None:  # a kept demo database has the outlets' port in its sources: one for each port
            served_on = int(server.base_url.rsplit(":", 1)[1])
            name = "demo.db" if served_on == DEMO_PORT else f"demo-{served_on}.db"
            ctx.db = default_db_url().replace("progleton.db", name)
        with server, ctx.open(allowed_hosts="127.0.0.1", port=port) as app:
            console.print(f"Demo outlets served at {server.base_url}")
            for url in feed_urls(server.base_url):
                app.store.add_source(url, groups=["demo"])
            result = _run_update(app, due_only=False)
            console.print(f"Ingested {_count(result.new_articles, 'article')}; {_count(len(result.errors), 'source')} "
                          "failed (one is broken on purpose).")
            if listener is not None:
                _serve(app, listener, background_updates=True)


DEMO_PORT = 8765  # fixed, so that a kept demo database keeps the same source URLs
DEMO_OTHER_PORT = 8766  # the outlets' port when the reader asks for theirs (fixed too)


def _demo_server(server_type: Any, avoid: int | None = None) -> Any:
    """The demo outlets' server, on DEMO_PORT, or DEMO_OTHER_PORT when the reader asked for that
    one (``avoid``); on any free port when it is taken."""
    try:
        return server_type(port=DEMO_OTHER_PORT if avoid == DEMO_PORT else DEMO_PORT).start()
    except OSError:
        return server_type().start()


@main.command(name="copy-to")
@click.argument("target")
@pass_ctx
def copy_to(ctx: Context, target: str) -> None:
    """Copy this installation (the SQLite database of --db) into TARGET, an empty PostgreSQL
    database (postgresql://USER@HOST/NAME; create it first: createdb NAME). Every table is
    copied, every row under the same ids: stories, articles, read and starred state, follows,
    saved searches, corrections, users and tokens, the secret key. The SQLite file is only read.
    Stop `progleton serve` and cron updates first: what they write meanwhile is not copied."""
    from .store import default_db_url, masked_url
    from .store.transfer import copy_to_postgresql

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


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def config(ctx: Context, as_json: bool) -> None:
    """Print the effective settings and where each came from."""
    from .store import default_db_url, masked_url

    settings = load_settings(config_file=ctx.config, overrides=ctx.overrides)
    def shown(name: str) -> Any:  # secrets are never printed, only whether they are set
        if name == "db":  # the database actually used, the default file too (not its password)
            return masked_url(str(settings.db or default_db_url()))
        return settings.shown(name)

    if as_json:
        _print_json({s.name: {"value": shown(s.name), "from": settings.origin[s.name]} for s in REGISTRY})
        return
    table = Table("setting", "value", "from", "help")
    for s in REGISTRY:
        table.add_row(s.name, str(shown(s.name)), settings.origin[s.name], s.help)
    console.print(table)


def _stop_on_sigterm() -> None:
    """Make SIGTERM (``kill``, ``timeout``, systemd, a container stop) end the command the way
    Ctrl+C does: the extraction workers are stopped and the database is closed. Its default
    action ends this process alone and leaves the worker processes running, about 160 MB each,
    after every cron run under ``timeout``."""
    def stop(signum: int, frame: object) -> None:
        import multiprocessing

        for child in multiprocessing.active_children():  # they may be busy for minutes
            child.terminate()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def run() -> None:
    """Entry point with friendly errors."""
    _stop_on_sigterm()
    try:
        main(standalone_mode=True)
    except ProgletonError as exc:
        err_console.print(f"[red]Error:[/] {escape(str(exc))}")
        sys.exit(1)
