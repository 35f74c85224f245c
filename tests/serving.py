"""``progleton serve`` in a real process, for the tests of the command and of what it serves."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time


class Serving:
    """``progleton serve`` in a real process, its output read as it comes."""

    def __init__(self, env: dict[str, str], *args: str, own_group: bool = False) -> None:
        """``own_group``: in a process group of its own (and its workers'), as a terminal's
        foreground command is, for a signal sent to the group as Ctrl+C sends it."""
        self.lines: list[str] = []
        self.process = subprocess.Popen([sys.executable, "-m", "progleton", "serve", *args], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=own_group)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, words: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines if words in line]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"{words!r} not said: {self.lines}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return int(free.getsockname()[1])
