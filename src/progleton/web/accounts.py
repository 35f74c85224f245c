"""Accounts: passwords, session cookies, API and feed tokens, login rate limiting.

Until some user has a password the reader runs in open mode (the default on 127.0.0.1):
everyone is the built-in "local" user and no sign-in is asked. Once an admin password is
set (``PROGLETON_ADMIN_PASSWORD`` or ``create_app(admin_password=...)``) every page, the
API and the output feeds need a session, an API token or a feed token. The password is kept
in the database: removing the setting leaves sign-in on (a protected reader is never opened
by a missing variable); :func:`turn_sign_in_off` (``progleton sign-in off``) opens it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from fastapi import Request

if TYPE_CHECKING:
    from ..store.sql import SQLStore

SESSION_COOKIE = "progleton_session"
SESSION_SECONDS = 30 * 86400
LOCAL_USER = "local"
NO_PASSWORD = "!"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class User:
    id: int
    name: str
    is_admin: bool
    password_hash: str
    sessions: int = 0  # raised by signing out: every session so far ends
    tokens: int = 0  # raised by "Make new tokens": the old API and feed tokens stop working

    @property
    def stamp(self) -> str:
        """Changes when the password changes, so old sessions and tokens stop working."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:12]

    def signed(self, purpose: str) -> tuple[object, ...]:
        """What a session ("session") or a token of this user is signed over besides its own
        parts: the password's stamp, and the generation of sessions or tokens (left out while
        it is 0, so tokens made before generations existed keep working)."""
        generation = self.sessions if purpose == "session" else self.tokens
        return (self.stamp, generation) if generation else (self.stamp,)


SESSIONS_KEY, TOKENS_KEY = "user:{}:sessions", "user:{}:tokens"  # generations, in the meta table


def new_generation(store: SQLStore, key: str, user: User) -> None:
    """End every session (``SESSIONS_KEY``) or token (``TOKENS_KEY``) of ``user`` made so far."""
    current = user.sessions if key == SESSIONS_KEY else user.tokens
    store.set_meta(key.format(user.id), str(current + 1))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A salted scrypt hash of the password, as "scrypt$n$r$p$salt$hash"."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.urlsafe_b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash from ``hash_password`` (constant time)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=base64.urlsafe_b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, base64.urlsafe_b64decode(digest))


def _sign(secret: str, purpose: str, *parts: object) -> str:
    message = ":".join([purpose, *map(str, parts)]).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def session_value(secret: str, user: User, *, now: float | None = None) -> str:
    """A signed session cookie value for ``user`` (pure given ``now``)."""
    expires = int((now or time.time()) + SESSION_SECONDS)
    return f"{user.id}.{expires}.{_sign(secret, 'session', user.id, expires, *user.signed('session'))}"


FAILED_SIGN_IN_COOKIE = "progleton_sign_in_failed"
FAILED_SIGN_IN_SECONDS = 60  # long enough to follow the redirect to the sign-in page
# A sign-in refused for too many failed attempts: the name typed, for the sign-in page to
# check that name's limit again (it lives as long as the wait, and goes when the page finds
# the limit over); the client address's limit the page checks without it.
LIMITED_SIGN_IN_COOKIE = "progleton_sign_in_limited"


def failed_sign_in(secret: str, name: str, *, now: float | None = None) -> str:
    """A cookie value that tells the sign-in page, once, that signing in as ``name`` failed:
    the name typed (no password), signed, so that no one else can make the page say so."""
    return _signed_name(secret, "failed sign-in", name, FAILED_SIGN_IN_SECONDS, now)


def failed_sign_in_name(secret: str, value: str | None, *, now: float | None = None) -> str | None:
    """The name typed in the failed sign-in ``value`` (:func:`failed_sign_in`) tells of;
    None when there is none, or it is forged or older than ``FAILED_SIGN_IN_SECONDS``."""
    return _name_signed(secret, "failed sign-in", value, now)


def limited_sign_in(secret: str, name: str, seconds: int, *, now: float | None = None) -> str:
    """A cookie value that tells the sign-in page, for ``seconds``, that signing in as
    ``name`` was refused for too many failed attempts (signed, as :func:`failed_sign_in`)."""
    return _signed_name(secret, "limited sign-in", name, seconds, now)


def limited_sign_in_name(secret: str, value: str | None, *, now: float | None = None) -> str | None:
    """The name the refused sign-in ``value`` (:func:`limited_sign_in`) tells of; None when
    there is none, or it is forged or expired."""
    return _name_signed(secret, "limited sign-in", value, now)


