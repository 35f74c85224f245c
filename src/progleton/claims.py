"""Who took a source for an update, so that a later update can tell a taker that died from
one still at work.

An update takes the sources it fetches for an hour (``claimed_until``:
``SQLStore.claim_due_sources``, ``claim_sources``) and writes which process took them
(``claimed_by``, a :class:`Claimer`). A process killed outright (``kill -9``, the OOM killer)
gives nothing back: its sources waited out the hour, and ``update --all`` meanwhile said that
another update running now was fetching them. Now each update first takes back the sources of
a taker it can ask about and that no longer runs (:func:`take_back_from_the_dead`): one on
this machine, in the same boot and the same PID namespace (a container sees only its own
processes), whose process id is gone, or belongs to a process started since. A taker it cannot
ask about (another machine sharing a PostgreSQL database, another container, a claim written
before migration 0010) keeps its claim for the hour, as before. An update of every source
takes its share here too (:func:`take_every_source`), and names the updates that have the rest.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .fetch.schedule import held_until, server_waits
from .types import Source, UpdateResult
from .urls import server_of

if TYPE_CHECKING:
    from .store.base import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claimer:
    """A process that takes sources, as ``claimed_by`` holds it: ``host pid started space``."""

    host: str  # the machine's name, for people
    pid: int
    started: str = ""  # when the process started, in clock ticks since boot (Linux); "" if unknown
    space: str = ""  # the boot and PID namespace its process ids belong to (hashed); "" if unknown

    def __str__(self) -> str:
        return f"{self.host} {self.pid} {self.started or '-'} {self.space or '-'}"

    @property
    def words(self) -> str:
        """The claimer as a person looks for it: "pid 4242 on web1"."""
        return f"pid {self.pid} on {self.host}"

    @classmethod
    def parse(cls, text: str | None) -> Claimer | None:
        """A ``claimed_by`` value as a Claimer; None for one this version does not read."""
        parts = (text or "").split(" ")
        if len(parts) != 4 or not parts[1].isdigit():
            return None
        host, pid, started, space = parts
        return cls(host, int(pid), "" if started == "-" else started, "" if space == "-" else space)

    def can_be_asked_by(self, here: Claimer) -> bool:
        """Whether ``here`` can tell if this claimer still runs: the same machine, boot and PID
        namespace (known on Linux only)."""
        return bool(self.space) and (self.host, self.space) == (here.host, here.space)


def this_process() -> Claimer:
    """The running process as a Claimer."""
    return _claimer(os.getpid())


@cache
def _claimer(pid: int) -> Claimer:  # by pid: a forked process is another claimer
    host = socket.gethostname().replace(" ", "_") or "localhost"
    state = _process_state(pid)
    return Claimer(host, pid, state[1] if state else "", _space())


def _space() -> str:
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:  # not Linux, or a /proc that hides them
        return ""
    return hashlib.sha256(f"{boot} {namespace}".encode()).hexdigest()[:16]


def _process_state(pid: int) -> tuple[str, str] | None:
    """A process's state letter and start time (``/proc/PID/stat``), or None if unreadable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()  # after the name, which may hold spaces and ")"
    return (fields[0], fields[19]) if len(fields) > 19 else None


def is_running(claimer: Claimer) -> bool:
    """Whether the claimer's process (of this machine's process space) still runs; True where
    that cannot be told."""
    if sys.platform == "win32":  # os.kill(pid, 0) would stop it there
        return True
    try:
        os.kill(claimer.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (PermissionError): it exists
        pass
    state = _process_state(claimer.pid)
    if state is None:
        return True
    letter, started = state
    if letter in ("Z", "X"):  # ended, not yet reaped by its parent
        return False
    return not claimer.started or started == claimer.started  # else the id was given to a new process


def take_back_from_the_dead(store: Store, now: datetime) -> int:
    """Free the sources that a process of this machine took and that no longer runs (killed
    with ``kill -9``, by the OOM killer), due again now where the claim had made them due
    later; how many."""
    here = this_process()
    dead = [text for text in store.source_claimers(now)
            if (claimer := Claimer.parse(text)) is not None and claimer.can_be_asked_by(here)
            and claimer != here and not is_running(claimer)]
    if not dead:
        return 0
    freed = store.take_back_claims(dead, now)
    if freed:
        who = ", ".join(c.words for text in dead if (c := Claimer.parse(text)) is not None)
        log.warning("%s taken by an update that no longer runs (%s: killed?) %s free again, and due now if "
                    "due then", f"{freed} source" + ("s" if freed > 1 else ""), who, "are" if freed > 1 else "is")
    return freed


def other_claimers(store: Store, now: datetime) -> tuple[str, ...]:
    """The other processes that have sources taken now, in words ("pid 4242 on web1"); those
    written before migration 0010 are not named."""
    here = this_process()
    found = (Claimer.parse(text) for text in store.source_claimers(now))
    return tuple(dict.fromkeys(claimer.words for claimer in found if claimer is not None and claimer != here))


def take_every_source(store: Store, now: datetime, until: datetime
                      ) -> tuple[list[Source], dict[str, datetime], UpdateResult]:
    """An update of every source's share (``update --all``): the sources it takes until
    ``until``, as the plain update takes the due ones, but none whose server asked for time not
    yet passed; those servers' times; and what it says of the sources it leaves (``held_back``
    for their servers, ``elsewhere`` for another update running now, ``elsewhere_by`` which)."""
    followed = [s for s in store.list_sources() if not s.retired]
    waits = server_waits(followed, now)
    held_back = tuple(held_until(s, waits[server_of(s.url)]) for s in followed if server_of(s.url) in waits)
    wanted = [s.id for s in followed if server_of(s.url) not in waits]
    taken = store.claim_sources(wanted, now, until, by=str(this_process()))
    elsewhere = len(wanted) - len(taken)
    said = UpdateResult(held_back=held_back, elsewhere=elsewhere,
                        elsewhere_by=other_claimers(store, now) if elsewhere else ())
    return taken, waits, said
