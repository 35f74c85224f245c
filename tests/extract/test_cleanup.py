"""Body cleanup and generic single-page rules: what readers don't count as the article."""

from __future__ import annotations

import pytest
from lxml import etree
from lxml.html import document_fromstring

from progleton.extract import extract
from progleton.extract.appeals import strip_generic_boilerplate
from progleton.extract.cleanup import clean_body

PROSE = (
    "The council met on Tuesday evening to discuss the new budget for the harbour, which "
    "has been delayed for two years by disputes over the cost of dredging the channel."
)


def body(xml: str) -> etree._Element:
    return etree.fromstring(f"<body>{xml}</body>")


def texts(element: etree._Element) -> list[str]:
    return [" ".join("".join(child.itertext()).split()) for child in element]


def test_headline_standfirst_and_sign_offs_go() -> None:
    tree = body(
        "<head>Harbour budget approved</head><p>Council backs the dredging plan</p>"
        f"<p>{PROSE}</p><p>{PROSE} Again.</p>"
        "<p>Follow us on Twitter for more local news.</p><p>Tags</p>"
        "<item><ref target='https://x.example/a'>Ferry fares rise again next spring</ref></item>"
    )
    clean_body(tree, ["Harbour budget approved"], ["Council backs the dredging plan"])
    assert texts(tree) == [PROSE, f"{PROSE} Again."]


def test_sentences_mentioning_twitter_or_email_stay() -> None:
    last = "The mayor said in an email on Monday that she had no comment and posted on Twitter."
    tree = body(f"<p>{PROSE}</p><p>{last}</p>")
    clean_body(tree, [])
    assert texts(tree) == [PROSE, last]


def test_teaser_and_link_lines_go_anywhere() -> None:
    tree = body(
        f"<p>{PROSE}</p><p>Read more: <ref target='https://x.example/b'>Ferry fares rise</ref></p>"
        f"<p><ref target='https://x.example/c'>Another story entirely about something</ref></p><p>{PROSE}</p>"
    )
    clean_body(tree, [])
    assert texts(tree) == [PROSE, PROSE]


def test_signup_box_with_email_field_goes() -> None:
    tree = document_fromstring(
        f"<html><body><article><p>{PROSE}</p><div class='box'><h3>Join the Friday Letter</h3>"
        "<p>Local news in your inbox.</p><form><input type='email' name='mail'></form></div>"
        "</article></body></html>"
    )
    strip_generic_boilerplate(tree)
    assert "Friday Letter" not in tree.text_content()
    assert PROSE in tree.text_content()


def test_appeal_block_goes_but_an_article_about_donations_stays() -> None:
    appeal = (
        "<div><h3>Support the Courier</h3><p>Dear readers, independent journalism costs money. "
        "Please support us for the price of a coffee.</p><p><a href='#'>Support us</a> "
        "<a href='#'>No thanks</a></p></div>"
    )
    donations = (
        "Charities said donations fell this winter. One director said people who donate "
        "regularly were hit by rising prices, and asked readers to support us if they can. "
    ) * 8
    page = f"<html><body><article><p>{donations}</p><p>{PROSE}</p>{appeal}</article></body></html>"
    article = extract(page, url="https://courier.example/a")
    assert "Support the Courier" not in article.text
    assert "No thanks" not in article.text
    assert donations.split(".")[0] in article.text


# The same kind of page in other languages: prose, then the publisher's appeal.
APPEALS_ABROAD = {
    "de": (
        "Der Stadtrat hat am Dienstagabend über den neuen Haushalt für den Hafen beraten, der sich "
        "wegen eines Streits über die Kosten der Ausbaggerung um zwei Jahre verzögert hat. " * 4,
        "<div><h3>Liebe Leserinnen und Leser</h3><p>Unabhängiger Journalismus kostet Geld. Bitte "
        "unterstützen Sie uns mit einem Beitrag.</p><p><a href='#'>Jetzt unterstützen</a> "
        "<a href='#'>Später erinnern</a></p></div>",
        "Unabhängiger Journalismus",
    ),
    "fr": (
        "Le conseil municipal s'est réuni mardi soir pour discuter du nouveau budget du port, "
        "retardé de deux ans par des désaccords sur le coût du dragage du chenal. " * 4,
        "<div><h3>Chers lecteurs</h3><p>Le journalisme indépendant a un coût. Soutenez-nous en "
        "faisant un don.</p><p><a href='#'>Faire un don</a> <a href='#'>Me le rappeler plus "
        "tard</a></p></div>",
        "Chers lecteurs",
    ),
    "es": (
        "El ayuntamiento se reunió el martes por la noche para debatir el nuevo presupuesto del "
        "puerto, retrasado dos años por disputas sobre el coste del dragado del canal. " * 4,
        "<div><h3>Queridos lectores</h3><p>El periodismo independiente cuesta dinero. Apóyanos "
        "con una aportación.</p><p><a href='#'>Hazte socio</a> <a href='#'>Recordármelo más "
        "tarde</a></p></div>",
        "Queridos lectores",
    ),
    "ru": (
        "Городской совет во вторник вечером обсудил новый бюджет порта, который задержался на "
        "два года из-за споров о стоимости углубления канала. " * 4,
        "<div><h3>Дорогие читатели!</h3><p>Независимая журналистика стоит денег. Поддержите нас "
        "пожертвованием.</p><p><a href='#'>Поддержать</a> <a href='#'>Напомнить позже</a></p></div>",
        "Дорогие читатели",
    ),
}


