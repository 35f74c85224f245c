"""The user guide names every command, option, setting and HTTP endpoint there is, and only
those: a command or route added, renamed or dropped fails here until docs/guide.md says so."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from progleton.cli import main
from progleton.settings import REGISTRY

GUIDE = (Path(__file__).resolve().parents[1] / "docs" / "guide.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "progleton") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


COMMANDS = sorted(_commands(main), key=lambda c: c[0])


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_the_guide_names_every_command_and_its_options(name: str, command: click.Command) -> None:
    assert f"`{name}" in GUIDE, f"docs/guide.md does not name `{name}`"
    for param in command.params:
        if isinstance(param, click.Option) and "--help" not in param.opts:
            flag = max(param.opts, key=len)
            assert re.search(rf"`{re.escape(name)}\b[^`]*{re.escape(flag)}\b", GUIDE), \
                f"docs/guide.md names `{name}` without its option {flag}"


def test_the_guide_names_the_options_every_command_takes() -> None:
    for param in main.params:
        if isinstance(param, click.Option) and "--help" not in param.opts:
            assert f"`{max(param.opts, key=len)}" in GUIDE, f"docs/guide.md does not name {param.opts}"


def test_the_guide_names_no_command_there_is_not() -> None:
    named = set(re.findall(r"`progleton ([a-z][a-z-]+)", GUIDE))
    assert named <= {n.split()[1] for n, _ in COMMANDS}


def test_the_guides_settings_are_settings() -> None:
    """The guide's table names the settings most often changed; `progleton config` lists all."""
    start = GUIDE.index("| setting | default | meaning |")
    named = re.findall(r"^\| `([a-z_]+)`(?:, `([a-z_]+)`)?", GUIDE[start:GUIDE.index("\n#", start)], flags=re.M)
    assert {n for pair in named for n in pair if n} <= {s.name for s in REGISTRY}


def _api_reference() -> set[tuple[str, str]]:
    start = GUIDE.index("### HTTP API reference")
    table = GUIDE[start:GUIDE.index("\n#", start + 1)]
    return {(m, p) for m, p in re.findall(r"^\| `(GET|POST|PUT|DELETE) ([^`?]+)", table, flags=re.M)}


def test_the_api_reference_lists_every_endpoint_and_only_those(tmp_path: Path) -> None:
    from progleton import make_progleton
    from progleton.web.app import create_app

    p = make_progleton(f"sqlite:///{tmp_path / 'd.db'}")
    try:
        schema = create_app(p).openapi()
    finally:
        p.close()
    routes = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}
    assert _api_reference() == routes


def test_the_api_reference_names_each_endpoints_query_parameters(tmp_path: Path) -> None:
    from progleton import make_progleton
    from progleton.web.app import create_app

    p = make_progleton(f"sqlite:///{tmp_path / 'd.db'}")
    try:
        schema = create_app(p).openapi()
    finally:
        p.close()
    start = GUIDE.index("### HTTP API reference")
    rows = {line.split("`")[1]: line for line in GUIDE[start:].splitlines() if line.startswith("| `")}
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            row = next(r for k, r in rows.items() if k.split("?")[0] == f"{method.upper()} {path}")
            for param in op.get("parameters", []):
                if param["in"] == "query":
                    assert f"`{param['name']}`" in row or f"{param['name']}=" in row, \
                        f"{method.upper()} {path}: query parameter {param['name']} not in the guide"
