"""Search speed in the store, on SQLite or PostgreSQL: p50 of ``store.search`` for a few queries.

    .venv/bin/python benchmarks/search_queries.py [--db URL] [--articles N] [--arabic N] [--runs N]

Fills the database as benchmarks/web_pages.py does (its generator: 120 words an article from a
vocabulary of 260, so a common word matches most articles and the rank window of 2,000 is full),
adds ``--arabic`` articles of Arabic text (written with hamza alefs and vowel marks, which the
search folds) and a rare word in one article of 2,000, then times each query ``--runs`` times
after one warm-up. With no ``--db``, a fresh PostgreSQL database on 127.0.0.1 (dropped
afterwards); a URL given is filled only when it holds no article yet.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from web_pages import generate  # beside this script, on the path when it is run

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ARABIC = ["أحمد", "إعلان", "الحكومة", "المدينة", "مُحَمَّد", "الانتخابات", "الوزير", "الميناء", "العاصفة",
          "المحكمة", "أسعار", "الجسر", "إضراب", "المستشفى", "الشرطة", "المطار", "السوق", "الفريق"]
QUERIES = {"common word": "ferry", "two words": "ferry harbour", "phrase": '"harbour ferry"',
           "rare word": "zanzibar", "arabic word": "احمد"}


def add_arabic_and_rare(db_url: str, arabic: int, seed: int = 11) -> None:
    """Append ``arabic`` Arabic articles (newest of all), and put "zanzibar" in one article of 2,000."""
    from progleton.store import open_store
    from progleton.store import schema as t

    rng = random.Random(seed)
    store = open_store(db_url)
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        first = int(conn.execute(sa.select(sa.func.max(t.articles.c.id))).scalar() or 0) + 1
        rows = []
        for i in range(first, first + arabic):
            text = " ".join(rng.choice(ARABIC) for _ in range(300))
            when = now - timedelta(minutes=rng.randint(0, 60 * 24 * 30))
            rows.append({"id": i, "url": f"https://outlet0.example/ar/{i}", "canonical_url": f"https://outlet0.example/ar/{i}",
                         "title": " ".join(rng.sample(ARABIC, 4)), "text": text, "html": f"<p>{text}</p>",
                         "summary": text[:200], "authors": [], "published": when, "language": "ar",
                         "word_count": 300, "warnings": [], "text_hash": f"ar{i}", "source_id": 1,
                         "story_id": None, "reasons": {}, "extracted": True, "created_at": when})
        for start in range(0, len(rows), 1000):
            conn.execute(t.articles.insert(), rows[start:start + 1000])
        conn.execute(t.articles.update().where(t.articles.c.id % 2000 == 0)
                     .values(text=t.articles.c.text + " zanzibar"))
    store.close()


def time_queries(db_url: str, runs: int) -> None:
    from progleton.store import open_store

    store = open_store(db_url)
    print(f"{'query':12} {'':18} {'hits':>4} {'p50':>9} {'min':>9} {'max':>9}")
    for name, query in QUERIES.items():
        hits = store.search(query)  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            store.search(query)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{name:12} {query!r:18} {len(hits):4d} {statistics.median(times):7.1f}ms "
              f"{min(times):7.1f}ms {max(times):7.1f}ms")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database URL (sqlite:///PATH or postgresql://...); default: a fresh "
                        "PostgreSQL database, dropped afterwards")
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--stories", type=int, default=4_000)
    parser.add_argument("--arabic", type=int, default=2_500)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    admin, name = None, None
    db_url = args.db
    if db_url is None:
        name = f"progleton_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
        db_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        from progleton.store import open_store

        store = open_store(db_url)
        with store.engine.connect() as conn:
            empty = not conn.exec_driver_sql("SELECT count(*) FROM articles").scalar()
        store.close()
        if empty:
            started = time.perf_counter()
            generate(db_url, args.articles, args.stories)
            add_arabic_and_rare(db_url, args.arabic)
            print(f"generated {args.articles} + {args.arabic} Arabic articles in {time.perf_counter() - started:.0f} s")
        time_queries(db_url, args.runs)
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()


if __name__ == "__main__":
    main()
