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
from concurrent.futures import ProcessPoolExecutor

PARENT_POLL_S = 1.0  # how often a worker looks for its parent


def pool_size(extract_workers: int) -> int:
    """The extraction processes the ``extract_workers`` setting asks for: 0 means one per core."""
    return int(extract_workers) or (os.cpu_count() or 1)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes (not forked: the parent holds threads and a
    database connection pool), each of which exits when this process has gone."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_worker, initargs=(os.getpid(),))


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
