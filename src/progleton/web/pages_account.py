"""Signing in and out, and the account page with the API and feed tokens."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .accounts import (
    FAILED_SIGN_IN_COOKIE,
    FAILED_SIGN_IN_SECONDS,
    LIMITED_SIGN_IN_COOKIE,
    SESSION_COOKIE,
    SESSION_SECONDS,
    SESSIONS_KEY,
    TOKENS_KEY,
    User,
    auth_required,
    current_user,
    failed_sign_in,
    failed_sign_in_name,
    limited_sign_in,
    limited_sign_in_name,
    new_generation,
    require_user,
    safe_next,
    session_value,
    token,
    user_by_id,
    verify_password,
)
from .app import render
from .pages import progleton_of
from .security import require_csrf

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def _client_key(request: Request) -> list[str]:
    return [f"ip:{request.client.host if request.client else 'unknown'}"]


def _name_key(name: str) -> list[str]:
    """The name as the account is looked up: " Admin " is admin."""
    return [f"user:{name.strip().lower()}"]


FAILED_SIGN_IN = "That name and password do not match."  # whether or not there is such an account


def _wait(request: Request, name: str | None) -> int:
    """Seconds before this client may try to sign in again (as ``name``, when one was typed)."""
    state = request.app.state
    waits: list[int] = [state.login_limiter.retry_after(_client_key(request))]
    if name is not None:
        waits.append(state.name_limiter.retry_after(_name_key(name)))
    return max(waits)


def _too_many(wait: int) -> str:
    minutes = -(-wait // 60)
    return f"Too many failed attempts; try again in {minutes} minute{'' if minutes == 1 else 's'}."


@router.get("/login")
def login_page(request: Request, next: str = "/", again: str = "") -> Response:
    """The sign-in form. A sign-in that has just failed is said once, with the name that was
    typed (login() led here to say it). While too many failed attempts keep this client (or
    the name it typed) from trying, the page says for how long and answers 429 with
    Retry-After, however often it is loaded: the form's answer was a 303 to here, and a script
    that follows it sees the 429 as a browser's reader sees the message."""
    request.app.state.auth_required = None  # read again: `progleton sign-in off` may have run since
    if not auth_required(request):
        return RedirectResponse("/", status_code=303)
    secret = request.app.state.secret_key
    failed = failed_sign_in_name(secret, request.cookies.get(FAILED_SIGN_IN_COOKIE))
    limited = limited_sign_in_name(secret, request.cookies.get(LIMITED_SIGN_IN_COOKIE))
    typed = limited if limited is not None else failed
    wait = _wait(request, typed)
    errors = ([FAILED_SIGN_IN] if failed is not None else []) + ([_too_many(wait)] if wait else [])
    # the only account sign-in makes is "admin": the name is filled in, the password asked for;
    # ``again``: a form was sent once the session had ended, and not done
    page = render(request, "login.html", status_code=429 if wait else 200, next=safe_next(next),
                  name="admin" if typed is None else typed, error=" ".join(errors), again=again == "1")
    if wait:
        page.headers["retry-after"] = str(wait)
    if FAILED_SIGN_IN_COOKIE in request.cookies:
        page.delete_cookie(FAILED_SIGN_IN_COOKIE, path="/login")
    if LIMITED_SIGN_IN_COOKIE in request.cookies and not wait:
        page.delete_cookie(LIMITED_SIGN_IN_COOKIE, path="/login")
    return page


@router.post("/login", dependencies=[Depends(require_csrf)], response_model=None)
def login(request: Request, name: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)], next: Annotated[str, Form()] = "/") -> Response:
    """Check the password (rate limited) and start a session. A wrong one, or one sent while
    too many failed attempts keep the client or the name from trying, leads back to the
    sign-in page (303), which says so (and answers 429 while the limit holds): the answer to
    the form is no page of its own, which reloading would send again (the browser asked
    whether to)."""
    state = request.app.state
    wait = _wait(request, name)
    if wait:
        refused = _back_to_sign_in(next)
        _set_login_cookie(refused, LIMITED_SIGN_IN_COOKIE, limited_sign_in(state.secret_key, name, wait),
                          wait, state.secure_cookies)
        return refused
    row = progleton_of(request).store.get_user(name=name.strip().lower()) or \
        progleton_of(request).store.get_user(name=name.strip())
    user = user_by_id(progleton_of(request).store, int(row["id"])) if row else None
    if user is None or not verify_password(password, user.password_hash):
        state.login_limiter.failed(_client_key(request))
        state.name_limiter.failed(_name_key(name))
        failed = _back_to_sign_in(next)
        _set_login_cookie(failed, FAILED_SIGN_IN_COOKIE, failed_sign_in(state.secret_key, name),
                          FAILED_SIGN_IN_SECONDS, state.secure_cookies)
        return failed
    answer = RedirectResponse(safe_next(next), status_code=303)
    answer.set_cookie(SESSION_COOKIE, session_value(state.secret_key, user), max_age=SESSION_SECONDS,
                      httponly=True, samesite="lax", secure=state.secure_cookies, path="/")
    return answer


def _back_to_sign_in(next: str) -> RedirectResponse:
    target = safe_next(next)
    return RedirectResponse("/login" + (f"?{urlencode({'next': target})}" if target != "/" else ""), status_code=303)


def _set_login_cookie(answer: Response, cookie: str, value: str, seconds: int, secure: bool) -> None:
    """A cookie for the sign-in page alone (path /login), that no script reads."""
    answer.set_cookie(cookie, value, max_age=seconds, httponly=True, samesite="strict", secure=secure, path="/login")


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request) -> RedirectResponse:
    """Sign out: every session of this account ends, here and on other devices (a copied
    cookie no longer opens anything)."""
    user = current_user(request)
    if user is not None and auth_required(request):
        new_generation(progleton_of(request).store, SESSIONS_KEY, user)
    answer = RedirectResponse("/login" if auth_required(request) else "/", status_code=303)
    answer.delete_cookie(SESSION_COOKIE, path="/")
    return answer


@router.post("/account/tokens", dependencies=[Depends(require_csrf)])
def new_tokens(request: Request, user: Annotated[User, Depends(require_user)]) -> RedirectResponse:
    """Make new API and feed tokens: the old ones stop working (a leaked token is revoked)."""
    if auth_required(request):
        new_generation(progleton_of(request).store, TOKENS_KEY, user)
    return RedirectResponse("/account?notice=tokens", status_code=303)


@router.get("/account")
def account_page(request: Request, user: Annotated[User, Depends(require_user)]) -> HTMLResponse:
    secret = request.app.state.secret_key
    signed_in = auth_required(request)
    return render(request, "account.html", user=user, signed_in=signed_in,
                  api_token=token(secret, "api", user) if signed_in else "",
                  feed_token=token(secret, "feed", user) if signed_in else "")
