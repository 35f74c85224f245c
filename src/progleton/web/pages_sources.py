"""The sources page: health of every source, add, remove, OPML import and export."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..core import Progleton
from ..exceptions import FeedParseError, FetchError, NotFound, masked_passwords
from ..types import Source
from .app import render
from .pages import progleton_of
from .security import require_csrf

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
MAX_OPML_BYTES = 5_000_000
NOTICES = {
    "added": "The source was added; its articles arrive with the next update.",
    "exists": "You already follow that source.",
    "removed": "The source was removed.",
    "imported": "The OPML file was imported.",
    "grouped": "The source's groups were saved.",
}


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def split_groups(text: str) -> list[str]:
    """Groups typed as "Europe, public broadcasters" → ["Europe", "public broadcasters"]."""
    return [g.strip() for g in text.split(",") if g.strip()][:20]


def _n(n: int, noun: str, plural: str = "") -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def update_notice(sources: int, new: int, entries: int, failed: int, skipped: int) -> str:
    """What "Update all now" came to, as `progleton update` says it: the sources updated of
    those fetched, what was new, those that failed, and those skipped because their server had
    asked for time (rate limited: they are not asked until it has passed)."""
    if not sources and not skipped:
        return "Nothing was updated: no source is followed yet."
    held = f"{'its server' if skipped == 1 else 'their servers'} asked for time"
    return (f"{sources - failed} of {_n(sources, 'source')} updated: {_n(new, 'new article')} from "
            f"{_n(entries, 'new entry', 'new entries')}" + (f"; {failed} failed" if failed else "")
            + (f"; {skipped} skipped, as {held}" if skipped else "") + "."
            + (" Each one's error, or when it is due again, is below." if failed or skipped else ""))


def _sources_page(request: Request, *, status_code: int = 200, error: str = "",
                  url: str = "", groups: str = "") -> HTMLResponse:
    p = progleton_of(request)
    params = request.query_params
    notice = NOTICES.get(params.get("notice", ""), "")
    if params.get("notice") == "imported":
        new, known, skipped, repeated = (_count(params.get(k)) for k in ("new", "known", "skipped", "repeated"))
        notice = (f"The OPML file was imported: {new} new source{'' if new == 1 else 's'}, {known} already followed"
                  + (f"; {repeated} outline{'' if repeated == 1 else 's'} repeated, taken once" if repeated else "")
                  + (f"; {skipped} outline{'' if skipped == 1 else 's'} skipped (not a web address)." if skipped
                     else "."))
    if params.get("notice") == "exists" and (followed := _known_source(p, params.get("source"))) is not None:
        notice = f"You already follow that source: source {followed.id}, {followed.name}."
    if params.get("notice") == "updated":
        notice = update_notice(*(_count(params.get(k)) for k in ("sources", "new", "entries", "failed", "skipped")))
    return render(request, "sources.html", status_code=status_code, sources=p.sources(),
                  notice=notice, error=error, form={"url": url, "groups": groups})


def _known_source(p: Progleton, source_id: str | None) -> Source | None:
    """The source a notice names by its id, if there is one."""
    try:
        return p.store.get_source(int(source_id or ""))
    except (ValueError, NotFound):
        return None


@router.get("/sources")
def sources_page(request: Request) -> HTMLResponse:
    return _sources_page(request)


@router.post("/sources", dependencies=[Depends(require_csrf)], response_model=None)
async def add_source(request: Request, url: Annotated[str, Form(max_length=2000)],
                     groups: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Follow a feed or a site (its feed is found by autodiscovery)."""
    if not url.strip():
        return _sources_page(request, status_code=400, error="Type the address of a feed or a site.")
    try:
        source, created = await progleton_of(request).add_source_async(url, groups=split_groups(groups))
    except (FetchError, FeedParseError, ValueError) as exc:  # a FetchError says nothing was added
        # the form keeps the address as typed, to be corrected; the message shows no password
        return _sources_page(request, status_code=400, error=f"Could not add {masked_passwords(url)}: {exc}",
                             url=url, groups=groups)
    return RedirectResponse("/sources?notice=" + ("added" if created else f"exists&source={source.id}"),
                            status_code=303)


@router.post("/sources/{source_id}/remove", dependencies=[Depends(require_csrf)])
def remove_source(request: Request, source_id: int) -> RedirectResponse:
    progleton_of(request).remove_source(source_id)
    return RedirectResponse("/sources?notice=removed", status_code=303)


@router.post("/sources/{source_id}/groups", dependencies=[Depends(require_csrf)])
def set_groups(request: Request, source_id: int,
               groups: Annotated[str, Form(max_length=500)] = "") -> RedirectResponse:
    """Put a source in user-defined groups (by country, ownership, ...); they filter the front page."""
    store = progleton_of(request).store
    store.get_source(source_id)  # 404 for an unknown source
    store.set_source_groups(source_id, split_groups(groups))
    return RedirectResponse("/sources?notice=grouped", status_code=303)


@router.post("/sources/import", dependencies=[Depends(require_csrf)], response_model=None)
async def import_opml(request: Request, opml: UploadFile) -> Response:
    """Add every feed of an uploaded OPML file."""
    data = await opml.read(MAX_OPML_BYTES + 1)
    if len(data) > MAX_OPML_BYTES:
        return _sources_page(request, status_code=413, error="That OPML file is too large.")
    try:
        done = progleton_of(request).import_opml_file(data)
    except (FeedParseError, ValueError) as exc:
        return _sources_page(request, status_code=400, error=f"Could not read that OPML file: {exc}")
    new = sum(1 for _, created in done.added if created)
    query = urlencode({"notice": "imported", "new": new, "known": len(done.added) - new,
                       "skipped": len(done.skipped), "repeated": done.repeated})
    return RedirectResponse("/sources?" + query, status_code=303)


@router.post("/sources/update", dependencies=[Depends(require_csrf)])
async def update_now(request: Request) -> RedirectResponse:
    """Fetch every source now (not only the due ones, but none whose server asked for time)
    and say what came of it."""
    result = await progleton_of(request).update_async(due_only=False)
    query = urlencode({"notice": "updated", "sources": len(result.sources), "new": result.new_articles,
                       "entries": result.new_entries, "failed": len(result.errors), "skipped": len(result.held_back)})
    return RedirectResponse("/sources?" + query, status_code=303)


@router.get("/sources/export.opml")
def export_opml(request: Request) -> Response:
    return Response(progleton_of(request).export_opml(), media_type="text/x-opml; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="progleton.opml"'})
