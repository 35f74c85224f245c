"""The grouping held between processes, and the grouper built again from storage.

A process holds the grouping (``Progleton.grouping``) with a lock between its threads and the
store's lock between processes, tried until held (:func:`hold_in_store`). Whoever changes the
grouping leaves a new generation in the store; a process that finds another's builds its grouper
again from storage (:func:`rebuild_grouper`): stored memberships replayed, then the corrections.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from .corrections import replay
from .exceptions import GroupingBusy
from .pipeline import stored_doc
from .settings import Settings
from .store.sql import SQLStore
from .stories import StoryGrouper

log = logging.getLogger("progleton.core")  # the facade's events, as they were before this module

GROUPER_STATE_KEY = "stories.grouper_state"
GROUPER_GENERATION_KEY = "stories.grouper_generation"  # changes whenever the grouping does
REBUILD_POOL_MIN = 2000  # stored articles a rebuild replays before it uses the process pool
# How often a wait for another process's grouping tries the lock again (a try never blocks: a
# wait says so, and can be stopped).
GROUPING_POLL_S = 0.25


def give_up_waiting(deadline: float | None, stop: threading.Event | None, holder: str) -> None:
    """``GroupingBusy`` once a wait for ``holder``'s grouping is stopped or past ``deadline``."""
    if stop is not None and stop.is_set():
        raise GroupingBusy("stopped while waiting for the grouping")
    if deadline is not None and time.monotonic() >= deadline:
        raise GroupingBusy(f"{holder} has been grouping stories for longer than a correction waits: "
                           "nothing was changed; try again in a minute")


@contextmanager
def hold_in_store(store: SQLStore, wait: bool, deadline: float | None, stop: threading.Event | None,
                  waiting: Callable[[], None] | None) -> Iterator[bool]:
    """The store's lock between processes, tried until held: the database's own wait
    (``pg_advisory_lock``, ``flock``) could be neither timed nor stopped."""
    said = False
    while True:
        with store.grouping_lock(wait=False) as held:
            if held or not wait:
                yield held
                return
        give_up_waiting(deadline, stop, "another process")
        if not said:
            said = True
            log.info("waiting for another process's grouping")
            if waiting is not None:
                waiting()
        pause = GROUPING_POLL_S if deadline is None else min(GROUPING_POLL_S, deadline - time.monotonic())
        if stop is not None:
            stop.wait(max(pause, 0))
        else:
            time.sleep(max(pause, 0))


def rebuild_grouper(store: SQLStore, settings: Settings, pool: Callable[[], Executor | None]) -> StoryGrouper:
    """Replay stored memberships (not re-decide them), then the user's corrections."""
    grouper = StoryGrouper(settings)
    since = datetime.now(UTC) - timedelta(days=int(settings.story_window_days) * 2)
    saved = store.get_meta(GROUPER_STATE_KEY)
    if saved:
        try:  # term statistics of every doc ever seen, so later decisions match an unbroken run
            state = base64.b64decode(saved)
            grouper.restore_state(state)
            oldest_open = StoryGrouper.replay_since(state)
            if oldest_open is not None:
                since = min(since, oldest_open)  # long-running stories keep all their members
        except (ValueError, binascii.Error):
            grouper = StoryGrouper(settings)  # an older format: the replay rebuilds what it can
    rows = [
        (stored_doc(row), row["story_id"], str(row["wire_copy_of"]) if row["wire_copy_of"] else None)
        for row in store.assignments(since=since)
        if row["story_id"] is not None  # not yet assigned: the next update assigns it
    ]
    # Thousands of texts to read again: their features are computed in the extraction
    # processes (the same values; a 9,264-doc window took 6.3 s instead of 11.7 on two cores).
    grouper.load_many(rows, pool() if len(rows) >= REBUILD_POOL_MIN else None)
    for correction in store.corrections():
        replay(grouper, correction)
    return grouper
