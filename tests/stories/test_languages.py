"""News in other languages: read in its own words, stop words and stems, and grouped by event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progleton.settings import Settings
from progleton.stories import Doc, StoryGrouper
from progleton.stories.features import (
    PHRASE_PREFIX,
    article_features,
    content_words,
    is_name,
    name_forms,
    names,
    shingles,
    text_language,
    tokens,
    word_forms,
)
from progleton.stories.languages import english_name_word, language
from progleton.stories.tokens import _ASCII_TOKEN, _TOKEN

from .stream_languages import (
    EXPECTED,
    T0,
    THAI_EXPECTED,
    THAI_MARKED_EXPECTED,
    language_docs,
    thai_marked_docs,
)

SAMPLES = {
 'russian': 'Президент России Владимир Путин в понедельник встретился в Москве с председателем КНР Си Цзиньпином. Переговоры продлились 3 часа. Путина и Си ждали журналисты, но они не ответили на вопросы.',
 'ukrainian': 'Президент України Володимир Зеленський у понеділок зустрівся з прем\'єр-міністром Польщі. Переговори тривали три години, і сторони погодилися продовжити співпрацю.',
 'bulgarian': 'Президентът на България Румен Радев се срещна в понеделник с премиера. Разговорите продължиха три часа, като двамата обсъдиха бюджета и които са най-важните въпроси.',
 'german': 'Bundeskanzler Olaf Scholz hat am Montag den französischen Präsidenten Emmanuel Macron in Berlin getroffen. Die Gespräche dauerten drei Stunden.',
 'french': 'Le président de la République a rencontré lundi à l\'Élysée le chancelier allemand. Les discussions ont duré trois heures et ont porté sur l\'Ukraine.',
 'spanish': 'El presidente del Gobierno visitó ayer Madrid para reunirse con los alcaldes de la región. La reunión duró dos horas.',
 'portuguese': 'O presidente do Brasil visitou ontem São Paulo para se reunir com os prefeitos da região. A reunião durou duas horas e não houve acordo.',
 'italian': 'Il presidente del Consiglio ha incontrato ieri a Roma i sindacati. La riunione è durata tre ore e non è stato raggiunto un accordo.',
 'polish': 'Prezydent Polski spotkał się w poniedziałek z premierem. Rozmowy trwały trzy godziny i dotyczyły budżetu oraz sytuacji na Ukrainie.',
 'dutch': 'De minister-president heeft maandag in Den Haag de Duitse bondskanselier ontvangen. Het gesprek duurde drie uur en ging over de oorlog in Oekraïne.',
 'swedish': 'Statsministern träffade på måndagen Tysklands förbundskansler i Stockholm. Samtalen pågick i tre timmar och handlade om kriget i Ukraina.',
 'turkish': 'Cumhurbaşkanı pazartesi günü Ankara\'da Almanya Başbakanı ile görüştü. Görüşme üç saat sürdü ve Ukrayna\'daki savaş ele alındı.',
 'greek': 'Ο πρωθυπουργός συναντήθηκε τη Δευτέρα στην Αθήνα με τον Γερμανό καγκελάριο. Οι συνομιλίες διήρκεσαν τρεις ώρες και αφορούσαν τον πόλεμο στην Ουκρανία.',
 'english': 'The café owner said the naïve plan, which had been a résumé of failures, would be dropped by the council on Monday after the mayor objected.',
 'japanese': '東京都で震度5強の地震があり、気象庁は津波の心配はないと発表した。',
 'arabic': 'التقى الرئيس المصري يوم الاثنين في القاهرة مع رئيس الوزراء الفرنسي، واستمرت المحادثات ثلاث ساعات.',
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_text_language_names_the_language_of_a_few_sentences(language: str) -> None:
    assert text_language(SAMPLES[language]) == language


@pytest.mark.parametrize(
    "title",
    [
        "Robert Wood Johnson Foundation Trustee, Regina Benjamin, M. D., M. B. A., Nominated",
        "Lindsay Lohan in rehab at Betty Ford",
        "Die Hard star says the sequel is on",
        "",
        # made-up words that happen to be Turkish and French stop words: 2 in 40 is not a language
        "Kalomi Nerusa tovida pezuhari mine kalo daha ruta gorlin esur anim olka tora viko bumi "
        "harisa nelo kedu rimo taza pelo zuka mira sobe lina gore kasi doma ruvi neko talu pida "
        "zemo kuri hano sela bovi tesa lumo raki",
    ],
)
def test_text_without_a_language_reads_as_english(title: str) -> None:
    assert text_language(title) == "english"


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_fast_path_finds_the_same_tokens(text: str) -> None:
    assert _ASCII_TOKEN.findall(text) == _TOKEN.findall(text)


def test_words_of_any_alphabet_are_whole_words() -> None:
    assert tokens("Gérard Depardieu in Vendôme") == ["Gérard", "Depardieu", "in", "Vendôme"]
    # vowel signs and accents written as combining marks stay inside their word
    assert tokens("भारत में भूकंप के झटके") == ["भारत", "में", "भूकंप", "के", "झटके"]
    assert tokens("Ge\u0301rard a\u0300 Vendo\u0302me") == ["Gérard", "à", "Vendôme"]
    # numerals that are not digits are not words; digits of any script are numbers
    assert tokens("3½ km² 四川 ١٢ Ⅻ.") == ["3", "km²", "四川", "١٢", "."]
    assert content_words("Die Gespräche über die Ukraine dauerten drei Stunden.") == [
        "gesprach", "ukrain", "dauert", "drei", "stund",
    ]


def test_russian_is_stemmed_and_stop_words_dropped() -> None:
    words = content_words("Путин прилетел в Москву, и в Москве его встретили. Из Москвы он уехал.")
    assert "в" not in words and "и" not in words and "из" not in words
    assert words.count("москв") == 3  # Москву, Москве, Москвы: one stem
    # names are folded the same way, so "Путина" later in a text is still Putin
    found = names("Об этом рассказал Владимир Путин. Позже слова Путина повторил Песков.")
    assert "владимир путин" in found and found.count("путин") == 2


def test_chinese_reads_as_character_pairs() -> None:
    features = article_features("四川发生地震", "四川泸定县发生6.8级地震。")
    assert {"t:四川", "t:地震", "w:泸定", "w:地震"} <= features.counts.keys()
    assert "d:6.8" in features.counts
    # near-duplicate detection compares characters, not whole sentences
    assert shingles("四川发生地震") == ["四 川 发", "川 发 生", "发 生 地", "生 地 震"]


def _groups(docs: list[Doc], story_of: Callable[[str], str]) -> set[frozenset[str]]:
    """The docs' ids grouped by ``story_of`` (a grouper's stories, or the expected events)."""
    by_story: defaultdict[str, set[str]] = defaultdict(set)
    for doc in docs:
        by_story[story_of(doc.id)].add(doc.id)
    return {frozenset(ids) for ids in by_story.values()}


def test_stream_in_four_languages_groups_exactly_by_event() -> None:
    """Each event by several outlets in their own words, beside an event of the same kind."""
    grouper = StoryGrouper(Settings())
    docs = language_docs()
    for doc in docs:
        grouper.add(doc)
    assert _groups(docs, grouper.story_of) == _groups(docs, EXPECTED.__getitem__)


_ENGLISH_REPORTS = [
    ("en-aug-1", 5, "Regional train derails near Augsburg, two injured",
     "A regional train derailed near Augsburg on Monday morning, injuring two passengers slightly, "
     "federal police said. The train, carrying about 80 passengers from Augsburg to Donauwörth, left "
     "the tracks just past Gersthofen station. The line will stay closed until at least Tuesday."),
    ("en-han-1", 31, "Freight train derails near Hanover, Hamburg line closed",
     "A freight train loaded with timber derailed near Hanover overnight, tipping over several wagons "
     "at Langenhagen. Nobody was hurt. The main line between Hanover and Hamburg is closed and "
     "long-distance trains are diverted via Bremen."),
    ("en-kam-1", 2, "Magnitude 7.0 earthquake strikes off Kamchatka",
     "A magnitude 7.0 earthquake struck off the east coast of Kamchatka on Monday at a depth of 40 km, "
     "110 km from Petropavlovsk-Kamchatsky. A tsunami warning was issued and lifted an hour later."),
]


def test_reports_in_two_languages_that_write_the_same_names_join_one_story() -> None:
    """English and German write Augsburg, Gersthofen and Langenhagen alike: an English report
    joins the German story of its derailment (not the other one) by those names. Russian writes
    Kamchatka in another script: the English report of that earthquake starts a story of its own."""
    grouper = StoryGrouper(Settings())
    english = [
        Doc(doc_id, f"https://wire.example/{doc_id}", "wire", title, text, T0 + timedelta(hours=hours))
        for doc_id, hours, title, text in _ENGLISH_REPORTS
    ]
    for doc in sorted(language_docs() + english, key=lambda d: (d.published, d.id)):
        grouper.add(doc)
    assert grouper.story_of("en-aug-1") == grouper.story_of("de-aug-1") != grouper.story_of("de-han-1")
    assert grouper.story_of("en-han-1") == grouper.story_of("de-han-1")
    assert "names" in grouper.reasons("en-aug-1").evidence
    assert grouper.story_of("en-kam-1") == "story-en-kam-1"
    # the German stories are otherwise as before
    assert {d for d in EXPECTED if grouper.story_of(d) == grouper.story_of("de-aug-1")} == {
        d for d, event in EXPECTED.items() if event == "augsburg"
    }


_CHILE_ENGLISH = [
    ("en-chile-1", 0.5, "Strong earthquake shakes central Chile near Valparaiso",
     "A magnitude 6.8 earthquake struck off the coast of central Chile on Monday evening, shaking "
     "buildings in Valparaiso and the capital Santiago. The United States Geological Survey said the "
     "quake was centred 40 kilometres west of Valparaiso at a depth of 25 kilometres. Interior "
     "minister Carolina Toha said at least five people had died. Power was cut to about 300,000 "
     "homes."),
    ("en-chile-2", 1.0, "Strong earthquake hits Chile",
     "Buildings swayed across Valparaiso and Santiago on Monday night when an earthquake of "
     "magnitude 6.8 hit central Chile. Minister Carolina Toha said the death toll stood at seven. "
     "The USGS placed the epicentre in the Pacific Ocean west of Valparaiso. President Gabriel "
     "Boric said he would travel to Valparaiso on Tuesday."),
    ("en-chile-3", 1.5, "Chile earthquake: deaths reported in Valparaiso",
     "Several people were killed when a powerful magnitude 6.8 earthquake rocked central Chile, "
     "authorities in Santiago said. Most victims died in Valparaiso, where old adobe houses gave "
     "way. The quake struck offshore, the USGS said. Carolina Toha urged residents to stay away "
     "from damaged buildings."),
]
_CHILE_GERMAN = (
    "de-chile-1", 2.0, "Schweres Erdbeben erschüttert Chile",
    "Ein Erdbeben der Stärke 6,8 hat am Montagabend die Mitte Chiles erschüttert. Besonders "
    "betroffen war die Hafenstadt Valparaiso, wo mehrere Menschen ums Leben kamen. Nach Angaben "
    "der US-Erdbebenwarte USGS lag das Epizentrum rund 40 Kilometer westlich von Valparaiso im "
    "Pazifik. Innenministerin Carolina Toha sprach von mindestens fünf Toten. In Santiago waren "
    "300.000 Haushalte ohne Strom. Präsident Gabriel Boric kündigte an, Valparaiso am Dienstag zu "
    "besuchen.",
)


def test_a_report_that_writes_its_numbers_the_german_way_joins_the_english_story() -> None:
    """ "6,8" and "300.000" are the English reports' 6.8 and 300,000. Read as 68 and a decimal, the
    German report's numbers were numbers no English report gives, which weigh against it; in
    QA's stream of outlets in three languages it then started a story of its own (0.699 < 0.70)."""
    grouper = StoryGrouper(Settings())
    chile = [
        Doc(doc_id, f"https://news.example/{doc_id}", doc_id[:2], title, text,
            T0 + timedelta(days=3, hours=hours))
        for doc_id, hours, title, text in (*_CHILE_ENGLISH, _CHILE_GERMAN)
    ]
    for doc in sorted(language_docs() + chile, key=lambda d: (d.published, d.id)):
        grouper.add(doc)
    assert grouper.story_of("de-chile-1") == grouper.story_of("en-chile-1")
    assert {grouper.story_of(d) for d in ("en-chile-2", "en-chile-3")} == {grouper.story_of("en-chile-1")}
    assert grouper.reasons("de-chile-1").action == "joined"
    # the German numbers are evidence the English reports carry, not numbers none of them gives
    carriers = grouper._stories[grouper.story_of("de-chile-1")].carriers
    assert (carriers["d:6.8"], carriers["d:300000"], carriers["d:68"]) == (4, 2, 0)


