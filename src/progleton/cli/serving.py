"""``progleton serve`` and ``progleton demo``: the web reader, on a socket taken before
anything else is done."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import shlex
import shutil
import signal
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import click

from ..core import Progleton
from ..settings import Settings
from ..types import SourceUpdate, UpdateResult
from ..urls import masked_url
from .accounts import serve_words
from .context import Context, pass_ctx
from .stopping import stop_on, stopping_on
from .terminal import console, count, err_console
from .updating import run_update, stopped_words


@click.command()
@click.option("--host", default=None, help="Address to listen on.")
@click.option("--port", default=None, type=int, help="Port to listen on.")
@click.option("--no-updates", is_flag=True, help="Do not fetch sources in the background.")
@pass_ctx
def serve(ctx: Context, host: str | None, port: int | None, no_updates: bool) -> None:
    """Run the web reader (and update sources in the background)."""
    with _listener(ctx.settings(host=host, port=port)) as listener, ctx.open(host=host, port=port) as app:
        _serve(app, listener, background_updates=not no_updates)


def _listener(settings: Settings) -> socket.socket:
    """A socket bound to the reader's address, taken before anything else is done: a port in
    use was found by uvicorn only after "Progleton is running at …" had been printed (and, for
    the demo, after the whole demo had been ingested again), in uvicorn's own words."""
    host, port = str(settings.host), int(settings.port)
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, OverflowError) as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: no wait after a restart
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno != errno.EADDRINUSE:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        free = _free_port(family, address, port)
        advice = f"try --port {free} (or PROGLETON_PORT={free})" if free else "try another --port"
        raise click.ClickException(f"port {port} is in use (another Progleton?): {advice}") from None
    return sock


