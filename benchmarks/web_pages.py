"""Web reader speed: front page, a story page and a search on 100,000 articles in 20,000 stories.

    .venv/bin/python benchmarks/web_pages.py [--articles N] [--stories N] [--seconds S] [--db PATH]

Generates the SQLite database (bulk inserts through the store's tables, FTS index included),
serves it with uvicorn in a second process, loads each page with wrk from 127.0.0.1 for a
bounded time, and prints the server time per request (measured inside the server process,
p50/p95/p99) beside wrk's client-side latency. Goal (issue 6): server time p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

WORDS = [f"{a}{b}" for a in ("har", "vel", "mon", "kest", "dun", "ald", "mer", "nor", "tal", "ost", "bre", "cal")
         for b in ("bour", "ton", "mark", "rel", "ford", "wick", "gate", "mere", "ley", "stead", "holm", "by",
                   "dale", "port", "field", "wood", "ridge", "well", "stone", "brook")]
COMMON = ["council", "minister", "river", "ferry", "budget", "storm", "court", "strike", "election", "bridge",
          "harbour", "school", "hospital", "police", "railway", "airport", "festival", "museum", "market", "team"]


def _text(rng: random.Random, topic: list[str], n: int) -> str:
    return " ".join(rng.choice(topic) if rng.random() < 0.3 else rng.choice(WORDS + COMMON) for _ in range(n))


def generate(db_url: str, articles: int, stories: int, seed: int = 7) -> dict[str, Any]:
    """Fill a fresh database; returns a story id and a search query to load."""
    import sqlalchemy as sa

    from progleton.core import make_progleton
    from progleton.store import schema as t
    from progleton.stories import story_score

    rng = random.Random(seed)
    p = make_progleton(db_url)
    now = datetime.now(UTC)
    with p.store.engine.begin() as conn:
        conn.execute(t.sources.insert(), [{"id": i + 1, "url": f"https://outlet{i}.example/feed", "title": f"Outlet {i}",
                                           "added_at": now} for i in range(60)])
        conn.execute(t.source_groups.insert(), [{"source_id": i + 1, "name": f"group{i % 6}"} for i in range(60)])
    per_story = articles // stories
    article_id = 0
    for start in range(0, stories, 1000):
        story_rows, article_rows = [], []
        for s in range(start, min(stories, start + 1000)):
            topic = rng.sample(WORDS, 6) + rng.sample(COMMON, 2)
            last = now - timedelta(minutes=rng.randint(0, 60 * 24 * 30))
            members = []
            for k in range(per_story):
                article_id += 1
                when = last - timedelta(minutes=rng.randint(0, 600))
                source = rng.randint(1, 60)
                wire = members[0] if k > 0 and rng.random() < 0.15 else None
                members.append(article_id)
                text = _text(rng, topic, 120)
                article_rows.append({
                    "id": article_id, "url": f"https://outlet{source - 1}.example/a/{article_id}",
                    "canonical_url": f"https://outlet{source - 1}.example/a/{article_id}",
                    "title": " ".join(rng.sample(topic, 4)).capitalize(), "text": text,
                    "html": "<p>" + text + "</p>", "summary": text[:200], "authors": ["Staff"],
                    "published": when, "language": "en", "word_count": 120, "warnings": [],
                    "text_hash": str(article_id), "source_id": source, "story_id": f"story-{s}",
                    "wire_copy_of": wire, "reasons": {"score": 0.5, "shared_terms": topic[:3]},
                    "extracted": True, "created_at": when,
                })
            outlets = len({r["source_id"] for r in article_rows[-per_story:]})
            story_rows.append({"id": f"story-{s}", "title": article_rows[-per_story]["title"],
                               "first_seen": last - timedelta(hours=10), "last_seen": last,
                               "article_count": per_story, "outlet_count": outlets,
                               "independent_count": outlets, "lead_article_id": members[0],
                               "score": story_score(outlets, last, 1)})
        with p.store.engine.begin() as conn:
            conn.execute(t.stories.insert(), story_rows)
            conn.execute(t.articles.insert(), article_rows)
    with p.store.engine.connect() as conn:
        top = conn.execute(sa.select(t.stories.c.id).order_by(t.stories.c.score.desc()).limit(1)).scalar()
    p.close()
    return {"story": top, "query": "ferry harbour"}


def serve(db_url: str, port: int, out: str) -> None:
    """Run the app in this process, timing every request; write the times when stopped."""
    import uvicorn

    from progleton.core import make_progleton
    from progleton.web import create_app

    times: dict[str, list[float]] = {}
    app = create_app(make_progleton(db_url), admin_password="")

    async def timed(scope: Any, receive: Any, send: Any) -> None:
        started = time.perf_counter()
        try:
            await app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                kind = scope["path"].split("/")[1] or "front"
                times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)

    try:
        uvicorn.run(timed, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    finally:
        Path(out).write_text(json.dumps(times))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _wrk(url: str, seconds: int, connections: int) -> dict[str, str]:
    output = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                            capture_output=True, text=True, check=True).stdout
    found = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.MULTILINE))
    found["rps"] = (re.search(r"Requests/sec:\s+(\S+)", output) or re.search("()", "")).group(1)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--db", help="keep the generated database at this path (reused when it exists)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed (apt-get install wrk)")
    folder = Path(tempfile.mkdtemp())
    path = Path(args.db) if args.db else folder / "bench.db"
    db_url = f"sqlite:///{path}"
    meta_file = path.with_suffix(".json")
    if not path.exists():
        started = time.perf_counter()
        meta = generate(db_url, args.articles, args.stories)
        meta_file.write_text(json.dumps(meta))
        print(f"generated {args.articles} articles in {args.stories} stories in {time.perf_counter() - started:.0f} s")
    meta = json.loads(meta_file.read_text())
    port, out = _free_port(), folder / "times.json"
    server = subprocess.Popen([sys.executable, __file__, "--serve", db_url, str(port), str(out)],
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                sys.exit("the server did not start")
            time.sleep(0.2)
    pages = {"front": "/", "stories": "/stories/" + quote(meta["story"], safe=""),
             "search": "/search?q=" + quote(meta["query"])}
    client = {}
    try:
        for kind, path_ in pages.items():
            subprocess.run(["curl", "-s", "-o", "/dev/null", base + path_], check=False)  # warm up
            client[kind] = _wrk(base + path_, args.seconds, args.connections)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    times = json.loads(out.read_text())
    print(f"{'page':8} {'requests':>8} {'server p50':>11} {'p95':>8} {'p99':>8}   wrk p50 / p90 / p99, req/s")
    for kind in pages:
        values = times.get(kind, [])
        c = client[kind]
        print(f"{kind:8} {len(values):8d} {_percentile(values, 0.5):9.1f}ms {_percentile(values, 0.95):6.1f}ms "
              f"{_percentile(values, 0.99):6.1f}ms   {c.get('50')} / {c.get('90')} / {c.get('99')}, {c.get('rps')}")
    if not args.db:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