_CHILE_SPANISH = (
    "es-chile-1", 2.0, "Fuerte terremoto sacude la zona central de Chile",
    "Un sismo de magnitud 6,8 sacudió el lunes por la noche la zona central de Chile. En "
    "Valparaíso, donde se derrumbaron viejas casas de adobe, murieron al menos cinco personas, "
    "según la ministra del Interior, Carolina Tohá. El Servicio Geológico de Estados Unidos "
    "(USGS) situó el epicentro en el océano Pacífico, a 40 kilómetros al oeste de Valparaíso. "
    "En Santiago, 300.000 hogares quedaron sin luz. El presidente Gabriel Boric viajará el "
    "martes a Valparaíso.",
)


def test_a_name_is_one_key_in_every_language_that_does_not_decline_names() -> None:
    """Spanish writes "Valparaíso", "Tohá" and "Chile" where English writes "Valparaiso",
    "Toha" and "Chile". Stemmed in Spanish the names were "valparais", "tohá", "chil" and
    "santiag", and the Spanish report of the quake, sharing no name with the English reports,
    started a story of its own in QA's stream."""
    spanish = language("spanish").name_word
    assert [spanish(w) for w in ("Valparaíso", "Tohá", "Chile", "Santiago", "L'Aquila")] == [
        "valparaiso", "toha", "chile", "santiago", "aquila"
    ]
    assert english_name_word("Tohá") == "toha"
    # declined names keep their language's stems: "Путина" is Putin, "Merkels" Merkel
    assert language("russian").name_word("Путина") == language("russian").name_word("Путин")
    assert language("german").name_word("Merkels") == language("german").name_word("Merkel")
    grouper = StoryGrouper(Settings())
    chile = [
        Doc(doc_id, f"https://news.example/{doc_id}", doc_id[:2], title, text,
            T0 + timedelta(days=3, hours=hours))
        for doc_id, hours, title, text in (*_CHILE_ENGLISH, _CHILE_SPANISH)
    ]
    for doc in sorted(language_docs() + chile, key=lambda d: (d.published, d.id)):
        grouper.add(doc)
    assert grouper.story_of("es-chile-1") == grouper.story_of("en-chile-1")
    assert grouper.reasons("es-chile-1").action == "joined"
    carriers = grouper._stories[grouper.story_of("es-chile-1")].carriers
    assert (carriers["n:valparaiso"], carriers["n:toha"], carriers["n:valparais"]) == (4, 4, 0)


