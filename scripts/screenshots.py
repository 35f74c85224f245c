"""Screenshots of the reader's main pages, from the bundled demo ingested through the pipeline.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]     (default: docs/screenshots)

Needs Debian's /usr/bin/chromium and the playwright package; never leaves 127.0.0.1.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.web.live import live_server  # noqa: E402
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, stay_local  # noqa: E402

from progleton.core import make_progleton  # noqa: E402
from progleton.demo import DemoServer, feed_urls  # noqa: E402
from progleton.web import create_app  # noqa: E402


def ingest_demo(db_url: str, server: DemoServer) -> Any:
    """A Progleton holding the demo outlets, fetched and grouped by the real pipeline."""
    p = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    for url in feed_urls(server.base_url):
        p.store.add_source(url, groups=["demo"])
    result = p.update(due_only=False)
    print(f"ingested {result.new_articles} articles, {len(result.errors)} failed source(s)")
    return p


def shoot(base: str, out: Path, p: Any) -> None:
    from playwright.sync_api import sync_playwright

    stories = p.stories(limit=50)
    story = max(stories, key=lambda s: (s.outlet_count > s.independent_count, s.outlet_count))
    detail = p.story(story.id)
    article = max(detail.articles, key=lambda a: a.word_count)
    pages = {"front": "/", "story": f"/stories/{story.id}", "article": f"/articles/{article.id}",
             "sources": "/sources", "search": "/search?q=" + story.title.split()[0],
             "merge": "/merge?story=" + _q(max(stories, key=lambda s: len(p.related_stories(s.id))).id)}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for scheme, suffix, viewport in (("light", "", {"width": 1280, "height": 900}),
                                         ("dark", "-dark", {"width": 1280, "height": 900}),
                                         ("light", "-phone", {"width": 390, "height": 844})):
            context = browser.new_context(base_url=base, color_scheme=scheme, viewport=viewport)
            stay_local(context, placeholder_images=False)
            page = context.new_page()
            for name, url in pages.items():
                if suffix and name not in ("front", "story"):
                    continue
                page.goto(url.replace(story.id, _q(story.id)))
                page.wait_for_load_state("networkidle")
                path = out / f"{name}{suffix}.png"
                page.screenshot(path=str(path), full_page=name != "front" or suffix == "-phone")
                print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            context.close()
        browser.close()


def _q(story_id: str) -> str:
    from urllib.parse import quote

    return quote(story_id, safe="")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, DemoServer().start() as server:
        p = ingest_demo(f"sqlite:///{tmp}/demo.db", server)
        with live_server(create_app(p)) as base:
            shoot(base, out, p)
        p.close()


if __name__ == "__main__":
    main()
