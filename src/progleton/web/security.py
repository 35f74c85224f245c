"""Safety of the web app: security headers on every response, CSRF tokens, same-origin checks.

CSRF uses a signed double submit: a random token lives in an HttpOnly, SameSite=Strict
cookie and every form carries ``HMAC(secret, cookie token)``. Unsafe requests that a
browser marks cross-site are refused before they reach a route.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from fastapi import Form, HTTPException, Request

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)
CSRF_COOKIE = "progleton_csrf"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def csrf_form_token(secret: str, cookie_token: str) -> str:
    """The token a form must carry for a given cookie token (pure)."""
    return hmac.new(secret.encode(), cookie_token.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: str, cookie_token: str | None, form_token: str | None) -> bool:
    """Whether a submitted form token matches the browser's cookie token (pure)."""
    if not cookie_token or not form_token:
        return False
    return hmac.compare_digest(csrf_form_token(secret, cookie_token), form_token)


def cross_site(method: str, headers: dict[str, str]) -> bool:
    """Whether an unsafe request comes from another origin (pure).

    Sec-Fetch-Site decides when the browser sends it (only "same-origin" and "none", a
    request the user made directly, pass); otherwise a present Origin must match Host.
    Clients that send neither (curl, scripts) pass: forms still need their CSRF token.
    """
    if method not in UNSAFE_METHODS:
        return False
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if not origin:
        return False
    if origin == "null":
        return True
    return urlsplit(origin).netloc.lower() != headers.get("host", "").lower()


def _cookie(headers: dict[str, str], name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is the browser's problem, not a 500
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


class SecurityMiddleware:
    """Adds the security headers to every response, refuses cross-site unsafe requests,
    and hands each browser a CSRF cookie (``request.state.csrf_token`` is the form token)."""

    def __init__(self, app: ASGIApp, *, secret: Callable[[], str], secure_cookies: bool = False,
                 host_allowed: Callable[[str], bool] = lambda host: True) -> None:
        self.app = app
        self.secret = secret
        self.secure_cookies = secure_cookies
        self.host_allowed = host_allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cookie_token = _cookie(headers, CSRF_COOKIE)
        new_cookie = cookie_token is None or len(cookie_token) < 20
        if new_cookie:
            cookie_token = secrets.token_urlsafe(24)
        state = scope.setdefault("state", {})
        state["csrf_cookie"] = cookie_token
        state["csrf_token"] = csrf_form_token(self.secret(), str(cookie_token))

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = list(SECURITY_HEADERS)
                if new_cookie:
                    flags = "; HttpOnly; SameSite=Strict; Path=/" + ("; Secure" if self.secure_cookies else "")
                    extra.append((b"set-cookie", f"{CSRF_COOKIE}={cookie_token}{flags}".encode()))
                names = {k for k, _ in extra if k != b"set-cookie"}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + extra
            await send(message)

        if cross_site(scope["method"], headers):
            await _forbidden(send_with_headers, "cross-site request refused")
            return
        if not self.host_allowed(headers.get("host", "")):
            why = ("This Progleton does not answer to that host name without sign-in: add it to the "
                   "web_hosts setting, or set an admin password.")
            if str(scope.get("path", "")).startswith("/api/"):  # the API's errors are JSON
                await _plain(send_with_headers, 421, json.dumps({"detail": why}), "application/json")
            else:
                await _plain(send_with_headers, 421, why)
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # a bug: logged in full, and the reader gets a plain 500 that carries the security
            # headers too (the server's own error page would go out without them)
            log.exception("request failed", extra={"path": scope.get("path")})
            if started:
                raise
            text = "Something went wrong on our side; the error is logged."
            if str(scope.get("path", "")).startswith("/api/"):
                await _plain(send_with_headers, 500, json.dumps({"detail": text}), "application/json")
            else:
                await _plain(send_with_headers, 500, text)


def open_mode_host(host_header: str, names: frozenset[str]) -> bool:
    """Whether a reader without sign-in answers to this Host: an address (127.0.0.1, a LAN
    address), localhost, or a name in ``names``. A DNS-rebinding page reaches the reader under
    its own domain name, so that name is refused and it can read and change nothing."""
    host = (urlsplit("//" + host_header).hostname or "").rstrip(".").lower()
    if host in names or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def _forbidden(send: Send, text: str) -> None:
    await _plain(send, 403, text)


async def _plain(send: Send, status: int, text: str, content_type: str = "text/plain") -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", f"{content_type}; charset=utf-8".encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def require_csrf(request: Request, csrf_token: str = Form("")) -> None:
    """FastAPI dependency for HTML form routes: a missing or wrong token is a 403."""
    secret = request.app.state.secret_key
    if not csrf_valid(secret, request.state.csrf_cookie, csrf_token):
        raise HTTPException(status_code=403, detail="The form expired or came from elsewhere; "
                                                    "reload the page and try again.")
