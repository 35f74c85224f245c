"""feedparser's corpus as a conformance check for ``progleton.feeds.parse(...).to_feedparser()``.

A faithful re-implementation of feedparser's test runner: each file's ``Expect:`` expression
is evaluated with the keys of the result as local names (and ``not bozo`` is required for
well-formed files). Files with ``http`` in their path are served by a real local HTTP server
with their ``Header:`` lines as response headers, then parsed with those headers and the URL.

Run: ``python benchmarks/feeds_conformance.py [CORPUS_DIR]``.
"""

from __future__ import annotations

import codecs
import datetime
import http.server
import mimetypes
import re
import sys
import threading
import time
import urllib.request
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser

from progleton.exceptions import FeedParseError
from progleton.feeds import compat, parse

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/bench/feeds/feedparser-corpus"
_DESCRIPTION = re.compile(r"Description:\s*(.*?)\s*Expect:\s*(.*)\s*-->")
_SKIP = re.compile(r"SkipUnless:\s*(.*?)\n")
_HEADER = re.compile(rb"^Header:\s+([^:]+):(.+)$", re.MULTILINE)
_ORIGINAL_HOST = "127.0.0.1:8097"


@dataclass
class Case:
    """One corpus file and its expectation."""

    path: Path
    expect: str
    skip_unless: str | None = None


@dataclass
class Score:
    """How many expectations held, with the failures named."""

    passed: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)
    routes: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        """Share of expectations that held (1.0 for an empty set)."""
        return self.passed / self.total if self.total else 1.0