def test_a_name_behind_an_elided_article_is_a_name() -> None:
    """French and Italian write "l'", "d'", "dell'" onto the next word: "l'Élysée" and
    "d'Emmanuel Macron" had begun with a small letter and were no names, and "dell'Aquila" no
    place; "C'est" heading a sentence is no name either."""
    french = article_features(
        "Macron reçoit Scholz",
        "Le président a quitté l'Élysée pour Matignon dans la soirée. La visite d'Emmanuel Macron "
        "à Berlin a été reportée, selon un communiqué. Le chancelier s'est rendu à l'Assemblée "
        "nationale, où il a parlé avec les députés. C'est l'ONU qui a demandé une réunion, a dit "
        "le ministre à l'AFP.",
    )
    assert {"elysee", "emmanuel macron", "assemblee", "onu", "afp"} <= set(french.names)
    assert not any("est" in name.split() for name in french.names)
    # shown as written, without the article
    assert name_forms(["elysee", "emmanuel macron"], "", "Il a quitté l'Élysée, dit-on, avec "
                      "le soutien d'Emmanuel Macron.") == {"elysee": "Élysée", "emmanuel macron": "Emmanuel Macron"}
    italian = article_features(
        "Scossa nella notte",
        "Una forte scossa di magnitudo 5,8 ha colpito la provincia nella notte. Il sindaco "
        "dell'Aquila ha parlato con la Protezione civile, che ha inviato i soccorsi nella zona. "
        "Non ci sono vittime, ma molte case sono state danneggiate.",
    )
    assert "aquila" in italian.names


