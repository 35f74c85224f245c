"""The name in a person as a feed writes one, and as feedparser reports it."""

from __future__ import annotations

import html

import feedparser
import pytest

from progleton.feeds.people import feedparser_names, is_address, person_name

WRITTEN = [
    ("Jo", "Jo"),
    ("jo@news.media (Jo Ann)", "Jo Ann"),
    ("Jo Ann <jo@news.online>", "Jo Ann"),
    ("Jo Ann (jo@news.online)", "Jo Ann"),
    ("Jo Ann ( jo@news.online )", "Jo Ann"),
    ("mailto:jo@news.com (Jo Ann)", "Jo Ann"),
    ("(jo@news.media) Jo Ann", "Jo Ann"),
    ("(Jo Ann)", "(Jo Ann)"),  # no address: the name as written
    ("Jo Ann (Editor)", "Jo Ann (Editor)"),
    ("@jo", "@jo"),
    ("jo@news.example", ""),
    ("<jo@news.example>", ""),
    ("mailto:jo@news.example", ""),
]


@pytest.mark.parametrize(("written", "name"), WRITTEN)
def test_the_name_in_a_person_written_as_text(written: str, name: str) -> None:
    assert person_name(written) == name
    assert is_address(written) == (name == "")


@pytest.mark.parametrize(("written", "name"), WRITTEN)
def test_feedparsers_split_is_mended(written: str, name: str) -> None:
    # feedparser keeps the last person as written, the others only as it split them: a person
    # read both ways, first and last, is named the same
    text = html.escape(written, quote=False)
    item = f"<author>{text}</author><author>Last</author><author>{text}</author>"
    rss = f'<rss version="2.0"><channel><item>{item}</item></channel></rss>'
    entry = feedparser.parse(rss.encode()).entries[0]
    split, _, kept = entry["authors"]
    assert feedparser_names([split], None) == feedparser_names([kept], entry["author"])
    assert feedparser_names([split], None) == ([name] if name else [])


@pytest.mark.parametrize(
    ("person", "name"),
    [
        # a name beside an address that was not cut is left as it is
        ({"name": "Ed", "email": "ed@x.info"}, "Ed"),
        ({"name": "Ed (x", "email": "ed@x.com"}, "Ed (x"),
        # Atom or JSON Feed parts
        ({"name": "Ed Itor", "email": "ed@news.media"}, "Ed Itor"),
        ({"email": "ed@news.media"}, ""),
        ({"href": "https://ed.example/"}, ""),
        ({"name": "ed@news.media"}, ""),
    ],
)
def test_feedparser_people_by_parts(person: dict[str, str], name: str) -> None:
    assert feedparser_names([person]) == ([name] if name else [])