def decode_test_file(data: bytes) -> str:
    """The file's text as feedparser's runner reads it: by byte-order mark, else UTF-8."""
    for bom, encoding in (
        (codecs.BOM_UTF32_BE, "utf-32be"),
        (codecs.BOM_UTF32_LE, "utf-32le"),
        (codecs.BOM_UTF16_BE, "utf-16be"),
        (codecs.BOM_UTF16_LE, "utf-16le"),
        (codecs.BOM_UTF8, "utf-8"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    return data.decode("utf-8", "replace")


def read_case(path: Path) -> Case | None:
    """The expectation of one corpus file, or None when it has none."""
    text = decode_test_file(path.read_bytes())
    found = _DESCRIPTION.search(text)
    if not found:
        return None
    skip = _SKIP.search(text)
    return Case(path, found.group(2).strip(), skip.group(1).strip() if skip else None)


def iter_cases(corpus: Path, include: Callable[[Path], bool]) -> Iterator[Case]:
    """Every corpus file with an expectation that ``include`` accepts, in path order."""
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and include(path.relative_to(corpus)):
            case = read_case(path)
            if case is not None:
                yield case


def holds(case: Case, result: Any, *, wellformed: bool) -> bool:
    """True when the expectation holds for ``result`` (a feedparser-shaped dict)."""
    env = {"feedparser": feedparser, "datetime": datetime, "time": time}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if case.skip_unless:
                try:
                    eval(case.skip_unless, env)
                except Exception:
                    return True
            ok = bool(eval(case.expect, env, result))
    except Exception:
        return False
    return ok and not (wellformed and result.get("bozo"))


def route_of(parsed: Any) -> str:
    """Which path answered: the fast path alone, fast path with feedparser details, feedparser."""
    if parsed.extra.get("via") == "feedparser":
        return "feedparser fallback"
    if not parsed.extra.get("compat_complete", True):
        return "fast path + feedparser for to_feedparser() details"
    return "fast path"


def parse_for_case(
    data: bytes,
    *,
    url: str | None = None,
    headers: dict[str, str] | None = None,
    routes: Counter[str] | None = None,
    delegate: bool = True,
) -> Any:
    """``parse(...).to_feedparser()``, with a FeedParseError shown as a bozo result."""
    try:
        parsed = parse(data, url=url, headers=headers)
    except FeedParseError as exc:
        if routes is not None:
            routes["FeedParseError"] += 1
        return feedparser.FeedParserDict(
            bozo=True,
            bozo_exception=exc,
            feed=feedparser.FeedParserDict(),
            entries=[],
            headers=headers or {},
            version="",
            encoding="",
        )
    result = compat.to_feedparser(parsed, delegate=delegate)
    if routes is not None:
        routes[route_of(parsed)] += 1  # after to_feedparser(): it may complete ``extra``
    return result


def is_wellformed(rel: Path) -> bool:
    """In wellformed/ (an ill-formed file may still have an expectation)."""
    return rel.parts[0] == "wellformed"


def run_local(corpus: Path, include: Callable[[Path], bool], *, delegate: bool = True) -> Score:
    """Score the files ``include`` accepts, parsed from their bytes without HTTP.

    With ``delegate=False``, to_feedparser() never asks feedparser for the details of
    extensions the fast path does not reproduce: the fast path's own conformance.
    """
    score = Score()
    for case in iter_cases(corpus, include):
        rel = case.path.relative_to(corpus)
        result = parse_for_case(case.path.read_bytes(), routes=score.routes, delegate=delegate)
        score.total += 1
        if holds(case, result, wellformed=is_wellformed(rel)):
            score.passed += 1
        else:
            score.failures.append(str(rel))
    return score


class _CorpusHandler(http.server.BaseHTTPRequestHandler):
    corpus: Path

    def do_GET(self) -> None:
        path = self.corpus / self.path.lstrip("/")
        data = path.read_bytes()
        headers = {k.decode().strip(): v.decode().strip() for k, v in _HEADER.findall(data)}
        self.send_response(int(headers.pop("Status", 200)))
        content_type = headers.pop("Content-type", None) or mimetypes.guess_type(str(path))[0]
        self.send_header("Content-Type", content_type or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def run_http(corpus: Path, include: Callable[[Path], bool] | None = None) -> Score:
    """Score the files with ``http`` in their path, served by a real server on 127.0.0.1."""
    handler = type("Handler", (_CorpusHandler,), {"corpus": corpus})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host = f"127.0.0.1:{server.server_address[1]}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    score = Score()
    try:
        for case in iter_cases(corpus, include or (lambda rel: "http" in str(rel))):
            rel = case.path.relative_to(corpus)
            url = f"http://{host}/{rel.as_posix()}"
            with opener.open(url, timeout=10) as response:
                body, headers = response.read(), dict(response.headers.items())
            result = parse_for_case(body, url=url, headers=headers, routes=score.routes)
            case.expect = case.expect.replace(_ORIGINAL_HOST, host)
            score.total += 1
            if holds(case, result, wellformed=is_wellformed(rel)):
                score.passed += 1
            else:
                score.failures.append(str(rel))
    finally:
        server.shutdown()
        server.server_close()
    return score


def outside_sanitize(rel: Path) -> bool:
    """The README's measure: well-formed files, without sanitize/ and without http ones."""
    return is_wellformed(rel) and rel.parts[1] != "sanitize" and "http" not in str(rel)


def main(argv: list[str]) -> int:
    """Print the conformance figures."""
    paths = [a for a in argv[1:] if not a.startswith("-")]
    corpus = Path(paths[0]) if paths else DEFAULT_CORPUS
    started = time.process_time()
    core = run_local(corpus, outside_sanitize)
    over_http = run_http(corpus, lambda rel: is_wellformed(rel) and "http" in str(rel))
    extra = run_local(
        corpus,
        lambda rel: rel.parts[0] in ("encoding", "entities", "json") and "http" not in str(rel),
    )
    own = run_local(corpus, outside_sanitize, delegate=False)
    illformed = run_local(corpus, lambda rel: rel.parts[0] == "illformed")
    sanitize = run_local(corpus, lambda rel: is_wellformed(rel) and rel.parts[1] == "sanitize")
    for name, score in (
        ("wellformed without sanitize/ and http", core),
        ("wellformed http (served locally)", over_http),
        ("encoding/ entities/ json/ (not http)", extra),
        ("wellformed/sanitize/ (not our sanitizer)", sanitize),
        ("same 905, fast path never asking feedparser", own),
        ("illformed/ (bozo expected)", illformed),
    ):
        print(f"{name:45s} {score.passed:5d}/{score.total:<5d} {score.share:7.2%}")
        print("    routes:", ", ".join(f"{k}: {v}" for k, v in score.routes.most_common()))
    if "-v" in argv:
        for failure in core.failures + over_http.failures + extra.failures:
            print("FAIL", failure)
    print(f"CPU seconds: {time.process_time() - started:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