def test_shared_words_and_names_are_shown_as_the_article_writes_them() -> None:
    """Stems are keys, not words: a reader sees "Иркутске", not "иркутск"."""
    title = "В Иркутске после толчков эвакуировали школу"
    text = "Жители Иркутска пишут о трещинах в стенах. Эпицентр был у поселка Листвянка."
    assert name_forms(["иркутск", "листвянк"], title, text) == {
        "иркутск": "Иркутске", "листвянк": "Листвянка",
    }
    assert word_forms(["школ", "трещин", "москв"], title, text) == {"школ": "школу", "трещин": "трещинах"}
    assert word_forms(["injury"], "Two injuries", "") == {"injury": "injuries"}


def test_german_common_nouns_are_not_names() -> None:
    """German capitalises every noun: a noun after an article or a number is no name, nor one
    that ends as abstract nouns do; people, places and the names of organisations stay."""
    text = (
        "Bundeskanzler Friedrich Merz hat am Dienstag in Berlin den französischen Präsidenten "
        "Emmanuel Macron empfangen. Merz sagte, die Gespräche seien gut gewesen. Der Kanzler und "
        "der Präsident sprachen über die Ukraine, die USA und die Digitalisierung. Zwei Fahrgäste "
        "eines Regionalzugs wurden verletzt. Die Deutsche Bahn leitet Fernzüge über Bremen um."
    )
    found = set(names(text))
    assert {"merz", "berlin", "macron", "ukrain", "usa", "deutsch bahn", "brem"} <= found
    assert not found & {"dienstag", "gesprach", "kanzl", "prasident", "digitalisier", "fahrgast", "der kanzl"}
    # other languages: a capitalised stop word heading a sentence or a title is no part of a name
    german = "Der Regionalzug ist bei Augsburg entgleist, und die Strecke nach Donauwörth ist gesperrt."
    assert names(german) == ["augsburg", "donauworth"]
    french = article_features(
        "Le Sénat adopte la réforme", "Les sénateurs ont voté le texte mardi à Paris, après une longue nuit de débats."
    )
    assert french.names == ("senat", "paris")  # accents folded: one key in every language