def _signed_name(secret: str, purpose: str, name: str, seconds: int, now: float | None) -> str:
    expires = int((now or time.time()) + seconds)
    typed = base64.urlsafe_b64encode(name.encode()).decode().rstrip("=")  # no "=": a cookie would quote it
    return f"{typed}.{expires}.{_sign(secret, purpose, typed, expires)}"


def _name_signed(secret: str, purpose: str, value: str | None, now: float | None) -> str | None:
    try:
        typed, expires, signature = (value or "").split(".")
        if int(expires) < (now or time.time()):
            return None
        if not hmac.compare_digest(_sign(secret, purpose, typed, expires), signature):
            return None
        return base64.urlsafe_b64decode(typed + "=" * (-len(typed) % 4)).decode()
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None


def token(secret: str, purpose: str, user: User) -> str:
    """An API ("api") or feed ("feed") token for ``user``."""
    return f"{user.id}.{_sign(secret, purpose, user.id, *user.signed(purpose))}"


def _user(row: dict[str, object] | None) -> User | None:
    if row is None:
        return None
    return User(id=int(row["id"]), name=str(row["name"]), is_admin=bool(row["is_admin"]),  # type: ignore[call-overload]
                password_hash=str(row["password_hash"]))


def user_by_id(store: SQLStore, user_id: int) -> User | None:
    user = _user(store.get_user(user_id=user_id))
    if user is None:
        return None
    generations = [store.get_meta(key.format(user.id)) for key in (SESSIONS_KEY, TOKENS_KEY)]
    sessions, tokens = (int(g) if g and g.isdigit() else 0 for g in generations)
    return replace(user, sessions=sessions, tokens=tokens)


_MAX_ID = 2**63 - 1  # what the database's integers hold; a forged larger id is no user


def check_session(store: SQLStore, secret: str, value: str | None, *, now: float | None = None) -> User | None:
    """The user a session cookie belongs to; None when missing, forged, expired or outdated."""
    try:
        user_id, expires, signature = (value or "").split(".")
        if int(expires) < (now or time.time()) or not 0 < int(user_id) <= _MAX_ID:
            return None
        user = user_by_id(store, int(user_id))
    except ValueError:
        return None
    if user is None or user.password_hash == NO_PASSWORD:
        return None
    expected = _sign(secret, "session", user.id, expires, *user.signed("session"))
    return user if hmac.compare_digest(expected, signature) else None


def check_token(store: SQLStore, secret: str, purpose: str, value: str | None) -> User | None:
    """The user an API or feed token belongs to, if it is valid."""
    try:
        user_id, signature = (value or "").split(".")
        if not 0 < int(user_id) <= _MAX_ID:
            return None
        user = user_by_id(store, int(user_id))
    except ValueError:
        return None
    if user is None or user.password_hash == NO_PASSWORD:
        return None
    return user if hmac.compare_digest(_sign(secret, purpose, user.id, *user.signed(purpose)), signature) else None


