"""How the grouper tells a text's language (``stories.features.text_language``), against py3langid.

Three sets: the real pages of the extraction corpus (their true bodies; some not in English), the
ECB+ articles (all English, tokenised text) and texts of the generated benchmark stream (made-up
words: no language, which must read as English so every doc of a story is read one way).
Prints agreement, what each tool calls the texts, and the time per text.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

import py3langid
from extract_scrapinghub import CORPUS as PAGES  # type: ignore[import-not-found]
from extract_scrapinghub import load_corpus
from stop_words import LANGUAGE_MAPPING
from stories_ecbplus import CORPUS as ECB  # type: ignore[import-not-found]
from stories_ecbplus import load_split
from stories_stream import NewsStream  # type: ignore[import-not-found]

from progleton.stories.features import text_language

ISO = {name: code for code, name in LANGUAGE_MAPPING.items()}


def _timed(fn, texts: list[str]) -> tuple[list[str], float]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    found = [fn(t) for t in texts]
    return found, (time.perf_counter() - started) / max(1, len(texts)) * 1e6


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    if not PAGES.exists() or not ECB.exists():
        print(f"corpora not found at {PAGES} and {ECB}: the shared corpora live in ../shared/", file=sys.stderr)
        return 1
    sets = {
        "extraction corpus pages": [truth for _, _, truth, _ in load_corpus(PAGES) if len(truth.split()) >= 15],
        "ECB+ articles": [a["text"] for a in load_split("train") + load_split("dev")],
        "generated stream texts": [doc.text for doc, _ in NewsStream(0, 5000)],
    }
    text_language("Ein Satz, damit die Tabellen geladen sind."), py3langid.classify("warm up")  # not timed
    for name, texts in sets.items():
        ours, ours_us = _timed(text_language, texts)
        theirs, theirs_us = _timed(lambda t: py3langid.classify(t[:600])[0], texts)
        agree = sum(ISO.get(o) == t for o, t in zip(ours, theirs, strict=True))
        print(f"{name}: {len(texts)} texts; agree {agree} ({agree / len(texts):.0%})")
        print(f"  text_language {ours_us:6.0f} µs/text  {dict(Counter(ours).most_common(8))}")
        print(f"  py3langid     {theirs_us:6.0f} µs/text  {dict(Counter(theirs).most_common(8))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
