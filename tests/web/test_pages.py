"""The reader's pages, rendered from a seeded SQLite file."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, quote, urlsplit

from fastapi.testclient import TestClient

from progleton.core import Progleton

from .conftest import Seeded, add_carried_story, article_record, csrf_token


def story_url(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def names_as_text(html: str) -> str:
    """A page without the <bdi> that isolates each outlet's and author's name."""
    return re.sub(r"<bdi>([^<]*)</bdi>", r"\1", html)


def test_front_page_lists_stories_with_time_outlets_and_snippet(client: TestClient, seeded: Seeded) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = names_as_text(page.text)
    assert '<a href="/stories/story-wire-sea-wall">Port Verel approves sea wall</a>' in html
    assert "6 hours ago" in html or "5 hours ago" in html
    assert "4 outlets (1 independent report): Continental Press, Evening Star, Harbour Daily, Morning Ledger" in html
    assert "3 outlets: Harbour Daily, North Coast Radio, The Verel Times" in html
    assert "harbour authority of Port Verel" in html  # snippet
    assert 'src="/images?url=https%3A%2F%2Fcpress.example%2Fwall.jpg&amp;sig=' in html  # lead image, via us
    assert "3 days ago" in html  # the council story


def test_front_page_orders_and_pages(client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    html = client.get("/").text
    assert html.index("Port Verel approves") < html.index("Council")
    for i in range(35):
        progleton.store.add_article(
            {"url": f"https://x.example/{i}", "canonical_url": f"https://x.example/{i}", "title": f"Filler {i}",
             "source_id": seeded.sources["Evening Star"]}, {"story_id": f"story-filler-{i}"})
    first = client.get("/").text
    assert 'rel="next" href="/?page=2"' in first and 'rel="prev"' not in first
    second = client.get("/?page=2").text
    assert 'rel="prev" href="/?page=1"' in second
    assert len(re.findall('class="story-card"', first)) == 30
    assert len(re.findall('class="story-card"', second)) == 3 + 35 - 30
    past_the_end = client.get("/?page=9").text
    assert "No more stories" in past_the_end and "No stories yet" not in past_the_end


def test_front_page_filters(client: TestClient, seeded: Seeded) -> None:
    verel = client.get("/?group=Verel").text
    national = client.get("/?group=National&since=day").text
    assert "Storm closes" in verel or "Ferries halted" in verel
    assert "Council" not in client.get("/?since=day").text
    assert "Council" in client.get("/?since=week").text
    assert "Port Verel approves" in national
    assert '<option value="Verel" selected>' in verel
    assert client.get("/?page=0").status_code == 400
    assert 'href="/feeds/top.rss?group=Verel">RSS</a>' in verel and 'href="/feeds/top.atom?group=Verel"' in verel
    assert 'href="/feeds/top.json">JSON Feed</a>' in client.get("/").text
    # a group no source is in, or no language code, is said (the API answers 422)
    nowhere = client.get("/?group=nope").text
    assert "No source is in the group &#39;nope&#39;: the groups are" in nowhere and "No stories yet" not in nowhere
    assert "is not a language code" in client.get("/?lang=xx").text
    # a real group and language that no story matches are plain filters
    assert "No stories match these filters" in client.get("/?group=Verel&lang=de").text
    # the API's name for the language is taken too; two that differ are refused
    assert "No stories match these filters" in client.get("/?group=Verel&language=de").text
    assert client.get("/?lang=en&language=fr").status_code == 400


def _chosen_in_form(html: str) -> dict[str, str]:
    """What the front page's filter form sends as it stands: each select's chosen option."""
    form = html.split('<form class="filters"', 1)[1].split("</form>", 1)[0]
    chosen = {}
    for name, options in re.findall(r'<select name="(\w+)">(.*?)</select>', form, re.S):
        picked = re.search(r'<option value="([^"]*)" selected>', options)
        chosen[name] = picked.group(1) if picked else ""
    return chosen


def test_front_page_links_and_forms_keep_the_filters(client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    """With ?lang=en chosen, the filter form (another group, another time) and the feeds'
    links dropped the language, and "Back to the first page" every filter."""
    for i in range(35):
        progleton.store.add_article(
            article_record(seeded.sources["Evening Star"], f"filler-{i}", f"Filler {i}", language="en"),
            {"story_id": f"story-filler-{i}"})
    filters = {"group": "National", "since": "week", "lang": "en"}
    first = main_of(client.get("/", params=filters).text)
    assert _chosen_in_form(first) == filters
    links = re.findall(r'href="(/(?:feeds/top\.\w+)?\?[^"]*)"', first)
    assert 'rel="next"' in first and len(links) == 4  # the next page, the three feeds
    for link in links:
        query = dict(parse_qsl(urlsplit(html.unescape(link)).query))
        kept = filters if link.startswith("/?") else {"group": "National", "lang": "en"}  # feeds take no time
        assert {k: query.get(k) for k in filters if k in kept} == kept, link
    second = main_of(client.get("/", params={**filters, "page": 2}).text)
    assert 'rel="prev" href="/?page=1&amp;group=National&amp;since=week&amp;lang=en"' in second
    past = client.get("/", params={**filters, "page": 9}).text
    assert '<a href="/?group=National&amp;since=week&amp;lang=en">Back to the first page</a>' in past
    assert "lang" not in _chosen_in_form(client.get("/").text)  # none chosen: no language control


def test_empty_front_page_invites_to_add_sources(client: TestClient) -> None:
    html = client.get("/").text
    assert "No stories yet" in html and 'href="/sources"' in html


def test_story_page_has_a_timeline(client: TestClient, seeded: Seeded) -> None:
    html = client.get(story_url(seeded.stories["wire"])).text
    timeline = html[html.index('<section aria-labelledby="timeline-h"'):]
    timeline = timeline[:timeline.index("</section>")]
    assert "4 reports over 60 minutes" in timeline and "Times are UTC." in timeline
    assert timeline.count("<li>") == 4 and "First report</span> · <bdi class=\"outlet\">Continental Press" in timeline
    assert timeline.count("Carries Continental Press&#39;s text") == 3


def test_story_page_groups_wire_copies_and_explains(client: TestClient, seeded: Seeded) -> None:
    html = names_as_text(client.get(story_url(seeded.stories["wire"])).text)
    assert '<h1 lang="en" dir="auto">Port Verel approves sea wall</h1>' in html
    assert ("<strong>Continental Press text</strong>, carried by 4 outlets: "
            "Continental Press, Harbour Daily, Morning Ledger, Evening Star") in html
    assert html.count('class="report copy"') == 3
    assert "Carries the same text as Continental Press (about 99% of the wording alike)." in html
    assert "wire copy of" not in html.lower()
    storm = names_as_text(client.get(story_url(seeded.stories["storm"])).text)
    for outlet in ("Harbour Daily", "The Verel Times", "North Coast Radio"):
        assert f'<bdi class="outlet">{outlet}</bdi>' in storm
    assert "by Ana Reporter" in storm
    assert "Names the same people, places or organisations: Verel, Ines Tarrow." in storm
    # shared words as this article writes them ("Ferries halted…"), not as stems ("ferry")
    assert "Shares the distinctive words: ferries, gale." in storm
    assert "Closest to Harbour Daily: Storm closes Verel ferry." in storm
    assert "Joined on shared names and wording." in storm and "Scored 0.71 as a report of the same event" in storm
    assert 'action="/story-actions/split"' in storm and 'action="/story-actions/merge"' in storm
    assert 'href="/feeds/story.atom?id=story-storm"' in storm


def test_a_text_carried_by_dozens_of_outlets_shows_a_few_copies_and_folds_the_others(
        client: TestClient, progleton: Progleton) -> None:
    """A story of 100 wire copies showed every copy in full, and its two reports of the
    outlets' own came 100 blocks (some 12,000 pixels) further down the page."""
    dam = add_carried_story(progleton, 100)
    html = names_as_text(client.get(story_url("story-dam")).text)
    head = html.split('class="wire-head">', 1)[1].split("</p>", 1)[0]
    assert "carried by 101 outlets: Global Wire, Carrier 000," in head and "Carrier 010 and 89 more" in head
    shown, folded = html.split('<details class="more-copies">', 1)
    assert shown.count('class="report copy"') == 3
    assert "<summary>The other 97 copies of this text</summary>" in folded
    wire, rest = folded.split("</section>", 1)
    assert wire.count('class="report copy"') == 97
    for report in dam["reports"]:  # the outlets' own reports, after the fold
        assert f'id="a{report}"' in rest
    few = add_carried_story(progleton, 5, story_id="story-few")  # a handful: every copy shown
    assert few["copies"] and "more-copies" not in client.get(story_url("story-few")).text