@pytest.mark.parametrize("language", sorted(APPEALS_ABROAD))
def test_appeals_in_other_languages_go(language: str) -> None:
    prose, appeal, marker = APPEALS_ABROAD[language]
    page = f"<html lang='{language}'><body><article><p>{prose}</p>{appeal}</article></body></html>"
    article = extract(page, url=f"https://courier.example/{language}")
    assert marker not in article.text
    assert prose.split(".")[0] in article.text


@pytest.mark.parametrize(
    "last",
    [
        "The copyright dispute returns to court in June, when the judge is expected to rule.",
        "Subscribers to the water company will pay more from April, the regulator said today.",
        "Drivers were told to listen to traffic radio until the bridge reopens on Friday morning.",
        "The opposition leader said she would write to the minister this week about the delays.",
    ],
)
def test_a_closing_paragraph_of_prose_that_mentions_a_sign_off_word_stays(last: str) -> None:
    tree = body(f"<p>{PROSE}</p><p>{last}</p>")
    clean_body(tree, [])
    assert texts(tree) == [PROSE, last]


@pytest.mark.parametrize(
    "sign_off",
    [
        "Copyright 2024 The Courier. All rights reserved.",
        "Jane Doe can be reached at jane@courier.example or on social media, where she posts daily.",
        "Subscribe to the Morning Letter",
        "This article was originally published by a partner site and is republished with permission.",
    ],
)
def test_sign_off_furniture_at_the_end_goes(sign_off: str) -> None:
    tree = body(f"<p>{PROSE}</p><p>{sign_off}</p>")
    clean_body(tree, [])
    assert texts(tree) == [PROSE]


@pytest.mark.parametrize(
    "sentence",
    [
        "Related charges against the former mayor were dropped last year for lack of evidence.",
        "Click here, the forged letter said, to claim a refund that did not exist.",
        "See more clearly: that was the optician's slogan, printed on every bus in town.",
    ],
)
def test_a_sentence_that_starts_like_a_teaser_stays(sentence: str) -> None:
    tree = body(f"<p>{PROSE}</p><p>{sentence}</p><p>{PROSE} Again.</p>")
    clean_body(tree, [])
    assert texts(tree) == [PROSE, sentence, f"{PROSE} Again."]


@pytest.mark.parametrize(
    "line",
    [
        "Related: <ref target='https://x.example/r'>Ferry fares rise</ref>",
        "Lesen Sie auch: <ref target='https://x.example/d'>Fähre wird teurer</ref>",
        "Читайте также <ref target='https://x.example/ru'>Паром подорожал</ref>",
        "Lire aussi <ref target='https://x.example/fr'>Le ferry augmente ses tarifs</ref>",
        "Story continues below advertisement",
        "Anzeige",
        "Listen to this article · 4:32 min",
        "Share full article",
    ],
)
def test_teasers_and_furniture_lines_go_mid_body(line: str) -> None:
    tree = body(f"<p>{PROSE}</p><p>{line}</p><p>{PROSE} Again.</p>")
    clean_body(tree, [])
    assert texts(tree) == [PROSE, f"{PROSE} Again."]


@pytest.mark.parametrize("language", sorted(APPEALS_ABROAD))
def test_an_appeal_goes_whatever_language_the_page_declares(language: str) -> None:
    prose, appeal, marker = APPEALS_ABROAD[language]
    page = f"<html lang='en'><body><article><p>{prose}</p>{appeal}</article></body></html>"
    article = extract(page, url=f"https://courier.example/{language}")
    assert marker not in article.text
    assert prose.split(".")[0] in article.text


