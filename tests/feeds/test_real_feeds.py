"""Real feeds agree with feedparser on each entry's id, link and title."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import feedparser
import pytest

from progleton.feeds import parse

REAL_XML = [
    "davidbau.xml",
    "foolcontrol.xml",
    "fwrarejazzvinylcollector.xml",
    "gamersnexus.xml",
    "kagi.xml",
    "osm-pl.xml",
    "osm.xml",
    "postgis.xml",
    "pypy.xml",
    "stackoverflow.xml",
    "vintagehomeplans.xml",
]


@pytest.mark.parametrize("name", REAL_XML)
def test_entries_agree_with_feedparser(real_feeds: Path, name: str) -> None:
    data = (real_feeds / name).read_bytes()
    ours = parse(data, url=f"https://example.org/{name}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = feedparser.parse(
            io.BytesIO(data), response_headers={"content-location": f"https://example.org/{name}"}
        )
    assert len(ours.entries) == len(theirs.entries) > 0
    for mine, reference in zip(ours.entries, theirs.entries, strict=True):
        assert mine.id == (dict.get(reference, "id") or None)
        assert mine.link == (dict.get(reference, "link") or None)
        assert mine.title == dict.get(reference, "title")


def test_json_feed_sample(real_feeds: Path) -> None:
    feed = parse((real_feeds / "json_feed_sample.feed.json").read_bytes())
    assert feed.version == "json11" and len(feed.entries) == 2
    assert feed.entries[0].published is not None and feed.entries[0].content