def test_an_article_of_a_big_story_lists_the_other_reports_and_folds_the_wire_copies(
        client: TestClient, progleton: Progleton) -> None:
    """The article page of one of 100 wire copies listed the 99 others, word for word the same
    text, above and among the two reports in the outlets' own words."""
    dam = add_carried_story(progleton, 100)
    others = client.get(f"/articles/{dam['copies'][0]}").text.split('class="others"', 1)[1]
    listed, folded = others.split('<details class="more-copies">', 1)
    for article in (dam["original"], *dam["reports"]):
        assert f'href="/articles/{article}"' in listed
    assert listed.count("wire copy") == 0 and folded.count("· wire copy") == 99
    assert "<summary>99 wire copies, word for word another outlet's text</summary>" in folded
    few = add_carried_story(progleton, 4, story_id="story-few")
    assert "more-copies" not in client.get(f"/articles/{few['copies'][0]}").text


def test_a_wire_text_is_named_by_its_dateline_else_as_first_published_by_an_outlet(
        client: TestClient, progleton: Progleton) -> None:
    quake = ("SANTIAGO (Global Wire) - A magnitude 6.8 earthquake struck northern Chile on Sunday, the U.S. "
             "Geological Survey said, shaking buildings in the port city of Antofagasta. ") * 3
    for story, text in (("s-agency", quake), ("s-untold", quake.replace(" (Global Wire)", ""))):
        ids = []
        for hours, name in ((2.0, "Coast Herald"), (1.5, "Valley Tribune")):
            source, _ = progleton.store.add_source(f"https://{name.replace(' ', '').lower()}.example/feed.xml", title=name)
            ids.append(progleton.store.add_article(
                article_record(source.id, story, "Magnitude 6.8 earthquake strikes northern Chile", host=f"{source.id}.example",
                               text=text, hours_ago=hours, authors=["Staff reporter"]),
                {"story_id": story, "wire_copy_of": ids[0] if ids else None}))
    named = names_as_text(client.get(story_url("s-agency")).text)
    assert "<strong>Global Wire text</strong>, carried by 2 outlets: Coast Herald, Valley Tribune" in named
    assert "Carries Global Wire text" in named and "Coast Herald text" not in named
    untold = client.get(story_url("s-untold")).text
    assert "<strong>Text first published by Coast Herald</strong>, carried by 2 outlets" in untold
    assert "Staff reporter text" not in untold


