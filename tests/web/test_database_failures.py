"""A database that cannot be used while the reader runs: a real SQLite file damaged, a real
PostgreSQL server gone (the connection to it through a proxy on 127.0.0.1 that is shut). Each
request is answered 503 with what happened and what to do, never a 500 or a traceback."""

from __future__ import annotations

import json
import logging
import select
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from progleton.core import Progleton, make_progleton
from progleton.web import create_app

from .conftest import Seeded, TestClient, seed

PAGES = ["/", "/sources", "/search?q=harbour", "/api/v1/stories", "/api/v1/sources", "/feeds/top.atom"]


def _answers(client: TestClient, seeded: Seeded) -> dict[str, tuple[int, str, str]]:
    paths = [*PAGES, f"/stories/{next(iter(seeded.stories.values()))}"]
    return {path: (r.status_code, r.headers.get("content-type", ""), r.text)
            for path in paths for r in [client.get(path)]}


def _said_in_words(answers: dict[str, tuple[int, str, str]], what: str, to_do: str) -> None:
    for path, (status, kind, text) in answers.items():
        assert status == 503, (path, status, text[:500])
        assert "Traceback" not in text and "sqlalchemy" not in text.lower(), (path, text)
        assert what in text and to_do in text, (path, text[:2000])
        if path.startswith("/api/"):
            assert kind == "application/json" and set(json.loads(text)) == {"detail"}
        elif path.startswith("/feeds/"):
            assert kind.startswith("text/plain") and text.startswith("The database cannot be used: ")
        else:
            assert kind.startswith("text/html") and "<h1>The database cannot be used</h1>" in text


def test_a_damaged_sqlite_file_is_a_503_saying_so(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "t.db"
    progleton = make_progleton(f"sqlite:///{path}")
    try:
        seeded = seed(progleton)
        with TestClient(create_app(progleton, admin_password=""), base_url="http://127.0.0.1:8000",
                        raise_server_exceptions=False) as client:
            assert client.get("/").status_code == 200
            for name in ("t.db", "t.db-wal", "t.db-shm"):  # the disk mangled it
                if (tmp_path / name).exists():
                    (tmp_path / name).write_bytes(b"\x13 not a database any more " * 2000)
            progleton.store.engine.dispose()  # connections opened from now on read it as it is
            with caplog.at_level(logging.ERROR, logger="progleton.web"):
                answers = _answers(client, seeded)
            response = client.get("/api/v1/stories")
    finally:
        progleton.close()
    _said_in_words(answers, "the database file is damaged, or is no SQLite database",
                   "Restore it from a backup, or save what it holds with `sqlite3 FILE .recover")
    assert response.headers["retry-after"] == "30" and "content-security-policy" in response.headers
    assert str(tmp_path) not in response.text  # the reader is not told where the server keeps its files
    logged = [r.getMessage() for r in caplog.records]  # the server's log names it, in a line
    assert any(f"the database file {path} is damaged" in line for line in logged), logged
    assert not any(r.exc_info for r in caplog.records)


class _Proxy:
    """A TCP proxy on 127.0.0.1 to the local PostgreSQL: shut, it is a server that is gone."""

    def __init__(self, port: int = 5432) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.target = port
        self.open: list[socket.socket] = []
        self.gone = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.gone:
                client.close()
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            self.open += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [])
                for side in ready:
                    data = side.recv(65536)
                    if not data:
                        return
                    (b if side is a else a).sendall(data)
        except OSError:
            return

    def shut(self) -> None:
        self.gone = True
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() under way
        except OSError:
            pass
        self.listener.close()
        for sock in self.open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


@pytest.fixture
def through_proxy(postgres_url: str) -> Iterator[tuple[Progleton, _Proxy]]:
    proxy = _Proxy()
    progleton = make_progleton(postgres_url.replace(":5432/", f":{proxy.port}/"))
    try:
        yield progleton, proxy
    finally:
        proxy.shut()
        progleton.close()


@pytest.mark.postgres
def test_a_postgresql_server_gone_is_a_503_saying_so(through_proxy: tuple[Progleton, _Proxy]) -> None:
    progleton, proxy = through_proxy
    seeded = seed(progleton)
    with TestClient(create_app(progleton, admin_password=""), base_url="http://127.0.0.1:8000",
                    raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 200
        proxy.shut()  # a restart, a crash, the network cut
        answers = _answers(client, seeded)
    _said_in_words(answers, "cannot connect to the PostgreSQL server (connection to server at",
                   "Check that PostgreSQL runs there and that the host and port are right. Nothing stored "
                   "before was lost; try again once it answers.")

