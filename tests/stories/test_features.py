"""Features: names, numbers and dates, shingles."""

from __future__ import annotations

import pytest

from progleton.stories.features import (
    article_features,
    content_words,
    name_forms,
    names,
    number_value,
    numbers_and_dates,
    shingles,
    stem,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("earthquakes", "earthquake"),
        ("injuries", "injury"),
        ("reid's", "reid"),
        ("news", "new"),
        ("crisis", "crisis"),
    ],
)
def test_stem_folds_plurals_and_possessives(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_names_are_capitalised_phrases_not_sentence_starts() -> None:
    text = (
        "After the quake, Interior Minister Ali Yerlikaya visited Izmir. The city mourned. "
        'Reid starred in "American Pie". Friends of Reid spoke.'
    )
    found = names(text)
    assert "interior minister ali yerlikaya" in found
    assert "yerlikaya" in found  # the last word too, as later mentions use it
    assert "izmir" in found
    assert "american pie" in found
    assert names("Reid starred in it.") == []  # a lone sentence-initial word is not enough
    assert found.count("reid") == 2  # ... unless the text capitalises it elsewhere too
    assert "after" not in found and "the" not in found


def test_numbers_and_dates_are_normalised() -> None:
    found = numbers_and_dates("On June 8, 2013 a magnitude 6.4 quake killed 1,200 people; 03 May.")
    assert {"june 8", "2013", "6.4", "1200", "may 3", "3"} <= set(found)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("300,000", "300000"), ("300.000", "300000"), ("1.000.000", "1000000"),  # thousands
        ("6,8", "6.8"), ("6.8", "6.8"), ("0,5", "0.5"),  # a decimal comma or point
        ("1.234,5", "1234.5"), ("1,234.5", "1234.5"),  # both
        ("0.125", "0.125"), ("12.05.2013", "12.05.2013"), ("07", "7"),  # neither
    ],
)
def test_a_number_is_the_same_however_a_language_writes_it(written: str, value: str) -> None:
    assert number_value(written) == value


def test_reports_in_two_languages_share_their_numbers() -> None:
    english = article_features("", "A magnitude 6.8 quake cut power to 300,000 homes in Chile.")
    german = article_features("", "Ein Beben der Stärke 6,8 ließ 300.000 Haushalte in Chile ohne Strom.")
    numbers = {f for f in english.counts if f.startswith("d:")}
    assert numbers == {"d:6.8", "d:300000"} == {f for f in german.counts if f.startswith("d:")}


def test_article_features_keep_kinds_apart() -> None:
    f = article_features("Quake hits Izmir", "A magnitude 6.4 earthquake hit Izmir in Turkey.")
    assert f.counts["t:quake"] == 2.0  # title words count twice
    assert "w:earthquake" in f.counts and "n:izmir" in f.counts and "d:6.4" in f.counts
    assert "w:the" not in f.counts
    assert f.words == len(content_words("A magnitude 6.4 earthquake hit Izmir in Turkey."))


def test_a_weekdays_possessive_and_a_names_generic_last_word_are_no_names() -> None:
    """"Wednesday's cup tie" named a match preview after "Wednesday" and tied it to two arrest
    reports; "Hadley Province" and "Torva Province" shared "province"."""
    found = names("Rovers face Castleford in Wednesday's cup tie, after Sunday’s win. "
                  "Officials in Hadley Province and Torva Province met at Kestrel Falls. Vincent Jackson spoke.")
    assert found == ["castleford", "hadley province", "torva province", "kestrel fall", "vincent jackson", "jackson"]


def test_an_irish_name_is_a_name_and_a_contraction_is_not() -> None:
    """"O'Brien" had been read as a contraction, as "I'm" is, and dropped: "Jim O'Brien" was
    "jim", and ECB+'s reports of his firing shared no name with each other by him."""
    found = names("Jim O'Brien was fired on Monday. His assistant said O'Brien's team was told. I'm sorry, "
                  "We're done.")
    assert found == ["jim o'brien", "o'brien", "o'brien"]


def test_a_point_that_shortens_a_word_ends_no_sentence() -> None:
    """News writes "Mr. Brown", "Gov. Sarah Palin", "St. Louis", "A.J. Smith" and "U.S. Army".
    Each point had ended a sentence: the word after it was a sentence's first, a name only if
    the text capitalised it elsewhere too, and "Louis", "Army" and "Brown" were lost, "A.J.
    Smith" was "smith" at best, and the title ran into the name ("alaska gov")."""
    found = names("The U.S. Army said A.J. Smith met Mr. Brown in St. Louis on Friday. Alaska Gov. Sarah "
                  "Palin spoke to Karen B. Olson. Smith said more. Brown agreed.")
    assert found == ["us army", "aj smith", "smith", "brown", "st louis", "louis", "sarah palin", "palin",
                     "karen olson", "olson", "smith", "brown"]
    # an initial may end a sentence; a title never does
    assert names("He lives in the U.S. Officials said so, and officials agreed.") == ["us"]
    assert names("She ran for the Republican U.S. vice-presidency.") == ["republican us", "us"]


def test_shingles() -> None:
    assert shingles("One two three four") == ["one two three", "two three four"]
    assert shingles("one two") == ["one two"]
    assert shingles("") == []


def test_name_forms_find_how_the_text_writes_each_name() -> None:
    title, text = "Tara Reid's rehab", "Crews on Ferry Lane. The Agencies met. The falls at Kestrel Falls rose."
    keys = names(title + ". " + text)
    assert name_forms(keys, title, text) == {
        "tara reid": "Tara Reid", "reid": "Reid", "ferry lane": "Ferry Lane", "lane": "Lane",
        "agency": "Agencies", "kestrel fall": "Kestrel Falls",
    }  # fmt: skip
    assert name_forms(["nobody here"], title, text) == {}
