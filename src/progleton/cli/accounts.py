"""``progleton sign-in``: whether the web reader asks to sign in, and turning it off.

Sign-in is on while an account in the database has a password: the ``admin_password`` setting
sets it when the reader starts, and removing the setting leaves it on (a protected reader is
never opened by a missing variable), so ``config`` and ``serve`` say so, and ``sign-in off``
turns it off as asked.
"""

from __future__ import annotations

from dataclasses import dataclass

import click
from rich.markup import escape

from ..exceptions import StorageError
from ..settings import Settings
from ..store import accounts_with_password
from .context import Context, pass_ctx
from .terminal import console

OFF_COMMAND = "`progleton sign-in off`"


@dataclass(frozen=True)
class SignIn:
    """Whether sign-in is on ("on", "off", or "unknown" when the database cannot be read),
    where that comes from, and why, in words."""

    value: str
    origin: str
    why: str


def sign_in_state(settings: Settings, url: str) -> SignIn:
    """What ``config`` and ``sign-in status`` say of sign-in."""
    password_origin = settings.origin["admin_password"]
    try:
        names = accounts_with_password(url, connect_timeout=int(settings.db_connect_timeout))
    except StorageError as exc:
        # said in words with what to check (DatabaseFailure), ending in a point: the why is not
        return SignIn("unknown", "database", f"cannot read the database: {str(exc).rstrip('.')}")
    if names:
        setting = (f"; admin_password ({password_origin}) sets the password at each start" if settings.admin_password
                   else "; it stays on without admin_password")
        return SignIn("on", "database", f"the account {', '.join(names)} has a password in the database{setting}. "
                      f"{OFF_COMMAND} turns it off")
    if settings.admin_password:
        return SignIn("on", password_origin, "admin_password is set: the web reader makes the account admin "
                      "with it when it starts")
    return SignIn("off", "default", "no account has a password; setting admin_password turns it on")


def serve_words(on: bool) -> str:
    """What ``serve`` says of sign-in once it listens."""
    return f"Sign-in is on (the name is admin; {OFF_COMMAND} turns it off)." if on else "Sign-in is off."


@click.group("sign-in")
def sign_in() -> None:
    """Whether the web reader asks to sign in; turn it off."""


@sign_in.command("status")
@pass_ctx
def status(ctx: Context) -> None:
    """Say whether the web reader asks to sign in, and why."""
    from ..store import default_db_url

    settings = ctx.settings()
    state = sign_in_state(settings, str(settings.db or default_db_url()))
    console.print(f"Sign-in is {state.value}: {escape(state.why)}.", highlight=False)


@sign_in.command("off")
@pass_ctx
def off(ctx: Context) -> None:
    """Turn sign-in off: remove the admin password from the database (its sessions and tokens
    stop working); what it read, starred, followed and saved is the open reader's again."""
    from ..web.accounts import turn_sign_in_off

    settings = ctx.settings()
    if settings.admin_password:
        raise click.ClickException(
            f"admin_password is set ({settings.origin['admin_password']}): the next `progleton serve` would "
            "turn sign-in on again. Remove the setting first, then run this again.")
    with ctx.open() as app:
        names = turn_sign_in_off(app.store)
    if not names:
        console.print("Sign-in is off already: no account has a password.")
        return
    console.print(
        f"Sign-in is off: the password of {escape(', '.join(names))} is removed, and its sessions and API and "
        "feed tokens no longer work. What it read, starred, followed and saved is the open reader's again. "
        "Without sign-in the reader answers only at addresses (127.0.0.1, a LAN address), localhost and "
        "web_hosts. A running `progleton serve` opens at its next sign-in page; restart it to be sure. "
        "Setting admin_password turns sign-in on again.", highlight=False)
