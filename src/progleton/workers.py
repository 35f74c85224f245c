"""The extraction processes: the pool that extracts pages and reads texts for the grouper
outside the update's own process, and what makes them end with it.

A worker whose parent is killed outright (SIGKILL, the OOM killer: no handler runs, no
``shutdown``) would stay, idle, under PID 1, holding its memory (~240 MB) and, with it, the
multiprocessing resource tracker. Each worker watches its parent instead and exits once it
is gone. ``prctl(PR_SET_PDEATHSIG)`` would be quicker but is Linux's alone, and it fires when
the *thread* that started the worker ends: the pool starts workers from whichever thread
submits (an event loop's executor thread, the grouping's worker thread), threads that end
long before the process does.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import weakref
from concurrent.futures import ProcessPoolExecutor

PARENT_POLL_S = 1.0  # how often a worker looks for its parent


def pool_size(extract_workers: int) -> int:
    """The extraction processes the ``extract_workers`` setting asks for: 0 means one per core."""
    return int(extract_workers) or (os.cpu_count() or 1)


_pools: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()  # made by process_pool, while in use


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes (not forked: the parent holds threads and a
    database connection pool), each of which exits when this process has gone."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_worker, initargs=(os.getpid(),))
    _pools.add(pool)
    return pool


def abandon_pools() -> None:
    """As this process stops on a signal, its workers ended (``cli.stopping.stop``): let it exit
    without handing them the work queued for them.

    Python's exit joins each pool's queue feeder thread. One stopped while it sent the workers a
    batch of pages waits for good on a pipe that no worker reads again: the process hung after
    saying what it kept (Ctrl+C two seconds into `progleton demo`). The feeder threads are
    daemons, and what they held for the workers is dropped with them.

    Nothing here takes a lock: it runs in a signal handler, which may have interrupted this
    very thread inside the pool's own locked code (``submit`` while it starts a worker); the
    pool's ``shutdown`` there waited for good on the lock its own thread held. What the pool's
    manager thread may then say of the futures it can no longer settle (CPython 3.11 raises
    InvalidStateError for one that was cancelled) is not said: the command is stopping, and
    has said what it kept."""
    for pool in list(_pools):
        queue = getattr(pool, "_call_queue", None)  # ProcessPoolExecutor's, since Python 3.8
        if queue is not None:
            queue.cancel_join_thread()
    threading.excepthook = _quiet_pool_threads


def _quiet_pool_threads(args: threading.ExceptHookArgs) -> None:
    """``threading.excepthook`` once the pools are abandoned: a pool's manager thread failing to
    settle the futures of workers a stop ended says nothing; anything else as before."""
    from concurrent.futures import InvalidStateError
    from concurrent.futures.process import BrokenProcessPool

    if not issubclass(args.exc_type, InvalidStateError | BrokenProcessPool):
        threading.__excepthook__(args)


def start_worker(parent_pid: int) -> None:
    """In a worker, as it starts: leave Ctrl+C to the parent, and end once the parent is gone.

    Ctrl+C at a terminal reaches every process of its group, the workers too: one waiting for
    work died with a traceback, and one at work sent its KeyboardInterrupt back as its task's
    result, raised in the parent's update, so `serve` crashed with a traceback and "Aborted!"
    instead of stopping. The parent ends its workers as it stops (the pool's shutdown, or
    ``cli.stopping.stop``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent_pid)


def exit_with_parent(parent_pid: int) -> None:
    """In a worker, start a daemon thread that ends the process once ``parent_pid`` is no longer
    its parent (the parent died and the worker was given to PID 1 or a subreaper)."""
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_S)
        os._exit(1)  # no clean-up to do: the parent that waited for the results is gone

    threading.Thread(target=watch, name="progleton-parent-watch", daemon=True).start()
