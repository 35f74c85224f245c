"""The settings registry: every setting's name, type, default and help in one place.

Precedence: defaults < TOML file < ``PROGLETON_*`` environment < explicit overrides
(CLI flags). ``progleton config`` prints the effective values and where each came from.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .exceptions import SettingsError
from .urls import MASK, masked_url


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str


REGISTRY: tuple[Setting, ...] = (
    Setting("db", str, "", "Database URL; empty means a SQLite file in the user data directory."),
    Setting("db_connect_timeout", int, 10, "Seconds to wait for a PostgreSQL server to answer a new connection "
            "(at least 2); a connect_timeout in the database URL goes first. Without one, a host that was down "
            "or cut off by a firewall held every command for minutes."),
    Setting("user_agent", str, "Progleton/0.1 (+{contact_url})", "User-Agent sent with every request."),
    Setting("contact_url", str, "https://github.com/progleton/progleton", "Contact URL put in the User-Agent."),
    Setting("allow_private_addresses", bool, False, "Allow fetching loopback, private and link-local addresses (demo and tests only)."),
    Setting("allowed_hosts", str, "", "Comma-separated hosts (or IPs) always allowed, even if private."),
    Setting("max_response_bytes", int, 20_000_000, "Cap on one response body after decompression."),
    Setting("max_response_seconds", float, 30.0, "Cap on total time for one response."),
    Setting("connect_timeout", float, 10.0, "Seconds to connect."),
    Setting("read_timeout", float, 15.0, "Seconds with no byte received before giving up."),
    Setting("max_redirects", int, 5, "Redirect hops followed per request."),
    Setting("concurrency", int, 100, "Requests in flight at once, over all hosts."),
    Setting("per_host_concurrency", int, 2, "Requests in flight at once to one host."),
    Setting("fetch_articles", bool, True, "Fetch and extract each new entry's article page."),
    Setting("max_new_entries", int, 300, "New entries taken from one feed per update, the newest first; "
            "the rest wait in the database for later updates, even once the feed drops them (at most 1,000 "
            "entries and 20 MB a source, for 14 days); a 100,000-item feed took over the update for half an hour."),
    Setting("page_seconds_per_source", float, 180.0, "Time for fetching one source's article pages in one update; "
            "a page in flight then keeps the feed's text, and entries whose pages were not yet asked for wait for the next "
            "update (pages that trickled a byte a second held an update for 25 minutes)."),
    Setting("respect_robots", bool, True, "Check robots.txt before fetching article pages."),
    Setting("min_interval_minutes", int, 5, "Shortest time between two fetches of one source."),
    Setting("max_interval_minutes", int, 1440, "Longest time between two fetches of one source."),
    Setting("default_interval_minutes", int, 60, "Interval for a new source before its rate is known."),
    Setting("extract_workers", int, 0, "Processes for article extraction; 0 means one per core."),
    Setting("write_every_seconds", float, 10.0, "Longest time an update keeps fetched entries in memory before "
            "writing them: it writes every 1,000 rows, and at least this often, so a killed update (the OOM killer, a "
            "power cut) loses at most this much of its work."),
    Setting("story_window_days", int, 3, "Stories quiet for this many days are closed to new articles."),
    Setting("host", str, "127.0.0.1", "Address the web app listens on."),
    Setting("port", int, 8000, "Port the web app listens on."),
    Setting("web_hosts", str, "", "Comma-separated host names the web app answers to without sign-in "
            "(addresses and localhost always are; any other name is refused, against DNS rebinding)."),
    Setting("update_every_minutes", int, 5, "How often `serve` checks for due sources."),
    Setting("admin_password", str, "", "Password of the admin account; when set, the web app asks to sign in, "
            "and goes on asking once it is unset (`progleton sign-in off` turns sign-in off)."),
    Setting("secure_cookies", bool, False, "Mark cookies Secure (set when served over HTTPS behind a proxy)."),
    Setting("secret_key", str, "", "Key for signing sessions and feed tokens; generated and stored on first run when empty."),
)

_BY_NAME = {s.name: s for s in REGISTRY}


# PROGLETON_* variables read elsewhere than the registry: not unknown settings.
OTHER_VARIABLES = frozenset({
    "PROGLETON_CONFIG",  # the settings file (here and the CLI's --config)
    "PROGLETON_TEST_PG",  # the test suite's PostgreSQL server (tests/conftest.py)
})
_EXPECTED = {bool: "true or false", int: "a whole number", float: "a number", str: "a text"}

log = logging.getLogger(__name__)
_warned: set[str] = set()  # each unknown variable is said once a process, not at each load


def _coerce(setting: Setting, value: Any, where: str = "") -> Any:
    """``value`` as the setting's type; ``where`` names what gave it (a variable, a file's key)."""
    if isinstance(value, setting.type) and not (setting.type is int and isinstance(value, bool)):
        return value
    text = str(value).strip().lower()
    if setting.type is bool and text in {"1", "true", "yes", "on"}:
        return True
    if setting.type is bool and text in {"0", "false", "no", "off", ""}:
        return False
    if setting.type is not bool and not isinstance(value, bool) and \
            not (setting.type is int and isinstance(value, float) and not value.is_integer()):
        try:
            return setting.type(value)
        except (TypeError, ValueError):
            pass
    raise SettingsError(f"{where or setting.name}: expected {_EXPECTED[setting.type]}, got {value!r}")


def _unknown(name: str, known: Iterable[str], prefix: str = "") -> str:
    """" (did you mean port?)" for a name close to a known one; empty for none. The names are
    compared without their common ``prefix`` (PROGLETON_ made every variable close)."""
    close = difflib.get_close_matches(name.removeprefix(prefix), [k.removeprefix(prefix) for k in known], n=1)
    return f" (did you mean {prefix}{close[0]}?)" if close else ""


SECRET_SETTINGS = frozenset({"secret_key", "admin_password"})


@dataclass(frozen=True)
class Settings:
    """Effective settings; ``origin`` says where each value came from."""

    values: Mapping[str, Any] = field(default_factory=lambda: {s.name: s.default for s in REGISTRY})
    origin: Mapping[str, str] = field(default_factory=lambda: {s.name: "default" for s in REGISTRY})

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` applied (origin 'override')."""
        values, origin = dict(self.values), dict(self.origin)
        for name, value in changes.items():
            if name not in _BY_NAME:
                raise SettingsError(f"unknown setting {name!r}")
            values[name] = _coerce(_BY_NAME[name], value)
            origin[name] = "override"
        return dataclasses.replace(self, values=values, origin=origin)

    def shown(self, name: str) -> Any:
        """A setting's value as it may be printed or logged: a secret only as whether it is set
        (``********``), the database URL without its password."""
        value = self.values[name]
        if name in SECRET_SETTINGS and value:
            return MASK
        if name == "db" and value:
            return masked_url(str(value))
        return value

    def __repr__(self) -> str:  # a logged or printed Settings never shows a secret
        return f"Settings({ {name: self.shown(name) for name in self.values}!r})"

    @property
    def user_agent_string(self) -> str:
        return str(self.values["user_agent"]).format(contact_url=self.values["contact_url"])

    @property
    def allowed_host_set(self) -> frozenset[str]:
        return frozenset(h.strip().lower() for h in str(self.values["allowed_hosts"]).split(",") if h.strip())


