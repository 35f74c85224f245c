"""The facade: one object that the CLI, the web app and the workers all use."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from .claims import take_back_from_the_dead, take_every_source, this_process
from .corrections import back_as_original, reoriginate, split_id, undo_merge, write_merge
from .exceptions import (
    FetchError,
    GroupingLockLost,
    NotFound,
    StoryMerged,
    nothing_added,
)
from .fetch import RATE_LIMITED, Fetcher
from .fetch.schedule import latest_next_fetch, server_waits
from .grouping import (
    GROUPER_GENERATION_KEY,
    GROUPER_STATE_KEY,
    GROUPING_POLL_S,
    give_up_waiting,
    hold_in_store,
    rebuild_grouper,
)
from .pages import PagesProgress
from .pipeline import Progress, Updater
from .searching import Found, parse_query, store_filters
from .settings import Settings, load_settings
from .store import SearchFilters, default_db_url, open_store
from .store.sql import SQLStore
from .stories import StoryGrouper
from .stories.features import language, text_language
from .subscriptions import feed_title, import_opml, opml_of, refollow
from .types import (
    Article,
    OpmlImport,
    RelatedStory,
    SearchHit,
    Source,
    Story,
    StoryDetail,
    UpdateResult,
)
from .urls import web_address
from .workers import pool_size, process_pool

log = logging.getLogger(__name__)

# How long an update holds the due sources it took (``SQLStore.claim_due_sources``) before
# another process may take them: longer than an update of thousands of sources takes, so
# two updates never fetch one source; a source held by a process that died waits this long.
SOURCE_CLAIM = timedelta(hours=1)
# Related stories: the story's most frequent headline words searched for, and matches read;
# the least probability of one event that lists a weighed story (on ECB+ train, 0.1 keeps 67
# of the 69 same-event stories the grouper proposes over five orders and 11% of the 2,197 of
# another event of the same kind; 0.2: 86% and 5%); how long a reader waits for an update
# that holds the grouper before the candidates go unweighed.
RELATED_QUERY_WORDS = 10
RELATED_HITS = 60
RELATED_FLOOR = 0.1
RELATED_WAIT_S = 1.0
# How long a correction (a reader's move or merge) waits for a grouping under way before it
# gives up (GroupingBusy: the web's 503).
CORRECTION_WAIT_S = 20.0


class Progleton:
    """Sources in, clean stories out. Create it with ``make_progleton()``.

    Thread and process safety: reads may come from any thread; ``update`` runs one at a time.
    Grouping and the corrections of stories (``move_article``, ``merge_stories``) hold the
    grouping (:meth:`grouping`: a lock between threads and one between processes using the
    database), each for the whole of its work on the grouper and the store, so a correction
    made while an update groups its new articles waits for it and neither overwrites the other.
    Whoever changes the grouping leaves a new generation in the store; a process that finds
    another's rebuilds its grouper from storage before using it (a web reader beside a cron
    ``progleton update`` corrects what the cron grouped).
    """

    def __init__(self, store: SQLStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._grouper: StoryGrouper | None = None
        self._executor: Executor | None = None
        self._update_lock = asyncio.Lock()
        self._grouping = threading.RLock()  # the grouper and the memberships it decides
        self._grouping_depth = 0  # holds of grouping() in progress (re-entered by one thread)
        self._generation: str | None = None  # the stored grouping generation the grouper reflects
        self._generation_new = False  # this hold has already left a new generation

    # ---- life cycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the extraction workers and close the database."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self.store.close()

    def __enter__(self) -> Progleton:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def grouper(self) -> StoryGrouper:
        """The story grouper, rebuilt from storage on first use (same groups after a restart),
        and again when another process has changed the grouping since. Use it inside
        :meth:`grouping`."""
        with self._grouping:
            if self._grouper is None:
                if not self._grouping_depth:  # outside a hold: note what it is built from
                    self._generation = self.store.get_meta(GROUPER_GENERATION_KEY)
                self._grouper = rebuild_grouper(self.store, self.settings, self._process_pool)
            return self._grouper

    @contextmanager
    def grouping(self, *, changes: bool = False, wait: bool = True, timeout: float | None = None,
                 stop: threading.Event | None = None,
                 waiting: Callable[[], None] | None = None) -> Iterator[bool]:
        """Hold the grouping: this process's threads and every other process using the
        database wait (with ``changes``, what is done inside changes the grouper or the
        memberships). Yields whether it is held: always with ``wait``; without, False when
        another thread keeps it past ``RELATED_WAIT_S`` or another process holds it. Inside,
        :attr:`grouper` reflects the stored grouping. Re-entrant in one thread.

        A wait raises ``GroupingBusy`` after ``timeout`` seconds, or as soon as ``stop`` is set;
        ``waiting`` is called once if it waits for another process."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._hold_in_process(wait, deadline, stop):
            yield False
            return
        try:
            if self._grouping_depth:
                self._grouping_depth += 1
                try:
                    self._changing(changes)
                    yield True
                finally:
                    self._grouping_depth -= 1
                return
            with hold_in_store(self.store, wait, deadline, stop, waiting) as held:
                if not held:
                    yield False
                    return
                self._grouping_depth, self._generation_new = 1, False
                try:
                    stored = self.store.get_meta(GROUPER_GENERATION_KEY)
                    if stored != self._generation:  # another process grouped or corrected since
                        self._grouper, self._generation = None, stored
                    self._changing(changes)
                    yield True
                except GroupingLockLost:
                    # what the grouper decided was not all written: the next hold builds it again
                    self._grouper, self._generation = None, None
                    raise
                finally:
                    self._grouping_depth = 0
        finally:
            self._grouping.release()

    def _hold_in_process(self, wait: bool, deadline: float | None, stop: threading.Event | None) -> bool:
        if not wait:
            return self._grouping.acquire(timeout=RELATED_WAIT_S)
        while not self._grouping.acquire(timeout=GROUPING_POLL_S):
            give_up_waiting(deadline, stop, "this process's update")
        return True

    def _changing(self, changes: bool) -> None:
        """Leave a new generation in the store (once a hold) before the grouping changes:
        another process then rebuilds, also if this one dies half-way."""
        if changes and not self._generation_new:
            self._generation = secrets.token_hex(8)
            self.store.set_meta(GROUPER_GENERATION_KEY, self._generation)
            self._generation_new = True

    def _process_pool(self) -> Executor | None:
        """The processes (``extract_workers``) that extract pages and re-read texts for a
        rebuild; None with one worker (extraction then uses the event loop's threads)."""
        workers = pool_size(self.settings.extract_workers)
        if workers <= 1:
            return None
        if self._executor is None:
            self._executor = process_pool(workers)  # each exits when this process is killed
        return self._executor

    # ---- sources --------------------------------------------------------------------------------

    async def add_source_async(self, url: str, *, title: str | None = None,
                               groups: Iterable[str] = (), discover: bool = True) -> tuple[Source, bool]:
        """Follow a feed, or a site whose feed is found by autodiscovery. Returns (source, created).

        A FetchError says that nothing was added (:func:`~progleton.exceptions.nothing_added`),
        not what its source would do next. An address without a scheme is taken as https. One already followed gets the new
        ``groups`` too, and one retired (its feed said 410 Gone) is followed again; so does one
        the address leads to (a redirect to a feed followed under its own address)."""
        url = web_address(url)
        existing = self.store.source_by_url(url)
        if existing is not None:
            return self._refollow(existing, groups), False
        feed_url = url
        if discover:
            async with Fetcher(self.settings) as fetcher:
                try:
                    feed_url, fetched = await fetcher.discover_fetched(url)
                except FetchError as exc:  # its advice ("it will be retried later") is for a followed source
                    raise exc.advising(nothing_added(exc)) from exc
            # an address that leads to a feed followed under another one (a 302, for now) is that
            # feed: following it again would store its entries twice
            for address in dict.fromkeys((feed_url, fetched.final_url)):
                if (existing := self.store.source_by_url(address)) is not None:
                    return self._refollow(existing, groups), False
            # named by its feed from the start, not by its host until the first update
            title = title or feed_title(fetched)
        return self.store.add_source(feed_url, title=title, groups=groups)

    def add_source(self, url: str, **kwargs: Any) -> tuple[Source, bool]:
        """``add_source_async`` for synchronous callers."""
        return asyncio.run(self.add_source_async(url, **kwargs))

    def sources(self) -> list[Source]:
        """Every source with its fetch health, by name."""
        return self.store.list_sources()

    def remove_source(self, source_id: int) -> None:
        """Stop following a source: its stored articles stay, in their stories, under its name."""
        self.store.remove_source(source_id)

    def _refollow(self, source: Source, groups: Iterable[str]) -> Source:
        return refollow(self.store, source, groups)

    def import_opml(self, data: bytes) -> list[tuple[Source, bool]]:
        """Add every feed of an OPML file (categories become groups); no network needed.
        An outline whose address is no web address is skipped: :meth:`import_opml_report`
        says which."""
        return self.import_opml_report(data)[0]

    def import_opml_report(self, data: bytes) -> tuple[list[tuple[Source, bool]], list[str]]:
        """:meth:`import_opml`, and the outlines skipped with why ("not a url: no host")."""
        done = self.import_opml_file(data)
        return list(done.added), list(done.skipped)

    def import_opml_file(self, data: bytes) -> OpmlImport:
        """:meth:`import_opml_report`, each source once, and how many outlines repeated one."""
        return import_opml(self.store, data)

    def export_opml(self) -> str:
        """The followed sources as an OPML document (groups as categories)."""
        return opml_of(self.sources())

    # ---- updating ------------------------------------------------------------------------------

    async def update_async(self, *, due_only: bool = True, source_ids: Iterable[int] | None = None,
                           progress: Progress | None = None, group: bool = True,
                           waiting: Callable[[], None] | None = None,
                           started: Callable[[Source], None] | None = None,
                           pages: PagesProgress | None = None) -> UpdateResult:
        """Fetch every due source (or the given ones) once; a failed source is a result.
        ``due_only=False`` fetches every source but those whose server asked for time that has
        not passed (:func:`~progleton.fetch.asked_to_wait`), for them or for another source it
        serves (:func:`~progleton.fetch.schedule.server_waits`): ``UpdateResult.held_back``, each with
        the time its server allows as its ``next_fetch_at`` where that is later. A due source's
        server that asked for time is not asked either: the source is rate limited until then.
        ``started`` is called as each source's fetch begins, ``progress`` as it ends, ``pages``
        (source id, pages done, pages to do) as each of its article pages is done.

        New articles are grouped into stories at the end (``group=False`` leaves them
        for ``assign_stories()``); ``waiting`` is called once if the grouping waits for another
        process's, a wait that ends when the update is cancelled. ``GroupingLockLost`` (its ``result`` says what was fetched and
        stored) when the grouping lost its lock between processes: nothing more of it is
        written, and the next update groups the articles left.
        """
        async with self._update_lock:
            self.store.reschedule_ahead(datetime.now(UTC), datetime.now(UTC) + latest_next_fetch(self.settings) + SOURCE_CLAIM)
            take_back_from_the_dead(self.store, datetime.now(UTC))  # what a killed update had taken
            claim = None
            said = UpdateResult()  # of the sources an update of every source leaves
            waits: dict[str, datetime] = {}
            claimed_until = datetime.now(UTC) + SOURCE_CLAIM  # one mark for every source this update takes
            if source_ids is not None:  # asked for by name: asked of their servers all the same
                sources = [self.store.get_source(i) for i in source_ids]
            elif due_only:
                sources = []
                # a due source whose server asked for time, answering another source, is not asked
                now = datetime.now(UTC)
                waits = server_waits(self.store.waiting_sources(RATE_LIMITED, now), now)

                def claim(count: int) -> list[Source]:
                    return self.store.claim_due_sources(datetime.now(UTC), claimed_until, limit=count,
                                                       by=str(this_process()))
            else:  # every source, but none whose server asked for time not yet passed
                sources, waits, said = take_every_source(self.store, datetime.now(UTC), claimed_until)
            updater = Updater(self.store, self.settings, None, self._process_pool())
            try:
                result = await updater.update(sources, progress=progress, group=False, claim=claim, started=started,
                                              servers_waiting=waits, pages=pages)
                result = replace(result, held_back=said.held_back, elsewhere=said.elsewhere,
                                 elsewhere_by=said.elsewhere_by)
            except BaseException:  # stopped (SIGTERM, Ctrl+C, a server stopping) or failed
                if source_ids is None:  # the sources taken and not yet written are free (and due) again
                    self.store.release_sources(updater.taken, claimed_until, datetime.now(UTC))
                raise
            # off the event loop: grouping thousands of articles takes seconds, and the pages
            # and the API keep answering meanwhile
            stop = threading.Event()
            try:
                grouped = await asyncio.to_thread(self._group, assign=group, stop=stop, waiting=waiting)
            except GroupingLockLost as exc:
                exc.result = result  # what was fetched is stored: the caller may still report it
                raise
            except BaseException:
                # stopped (SIGTERM, Ctrl+C, a server stopping): asyncio.run waits for the thread, so a
                # wait for the lock ends now (a grouping under way is finished). Not only on the
                # CancelledError asyncio.run sends: SIGTERM's SystemExit can be raised in this very
                # step, after the thread started and before the await yields (a busy machine, the
                # thread already waiting); the task then ends with it, nothing cancels it, and the
                # update waited for the other process's lock however long it held it.
                stop.set()
                raise
            return replace(result, grouped=grouped)

    def assign_stories(self) -> int:
        """Group every article not yet in a story; returns how many were assigned."""
        return self._group(assign=True)

    def _group(self, *, assign: bool, stop: threading.Event | None = None,
               waiting: Callable[[], None] | None = None) -> int:
        """Assign the articles not yet in a story (with ``assign``), close quiet stories and
        save the grouper's state, all in one hold of the grouping."""
        with self.grouping(changes=True, stop=stop, waiting=waiting):
            grouper = self.grouper  # as stored now: another process may have grouped since
            # a large batch's texts are read ahead in the extraction processes, once started
            updater = Updater(self.store, self.settings, grouper, self._executor)
            assigned = updater.assign_stories() if assign else 0
            now = datetime.now(UTC)  # stories go quiet by the news' dates (docs/design.md)
            grouper.close_quiet(min(now, grouper.latest_news or now))
            self._save_grouper_state()
            return assigned

    def _save_grouper_state(self) -> None:
        if self._grouper is not None:
            self.store.set_meta(GROUPER_STATE_KEY, base64.b64encode(self._grouper.state()).decode("ascii"))

    def update(self, **kwargs: Any) -> UpdateResult:
        """``update_async`` for synchronous callers (not from inside a running event loop)."""
        return asyncio.run(self.update_async(**kwargs))

    # ---- reading -------------------------------------------------------------------------------

    def stories(self, *, limit: int = 30, offset: int = 0, **filters: Any) -> list[Story]:
        """Top stories, best first; filters: ``since``, ``group``, ``language``."""
        return self.store.top_stories(limit=limit, offset=offset, **filters)

    def story(self, story_id: str) -> StoryDetail:
        """One story with all its articles in publication order; ``StoryMerged`` (with its
        successor) if a user merged it into another, ``NotFound`` if unknown."""
        try:
            return self.store.get_story(story_id)
        except NotFound:
            successor = self.store.merged_into(story_id)
            if successor is None:
                raise
            raise StoryMerged(story_id, successor) from None

    def story_or_successor(self, story_id: str) -> str:
        """``story_id``, or the story it was merged into; ``NotFound`` if neither exists (the
        story's articles are not read)."""
        if self.store.story_exists(story_id):
            return story_id
        successor = self.store.merged_into(story_id)
        if successor is None:
            raise NotFound(f"no story with id {story_id}")
        return successor

    def merge_choices(self, detail: StoryDetail, *, limit: int = 40) -> list[Story]:
        """The top stories a reader may merge into ``detail``'s, for a quick choice: those whose
        headlines share the most words with its articles' first, then the rest in front-page
        order. No search and no grouper: :meth:`related_stories` is the careful look."""
        words = frozenset().union(*(_headline_words(a.title) for a in detail.articles))
        others = [s for s in self.stories(limit=limit) if s.id != detail.story.id]
        return sorted(others, key=lambda s: -len(words & _headline_words(s.title)))  # stable

    def related_stories(self, story_id: str, *, limit: int = 10, detail: StoryDetail | None = None,
                        weigh: bool = True) -> list[RelatedStory]:
        """Other stories that may report the same event, most likely first. For a reader
        deciding what to merge; ``NotFound`` if the story is unknown.

        Candidates come from two places: the grouper's index (the stories it would have
        weighed for this one, near misses included) and a full-text search for the story's
        headline words (stories whose own headline shares none of them are left out). With
        ``weigh``, each open candidate gets the grouper's probability that both are one event
        (``RelatedStory.same_event``), those under ``RELATED_FLOOR`` are left out, and they
        are ranked by it, then by shared headline words; candidates that could not be weighed
        (closed stories) are kept when they share headline words. Weighing builds the grouper
        from storage if this process has not yet (seconds on a large database), and is
        skipped if an update holds it for more than ``RELATED_WAIT_S``. ``detail``: the
        story, when the caller has already read it."""
        detail = detail or self.story(story_id)
        words = Counter(w for a in detail.articles for w in _headline_words(a.title))
        found: dict[str, None] = {}
        if words:
            query = " OR ".join(f'"{w}"' for w, _ in words.most_common(RELATED_QUERY_WORDS))
            found = dict.fromkeys(h.article.story_id for h in self.search(query, limit=RELATED_HITS)
                                  if h.article.story_id and h.article.story_id != story_id)
        scores = self._weigh_related(story_id, list(found), limit) if weigh else {}
        candidates = list(dict.fromkeys([*scores, *found]))
        titles = self.store.story_titles(candidates)
        shared = {i: tuple(sorted(words.keys() & _headline_words(t))) for i, t in titles.items()}
        kept = [i for i in candidates if i in titles and (scores[i] >= RELATED_FLOOR if i in scores else shared[i])]
        kept.sort(key=lambda i: (-scores.get(i, -1.0), -len(shared[i])))  # stable: search order
        kept = kept[:limit]
        stories = {s.id: s for s in self.store.top_stories(limit=len(kept), ids=kept)} if kept else {}
        return [RelatedStory(stories[i], scores.get(i), shared[i]) for i in kept if i in stories]

    def _weigh_related(self, story_id: str, others: list[str], limit: int) -> dict[str, float]:
        """The grouper's nearby stories and its probability for each of ``others`` (open ones)."""
        with self.grouping(wait=False) as held:
            if not held:
                return {}  # an update is grouping: the headline candidates alone, unweighed
            grouper = self.grouper
            try:
                scores = grouper.nearby(story_id, limit)
            except NotFound:
                return {}  # closed (quiet for the window): nothing open to weigh it against
            for other in others:
                if other not in scores:
                    with contextlib.suppress(NotFound):
                        scores[other] = grouper.same_event(story_id, other)
            return scores

    def article(self, article_id: int) -> Article:
        """One article; ``NotFound`` if unknown."""
        return self.store.get_article(article_id)

    def search(self, query: str, *, limit: int = 20, offset: int = 0,
               filters: SearchFilters | None = None, fold_copies: bool = False) -> list[SearchHit]:
        """Full-text search: "phrases", OR, -exclusion; ``filters`` narrow by source, time, language;
        ``fold_copies``: a text several outlets carry is one hit (``SearchHit.folded_copies``)."""
        return self.store.search(query, limit=limit, offset=offset, filters=filters, fold_copies=fold_copies)

    def find(self, query: str, *, limit: int = 20, offset: int = 0, fold_copies: bool = False) -> Found:
        """A reader's search, filters written in the query (``source:``, ``after:``,
        ``before:``, ``lang:``; :mod:`progleton.searching`), best match first; wire copies
        folded as :meth:`search` folds them. A filter that cannot be read or names no source
        finds nothing, and says why."""
        parsed = parse_query(query)
        if parsed.problems or not parsed.text.strip():
            return Found([], parsed, parsed.problems)
        filters = store_filters(parsed, self.sources()) if parsed.filtered else None
        if filters is not None and filters.source_ids == []:
            return Found([], parsed, (f"No source's name or address contains {parsed.source!r}: "
                                      "`progleton sources` (or the Sources page) lists them.",))
        return Found(self.search(parsed.text, limit=limit, offset=offset, filters=filters, fold_copies=fold_copies),
                     parsed)

    def saved_search_problems(self, query: str) -> tuple[str, ...]:
        """Why a search cannot be saved: what :meth:`find` says of it (in its words), or that it
        has no word to search for (filters alone find nothing); empty when it can be."""
        found = self.find(query, limit=1)
        if found.problems or found.query.text.strip():
            return found.problems
        return ("Add some words to search for; filters narrow a search down.",)

    # ---- corrections ---------------------------------------------------------------------------

    def move_article(self, article_id: int, to_story: str | None = None) -> str:
        """Move an article to another story, or split it out into its own (remembered).

        Stories quiet for longer than ``story_window_days`` are closed: the grouper no longer
        holds them and never weighs them again, so a correction that involves one is the
        store's alone (an open article moved into a closed story is first split out of its
        open one, so the grouper never regroups it back). ``GroupingBusy`` when a grouping
        under way holds on for more than ``CORRECTION_WAIT_S``."""
        with self.grouping(changes=True, timeout=CORRECTION_WAIT_S):
            article = self.store.get_article(article_id)
            if to_story is not None:
                to_story = self.story_or_successor(to_story)  # NotFound for a bad id
            grouper = self.grouper
            try:
                story_id = grouper.move(str(article.id), to_story=to_story)
            except NotFound:  # the article's story, or the one it goes to, has closed
                with contextlib.suppress(NotFound):
                    grouper.move(str(article.id))
                story_id = to_story or split_id(self.store, article_id)
            self.store.add_correction("move", article_id=article_id, story_id=to_story)
            action = "moved" if to_story is not None else "split_out"
            note = "moved by a user" if to_story is not None else "split out by a user"
            # a wire copy stays one: alone it shows as a report; moved back beside the text it
            # carries, it is that text's copy again
            self.store.set_story_membership(article_id, story_id, {"note": note, "action": action, "score": 1.0},
                                            article.wire_copy_of)
            if article.story_id and article.story_id != story_id:
                reoriginate(self.store, grouper, article_id, article.story_id)
                back_as_original(self.store, grouper, article_id, story_id)
            return story_id

    def merge_stories(self, into: str, other: str) -> str:
        """Merge story ``other`` into ``into`` (remembered); returns the surviving id, which
        readers of the other (its address, its feed, a follow) are sent on to. A story merged
        into itself is left as it was: nothing is recorded or pinned.

        A closed story (quiet for longer than ``story_window_days``) is merged in the store
        alone; when only ``into`` has closed, the open one survives instead, so that the
        reports the grouper still adds to it land with the rest. ``GroupingBusy`` when a
        grouping under way holds on for more than ``CORRECTION_WAIT_S``."""
        with self.grouping(changes=True, timeout=CORRECTION_WAIT_S):
            target = self.story(into)
            absorbed = self.story(other)
            if absorbed.story.id == target.story.id:
                return target.story.id
            into, other = target.story.id, absorbed.story.id
            try:
                survivor = self.grouper.merge(into, other)
            except NotFound:  # one or both have closed
                open_ids = set(self.grouper.open_story_ids([into, other]))
                if other in open_ids and into not in open_ids:
                    target, absorbed = absorbed, target
                survivor = target.story.id
            write_merge(self.store, absorbed, survivor)
            return survivor

    def unmerge_story(self, story_id: str) -> str:
        """Undo a user's merge of ``story_id`` into another story; returns ``story_id``.

        Its articles that came in with the merge and are still there go back into it, under
        its own id, with the reasons they had before, and the wire copies of their texts that
        joined since go with them; its address, feed and API answer again, its readers' states
        are its own again (a follow stopped since stays stopped), and the merge is no longer
        remembered: the grouper is built again from storage at its next use, as if the merge
        had never been made. The story it went into keeps its id and its own articles.

        ``NotFound`` when ``story_id`` is not merged away (never merged, or back), when the
        story it went into has been merged into another since (unmerge that one first), or when
        none of its articles is left there. ``GroupingBusy`` as for :meth:`merge_stories`."""
        with self.grouping(changes=True, timeout=CORRECTION_WAIT_S):
            undo_merge(self.store, story_id)
            self._grouper = None  # rebuilt from storage and the corrections left at its next use
            return story_id

    def site_profile(self, site: str) -> dict[str, list[Any]]:
        """What boilerplate is learned for a site (a host, or ``host/outlet`` where outlets
        share a host), and why: {profile key: explained entries}."""
        from .extract import SiteProfile

        site = site.lower().removeprefix("https://").removeprefix("http://").strip("/")
        site = re.sub(r"^([^/:]+):\d+", r"\1", site)  # profiles are kept by host: no port
        keys = [k for k in self.store.site_profile_keys() if k == site or k.startswith(site + "/")]
        if not keys:
            raise NotFound(f"no profile for {site}: it is learned as pages of that site are extracted")
        return {key: list(SiteProfile.from_json(self.store.get_site_profile(key) or "{}").explain())
                for key in keys}

    def secret_key(self) -> str:
        """The key that signs sessions and feed tokens: the setting, else one generated and kept."""
        if self.settings.secret_key:
            return str(self.settings.secret_key)
        return self.store.get_meta("secret_key") or self.store.first_meta("secret_key", secrets.token_urlsafe(32))


@lru_cache(maxsize=4096)  # every story page reads the top stories' titles again
def _headline_words(title: str) -> frozenset[str]:
    """The words of a headline that can tell one story from another (no stop words, no numbers),
    lower-cased."""
    stops = language(text_language(title)).stop_words
    return frozenset(w for w in re.findall(r"\w{3,}", title.lower()) if w not in stops and not w.isdigit())


def make_progleton(db_url: str | None = None, *, settings: Settings | None = None,
                   **overrides: Any) -> Progleton:
    """Open Progleton on a database (default: a SQLite file in the user data directory).

    ``overrides`` are settings by name (keyword-only), applied over ``settings``
    (default: defaults < TOML file < PROGLETON_* environment).
    """
    settings = settings or load_settings()
    if overrides:
        settings = settings.replace(**overrides)
    url = db_url or settings.db or default_db_url()
    if db_url:
        settings = settings.replace(db=db_url)
    return Progleton(open_store(url, connect_timeout=int(settings.db_connect_timeout)), settings)


__all__ = ["FetchError", "Progleton", "make_progleton"]
