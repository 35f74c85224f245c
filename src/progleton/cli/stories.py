"""Reading and correcting stories: ``search``, ``stories``, ``story``, and the corrections
``move``, ``merge`` and ``unmerge``."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime

import click
from rich.markup import escape

from ..core import RELATED_FLOOR, Progleton
from ..exceptions import NotFound, StoryMerged
from ..json_out import hit_out, related_out, story_detail_out, story_out
from ..searching import nothing_found
from .context import LIMIT, Context, pass_ctx
from .terminal import ago, console, err_console, print_json


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True, type=click.UNPROCESSED)
@click.option("--limit", default=20, show_default=True, type=LIMIT)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def search(ctx: Context, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over articles: words, "phrases", OR, -word or NOT word to leave one
    out, and the filters source:NAME, after:2026-01-31, before:2026-02-28, lang:en. A word
    also finds its other forms ("earthquake" finds "earthquakes"); a quoted word only itself.
    A text carried by several outlets is found once (`progleton story` lists its copies).
    The words may come as one argument or several: progleton search ferry -storm."""
    words = " ".join(query)
    with ctx.open() as app:
        found = app.find(words, limit=limit, fold_copies=True)  # as the web's search and API
    # an empty query finds nothing in the web's search box, which shows the form; here it is
    # refused as a quote alone is (it exited 0 with "No articles match")
    problems = found.problems if words.strip() else ("Add a word to search for: progleton search WORDS…",)
    if as_json:
        if problems:
            raise click.UsageError(" ".join(problems))
        print_json([hit_out(h).model_dump(mode="json") for h in found.hits])
        return
    for problem in problems:
        err_console.print(f"[red]✗[/] {escape(problem)}")
    if problems:
        raise click.exceptions.Exit(2)
    if not found.hits:
        console.print(nothing_found(found.query, datetime.now(UTC).date()))
    for hit in found.hits:  # with the ids `progleton move` and `progleton story` take
        a = hit.article
        carried = f"and {hit.folded_copies} more outlet{'s' * (hit.folded_copies != 1)} carried this text"
        below = " · ".join(filter(None, (f"article {a.id}", a.story_id, a.link, carried if hit.folded_copies else None)))
        console.print(f"[bold]{escape(a.title)}[/] — {escape(a.outlet)}, {ago(a.published)}\n  [dim]{escape(below)}[/]",
                      highlight=False)


@click.command()
@click.option("--limit", default=20, show_default=True, type=LIMIT)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
def stories(ctx: Context, limit: int, as_json: bool) -> None:
    """Top stories, grouped across outlets."""
    with ctx.open() as app:
        rows = app.stories(limit=limit)
    if as_json:
        print_json([story_out(s).model_dump(mode="json") for s in rows])
        return
    if not rows:
        console.print("No stories yet: `progleton add URL` then `progleton update` (or `progleton demo`).")
    for i, s in enumerate(rows, 1):
        outlets = escape(", ".join(s.outlets[:5]) + ("…" if len(s.outlets) > 5 else ""))
        independent = (f" ({s.independent_count} independent)"
                       if s.independent_count != s.outlet_count else "")
        console.print(f"{i:>2}. [bold]{escape(s.title)}[/]\n    {ago(s.last_seen)} · "
                      f"{s.outlet_count} outlet{'s' if s.outlet_count != 1 else ''}{independent}: "
                      f"{outlets} · [dim]{escape(s.id)}[/]")


@click.command()
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
    from ..citations import story_citations
    from ..explain import coverage, merged_in, probability_text, reasons_in_words

    with ctx.open() as app:
        try:
            detail = app.story(story_id)
        except StoryMerged as exc:  # the story to see is known: say it, not where ids are listed
            raise NotFound(f"{exc}: see `progleton story {shlex.quote(exc.successor)}`") from None
        except NotFound as exc:
            raise NotFound(f"{exc}: {_where_story_ids_are(app, story_id)}") from None
        related = app.related_stories(story_id, limit=5, detail=detail, weigh=weigh)
    if as_json:
        # the API's story (GET /api/v1/stories/{id}), its articles less their text and html,
        # and the API's related stories
        shown = story_detail_out(detail).model_dump(mode="json", exclude={"articles": {"__all__": {"text", "html"}}})
        print_json({**shown, "related": [related_out(r).model_dump(mode="json") for r in related]})
        return
    why = reasons_in_words(detail.articles)
    cites, _ = story_citations(detail.articles)
    s = detail.story
    independent = f" ({s.independent_count} independent)" if s.independent_count != s.outlet_count else ""
    console.print(f"[bold]{escape(s.title)}[/]\n{s.article_count} article{'s' if s.article_count != 1 else ''} · "
                  f"{s.outlet_count} outlet{'s' if s.outlet_count != 1 else ''}{independent} · "
                  f"latest {ago(s.last_seen)} · [dim]{escape(s.id)}[/]")
    for group in coverage(detail):
        a = group.report
        label = f" · {escape(group.wire_label)}, carried by {len(group.carried_by)} outlets" if group.is_wire else ""
        link = f"\n        [dim]{escape(a.link)}[/]" if a.link else ""
        console.print(f"\n[bold]{a.id:>6}[/]  {escape(a.title)}\n        {escape(a.outlet)}, {ago(a.published)}{label}"
                      + link)
        for line in why[a.id]:
            console.print(f"        · {escape(line)}", highlight=False)
        if cites[a.id]:
            cited = ", ".join(c.name + (f" (its report: {c.article_id})" if c.article_id else "") for c in cites[a.id])
            console.print(f"        · Cites {escape(cited)}.", highlight=False)
        for copy in group.copies:
            console.print(f"  [bold]{copy.id:>6}[/]  copy in {escape(copy.outlet)}, {ago(copy.published)}: "
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
                          f"{ago(o.last_seen)}{scored} · [dim]{escape(o.id)}[/]")
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


@click.command()
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


@click.command()
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


@click.command()
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