def test_a_wire_text_is_carried_by_sites_as_the_story_counts_its_outlets(
        client: TestClient, progleton: Progleton) -> None:
    """"AP text, carried by N outlets" counted outlets' names: a paper followed through two
    feeds (two titles, one site) carrying the text was two outlets there, one in the story's
    own count of outlets."""
    text = ("SANTIAGO (Global Wire) - A magnitude 6.8 earthquake struck northern Chile on Sunday, the U.S. "
            "Geological Survey said, shaking buildings in the port city of Antofagasta. ") * 3
    ids: list[int] = []
    for hours, name, feed, home in ((2.0, "Coast Herald", "https://coastherald.example/feed.xml", None),
                                    (1.5, "Valley Tribune", "https://valleytribune.example/rss", None),
                                    (1.0, "Valley Tribune - World", "https://valleytribune.example/world/rss",
                                     "https://www.valleytribune.example/world")):
        source, _ = progleton.store.add_source(feed, title=name, site_url=home)
        ids.append(progleton.store.add_article(
            article_record(source.id, "quake", "Magnitude 6.8 earthquake strikes northern Chile",
                           host=f"{source.id}.example", text=text, hours_ago=hours),
            {"story_id": "s-quake", "wire_copy_of": ids[0] if ids else None}))
    story = progleton.story("s-quake").story
    assert (story.outlet_count, story.independent_count) == (2, 1)
    head = names_as_text(client.get(story_url("s-quake")).text).split('class="wire-head">', 1)[1].split("</p>", 1)[0]
    assert head == "<strong>Global Wire text</strong>, carried by 2 outlets: Coast Herald, Valley Tribune"


def test_the_timeline_knows_an_outlet_as_the_story_counts_it(client: TestClient, progleton: Progleton) -> None:
    """The timeline marked an outlet's first report by its name: a paper followed through two
    feeds (two titles, one site) had two firsts there, in a story that counted one outlet."""
    for hours, name, feed, home, what in (
            (3.0, "Valley Tribune", "https://valleytribune.example/rss", None, "Dam breach floods Kestrel valley"),
            (2.0, "Coast Herald", "https://coastherald.example/feed.xml", None, "Kestrel valley flooded as dam fails"),
            (1.0, "Valley Tribune - World", "https://valleytribune.example/world/rss",
             "https://www.valleytribune.example/world", "Kestrel valley: rescuers reach villages cut off")):
        source, _ = progleton.store.add_source(feed, title=name, site_url=home)
        progleton.store.add_article(
            article_record(source.id, "dam", what, host=f"{source.id}.example", hours_ago=hours),
            {"story_id": "s-dam", "wire_copy_of": None})
    assert progleton.story("s-dam").story.outlet_count == 2
    page = names_as_text(client.get(story_url("s-dam")).text)
    timeline = page[page.index('<section aria-labelledby="timeline-h"'):]
    events = re.findall(r'<span class="event">([^<]+)</span> · <bdi class="outlet">([^<]+)</bdi>', timeline)
    assert events == [("First report", "Valley Tribune"), ("First from this outlet", "Coast Herald"),
                      ("Follow-up", "Valley Tribune - World")]


