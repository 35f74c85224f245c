"""Fixtures shared by every test area: the shared corpora, a fresh store, the demo server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# No test takes its terminal size from the terminal that started the run: a test that wants a
# width says so. pytest-xdist's workers would otherwise start with COLUMNS=80 and LINES=24, which
# GNU readline (imported by pytest's output capture) exports in the main process below
# os.environ, where child processes inherit them; and the CLI's console fixes its width from
# $COLUMNS when it is made, at import, so a test that gave CliRunner COLUMNS=200 got a table cut
# at 80 columns.
for _size in ("COLUMNS", "LINES"):
    os.environ.pop(_size, None)


@pytest.hookimpl(optionalhook=True)  # the xdist hooks: pytest without xdist knows none of them
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (``make test``): two workers a core. Much of the suite waits rather than
    computes (a ``progleton`` process starting, a server answering, a timeout running out)."""
    return 2 * (os.cpu_count() or 1)


# Modules whose module-scoped fixture is costly (the whole demo ingested by two updates, a
# Chromium, an update of a flood): pytest-xdist gives each of them whole to one worker, so the
# fixture is made once rather than in every worker that one of the module's tests went to.
# (xdist_group marks would say it in the modules, but xdist 3.8 groups them by rewriting
# item._nodeid, which pytest 9.2 no longer reads: they were silently ignored.)
ONE_WORKER_MODULES = frozenset({"tests/test_end_to_end.py", "tests/web/test_browser.py",
                                "tests/web/test_browser_history.py", "tests/stories/test_flood.py"})


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist load`` (what ``-n`` alone means), but each of ONE_WORKER_MODULES a unit of its own."""
    if config.getvalue("dist") != "load":
        return None  # another --dist asked for: xdist's own
    from xdist.scheduler import LoadScopeScheduling

    class ModulesKeptWhole(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_WORKER_MODULES else nodeid

    return ModulesKeptWhole(config, log)


def shared_path(*parts: str) -> Path:
    """A path in ../shared/; skips the test when absent, except under CI where it must exist."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is absent: the shared corpora live in ../shared/ beside the repository"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


PG_ADMIN = os.environ.get("PROGLETON_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh database on the local PostgreSQL, dropped afterwards; skips the
    test when there is no server, except under CI where it must be there."""
    import sqlalchemy as sa

    name = f"progleton_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    except Exception as exc:  # no server, no driver
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is needed under CI: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def shared() -> Path:
    return shared_path()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'progleton.db'}"


@pytest.fixture
def progleton_app(db_url: str) -> Iterator[object]:
    from progleton import make_progleton

    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        yield app
    finally:
        app.close()


@pytest.fixture(scope="session")
def demo_server() -> Iterator[object]:
    from progleton.demo import DemoServer

    with DemoServer() as server:
        yield server