def test_korean_particles_are_not_part_of_the_word() -> None:
    """"지진이", "지진은", "지진으로" are all the earthquake; a two-syllable word keeps its end."""
    assert content_words("지진이 발생했다. 지진은 강했다. 지진으로 피해가 컸다. 해운대에서는 나이") == [
        "지진", "발생했다", "지진", "강했다", "지진", "피해", "컸다", "해운대", "나이",
    ]


def test_scripts_without_capitals_show_no_names() -> None:
    """Korean, Chinese, Arabic ... have no capitals: their few Latin acronyms are not names, and
    such docs are weighed with the join model fitted without names."""
    korean = article_features("KBS 보도", "부산 해운대구의 한 아파트에서 불이 나 주민 30명이 SNS로 소식을 전했다.")
    assert korean.names == () and not any(k.startswith("n:") for k in korean.counts)
    assert "w:kbs" in korean.counts or "t:kbs" in korean.counts
    assert article_features("", "Tara Reid entered rehab.").names == ("tara reid", "reid")


def test_a_text_without_names_counts_the_phrases_it_repeats() -> None:
    """Two content words in a row that the title and text write twice stand in for names where
    none can be told by capitals; they are no names to the model choice or to readers."""
    found = article_features(
        "magnitude 5.1 earthquake in chiang rai",
        "a magnitude 5.1 earthquake struck mae sai district, chiang rai province. the meteorological "
        "department said there was no serious damage in mae sai.",
    )
    phrases = sorted(k for k in found.counts if k.startswith(PHRASE_PREFIX))
    assert phrases == [PHRASE_PREFIX + "chiang rai", PHRASE_PREFIX + "mae sai"]
    assert found.counts[PHRASE_PREFIX + "mae sai"] == 2 and found.names == ()
    assert not any(map(is_name, found.counts))
    korean = article_features("부산 화재", "부산 해운대구 아파트 화재. 소방당국은 부산 해운대구 화재 원인을 조사 중이다.")
    assert PHRASE_PREFIX + "해운대구 아파트" not in korean.counts
    assert korean.counts[PHRASE_PREFIX + "부산 해운대구"] == 2 and korean.names == ()
    # a text with names has no phrases
    named = article_features("Tara Reid in rehab", "Tara Reid entered rehab. Tara Reid entered rehab again.")
    assert not any(k.startswith(PHRASE_PREFIX) for k in named.counts)
    assert word_forms(["chiang rai"], "", "Quake in chiang rai") == {"chiang rai": "chiang rai"}


