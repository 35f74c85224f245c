"""How a command ends when a signal stops it: SIGTERM always, SIGINT (Ctrl+C) while the web
reader or an update runs."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


def stop(signum: int, frame: object) -> None:
    """End the command as a signal's default action would report it (exit status 128 + the
    signal's number: 143 for SIGTERM, 130 for SIGINT), stopping the extraction workers first:
    they may be busy for minutes, and the signal's default action would end this process alone
    and leave them running, about 160 MB each. A SystemExit, not a KeyboardInterrupt: click adds
    "Aborted!" to a KeyboardInterrupt, and the command has already said what it kept."""
    import multiprocessing

    from ..workers import abandon_pools

    for child in multiprocessing.active_children():
        child.terminate()
    abandon_pools()
    raise SystemExit(128 + signum)


def stop_on(*signals: signal.Signals) -> None:
    """Make each of ``signals`` end the command with :func:`stop`."""
    for signum in signals:
        signal.signal(signum, stop)


@contextlib.contextmanager
def stopping_on(*signals: signal.Signals) -> Iterator[None]:
    """Make each of ``signals`` end the command with :func:`stop` within the block, and give
    them their handlers of before after it: a command run in-process (click's test runner)
    leaves the process's Ctrl+C as it found it."""
    before = {signum: signal.signal(signum, stop) for signum in signals}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