# Appeals that share few words with the phrase lists: each scores on generic signals
# (an ask, what it pays for, the reader addressed, an amount per period or a "later").
NEWS = [
    "The regional rail operator said on Monday that a third of its trains ran late in March, "
    "the worst figure since it began publishing punctuality data a decade ago.",
    "Engineers blamed a shortage of drivers and a signal fault near the main station, which "
    "stopped traffic for most of a morning and stranded several thousand commuters.",
    "The transport minister told parliament that new trains ordered last year would arrive "
    "in the autumn, and that the operator had been asked to publish a recovery plan.",
    "Passenger groups said the plan came too late for those who had already switched to cars, "
    "according to a statement released after the minister's speech.",
]
SCORED_APPEALS = {
    "one paragraph": (
        "<p>Our newsroom answers to nobody but its readers. If you found this useful, please "
        "back our reporting with a gift: a regular contribution from $4 a month keeps it free "
        "for everyone. <a href='/give'>Give today</a></p>"
    ),
    "run without a starter": (
        "<p>Unser Journalismus bleibt für alle frei zugänglich, weil Leserinnen und Leser ihn "
        "bezahlen.</p><p>Unterstützen Sie unsere Redaktion schon mit 3 Euro im Monat.</p>"
        "<p><a href='/abo'>Jetzt mitmachen</a></p><p><a href='#'>Nicht jetzt</a></p>"
    ),
    "box": (
        "<div class='k7'><h4>Avant de partir</h4><p>Notre rédaction est indépendante et vit de "
        "ses lecteurs. Votre contribution, à partir de 2 € par mois, nous permet de continuer."
        "</p><p><a href='/don'>Je contribue</a> <a href='#'>Plus tard</a></p></div>"
    ),
}


def article_page(blocks: list[str]) -> str:
    return f"<html><body><article><h1>Trains late</h1><div>{''.join(blocks)}</div></article></body></html>"


@pytest.mark.parametrize("form", sorted(SCORED_APPEALS))
@pytest.mark.parametrize("where", [2, 4])
def test_an_appeal_scored_on_generic_signals_goes(form: str, where: int) -> None:
    blocks = [f"<p>{p}</p>" for p in NEWS]
    blocks.insert(where, SCORED_APPEALS[form])
    text = extract(article_page(blocks), url="https://courier.example/trains").text
    for marker in ("newsroom answers", "Journalismus bleibt", "Nicht jetzt", "Avant de partir",
                   "Plus tard", "Give today"):
        assert marker not in text
    for paragraph in NEWS:
        assert paragraph in text


@pytest.mark.parametrize(
    "paragraph",
    [
        # about fundraising: it reports what was said
        "“Independent journalism costs money, and we need your support to keep reporters in "
        "court,” the editor said, announcing memberships from $3 a month.",
        # addresses the reader and asks, but for nothing a newsroom does
        "If you want to support your local club, a season membership costs $40 a month and "
        "you can pay it at the ground. Please bring your card.",
        # a letter to readers that asks for nothing
        "Dear readers, this is my last column as editor. Thank you for reading our journalism "
        "for so many years; you kept this newsroom honest.",
    ],
)
def test_paragraphs_about_support_and_readers_stay(paragraph: str) -> None:
    blocks = [f"<p>{p}</p>" for p in NEWS]
    blocks.insert(2, f"<p>{paragraph}</p>")
    text = extract(article_page(blocks), url="https://courier.example/trains").text
    assert paragraph in text


def test_an_advice_column_that_addresses_its_readers_stays() -> None:
    paragraph = (
        "Dear readers, you asked how to support your elderly parents. Independent living is "
        "possible for longer than most families think, if the home is adapted in time."
    )
    blocks = [f"<p>{p}</p>" for p in NEWS]
    blocks.insert(2, f"<p>{paragraph}</p>")
    text = extract(article_page(blocks), url="https://courier.example/advice").text
    assert paragraph in text