def test_reports_without_names_join_on_their_phrases_and_show_them_as_terms() -> None:
    grouper = StoryGrouper(Settings())
    first = Doc("cm-1", "https://a.example/1", "a", "earthquake shakes chiang mai",
                "a magnitude 6.2 earthquake struck mae rim district in chiang mai province on monday. "
                "the governor of chiang mai said buildings in mae rim were damaged.", None)
    second = Doc("cm-2", "https://b.example/2", "b", "chiang mai schools close after earthquake",
                 "schools in chiang mai closed after the magnitude 6.2 earthquake in mae rim district. "
                 "engineers inspect buildings in mae rim and across chiang mai.", None)
    grouper.add(first)
    joined = grouper.add(second)
    assert joined.story_id == grouper.story_of("cm-1")
    assert joined.reasons.shared_names == ()
    assert {"chiang mai", "mae rim"} <= set(joined.reasons.shared_terms)
    assert "phrases" in joined.reasons.evidence


def test_thai_lao_khmer_and_burmese_are_read_in_words() -> None:
    """Their vowel and tone marks are not ``\\w``, and they put spaces between phrases: ICU's
    dictionary word breaker cuts them into words, and Thai function words are stop words."""
    assert content_words("เกิดเหตุแผ่นดินไหวขนาด 6.2 ในจังหวัดเชียงใหม่เมื่อเช้าวันจันทร์") == [
        "เกิด", "เหตุ", "แผ่น", "ดิน", "ไหว", "ขนาด", "จังหวัด", "เชียงใหม่", "เช้า",
    ]
    assert tokens("Reuters: ແຜ່ນດິນໄຫວຄັ້ງໃຫຍ່ 5.1 ๖") == ["Reuters", ":", "ແຜ່ນດິນໄຫວ", "ຄັ້ງ", "ໃຫຍ່", "5.1", "๖"]
    assert content_words("រញ្ជួយដីនៅខេត្តសៀមរាប")[:2] == ["រញ្ជួយ", "ដី"]
    assert text_language("แผ่นดินไหวขนาด 6.2 เขย่าเชียงใหม่") == "thai"


def test_thai_earthquakes_in_the_stream_stay_apart() -> None:
    """Read in words only, the second quake's first report scored 0.88 against the first quake
    alone and 0.94 among the other languages' reports, with no number in common: the reports of one
    quake share fewer words (text cosine 0.16) than the two quakes' first reports (0.39), and
    the phrase they repeat is the word for earthquake, which the word breaker cuts in three. Their
    names are told by the word before them, "จังหวัด" (province) and "อำเภอ" (district): Chiang
    Rai and Mae Sai against Chiang Mai and Mae Rim, it scores 0.24 (the same reports written in
    English: 0.40 with their names)."""
    grouper = StoryGrouper(Settings())
    docs = language_docs(thai=True)
    for doc in docs:
        grouper.add(doc)
    stories = {grouper.story_of(d) for d in THAI_EXPECTED if THAI_EXPECTED[d] == "chiangmai"}
    others = {grouper.story_of(d) for d in THAI_EXPECTED if THAI_EXPECTED[d] == "chiangrai"}
    assert len(stories) == len(others) == 1 and stories.isdisjoint(others)