def _free_port(family: socket.AddressFamily, address: tuple[Any, ...], port: int) -> int | None:
    """The first port after ``port`` that is free on the same address, if one of the next 20 is."""
    for candidate in range(port + 1, min(port + 21, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((address[0], candidate, *address[2:]))
            except OSError:
                continue
            return candidate
    return None


def _serve(app: Progleton, listener: socket.socket, *, background_updates: bool) -> None:
    import uvicorn

    from ..web import create_app
    from ..web.accounts import sign_in_on

    host = listener.getsockname()[0]
    shown = _address(listener)

    class Server(uvicorn.Server):
        stopped_by: int | None = None

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:  # said once it listens, not before
                console.print(f"Progleton is running at [bold]{shown}[/] (Ctrl+C to stop). "
                              + serve_words(sign_in_on(web.state)))

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            self.stopped_by = self.stopped_by or sig
            super().handle_exit(sig, frame)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            # SIGTERM (systemd, docker stop) ended serve without a word: say so, and what the
            # background update under way kept (say_stopped), as `progleton update` does
            why = f" ({signal.Signals(self.stopped_by).name})" if self.stopped_by else ""
            console.print(f"Stopping{why}…", highlight=False)
            await super().shutdown(sockets=sockets)
            console.print("Stopped.")

    web = create_app(app, background_updates=background_updates,
                     secure_cookies=bool(app.settings.secure_cookies), on_update=say_update, on_stopped=say_stopped)
    warn_if_open_to_the_network(host, signed_in=sign_in_on(web.state))
    # uvicorn stops on SIGINT as on SIGTERM, then raises the signal again with the handler it
    # found: Python's own made Ctrl+C a KeyboardInterrupt after "Stopped.", and click ended
    # with "Aborted!" and status 1. Ctrl+C now ends as SIGTERM does (status 130, as 143 for it).
    stop_on(signal.SIGINT)
    Server(uvicorn.Config(web, log_level="warning")).run(sockets=[listener])


def _address(listener: socket.socket) -> str:
    """The reader's address, as a browser is given it."""
    host, port = listener.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def demo_guide(db_url: str, *, own_db: str | None, reader: str | None) -> list[str]:
    """What the demo says once it has ingested: where its database is (``own_db``: the one
    the other commands use, when the demo chose its own) and what to do next, in the browser
    at ``reader`` (None: no reader was started) or in the terminal."""
    command = progleton_command()
    db = f"{command} --db {shlex.quote(masked_url(db_url))}"
    where = f" (its own; the other commands use {_shown_db(own_db)} unless given --db)" if own_db else ""
    # without the reader, `demo` (not `serve`) reads it: the outlets it updates from are served then
    browse = (f"open {reader} in a browser. In another terminal, " if reader
              else f"`{command if own_db else db} demo` serves it with the reader; ")
    return [f"The demo's database: {_shown_db(db_url)}{where}.",
            f"Next: {browse}`{db} stories` lists its stories. To follow real sources: `{command} add URL`, "
            f"then `{command} update` (into your own database, not the demo's)."]


def _shown_db(db_url: str) -> str:
    """A database as a person looks for it: a SQLite file's path, else its URL without password."""
    return db_url.removeprefix("sqlite:///") if db_url.startswith("sqlite:///") else masked_url(db_url)


def progleton_command() -> str:
    """How this shell reaches the command: "progleton" when it is found on PATH (or run as
    ``python -m progleton``), else the path it was run by (".venv/bin/progleton" after
    `make run`)."""
    ran = Path(sys.argv[0])
    on_path = shutil.which("progleton")
    if ran.name != "progleton" or (on_path and Path(on_path).resolve() == ran.resolve()):
        return "progleton"
    return shlex.quote(sys.argv[0])


def say_update(result: UpdateResult) -> None:
    """Print a line as each of serve's background updates ends: serve said nothing of them."""
    console.print(update_line(result, datetime.now(UTC)), highlight=False)


def say_stopped(done: int) -> None:
    """Print what serve's background update kept when serve stopped in the middle of it."""
    console.print(f"{datetime.now(UTC).astimezone():%H:%M} update: {stopped_words(done)}", highlight=False)


def update_line(result: UpdateResult, now: datetime) -> str:
    """One update in a line: "14:05 update: 3 of 4 sources updated, 12 new articles; 1 failed."."""
    if not result.sources and not result.held_back:
        if result.elsewhere:
            return f"{now.astimezone():%H:%M} update: another update running now is fetching the due sources."
        return f"{now.astimezone():%H:%M} update: no source was due."
    fetched = len(result.sources) - len(result.errors)
    held = len(result.held_back)
    return (f"{now.astimezone():%H:%M} update: {fetched} of {count(len(result.sources), 'source')} updated, "
            f"{count(result.new_articles, 'new article')}"
            + (f"; {len(result.errors)} failed (`progleton sources` shows why)" if result.errors else "")
            + (f"; {held} skipped, as {'its server' if held == 1 else 'their servers'} asked" if held else "")
            + ".")


def warn_if_open_to_the_network(host: str, *, signed_in: bool) -> None:
    """Say so when the reader listens beyond this machine (0.0.0.0, a LAN address) with sign-in
    off (``signed_in``: as the database says, a password set before counts): anyone who
    reaches the address may read, add and remove sources and use the API."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return  # the socket's own address is always one; only a test would give a name
    if address.is_loopback or signed_in:
        return
    where = "every address of this machine" if address.is_unspecified else host
    err_console.print(f"[yellow]Warning:[/] sign-in is off and the reader listens on {where}: anyone on the "
                      "network who can reach it can read, add and remove sources and use the API. Set "
                      "PROGLETON_ADMIN_PASSWORD (or admin_password in the settings file) to ask for sign-in, "
                      "or serve on 127.0.0.1.", highlight=False)


@click.command()
@click.option("--port", default=None, type=int, help="Port for the web reader.")
@click.option("--no-serve", is_flag=True, help="Ingest the demo and exit.")
@pass_ctx
def demo(ctx: Context, port: int | None, no_serve: bool) -> None:
    """Serve the bundled demo outlets on 127.0.0.1, ingest them, and open the reader."""
    from ..demo import DemoServer, feed_urls
    from ..store import default_db_url

    listener = None if no_serve else _listener(ctx.settings(port=port))  # in use: said before the ingest
    with listener or contextlib.nullcontext():
        server = _demo_server(DemoServer, avoid=port)
        given_db = ctx.db is not None
        if ctx.db is None:  # a kept demo database has the outlets' port in its sources: one for each port
            served_on = int(server.base_url.rsplit(":", 1)[1])
            name = "demo.db" if served_on == DEMO_PORT else f"demo-{served_on}.db"
            ctx.db = default_db_url().replace("progleton.db", name)
        with server, ctx.open(allowed_hosts="127.0.0.1", port=port) as app:
            finished: list[SourceUpdate] = []
            # Ctrl+C while it ingests ends as `update`'s does: what it kept, then status 130
            # (a KeyboardInterrupt ended with click's "Aborted!")
            with stopping_on(signal.SIGINT):
                try:
                    console.print(f"Demo outlets served at {server.base_url}")
                    for url in feed_urls(server.base_url):
                        app.store.add_source(url, groups=["demo"])
                    result = run_update(app, due_only=False, finished=finished)
                except (KeyboardInterrupt, SystemExit):
                    err_console.print(f"Demo ingest {stopped_words(len(finished))} Run `progleton demo` "
                                      "again for the rest.", highlight=False)
                    raise
            console.print(f"Ingested {count(result.new_articles, 'article')}; {count(len(result.errors), 'source')} "
                          "failed (one is broken on purpose).")
            reader = None if listener is None else _address(listener)
            for line in demo_guide(ctx.db, own_db=None if given_db else ctx.settings().db or default_db_url(),
                                   reader=reader):
                console.print(line, highlight=False, soft_wrap=True)
            if listener is not None:
                _serve(app, listener, background_updates=True)


DEMO_PORT = 8765  # fixed, so that a kept demo database keeps the same source URLs
DEMO_OTHER_PORT = 8766  # the outlets' port when the reader asks for theirs (fixed too)


def _demo_server(server_type: Any, avoid: int | None = None) -> Any:
    """The demo outlets' server, on DEMO_PORT, or DEMO_OTHER_PORT when the reader asked for that
    one (``avoid``); on any free port when it is taken."""
    try:
        return server_type(port=DEMO_OTHER_PORT if avoid == DEMO_PORT else DEMO_PORT).start()
    except OSError:
        return server_type().start()