def test_a_section_of_readers_comments_is_no_part_of_the_article() -> None:
    body = "".join(f"<p>{t}</p>" for t in [
        "The city council voted on Wednesday to keep all 33 of its public libraries open, reversing a proposal "
        "that would have closed nine branches to save money.",
        "The decision followed a campaign by residents, authors and schoolchildren, who gathered thousands of "
        "signatures and staged read-ins outside the civic hall.",
        "Councillor Ann Pryce said the savings would instead come from sharing buildings with health services "
        "and shorter opening hours on weekday mornings.",
        "The council said it would publish a detailed plan for each branch in the autumn, after a further round "
        "of consultation with staff and users."])
    comments = "".join(
        f'<article class="c"><div class="meta"><b>{name}</b> <span>2 hours ago</span></div><p>{text}</p>'
        '<a href="#">Reply</a></article>' for name, text in [
            ("bookworm_77", "Brilliant news. My kids practically grew up in the branch and I cannot imagine the "
                            "area without it, so thank you to everyone who signed."),
            ("cityLad", "Shorter opening hours is just closure by the back door, mark my words. They will say "
                        "nobody uses them in two years and shut them anyway."),
            ("Marjorie P.", "The council wasted more than this on consultants last year, so I do not accept that "
                            "there was ever a real need to close anything at all.")])
    for heading in ("3 Comments", "Comments (12)", "Join the conversation", "Kommentare"):
        page = ('<html><head><title>Libraries stay open | The Courier</title></head><body><header>'
                '<a href="/">The Courier</a><nav><ul><li><a href="/w">World</a></li><li><a href="/b">Business</a>'
                '</li></ul></nav></header><main><article class="post"><h1>Libraries stay open</h1>'
                f'<div class="post-body">{body}</div><div class="discussion"><h3>{heading}</h3>{comments}'
                "<form><textarea></textarea><button>Post comment</button></form></div></article></main>"
                "<footer><p>&copy; 2024 The Courier.</p></footer></body></html>")
        text = extract(page, url="https://courier.example/news/libraries").text
        assert "weekday mornings" in text and "back door" not in text and "consultants" not in text, heading
    # a subheading "Comments" in the article's own flow takes nothing with it
    inline = (f"<html><body><article><h1>Readers on libraries</h1>{body}<h2>Comments</h2>"
              "<p>The council received more than four hundred written comments during the consultation period.</p>"
              "</article></body></html>")
    assert "four hundred written comments" in extract(inline, url="https://courier.example/r").text


def test_a_pull_quote_is_not_read_twice() -> None:
    said = "Every flyby gives us a glimpse of what we can expect once we are in orbit"
    paragraphs = [
        "The probe passed within 400 kilometres of the moon's surface on Tuesday, its closest approach so far.",
        f"“{said},” the mission's lead scientist, Dr Amara Osei, told reporters at the control centre.",
        "The next flyby is due in March, when the probe will photograph the southern ice fields for the first time.",
        "Engineers said every instrument on board was working normally after the pass through the radiation belts.",
    ]
    page = ("<html><body><article><h1>Probe skims the moon</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs[:2])
            + f'<blockquote class="pq"><p>“{said}.”</p></blockquote>'
            + "".join(f"<p>{p}</p>" for p in paragraphs[2:]) + "</article></body></html>")
    text = extract(page, url="https://science.example/probe").text
    assert text.count("glimpse of what we can expect") == 1 and "radiation belts" in text
    # a quotation the article makes only once is kept
    quoted = page.replace(paragraphs[1], "The mission's lead scientist spoke to reporters at the control centre.")
    assert "glimpse of what we can expect" in extract(quoted, url="https://science.example/probe").text


@pytest.mark.parametrize(("plug", "dropped"), [
    ('<p><em>Get our free Tech Briefing newsletter delivered to your inbox every week. <a href="/nl">Sign up here</a>.</em></p>', True),
    ("<p>Sign up for our Morning Briefing newsletter here.</p>", True),
    ("<p><strong>Subscribe to our newsletter</strong> for the latest science news.</p>", True),
    ("<p>Abonnieren Sie unseren Newsletter.</p>", True),
    # prose about a newsletter reports, it does not ask
    ("<p>The agency said 40,000 readers had signed up for its weekly newsletter since it launched in June.</p>", False),
    ("<p>Readers who subscribe to the council's newsletter will get the new timetable first, officials said.</p>", False),
])
def test_a_newsletter_plug_in_the_body_goes_and_news_about_one_stays(plug: str, dropped: bool) -> None:
    paragraphs = [
        "The probe passed within 400 kilometres of the moon's surface on Tuesday, its closest approach so far.",
        "The mission's lead scientist, Dr Amara Osei, told reporters at the control centre that all was well.",
        "The next flyby is due in March, when the probe will photograph the southern ice fields for the first time.",
        "Engineers said every instrument on board was working normally after the pass through the radiation belts.",
    ]
    page = ("<html><body><article><h1>Probe skims the moon</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs[:2])
            + plug + "".join(f"<p>{p}</p>" for p in paragraphs[2:]) + "</article></body></html>")
    text = extract(page, url="https://science.example/probe").text.lower()
    assert ("newsletter" not in text) == dropped and "radiation belts" in text