def test_thai_lao_and_khmer_names_are_told_by_the_word_before_them() -> None:
    """No capitals there, but a place or a person follows a word that says what it is: province,
    district, Mr. Every mention of such a name counts, and a text with names repeats no phrases
    in their place."""
    quake = article_features(
        "แผ่นดินไหวขนาด 6.2 เขย่าเชียงใหม่",
        "เกิดเหตุแผ่นดินไหวขนาด 6.2 ในจังหวัดเชียงใหม่ ศูนย์กลางอยู่ที่ อ.แม่ริม "
        "ผู้ว่าราชการจังหวัดเชียงใหม่กล่าวว่ายังไม่มีรายงานผู้เสียชีวิต",
    )
    assert quake.names == ("เชียงใหม่", "แม่ริม") and all(map(is_name, ("n:เชียงใหม่", "n:แม่ริม")))
    assert quake.counts["n:เชียงใหม่"] == 3  # the title's mention, after no marker, too
    assert not any(k.startswith(PHRASE_PREFIX) for k in quake.counts)
    # a place is one dictionary word, though a verb follows it unspaced ("declared")
    assert names("จังหวัดสุโขทัยประกาศเขตภัยพิบัติ") == ["สุโขทัย"]
    # a person runs to the space or a stop word, however the word breaker cut the name
    assert names("ตำรวจจับกุมนายสมศักดิ์ ทองดี ได้ที่บ้านพัก ต่อมานายสมศักดิ์ให้การรับสารภาพ") == [
        "สม ศักดิ์", "สม ศักดิ์",
    ]
    assert name_forms(["สม ศักดิ์"], "", "นายสมศักดิ์ ทองดี") == {"สม ศักดิ์": "สมศักดิ์"}
    # no name: a title that makes a common noun (police officers), a stretch with no end in sight
    assert names("นายตำรวจ 2 นาย ลงพื้นที่ตรวจสอบ") == []
    assert names("นายวีรพงษ์ถูกจับกุมที่บ้านพัก") == []
    # Lao and Khmer: province Luang Prabang, Mr Somphone; province Kampong Cham
    assert names("ແຜ່ນດິນໄຫວທີ່ແຂວງຫຼວງພະບາງ ທ້າວສົມພອນ ກ່າວວ່າ") == ["ຫຼວງພະບາງ", "ສົມ ພອນ"]
    assert names("រញ្ជួយដីនៅខេត្តកំពង់ចាម") == ["កំពង់ចាម"]


@pytest.mark.parametrize("other_languages", [False, True], ids=["thai", "in-the-stream"])
def test_thai_events_of_one_kind_stay_apart_by_the_names_their_markers_tell(other_languages: bool) -> None:
    """Two floods in two provinces a few hours apart, and two arrests of two men in Bangkok for
    the same kind of fraud: each event's reports share their flood or fraud words with the
    other's, and their names (a province and district; a man named after "นาย", Mr) only with
    their own. A market fire's three reports name it by its district and province abbreviated,
    by the district chief, and by a stall holder alone: one story still. Read without the markers
    both floods and both arrests merged (the second event's first report joined the first's
    story at 0.70 to 0.87)."""
    grouper = StoryGrouper(Settings())
    docs = thai_marked_docs()
    stream = sorted(language_docs(thai=True) + docs, key=lambda d: (d.published, d.id)) if other_languages else docs
    for doc in stream:
        grouper.add(doc)
    assert _groups(docs, grouper.story_of) == _groups(docs, THAI_MARKED_EXPECTED.__getitem__)
    assert grouper.reasons("th-ss-2").shared_names == ("สม ศักดิ์",)
