"""Reports of reports: the outlets an article cites, and their reports in the same story."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progleton.citations import citations, cited_names, story_citations
from progleton.types import Article


def test_the_seed_cites_the_three_outlets_it_relays(shared: Path) -> None:
    text = (shared / "seed" / "progleton-news-page.txt").read_text()
    # and not the people it quotes (Ishiba, Rutte, Trump) nor the Kremlin or the White House
    assert cited_names(text) == ["Japan Times", "Fox News", "Bloomberg"]


@pytest.mark.parametrize(("text", "names"), [
    ("Reuters reported on Monday that talks had stalled.", ["Reuters"]),
    ("According to The New York Times, the deal is off.", ["New York Times"]),
    ("He told CNN’s State of the Union on Sunday.", ["CNN"]),
    ("the Associated Press reported", ["Associated Press"]),
    ("according to the Times of India", ["Times of India"]),
    ("the daily Kommersant reported, citing sources", ["Kommersant"]),
    ("the news agency Interfax said", ["Interfax"]),
    ("according to a report by Axios", ["Axios"]),
    ("He told The Washington Post's Jane Doe.", ["Washington Post"]),
    ("laut Süddeutsche Zeitung", ["Süddeutsche Zeitung"]),
    ("selon Le Monde, le gouvernement", ["Le Monde"]),
    ("Об этом сообщает ТАСС.", ["ТАСС"]),
    ("Bloomberg reported it first; Reuters reported it later; Bloomberg reported again.", ["Bloomberg", "Reuters"]),
    # people, offices and agencies of government are no outlets
    ("according to police", []),
    ("according to Mark Rutte, the head of NATO", []),
    ("Ishiba told reporters on Tuesday.", []),
    ("The Kremlin said it would respond.", []),
    ("according to the Department of Justice", []),
    ("according to the National Weather Service", []),
    ("told the Senate Judiciary Committee", []),
    ("The Post Office reported a loss.", []),
    ("according to a new poll by Ipsos", []),
    ("according to the Provincial Emergency Management Agency", []),
    ("according to the Syrian Network for Human Rights", []),
    ("the state news agency Yonhap reported", ["Yonhap"]),
    ("the Yonhap News Agency reported", ["Yonhap News Agency"]),
    # a dateline says whose text this is, not whom it cites
    ("WASHINGTON (AP) — The Senate voted on Tuesday.", []),
    # companies, offices, schools and people whose names end like a paper's
    ("American Express reported better-than-expected quarterly earnings.", []),
    ("Royal Mail reported a £348m loss; according to Canada Post, volumes fell.", []),
    ("Fox reported quarterly revenue of $3.6 billion.", []),
    ("According to the Cook County Medical Examiner's Office, he died.", []),
    ("According to Princeton University Press, the book sold out. According to Emily Post, not so.", []),
    ("According to the Drought Monitor, most of the state is dry.", []),
    ("Times Square was busy. According to News Corp, the deal is done.", []),
    # names a simple rule cut short or missed
    ("He told the Sunday Times on Monday.", ["Sunday Times"]),
    ("According to the Mail on Sunday, the deal is off.", ["Mail on Sunday"]),
    ("according to the Pittsburgh Post-Gazette", ["Pittsburgh Post-Gazette"]),
    ("Mainichi Shimbun reported it first.", ["Mainichi Shimbun"]),
    ("According to Wednesday's Washington Post, the plan stands.", ["Washington Post"]),
    ("Tanaka told the O'Brien Gazette that he would run.", ["O'Brien Gazette"]),
    ("Harper's Magazine reported it; according to Barron's, shares fell.", ["Harper's Magazine", "Barron's"]),
    ("according to The Japan Times' correspondent", ["Japan Times"]),
    ("пишет газета «Коммерсантъ»", ["Коммерсантъ"]),
    ("según el diario El País", ["El País"]),
])
def test_outlets_are_told_from_people_and_offices(text: str, names: list[str]) -> None:
    assert cited_names(text) == names


def test_an_outlet_the_reader_follows_is_known_by_its_name() -> None:
    assert cited_names("according to the Harbour Gazette") == ["Harbour Gazette"]  # "Gazette" says it
    assert cited_names("the Verel Ledger reported") == []  # "Ledger" does not: unknown
    assert cited_names("Verel reported") == []
    # "Ledger" is no word of a publication's name in general; a followed source's name is known
    assert cited_names("according to Verel Ledgerline", known=["The Verel Ledgerline"]) == ["Verel Ledgerline"]


def _article(id: int, source: str, host: str, text: str, *, copy_of: int | None = None) -> Article:
    return Article(id=id, url=f"https://www.{host}/news/{id}", canonical_url=f"https://www.{host}/news/{id}",
                   title=f"Report {id}", text=text, source_title=source, wire_copy_of=copy_of)


def test_a_cited_outlet_is_tied_to_its_own_report_in_the_story() -> None:
    japan = _article(1, "The Japan Times", "japantimes.co.jp", "Ishiba said Japan would play a role.")
    fox = _article(2, "FOX News", "foxnews.com", "Rutte said guarantees would prevent another invasion.")
    nyt = _article(4, "NYT > World", "nytimes.com", "The New York Times reported on the plan.")
    relay = _article(3, "The Moscow Times", "themoscowtimes.com",
                     "Ishiba said so, according to the Japan Times. Rutte told Fox News on Monday. "
                     "Bloomberg reported a plan. The Moscow Times reported it too. So did the New York Times, "
                     "according to the New York Times.")
    cites = citations(relay, [japan, fox, relay, nyt])
    assert [(c.name, c.article_id, c.outlet) for c in cites] == [
        ("Japan Times", 1, "The Japan Times"),  # by name
        ("Fox News", 2, "FOX News"),  # by name, whatever its case
        ("Bloomberg", None, None),  # not followed: named, not linked
        ("New York Times", 4, "NYT > World"),  # by its address, nytimes.com
    ]  # and not its own outlet
    per_article, cited = story_citations([japan, fox, relay, nyt])
    assert per_article[1] == [] and len(per_article[3]) == 4
    # the NYT's own "The New York Times reported" is no citation: each outlet is cited once
    assert cited == [("Japan Times", 1), ("Fox News", 1), ("Bloomberg", 1), ("New York Times", 1)]


def test_a_wire_copy_is_not_the_report_a_citation_leads_to() -> None:
    copy = _article(1, "Reuters", "reuters.com", "Agency text.", copy_of=9)
    relay = _article(2, "Other", "other.example", "Reuters reported the vote.")
    assert citations(relay, [copy, relay])[0].article_id is None


@given(st.text(max_size=400))
def test_any_text_gives_names_it_contains(text: str) -> None:
    for name in cited_names(text):
        assert name and name in text


def test_an_outlet_that_names_itself_cites_no_one() -> None:
    own = _article(1, "Meridian Herald", "meridian-herald.example", "The chief told the Herald on Monday.")
    times = _article(2, "The Japan Times", "japantimes.co.jp", "Text.")
    assert citations(own, [times]) == []
    # "the Times" is too loose to say which Times: named, not linked to the Japan Times
    other = _article(3, "Other", "other.example", "Rutte told the Times on Monday.")
    assert [(c.name, c.article_id) for c in citations(other, [times])] == [("Times", None)]
