"""``progleton update``: fetch the due sources under a progress bar, and say what came of it."""

from __future__ import annotations

import dataclasses
import signal
from datetime import UTC, datetime
from typing import Any

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..core import Progleton
from ..exceptions import GroupingLockLost, masked_passwords
from ..fetch.schedule import server_waits
from ..types import Source, SourceUpdate, UpdateResult
from ..urls import server_of
from .context import Context, pass_ctx
from .stopping import stopping_on
from .terminal import ago, console, count, err_console, print_json


def run_update(app: Progleton, *, due_only: bool, finished: list[Any] | None = None) -> UpdateResult:
    """``app.update()`` under a progress bar on stderr (a terminal only) that names what is still
    fetched; each source's result is added to ``finished`` as it is done."""
    with Progress(TextColumn("[bold]Updating"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console,
                  transient=False, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("", total=None)
        in_flight: dict[int, str] = {}  # the sources being fetched, the longest first
        pages_done: dict[int, tuple[int, int]] = {}  # of those, the article pages done, of how many

        def show() -> None:
            # what is still fetched, not the source that finished last: "16/17 …/huge.xml" stood
            # for half a minute while another source was what the update waited for; and how far
            # its pages are ("0/1 waiting for 1" stood still while it fetched hundreds)
            source_id, url = next(iter(in_flight.items()), (0, ""))
            url = url if len(url) <= 50 else "…" + url[-49:]
            done, of = pages_done.get(source_id, (0, 0))
            pages = f" ({done} of {count(of, 'page')})" if of else ""
            bar.update(task, description=f"waiting for {len(in_flight)}: {escape(url)}{pages}" if in_flight else "")

        def started(source: Source) -> None:
            in_flight[source.id] = source.shown_url
            show()

        def progress(result: Any) -> None:
            if finished is not None:
                finished.append(result)
            in_flight.pop(result.source_id, None)
            pages_done.pop(result.source_id, None)
            bar.update(task, advance=1)
            show()

        def pages(source_id: int, done: int, of: int) -> None:
            pages_done[source_id] = (done, of)
            show()
            bar.refresh()  # each page said: the bar's own refresh (10 a second) could miss them all

        def waiting() -> None:
            err_console.print("waiting for another process's grouping…")

        now = datetime.now(UTC)
        due = app.store.due_sources(now) if due_only else app.sources()
        # --all leaves every source of a server that asked for time (fetch.schedule.server_waits)
        busy = set() if due_only else set(server_waits(due, now))
        bar.update(task, total=sum(1 for s in due if not s.retired and server_of(s.url) not in busy))
        return app.update(due_only=due_only, progress=progress, waiting=waiting, started=started, pages=pages)


@click.command()
@click.option("--all", "everything", is_flag=True,
              help="Fetch every source, not only the due ones (but none whose server asked for time).")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def update(ctx: Context, everything: bool, as_json: bool) -> None:
    """Fetch every due source once, extract new articles and group them into stories.
    Exits with status 1 when every source it fetched failed, or the grouping could not be
    finished (for cron and systemd)."""
    grouping_failed = None
    finished: list[SourceUpdate] = []
    # Ctrl+C ends the update as SIGTERM does: the line below says what it kept, then status 130.
    # As a KeyboardInterrupt it ended with click's "Aborted!" after that line, and status 1, as
    # an update that failed does.
    with stopping_on(signal.SIGINT), ctx.open() as app:
        try:
            result = run_update(app, due_only=not everything, finished=finished)
        except GroupingLockLost as exc:
            if exc.result is None:
                raise
            result, grouping_failed = exc.result, exc  # what was fetched is stored: said below
        except (KeyboardInterrupt, SystemExit):  # Ctrl+C, SIGTERM (timeout, systemd): what is kept
            err_console.print(_stopped(len(finished)), highlight=False)
            raise
        idle = not result.sources and not result.held_back and not result.elsewhere
        followed = [s for s in app.sources() if not s.retired] if idle else []
        # the names `progleton sources` shows, for the lines that name a source
        titles = {s.id: s.title for s in app.sources() if s.title} if result.errors else {}
    all_failed = bool(result.sources) and len(result.errors) == len(result.sources)
    if grouping_failed is not None:
        err_console.print(f"[red]Error:[/] {escape(str(grouping_failed))}")
    if as_json:
        print_json([{**dataclasses.asdict(s), "url": masked_passwords(s.url)} for s in result.sources] + [
            {**dataclasses.asdict(SourceUpdate(s.id, s.shown_url, "skipped", warning="its server asked for time")),
             "next_fetch_at": s.next_fetch_at} for s in result.held_back])
        if all_failed or grouping_failed:
            raise click.exceptions.Exit(1)
        return
    for failed in result.errors:  # an error that names its address is not preceded by it again
        error, url = failed.error or "", masked_passwords(failed.url)
        line = error if url in error else f"{url}: {error}"
        title = titles.get(failed.source_id)
        console.print(f"[red]✗[/] {escape(f'{title}: {line}' if title else line)}")
    for held in result.held_back:
        due = held.next_fetch_at
        at = f" ({due.astimezone():%H:%M})" if due is not None else ""
        named = f"{held.title}: {held.shown_url}" if held.title else held.shown_url
        console.print(f"[yellow]–[/] {escape(named)} skipped: its server asked for time; due again "
                      f"{ago(due)}{at}.", highlight=False)
    console.print(_update_summary(result) if not idle else _nothing_due(followed, result))
    if all_failed or grouping_failed:
        raise click.exceptions.Exit(1)


def _stopped(done: int) -> str:
    """What a stopped update says it kept: the sources it had done are written as it stops."""
    words = stopped_words(done)
    return words[0].upper() + words[1:]


def stopped_words(done: int) -> str:
    """"stopped: what the 3 sources done so far …": what an update stopped after ``done``
    sources kept (``serve``'s background update says it too)."""
    if not done:
        return "stopped before any source was done: the sources it had taken are due again now."
    return (f"stopped: what the {count(done, 'source')} done so far brought is stored, to be grouped by the "
            "next update; the others it had taken are due again now.")


def _update_summary(result: UpdateResult) -> str:
    fetched = len(result.sources) - len(result.errors)
    held = len(result.held_back)
    if not result.sources and result.elsewhere:
        return (f"Another update running now{_who(result)} is fetching {'the' if held else 'every'} "
                f"{count(result.elsewhere, 'source')}{' whose servers allow it' if held else ''}; "
                "nothing was fetched twice." + _grouped_earlier(result))
    return (
        f"{fetched} of {count(len(result.sources), 'source')} updated: "
        f"{count(result.new_articles, 'new article')} from {count(result.new_entries, 'new entry', 'new entries')}"
        + (f"; {len(result.errors)} failed" if result.errors else "")
        + (f"; {count(warned, 'source')} with a warning" if (warned := _warned(result)) else "")
        + (f"; {held} skipped, as {'its server' if held == 1 else 'their servers'} asked" if held else "")
        + (f"; {count(result.elsewhere, 'other')} left to another update running now{_who(result)}"
           if result.elsewhere else "")
        + "."
        + (" `progleton sources` shows each one's error." if result.errors or _warned(result) else "")
        + _grouped_earlier(result)
    )


def _who(result: UpdateResult) -> str:
    """The other updates that have the sources left, as far as known: " (pid 4242 on web1)"."""
    return f" ({', '.join(result.elsewhere_by)})" if result.elsewhere_by else ""


def _warned(result: UpdateResult) -> int:
    """Sources fetched with a warning: a feed salvaged, article pages not fetched (their entries
    kept with the feed's text), entries left for a later update. Each reads "ok" otherwise."""
    return sum(1 for s in result.sources if s.status in ("ok", "not modified") and s.warning)


def _nothing_due(followed: list[Source], result: UpdateResult) -> str:
    """What an update that fetched nothing says: when the next source is due ("0 of 0 sources
    updated" said nothing of it), or that there is none to fetch."""
    if not followed:
        return "No sources to update: `progleton add URL` or `progleton import FILE.opml` first." + _grouped_earlier(result)
    first = min(followed, key=lambda s: s.next_fetch_at or datetime.min.replace(tzinfo=UTC))
    return (f"No source is due yet: the next, {escape(first.name)}, is due {ago(first.next_fetch_at)}. "
            "`progleton update --all` fetches every source now." + _grouped_earlier(result))


def _grouped_earlier(result: UpdateResult) -> str:
    n = result.grouped_earlier
    return f" Grouped {count(n, 'article')} an earlier update had stored and not grouped." if n else ""
