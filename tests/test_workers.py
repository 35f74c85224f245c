"""The extraction processes end with the process that started them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# A process that starts the facade's pool as an update does, and has both workers run a task.
STARTER = """
import json, os, sys, time
from multiprocessing import resource_tracker
from progleton import make_progleton

p = make_progleton(sys.argv[1], extract_workers=2)
pool = p._process_pool()
for f in [pool.submit(time.sleep, 0.5) for _ in range(2)]:
    f.result()
print(json.dumps({"workers": list(pool._processes), "tracker": resource_tracker._resource_tracker._pid}), flush=True)
time.sleep(120)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has ended; its new parent has not reaped it yet


def test_workers_and_the_resource_tracker_end_when_the_update_is_killed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGLETON_")}
    starter = subprocess.Popen([sys.executable, "-c", STARTER, f"sqlite:///{tmp_path / 'p.db'}"], env=env,
                               stdout=subprocess.PIPE, text=True)
    try:
        started = json.loads(starter.stdout.readline() if starter.stdout else "{}")
        pids = [*started["workers"], started["tracker"]]
        assert len(pids) == 3 and all(_running(pid) for pid in pids)
        starter.send_signal(signal.SIGKILL)  # the OOM killer, `kill -9`: no handler runs
        starter.wait()
        deadline = time.monotonic() + 30
        while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [pid for pid in pids if _running(pid)]
        for pid in left:  # not left behind by a failing test either
            os.kill(pid, signal.SIGKILL)
        assert not left, "orphaned under PID 1"
    finally:
        starter.kill()
        starter.wait()