def load_settings(
    *,
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build effective settings: defaults < TOML file < PROGLETON_* env < overrides.

    Every bad value and every unknown key of the file is a :class:`SettingsError`, all of them
    in one, each named by where it was given (the file and key, the environment variable);
    an unknown ``PROGLETON_*`` variable is logged as a warning (did you mean …?) and ignored."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    values, origin = dict(settings.values), dict(settings.origin)
    errors: list[str] = []

    def take(name: str, value: Any, where: str, came_from: str) -> None:
        try:
            values[name], origin[name] = _coerce(_BY_NAME[name], value, where), came_from
        except SettingsError as exc:
            errors.append(str(exc))

    path = config_file or (Path(environ["PROGLETON_CONFIG"]) if environ.get("PROGLETON_CONFIG") else None)
    if path is not None:
        for name, value in _read_file(path).items():
            if name in _BY_NAME:
                take(name, value, f"{path}: {name}", f"file {path}")
            else:
                errors.append(f"{path}: unknown setting {name!r}{_unknown(name, _BY_NAME)}")
    for setting in REGISTRY:
        key = f"PROGLETON_{setting.name.upper()}"
        if key in environ:
            take(setting.name, environ[key], f"environment variable {key}", f"env {key}")
    _warn_about_unknown_variables(environ)
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in _BY_NAME:
            raise SettingsError(f"unknown setting {name!r}{_unknown(name, _BY_NAME)}")
        take(name, value, name, "flag")
    if len(errors) == 1:
        raise SettingsError(errors[0])
    if errors:
        raise SettingsError(f"{len(errors)} bad settings:\n  " + "\n  ".join(errors))
    return Settings(values=values, origin=origin)


def _read_file(path: Path) -> dict[str, Any]:
    """The settings of a TOML file: its ``[progleton]`` table, else its top level."""
    if not path.is_file():
        raise SettingsError(f"the settings file {path} does not exist (named by --config or PROGLETON_CONFIG)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
    table = data.get("progleton", data)
    return table if isinstance(table, dict) else {"progleton": table}


def _warn_about_unknown_variables(environ: Mapping[str, str]) -> None:
    """A misspelt ``PROGLETON_*`` variable is said, not silently ignored (once a process)."""
    known = {f"PROGLETON_{s.name.upper()}" for s in REGISTRY} | OTHER_VARIABLES
    for key in sorted(environ):
        if key.startswith("PROGLETON_") and key not in known and key not in _warned:
            _warned.add(key)
            log.warning("the environment variable %s is no Progleton setting and is ignored%s; "
                        "`progleton config` lists the settings", key, _unknown(key, known, "PROGLETON_"))