class LoginLimiter:
    """At most ``attempts`` failed sign-ins per key in ``window`` seconds. The app keeps two:
    per client address (5), and per user name (50: across addresses, so that one address
    guessing cannot lock the user out, yet guessing from many is bounded)."""

    def __init__(self, attempts: int = 5, window: float = 900.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, keys: list[str], *, now: float | None = None) -> int:
        """Seconds to wait before another try; 0 when allowed."""
        now = time.monotonic() if now is None else now
        waits = [times[0] + self.window - now for key in keys
                 if len(times := self._recent(key, now)) >= self.attempts]
        return int(max(waits, default=0)) + (1 if waits else 0)

    def failed(self, keys: list[str], *, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for key in keys:
            self._recent(key, now).append(now)
        if len(self._failures) > 10_000:  # forget the oldest keys rather than grow without bound
            for key in list(self._failures)[:5_000]:
                del self._failures[key]


def ensure_local_user(store: SQLStore) -> User:
    """The built-in user of open mode (it cannot sign in)."""
    user = _user(store.get_user(name=LOCAL_USER))
    if user is None:
        store.add_user(LOCAL_USER, NO_PASSWORD, is_admin=True)
        user = _user(store.get_user(name=LOCAL_USER))
    assert user is not None
    return user


def turn_sign_in_off(store: SQLStore) -> list[str]:
    """Sign-in off, as asked for (``progleton sign-in off``): every account's password is
    removed, so its sessions and tokens stop working and the reader is open again, and what the
    admin read, starred, followed and saved goes back to the local user of open mode, whence it
    came when sign-in was turned on. The names of the accounts that had a password."""
    local = ensure_local_user(store)
    names = store.remove_passwords()
    admin = store.get_user(name="admin")
    if admin is not None:
        store.hand_over_state(int(admin["id"]), local.id)
    return names


def auth_required(request: Request) -> bool:
    """Whether sign-in is on (some user has a password); cached on the app, refreshed on changes."""
    return sign_in_on(request.app.state)


def sign_in_on(state: Any) -> bool:
    """:func:`auth_required` from the app's state, for code that has no request (middleware)."""
    if state.auth_required is None:
        state.auth_required = state.progleton.store.count_users() > 0
    return bool(state.auth_required)


def current_user(request: Request) -> User | None:
    """Who is asking: the local user in open mode; else from the session, API or feed token."""
    if "user" in request.state._state:
        return request.state.user  # type: ignore[no-any-return]
    state = request.app.state
    store, secret = state.progleton.store, state.secret_key
    user: User | None
    if not auth_required(request):
        user = state.local_user
    else:
        user = check_session(store, secret, request.cookies.get(SESSION_COOKIE))
        bearer = request.headers.get("authorization", "")
        path = request.url.path
        if user is None and path.startswith("/api/") and bearer.lower().startswith("bearer "):
            user = check_token(store, secret, "api", bearer[7:].strip())
        if user is None and path.startswith("/feeds/"):
            user = check_token(store, secret, "feed", request.query_params.get("token") or _basic_password(bearer))
    request.state.user = user
    return user


class SignInRequired(Exception):
    """Raised by ``require_user`` on a page: the app answers with a redirect to /login."""


def require_user(request: Request) -> User:
    """FastAPI dependency: the user, or 401 (API, feeds) / a redirect to sign in (pages)."""
    from fastapi import HTTPException

    user = current_user(request)
    if user is not None:
        return user
    path = request.url.path
    authorization = request.headers.get("authorization", "")
    if path.startswith("/api/"):
        if authorization.lower().startswith("bearer "):  # RFC 6750: the token sent is no good
            raise HTTPException(status_code=401, detail=API_TOKEN_INVALID,
                                headers={"www-authenticate": 'Bearer error="invalid_token"'})
        raise HTTPException(status_code=401, detail="Sign-in required: send an API token as "
                            "'Authorization: Bearer TOKEN' (see /account).",
                            headers={"www-authenticate": "Bearer"})
    if path.startswith("/feeds/"):
        sent = ("address" if request.query_params.get("token") else
                "basic" if authorization.strip().lower().startswith("basic") else None)
        raise HTTPException(status_code=401, detail=feed_token_needed(sent), headers={"www-authenticate": FEED_CHALLENGE})
    raise SignInRequired()


API_TOKEN_INVALID = ("This API token is not valid any more: new tokens were made on the account page, or the "
                     "password was changed. Sign in to the reader and copy the current API token from your "
                     "account page (/account).")


# Feed readers that keep a user name and password for a feed (most do) send them with HTTP Basic
# authentication: the password is the feed token, so the token need not sit in the address.
FEED_CHALLENGE = 'Basic realm="Progleton feeds", charset="UTF-8"'


def _basic_password(authorization: str) -> str | None:
    """The password of an HTTP Basic ``Authorization`` header (any user name), if it has one."""
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None
    return decoded.partition(":")[2] or None


def feed_token_needed(sent: str | None) -> str:
    """What a feed asked for without a valid feed token says (in plain text: a feed reader shows
    it); ``sent`` is how a token that did not work came: in the "address" (``?token=``), as a
    "basic" password, or None."""
    why = {"address": "This feed address's token no longer works (new tokens were made, or the password was "
                      "changed).",
           "basic": "The password sent for this feed is not its feed token. The password a feed reader sends "
                    "is the feed token from your account page (/account), not the account's password (a token "
                    "made before new tokens were made, or before the password was changed, no longer works).",
           }.get(sent or "", "This feed needs a feed token: sign-in is on.")
    return (f"{why} To get the address with your token, sign in to the reader and copy the feed's "
            "link (Atom, RSS or JSON Feed) from its page, or from your account page (/account). A feed "
            "reader that asks for a user name and password can take the plain address instead, with "
            "the feed token as the password.")


def safe_next(target: str | None) -> str:
    """A redirect target that stays on this site (pure)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
