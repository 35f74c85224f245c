"""The web app factory: pages, JSON API, output feeds, security, background updates."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib.resources import files
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlencode, urlsplit

import nh3
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..exceptions import GroupingBusy, NotFound, StoryMerged
from ..explain import probability_text
from ..json_out import story_path as story_path  # for the pages and feeds
from ..store.failures import database_failure
from ..timefmt import duration_words, time_ago, time_until
from .accounts import (
    LOCAL_USER,
    NO_PASSWORD,
    LoginLimiter,
    SignInRequired,
    auth_required,
    current_user,
    ensure_local_user,
    hash_password,
    require_user,
    sign_in_on,
    token,
    verify_password,
)
from .images import ImageCache, image_path
from .search import mark_matches
from .security import SecurityMiddleware, open_mode_host
from .unavailable import DatabaseUnavailable

if TYPE_CHECKING:
    from ..core import Progleton
    from ..types import SourceUpdate, UpdateResult

log = logging.getLogger("progleton.web")
WEB_DIR = files("progleton.web")


def marks_only(highlight: str) -> Markup:
    """A search highlight as markup: every tag but <mark> removed (belt and braces)."""
    return Markup(nh3.clean(highlight, tags={"mark"}, attributes={}))


def shown_image(secret: str, url: str | None, failing: Callable[[str], bool] = lambda url: False) -> str:
    """An outlet's image as the page shows it (:func:`~progleton.web.images.image_path`), or ""
    where it failed lately (``failing``): the page leaves out a picture known to be broken."""
    return "" if url and failing(url) else image_path(secret, url)


def clean_html(article_html: str, secret: str, failing: Callable[[str], bool] = lambda url: False) -> Markup:
    """Article HTML as markup, sanitized once more at the door (the pipeline did it first);
    its images are served through ``/images``, and those that failed lately lose their address."""

    def through_page(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            return shown_image(secret, value, failing) or None
        if element == "img" and attribute == "srcset":
            return None
        return value

    return Markup(nh3.clean(article_html, link_rel="noopener noreferrer nofollow",
                            attribute_filter=through_page))


# Languages written right to left (ISO 639-1, as extraction reports them).
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "sd", "ug", "ckb"})


def text_direction(language: str | None) -> str:
    """An article's ``dir``: "rtl" for Arabic, Hebrew, Persian, Urdu…; else "auto", which lets
    the browser read the direction from the text itself."""
    return "rtl" if (language or "").split("-")[0].lower() in RTL_LANGUAGES else "auto"


def language_attributes(language: str | None) -> Markup:
    """An outlet's text's ``lang`` and ``dir`` attributes, with a leading space; an unknown
    language gives ``dir="auto"`` alone, the direction read from the text."""
    if not language:
        return Markup(' dir="auto"')
    return Markup(' lang="{}" dir="{}"').format(language, text_direction(language))


def make_templates(secret: str, failing_image: Callable[[str], bool] = lambda url: False) -> Environment:
    """The Jinja2 environment: autoescape on for everything, strict about missing names;
    ``failing_image`` tells the images to leave out (the image proxy's failures)."""
    env = Environment(loader=FileSystemLoader(str(WEB_DIR / "templates")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["time_ago"] = lambda dt, now: time_ago(dt, now)
    env.filters["time_until"] = lambda dt, now: time_until(dt, now)
    env.filters["duration"] = duration_words
    env.filters["story_path"] = story_path
    env.filters["q"] = lambda s: quote(str(s), safe="")
    env.filters["marks_only"] = marks_only
    env.filters["clean_html"] = lambda html: clean_html(html, secret, failing_image)
    env.filters["img"] = lambda url: shown_image(secret, url, failing_image)
    env.filters["mark_matches"] = mark_matches
    env.filters["iso"] = lambda dt: dt.isoformat() if dt else ""
    env.filters["text_dir"] = text_direction
    env.filters["lang_dir"] = language_attributes
    env.filters["probability"] = probability_text
    env.filters["longdate"] = lambda dt: dt.strftime("%-d %B %Y, %H:%M UTC") if dt else ""
    return env


def feed_link(request: Request, path: str, **params: str) -> str:
    """An output feed's address; with sign-in on, it carries the user's feed token."""
    user = current_user(request) if auth_required(request) else None
    if user is not None:
        params["token"] = token(request.app.state.secret_key, "feed", user)
    return path + ("?" + urlencode(params) if params else "")


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with what every page needs (now, CSRF token, the user, the current path).

    No page is kept by the browser (``Cache-Control: no-store``): Back and Forward show a page
    from its cache without asking, so a story was shown as it was before a star, a merge or
    its undo, and the account page with its tokens after signing out."""
    env: Environment = request.app.state.templates
    signed_in = auth_required(request)
    page = env.get_template(template).render(
        request=request, now=datetime.now(UTC), csrf_token=request.state.csrf_token,
        path=request.url.path, auth=signed_in, me=current_user(request) if signed_in else None,
        feed=lambda path, **params: feed_link(request, path, **params), **context,
    )
    return HTMLResponse(page, status_code=status_code, headers={"cache-control": "no-store"})


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _wants_plain(request: Request) -> bool:
    """Output feeds and images answer an error in plain text: a feed reader shows an HTML
    page as a broken feed, and an image has no page to show."""
    return request.url.path.startswith(("/feeds/", "/images"))


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    if _wants_plain(request):
        return PlainTextResponse(message + "\n", status_code=status)
    titles = {400: "That request didn't make sense", 401: "Sign-in required", 403: "Not allowed",
              404: "Nothing here", 405: "Not allowed", 422: "That request didn't make sense",
              503: "Busy grouping stories"}
    return render(request, "error.html", status_code=status, status=status,
                  title=titles.get(status, "Something went wrong"), message=message)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired) -> Response:
        if request.method not in ("GET", "HEAD") and request.headers.get("sec-fetch-mode", "navigate") != "navigate":
            # sent by the page's script: refused, and the script sends the form itself, to here
            return PlainTextResponse("Sign in first.\n", status_code=401)
        if request.method not in ("GET", "HEAD"):
            # a form sent once the session had ended: the page it was sent from comes back after
            # signing in, saying it was not done (the form's address was next, a 405 once there)
            query = {"next": _page_sent_from(request), "again": "1"}
            return RedirectResponse("/login?" + urlencode(query), status_code=303)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        if isinstance(exc, StoryMerged) and request.method in ("GET", "HEAD"):
            # permanent for feed readers and bookmarks, but not kept by a browser: a merge can
            # be undone, and a kept 301 led the story's address to the other story for good
            return RedirectResponse(_successor_url(request, exc), status_code=301,
                                    headers={"cache-control": "no-store"})
        return _error(request, 404, str(exc))

    @app.exception_handler(GroupingBusy)
    async def busy(request: Request, exc: GroupingBusy) -> Response:
        # a move or merge while an update groups its new articles for longer than it waits
        response = _error(request, 503, str(exc))
        response.headers["retry-after"] = "30"
        return response

    @app.exception_handler(OverflowError)
    async def too_large(request: Request, exc: OverflowError) -> Response:
        # an id past what the database can hold (a 20-digit number): no such thing
        return _error(request, 404, "There is nothing with that number.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "Error"
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no page at this address."
        response = _error(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            body = getattr(request.scope.get("route"), "body_field", None)
            model = getattr(getattr(body, "field_info", None), "annotation", None)
            return JSONResponse({"detail": jsonable_errors(exc, model)}, status_code=422)
        return _error(request, 400, "Some of the values in this address or form are not valid.")


HEAD_ASKED = "progleton.head"  # in a request's scope: a HEAD answered as a GET (:class:`HeadAsGet`)


class HeadAsGet:
    """HEAD answered as GET without the body, for link checkers and feed readers that ask
    first (the routes are declared for GET only, and would answer 405)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        # marked, so that a page that records a visit (an article read) can tell it from one
        await self.app({**scope, "method": "GET", HEAD_ASKED: True}, receive, without_body)


def _page_sent_from(request: Request) -> str:
    """The page of this site a form was sent from (its Referer), else the front page."""
    sent_from = urlsplit(request.headers.get("referer", ""))
    if sent_from.netloc.lower() != request.headers.get("host", "").lower() or not sent_from.path.startswith("/"):
        return "/"
    return sent_from.path + (f"?{sent_from.query}" if sent_from.query else "")


def _successor_url(request: Request, merged: StoryMerged) -> str:
    """The address asked for, with the merged story's id replaced by its successor's (a story
    page, its feed, its merge page, the API's story): bookmarks and subscriptions live on."""
    old, new = merged.story_id, merged.successor
    segments = [quote(new, safe="") if unquote(seg) == old else seg for seg in request.url.path.split("/")]
    query = urlencode([(k, new if v == old else v) for k, v in request.query_params.multi_items()])
    return "/".join(segments) + (f"?{query}" if query else "")


def jsonable_errors(exc: RequestValidationError, body_model: Any = None) -> list[dict[str, Any]]:
    """The validation errors as the API answers them; a field the body does not take is named,
    with the fields ``body_model`` (the route's request model) takes."""
    fields = ", ".join(getattr(body_model, "model_fields", {}))

    def message(e: Any) -> str:
        if e.get("type") == "extra_forbidden" and e.get("loc"):
            return f"unknown field {e['loc'][-1]!r}" + (f": this request takes {fields}" if fields else "")
        return str(e.get("msg", ""))

    return [{"loc": list(e.get("loc", ())), "msg": message(e), "type": str(e.get("type", ""))}
            for e in exc.errors()]


async def update_loop(progleton: Progleton, every_minutes: float,
                      on_update: Callable[[UpdateResult], None] | None = None,
                      on_stopped: Callable[[int], None] | None = None) -> None:
    """Update due sources forever, calling ``on_update`` with each result; an error is logged
    and the loop goes on. Cancelled (the server stops) in the middle of an update, the update
    writes what the sources it had done brought and gives back the others, as a stopped
    ``progleton update`` does, and ``on_stopped`` is called with how many it had done."""
    while True:
        done: list[SourceUpdate] = []
        try:
            result = await progleton.update_async(due_only=True, progress=done.append)
            log.info("update done new_articles=%d errors=%d", result.new_articles, len(result.errors))
            if on_update is not None:
                on_update(result)
        except asyncio.CancelledError:
            if on_stopped is not None:
                on_stopped(len(done))
            raise
        except Exception as exc:
            if database_failure(exc) is None:
                log.exception("update failed")
            else:  # said in words, naming the database, and tried again at the next turn
                log.error("update failed: %s", database_failure(exc, progleton.store.engine.url))
        await asyncio.sleep(every_minutes * 60 if every_minutes > 0 else 60)


def set_admin_password(progleton: Progleton, password: str) -> None:
    """Create the admin account, or change its password (kept as is when it already matches).

    The admin account takes over what the reader had read, starred, followed and saved in open
    mode (as the built-in local user) when sign-in is turned on, the first time or again after
    ``progleton sign-in off``, so nothing seems lost.
    """
    existing = progleton.store.get_user(name="admin")
    if existing is None or not verify_password(password, str(existing["password_hash"])):
        admin = progleton.store.add_user("admin", hash_password(password), is_admin=True)
        local = progleton.store.get_user(name=LOCAL_USER)
        if (existing is None or existing["password_hash"] == NO_PASSWORD) and local is not None:
            progleton.store.hand_over_state(int(local["id"]), admin)


def create_app(progleton: Progleton, *, background_updates: bool = False, secure_cookies: bool = False,
               admin_password: str | None = None,
               on_update: Callable[[UpdateResult], None] | None = None,
               on_stopped: Callable[[int], None] | None = None) -> FastAPI:
    """The web reader and JSON API on one Progleton.

    With ``background_updates`` the app updates due sources every
    ``settings.update_every_minutes`` while it runs, calling ``on_update`` with each result
    (``serve`` prints a line), and ``on_stopped`` with the sources done when the app stops in
    the middle of one (:func:`update_loop`). ``admin_password`` (default: the
    ``admin_password`` setting, e.g. ``PROGLETON_ADMIN_PASSWORD``) turns sign-in on; ``secure_cookies``
    marks cookies Secure (serve over HTTPS).
    """
    from . import api, feeds_out, images, pages, pages_account, pages_sources, pages_state

    admin_password = admin_password if admin_password is not None else progleton.settings.admin_password
    if admin_password:
        set_admin_password(progleton, admin_password)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = None
        if background_updates:
            every = float(progleton.settings.update_every_minutes)
            task = asyncio.create_task(update_loop(progleton, every, on_update, on_stopped))
        try:
            yield
        finally:
            if app.state.image_fetcher is not None:
                await app.state.image_fetcher.close()
                app.state.image_fetcher = None
            if task is not None:
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass

    app = FastAPI(title="Progleton", version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                  description="Progleton's JSON API: sources, stories, articles and search.")
    app.state.progleton = progleton
    app.state.secret_key = progleton.secret_key()
    app.state.image_cache = ImageCache()
    app.state.templates = make_templates(app.state.secret_key, app.state.image_cache.failed_lately)
    app.state.image_fetcher = None
    app.state.image_lock = asyncio.Lock()
    app.state.local_user = ensure_local_user(progleton.store)
    app.state.auth_required = None
    app.state.login_limiter = LoginLimiter()  # per client address
    app.state.name_limiter = LoginLimiter(attempts=50)  # per user name, across addresses
    app.state.secure_cookies = secure_cookies
    web_hosts = frozenset(h.strip().lower() for h in str(progleton.settings.web_hosts).split(",") if h.strip())

    def host_allowed(host: str) -> bool:  # any host once sign-in is on: a rebinding page has no session
        # the address first: it needs no database, which may be the thing that fails
        return open_mode_host(host, web_hosts) or sign_in_on(app.state)

    def unavailable_page(path: str, title: str, message: str) -> str:
        # nothing read from the database (the reader's name, sign-in): it is what failed
        return str(app.state.templates.get_template("error.html").render(
            path=path, me=None, status=503, title=title, message=message))

    # inside the security middleware: its headers go on the 503 too
    app.add_middleware(DatabaseUnavailable, database=lambda: progleton.store.engine.url, page=unavailable_page)
    app.add_middleware(SecurityMiddleware, secret=lambda: app.state.secret_key,
                       secure_cookies=secure_cookies, host_allowed=host_allowed)
    app.add_middleware(HeadAsGet)
    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    signed_in = [Depends(require_user)]
    app.include_router(api.router, dependencies=signed_in)
    app.include_router(feeds_out.router, dependencies=signed_in)
    app.include_router(images.router, dependencies=signed_in)  # with sign-in on, for signed-in readers only
    app.include_router(pages_account.router)
    app.include_router(pages_state.router)
    app.include_router(pages_sources.router, dependencies=signed_in)
    app.include_router(pages.router, dependencies=signed_in)
    return app
