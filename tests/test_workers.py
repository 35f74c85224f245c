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


# A process stopped by a signal while its pool's feeder thread waits to hand a big task to two
# workers busy with others, and the tasks not yet handed out are cancelled: an update's pool as
# it hands the workers a batch of pages, and asyncio cancels what the update waited for.
BLOCKED_FEEDER = """
import signal, time
from progleton.cli.stopping import stop
from progleton.workers import process_pool

pool = process_pool(2)
for started in [pool.submit(time.sleep, 0.2) for _ in range(2)]:
    started.result()
busy = [pool.submit(time.sleep, 60) for _ in range(2)]
time.sleep(0.5)
big = [pool.submit(len, b"x" * 8_000_000) for _ in range(8)]  # far more than a pipe holds
time.sleep(1)
for future in big:
    future.cancel()
print("stopping", flush=True)
stop(signal.SIGTERM, None)
"""


def test_a_stopped_command_exits_though_its_pool_was_handed_work(tmp_path: Path) -> None:
    """Ctrl+C two seconds into `progleton demo` (SIGTERM, for an update under `timeout`) said it
    had stopped and then never exited: Python's exit waited for the pool's feeder thread, which
    waited on a pipe to workers that ``stop`` had ended. It exits at once now, with the signal's
    status."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGLETON_")}
    stopped = subprocess.run([sys.executable, "-c", BLOCKED_FEEDER], env=env, capture_output=True, text=True,
                             timeout=60, check=False)
    assert "stopping" in stopped.stdout, stopped.stderr
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert "Traceback" not in stopped.stderr, stopped.stderr
