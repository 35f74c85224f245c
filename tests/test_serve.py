"""``progleton serve`` when things go wrong for whoever runs it: a real process, a real SQLite
file, real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import resource
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

from serving import Serving, free_port


def _env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGLETON_")}
    return env | {"PROGLETON_DB": db_url, "PROGLETON_ALLOWED_HOSTS": "127.0.0.1", "PROGLETON_EXTRACT_WORKERS": "1"}


def _post(url: str, body: dict[str, object]) -> tuple[int, Message, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_a_full_disk_under_the_reader_is_a_503_saying_so(tmp_path: Path) -> None:
    """The disk filled while the reader ran: each write answered a plain 500, "Something went
    wrong on our side", whatever the reader did."""
    path = tmp_path / "progleton.db"
    port = free_port()
    server = Serving(_env(f"sqlite:///{path}"), "--no-updates", "--port", str(port))
    try:
        server.wait_for("Progleton is running at")
        base = f"http://127.0.0.1:{port}"
        added = _post(f"{base}/api/v1/sources", {"url": "http://127.0.0.1:9/a.xml", "discover": False})
        assert added[0] == 201, added
        # from now on, as on a full disk, no file of the reader's grows (what `ulimit -f` does)
        resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (1, 1))
        status, headers, text = _post(f"{base}/api/v1/sources", {"url": "http://127.0.0.1:9/b.xml", "discover": False})
        with urllib.request.urlopen(f"{base}/api/v1/sources", timeout=60) as listed:  # reading still works
            assert [s["url"] for s in json.load(listed)] == ["http://127.0.0.1:9/a.xml"]
        logged = server.wait_for("request failed path=/api/v1/sources: ")
    finally:
        server.stop()
    assert status == 503 and headers.get("Retry-After") == "30", (status, text)
    assert json.loads(text) == {"detail": (
        "the database file could not be read or written: the disk failed the operation (full, a file-size limit, "
        "removed, or failing) (disk I/O error). Nothing stored before was lost; try again once the disk is "
        "fixed (`df`, `ulimit -f`, `dmesg` say more).")}
    assert f"the database file {path} could not be read or written" in logged  # the log names it
    assert not any("Traceback" in line for line in server.lines), server.lines