def test_story_ids_with_any_characters(client: TestClient, progleton: Progleton, seeded: Seeded) -> None:
    odd = "story-https://example.org/a/b?c=1&d=é~2"
    progleton.store.add_article({"url": "https://odd.example/1", "canonical_url": "https://odd.example/1",
                                 "title": "Odd id", "source_id": seeded.sources["Evening Star"]},
                                {"story_id": odd})
    assert "/stories/story-https%3A%2F%2Fexample.org%2Fa%2Fb%3Fc%3D1%26d%3D%C3%A9~2" in client.get("/").text
    assert '<h1 dir="auto">Odd id</h1>' in client.get(story_url(odd)).text
    assert client.get(f"/api/v1/stories/{quote(odd, safe='')}").json()["story"]["id"] == odd


def test_article_page(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/articles/{seeded.articles['storm2']}").text
    assert "<h1 lang=\"en\" dir=\"auto\">Ferries halted as storm hits coast</h1>" in html
    assert "by <bdi>Ana Reporter</bdi>" in html and "The Verel Times" in html
    assert ('<a href="https://example.org/news/ferry-storm" rel="noopener noreferrer" data-key="v">'
            "Read the entire article at <bdi>The Verel Times</bdi></a>") in html
    assert "Other coverage of this story" in html
    assert "Storm closes Verel ferry" in html and "Gale warning" in html
    assert 'datetime="' in html


def test_a_byline_never_repeats_the_outlets_name(client: TestClient, progleton: Progleton, seeded: Seeded) -> None:
    # stored before extraction left the outlet out: "By Staff reporter, Daily Courier" gave "Daily Courier"
    courier, _ = progleton.store.add_source("https://courier.example/feed.xml", title="Daily Courier")
    paper = progleton.store.add_article(
        article_record(courier.id, "bridge", "Harbour bridge closed", authors=["Daily Courier"]), {"story_id": "s-b"})
    both = progleton.store.add_article(
        article_record(courier.id, "ferry", "Ferry sails again", authors=["Ana Reporter", "daily courier"],
                       site_name="The Daily Courier Online"), {"story_id": "s-f"})
    shown = main_of(client.get(f"/articles/{paper}").text)
    assert "by Daily Courier" not in shown and "Daily Courier" in shown and '<span class="author">' not in shown
    shown = names_as_text(main_of(client.get(f"/articles/{both}").text))
    assert "by Ana Reporter</span> ·" in shown and "daily courier" not in shown
    assert "by Daily Courier" not in client.get("/stories/s-b").text


def test_the_original_is_linked_without_the_feeds_click_trackers(client: TestClient, seeded: Seeded,
                                                                   progleton: Progleton) -> None:
    record = article_record(seeded.sources["Harbour Daily"], "tide", "Spring tide floods the Verel quay",
                            host="harbour.example")
    clean = record["url"]
    record["url"] = clean + "?utm_source=rss&utm_medium=feed#comments"  # as the feed linked it
    article = progleton.store.add_article(record, {"story_id": "story-tide"})
    page = client.get(f"/articles/{article}").text
    assert f'<a href="{clean}" rel="noopener noreferrer" data-key="v">Read the entire article' in page
    feed = client.get("/feeds/story.json", params={"id": "story-tide"}).json()
    assert [item["url"] for item in feed["items"]] == [clean]
    assert "utm_" not in page and "utm_" not in str(feed)


def test_an_article_stored_with_a_script_link_and_no_outlet_name_is_shown_without_the_link(
        client: TestClient, progleton: Progleton) -> None:
    """Stored before links were checked (or by another writer): a javascript: address and a
    source without a title. Every page showing it answers, and none offers the link."""
    source, _ = progleton.store.add_source("https://odd.example/feed.xml")  # no title
    article = progleton.store.add_article(
        {"url": "javascript:alert(document.domain)", "canonical_url": "javascript:alert(document.domain)",
         "title": "Kayaker rescued off Gull Point", "text": "A kayaker was rescued off Gull Point.",
         "source_id": source.id}, {"story_id": "story-kayak"})
    for url in (f"/articles/{article}", "/stories/story-kayak", "/search?q=kayaker",
                "/feeds/story.atom?id=story-kayak", "/feeds/search.json?q=kayaker"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "javascript:" not in answer.text, url
    hit = client.get("/api/v1/search", params={"q": "kayaker"}).json()[0]["article"]
    # the API says where a reader may go; an untitled source goes by its feed's host
    assert hit["link"] == "" and hit["outlet"] == "odd.example"
    page = client.get(f"/articles/{article}").text
    assert "Read the entire article" not in page and "odd.example" in page
    item = client.get("/feeds/search.json", params={"q": "kayaker"}).json()["items"][0]
    assert item["url"].endswith(f"/articles/{article}") and item["id"].endswith(f":article:{article}")


def test_article_with_script_is_never_executable(client: TestClient, seeded: Seeded) -> None:
    html = main_of(client.get(f"/articles/{seeded.articles['evil']}").text)
    assert "<script" not in html
    assert "Council &lt;b&gt;budget&lt;/b&gt; vote &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<p>Before</p>" in html and "<p>After &lt;b&gt;</p>" in html
    front = main_of(client.get("/").text)
    assert "<script" not in front and "&lt;script&gt;" in front


def test_article_from_feed_only_says_so(client: TestClient, progleton: Progleton, seeded: Seeded) -> None:
    article_id = progleton.store.add_article(
        {"url": "https://s.example/1", "canonical_url": "https://s.example/1", "title": "Summary only",
         "summary": "Just the summary.", "extracted": False, "source_id": seeded.sources["Evening Star"]},
        {"story_id": "story-summary"})
    html = client.get(f"/articles/{article_id}").text
    assert "Only the feed's own text was available" in html and "Just the summary." in html
    assert "asked for again" not in html


def test_article_whose_page_is_asked_for_again_says_when(client: TestClient, progleton: Progleton,
                                                         seeded: Seeded) -> None:
    from datetime import UTC, datetime, timedelta

    article_id = progleton.store.add_article(
        {"url": "https://s.example/2", "canonical_url": "https://s.example/2", "title": "Page busy",
         "summary": "A summary.", "extracted": False, "source_id": seeded.sources["Evening Star"],
         "warnings": ["page not fetched: s.example answered 503 Service Unavailable."],
         "page_retry_at": datetime.now(UTC) + timedelta(minutes=14, seconds=30)},
        {"story_id": "story-busy"})
    html = client.get(f"/articles/{article_id}").text
    assert ("answered 503 Service Unavailable. The page will be asked for again when its source is next "
            "updated, in 14 minutes or later.") in html
    api = client.get(f"/api/v1/articles/{article_id}").json()
    assert api["page_retry_at"] and api["extracted"] is False


def test_search_groups_by_story_and_highlights(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/search?q=ferry").text
    assert '<input id="q" type="search" name="q" value="ferry"' in html
    assert "<mark>" in html.lower()
    assert html.count('class="hit-group"') == 1  # three articles, one story
    assert '<a href="/stories/story-storm"><mark>Ferries</mark> halted as storm hits coast</a>' in html  # the plural found
    assert "Nothing matches" in client.get("/search?q=zeppelin").text
    empty = client.get("/search").text
    assert "Nothing matches" not in empty and "hit-group" not in empty


def test_a_page_past_the_last_says_there_is_no_more_not_that_there_is_nothing(client: TestClient,
                                                                               seeded: Seeded) -> None:
    """The search's page 2 of a search with one page of results said "Nothing matches ferry",
    and the starred articles' page 2 "Nothing starred yet" with articles starred."""
    past = client.get("/search?q=ferry&page=2").text
    assert "Nothing matches" not in past
    assert 'No more results for <q>ferry</q>. <a href="/search?q=ferry">Back to the first page</a>.' in past
    token = csrf_token(client)
    client.post(f"/articles/{seeded.articles['storm1']}/state", data={"csrf_token": token, "starred": "1"})
    starred = client.get("/starred?page=2").text
    assert "Nothing starred yet" not in starred
    assert 'No more starred articles. <a href="/starred">Back to the first page</a>.' in starred


def test_search_escapes_the_query(client: TestClient, seeded: Seeded) -> None:
    html = client.get('/search?q=<script>alert(1)</script>"').text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_sources_page_shows_health(client: TestClient, progleton: Progleton, seeded: Seeded) -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    progleton.store.update_source(seeded.sources["North Coast Radio"], last_status="error",
                                  last_error="HTTP 503 Service Unavailable", error_count=3,
                                  last_fetched_at=now - timedelta(hours=2), backoff_minutes=120,
                                  next_fetch_at=now + timedelta(minutes=45, seconds=30), interval_minutes=60)
    html = client.get("/sources").text
    assert "6 sources" in html
    assert "HTTP 503 Service Unavailable" in html
    assert "3 failures in a row" in html and "backing off 2 hours" in html
    assert "2 hours ago" in html and "in 45 minutes" in html and "every 60 minutes" in html
    assert "not fetched yet" in html and "https://outlet0.example/feed.xml" in html
    assert 'class="tag" href="/?group=Verel"' in html
    assert "<td data-label=\"Articles\">2</td>" in html  # Harbour Daily's article count


def test_unknown_ids_give_friendly_404(client: TestClient, seeded: Seeded) -> None:
    for url in ("/articles/99999", "/stories/story-nope", "/no/such/page"):
        page = client.get(url)
        assert page.status_code == 404, url
        assert page.headers["content-type"].startswith("text/html")
        assert "Back to the top stories" in page.text
    assert client.get("/articles/abc").status_code == 400


def test_split_and_merge(client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    token = csrf_token(client, story_url(seeded.stories["storm"]))
    moved = seeded.articles["storm3"]
    answer = client.post("/story-actions/split", data={"csrf_token": token, "article_id": moved,
                                                       "story_id": seeded.stories["storm"]},
                         follow_redirects=False)
    assert answer.status_code == 303
    new_story = progleton.article(moved).story_id
    assert new_story is not None and new_story != seeded.stories["storm"]
    assert answer.headers["location"] == f"/stories/story-storm?notice=split&to={quote(new_story)}"
    split_page = client.get(answer.headers["location"]).text
    assert f'split out into <a href="/stories/{quote(new_story, safe="")}">a story of its own</a>' in split_page
    # the same form again, from the page as it was (the back button): nothing moves
    again = client.post("/story-actions/split", data={"csrf_token": token, "article_id": moved,
                                                      "story_id": seeded.stories["storm"]}, follow_redirects=False)
    assert again.headers["location"] == "/stories/story-storm?notice=gone"
    assert progleton.article(moved).story_id == new_story
    assert "nothing was split" in client.get(again.headers["location"]).text
    merged = client.post("/story-actions/merge", data={"csrf_token": token, "story_id": seeded.stories["storm"],
                                                       "other_story_id": new_story}, follow_redirects=False)
    assert merged.status_code == 303
    assert progleton.article(moved).story_id == seeded.stories["storm"]
    assert len(progleton.story(seeded.stories["storm"]).articles) == 3
    # the merged story's address, feed and API lead on to where its article went
    for old_url, new_url in ((story_url(new_story), "/stories/story-storm"),
                             (f"/feeds/story.atom?id={quote(new_story)}", "/feeds/story.atom?id=story-storm"),
                             (f"/api/v1/stories/{quote(new_story, safe='')}", "/api/v1/stories/story-storm")):
        answer = client.get(old_url, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (301, new_url), old_url
        assert answer.headers["cache-control"] == "no-store"  # a merge can be undone


def test_a_merge_is_undone_from_the_story_page(client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    storm, wire = seeded.stories["storm"], seeded.stories["wire"]
    token = csrf_token(client, story_url(storm))
    merged = client.post("/story-actions/merge", data={"csrf_token": token, "story_id": storm,
                                                       "other_story_id": wire}, follow_redirects=False)
    assert merged.headers["location"] == f"/stories/story-storm?notice=merged&from={wire}"
    page = client.get(merged.headers["location"]).text
    undo_notice = page.split('class="notice"', 1)[1].split("</div>", 1)[0]
    assert "The stories were merged." in undo_notice and f'name="story_id" value="{wire}"' in undo_notice
    assert "Merged in by a user" in page and "<bdi>Port Verel approves sea wall</bdi> · 4 articles" in page
    assert "Merged into this story by a user, with the reports of “Port Verel approves sea wall”." in page
    undone = client.post("/story-actions/unmerge", data={"csrf_token": token, "story_id": wire},
                         follow_redirects=False)
    assert (undone.status_code, undone.headers["location"]) == (303, f"/stories/{wire}?notice=unmerged")
    assert "The merge was undone" in client.get(undone.headers["location"]).text
    assert len(progleton.story(wire).articles) == 4 and len(progleton.story(storm).articles) == 3
    assert "Merged in by a user" not in client.get(story_url(storm)).text
    # the merge's page again (Back, a reload): it says the merge was undone, and offers no Undo
    again = client.get(merged.headers["location"]).text
    assert "That merge was undone since" in again and "The stories were merged" not in again
    assert 'action="/story-actions/unmerge"' not in again
    # Undo sent twice (a double click, or from a page older than the undo): the story, on its own
    twice = client.post("/story-actions/unmerge", data={"csrf_token": token, "story_id": wire},
                        follow_redirects=False)
    assert (twice.status_code, twice.headers["location"]) == (303, f"/stories/{wire}?notice=separate")
    assert "no merge of it left to undo" in client.get(twice.headers["location"]).text
    missing = client.post("/story-actions/unmerge", data={"csrf_token": token, "story_id": "story-nope"})
    assert missing.status_code == 404 and "no story with id story-nope" in missing.text


def test_a_merge_sent_twice_merges_once_and_says_so(client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    """A double click on Merge, or Merge sent again from a page older than the merge: the
    second answer was a 404 page ("story … was merged into …"), the one the browser showed."""
    storm, wire = seeded.stories["storm"], seeded.stories["wire"]
    form = {"csrf_token": csrf_token(client, story_url(storm)), "story_id": storm, "other_story_id": wire}
    first = client.post("/story-actions/merge", data=form, follow_redirects=False)
    second = client.post("/story-actions/merge", data=form, follow_redirects=False)
    assert second.status_code == 303 and second.headers["location"] == first.headers["location"]
    page = client.get(second.headers["location"]).text
    assert "The stories were merged." in page and f'name="story_id" value="{wire}"' in page  # with its Undo
    assert len(progleton.story(storm).articles) == 7
    # and from the other story's page, merged away since: the same story, the same notice
    reverse = client.post("/story-actions/merge", data={**form, "story_id": wire, "other_story_id": storm},
                          follow_redirects=False)
    assert reverse.status_code == 303 and reverse.headers["location"].startswith("/stories/story-storm?notice=merged")


def test_the_story_pages_merge_form_offers_stories_sharing_its_headline_words_first_and_merges_nothing_unchosen(
        client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    storm, wire = seeded.stories["storm"], seeded.stories["wire"]
    # a fresher story told by more outlets, which the front page ranks first, shares no headline word
    for name in ("Harbour Daily", "Morning Ledger", "Evening Star", "Continental Press"):
        record = article_record(seeded.sources[name], "fair", f"Harvest fair opens ({name})",
                                host=f"{seeded.sources[name]}.example", hours_ago=1)
        progleton.store.add_article(record, {"story_id": "story-fair"})
    assert progleton.stories(limit=1)[0].id == "story-fair"
    page = client.get(story_url(storm)).text
    choices = re.findall(r'<option value="([^"]*)"', page.split('id="merge-other"', 1)[1].split("</select>", 1)[0])
    # a placeholder to choose (the select is required), then the sea-wall story: it shares "Verel"
    assert choices[:3] == ["", wire, "story-fair"] and storm not in choices
    assert 'name="other_story_id" required' in page
    before = len(progleton.story(storm).articles)
    token = csrf_token(client, story_url(storm))
    answer = client.post("/story-actions/merge", data={"csrf_token": token, "story_id": storm, "other_story_id": ""},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/stories/story-storm?notice=choose"
    assert "nothing was merged" in client.get(answer.headers["location"]).text
    assert len(progleton.story(storm).articles) == before


def test_related_stories_page_finds_a_story_to_merge(client: TestClient, seeded: Seeded,
                                                     progleton: Progleton) -> None:
    storm, wire = seeded.stories["storm"], seeded.stories["wire"]
    page = client.get(story_url(storm)).text
    assert '<a href="/merge?story=story-storm">' in page
    related = client.get("/merge", params={"story": storm})
    assert related.status_code == 200
    # the sea-wall story shares "Verel" with the storm headlines; the storm story itself is not offered
    assert "Port Verel approves sea wall" in related.text
    assert f'name="other_story_id" value="{wire}"' in related.text
    assert f'name="other_story_id" value="{storm}"' not in related.text
    assert "<script>alert" not in related.text  # a hostile title stays text
    # open stories are weighed by the grouper, and say so
    assert ("as the same event (1 is certain; the grouper splits apart two groups of reports that score under 0.50 "
            "together); headlines share verel.") in (
        " ".join(related.text.split()))
    token = csrf_token(client, "/merge?story=story-storm")
    merged = client.post("/story-actions/merge", data={"csrf_token": token, "story_id": storm,
                                                       "other_story_id": wire}, follow_redirects=False)
    assert merged.status_code == 303 and len(progleton.story(storm).articles) == 7
    assert client.get("/merge", params={"story": "story-nope"}).status_code == 404
    assert client.get("/merge").status_code == 400
    odd = "story-https://example.org/a/b?c=1&d=é~2"
    progleton.store.add_article({"url": "https://odd.example/1", "canonical_url": "https://odd.example/1",
                                 "title": "Verel odd id", "source_id": seeded.sources["Evening Star"]},
                                {"story_id": odd})
    assert "Verel odd id" in client.get("/merge", params={"story": storm}).text
    odd_page = client.get(story_url(odd)).text
    link = re.search(r'<a href="(/merge\?story=[^"]+)">', odd_page)
    assert link and client.get(link.group(1).replace("&amp;", "&")).status_code == 200


def test_forms_need_the_csrf_token(client: TestClient, seeded: Seeded, progleton: Progleton) -> None:
    client.get("/")
    data = {"article_id": seeded.articles["storm3"], "story_id": seeded.stories["storm"]}
    assert client.post("/story-actions/split", data=data).status_code == 403
    assert client.post("/story-actions/split", data={**data, "csrf_token": "0" * 64}).status_code == 403
    assert client.post(f"/sources/{seeded.sources['Evening Star']}/remove", data={}).status_code == 403
    assert progleton.article(seeded.articles["storm3"]).story_id == seeded.stories["storm"]
    assert len(progleton.sources()) == 6


def test_a_report_of_reports_names_and_links_the_outlets_it_cites(client: TestClient, progleton: Progleton,
                                                                   seeded: Seeded) -> None:
    s = seeded.sources
    story = {"story_id": "story-relay", "reasons": {"note": "new story"}}
    own = progleton.store.add_article(article_record(
        s["The Verel Times"], "tariff", "Verel sets port tariff", text="The council set a tariff. " * 30,
        hours_ago=3), story)
    relay = progleton.store.add_article(article_record(
        s["Evening Star"], "tariff-relay", "Port tariff set, papers say", hours_ago=2,
        text="The council set a tariff, according to the Verel Times. Reuters reported the vote. " * 3), story)
    html = names_as_text(client.get(story_url("story-relay")).text)
    assert "Reports here cite Verel Times, Reuters." in html
    assert (f'citing <a href="#a{own}" title="Its report in this story: The Verel Times">Verel Times</a>'
            " and Reuters") in html
    page = names_as_text(client.get(f"/articles/{relay}").text)
    assert f'Citing <a href="/articles/{own}"' in page and "</a> and Reuters</span>." in page
    assert "Citing" not in client.get(f"/articles/{own}").text
    api = client.get(f"/api/v1/articles/{relay}").json()
    assert api["cites"] == [{"name": "Verel Times", "article_id": own, "outlet": "The Verel Times"},
                            {"name": "Reuters", "article_id": None, "outlet": None}]
    by_story = client.get("/api/v1/stories/story-relay").json()
    assert [a["cites"] for a in by_story["articles"]] == [[], api["cites"]]


def test_right_to_left_articles_read_right_to_left(client: TestClient, progleton: Progleton, seeded: Seeded) -> None:
    arabic = progleton.store.add_article(article_record(
        seeded.sources["Evening Star"], "zilzal", "زلزال بقوة 6 درجات يضرب المنطقة", language="ar",
        text="ضرب زلزال بقوة ست درجات المنطقة صباح الاثنين. " * 10), {"story_id": "story-zilzal"})
    page = client.get(f"/articles/{arabic}").text
    # the article's own words read right to left; the reader's English lines around them do not
    assert '<h1 lang="ar" dir="rtl">' in page and '<div class="body" lang="ar" dir="rtl">' in page
    assert '<article class="article">' in page and "Read the entire article at <bdi>Evening Star</bdi>" in page
    story = client.get(story_url("story-zilzal")).text
    assert 'lang="ar" dir="rtl">زلزال' in story
    # an article in a left-to-right language, or of no known language, lets the text decide
    assert '<h1 lang="en" dir="auto">' in client.get(f"/articles/{seeded.articles['storm1']}").text
    assert '<h2 id="s1" dir="auto">' in client.get("/").text


def test_an_article_of_no_known_language_is_not_marked_english(
        client: TestClient, progleton: Progleton, seeded: Seeded) -> None:
    """The article page gave `lang="en"` to an article whose language extraction did not find;
    its headline and text now take `lang` only when it is known, and their direction from the
    text. The page's own `lang` is the reader's."""
    unknown = progleton.store.add_article(article_record(
        seeded.sources["Evening Star"], "unknown", "Kvarteret stängs för reparationer", language=None),
        {"story_id": seeded.stories["storm"]})
    page = client.get(f"/articles/{unknown}").text
    assert '<html lang="en">' in page
    assert '<h1 dir="auto">Kvarteret stängs för reparationer</h1>' in page
    assert '<div class="body" dir="auto">' in page
    assert 'lang="en" dir="auto">Kvarteret' not in client.get(story_url(seeded.stories["storm"])).text
    # the others of its story, each with its own language
    other = client.get(f"/articles/{seeded.articles['storm1']}").text
    assert f'<a href="/articles/{unknown}" dir="auto">Kvarteret' in other


def test_a_merged_in_storys_title_reads_its_direction_from_its_text(
        client: TestClient, progleton: Progleton, seeded: Seeded) -> None:
    """The story page's "Merged in by a user" and the merge page's buttons wrote a story's
    headline into an English line without isolating it: an Arabic headline turned the line."""
    progleton.store.add_article(article_record(
        seeded.sources["Evening Star"], "zilzal", "زلزال يضرب المنطقة", language="ar"), {"story_id": "story-zilzal"})
    storm = seeded.stories["storm"]
    assert "Merge into “<bdi>Ferries halted as storm hits coast</bdi>”" in client.get(f"/merge?story={quote(storm)}").text
    progleton.merge_stories("story-zilzal", storm)
    page = client.get(story_url("story-zilzal")).text
    assert "<li><bdi>Ferries halted as storm hits coast</bdi> · 3 articles" in page
