"""What the commands print: consoles that clean a feed's text, JSON, and times and counts
in words."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from ..entries import body_text
from ..timefmt import time_ago, time_until


# A feed's text reaches the terminal: a title holding ESC sequences could retitle the window,
# clear the screen or fake output. Every string rich renders (printed or in a table) is cleaned
# as a stored text body is (:func:`~progleton.entries.body_text`: escape sequences and control
# characters go, newlines and tabs stay), for what was stored before titles were cleaned;
# ":fire:" in a headline stays text, not an emoji.
class TerminalConsole(Console):
    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(body_text(text), **kwargs)


console = TerminalConsole(emoji=False)
err_console = TerminalConsole(stderr=True, emoji=False)


def json_default(value: Any) -> Any:
    """A value ``json`` cannot write as one it can (``--json`` output)."""
    if isinstance(value, datetime):  # as the API writes it (pydantic): UTC as "Z"
        written = value.isoformat()
        return written.removesuffix("+00:00") + "Z" if written.endswith("+00:00") else written
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)  # type: ignore[arg-type]
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(type(value).__name__)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON (``--json``)."""
    click.echo(json.dumps(data, default=json_default, indent=2, ensure_ascii=False))


def ago(value: datetime | None) -> str:
    """"3 hours ago", "in 10 minutes", or "—" for no time."""
    now = datetime.now(UTC)
    if value is not None and value > now:
        return time_until(value, now)
    return time_ago(value, now) if value is not None else "—"


def count(n: int, noun: str, plural: str = "") -> str:
    """"1 source", "2 sources"; "1 new entry", "2 new entries" (``plural`` given)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
