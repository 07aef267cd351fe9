"""Dates resolve against publication as ONTOLOGY §3 says, with precision and tense."""

from __future__ import annotations

from datetime import date

import pytest

from newsline.extraction.dates import DateLexicon
from newsline.extraction.resources import language_file

WEDNESDAY = date(2025, 8, 20)


def lexicon(lang: str) -> DateLexicon:
    return DateLexicon(language_file(lang, "dates"), case_sensitive_months=lang == "en")


def resolve(lang: str, text: str, future: bool = False, published: date | None = WEDNESDAY):
    found = lexicon(lang).find(text)
    assert len(found) == 1, found
    return found[0].resolve(published, future)


@pytest.mark.parametrize(
    ("lang", "text", "future", "expected"),
    [
        ("fr", "ont déclaré mercredi leurs présidents", False, ("2025-08-20", "day")),
        ("fr", "ils se sont vus lundi", False, ("2025-08-18", "day")),
        ("fr", "ils se rencontreront vendredi", True, ("2025-08-22", "day")),
        ("en", "they met on Friday", False, ("2025-08-15", "day")),
        ("en", "they will meet on Friday", True, ("2025-08-22", "day")),
        ("fr", "il est arrivé hier", False, ("2025-08-19", "day")),
        ("en", "talks ended yesterday", False, ("2025-08-19", "day")),
        ("fr", "a signé en janvier avec Vladimir Poutine", False, ("2025-01", "month")),
        ("fr", "signé en octobre", False, ("2024-10", "month")),
        ("en", "signed in January", False, ("2025-01", "month")),
        ("fr", "son invasion de l'Ukraine en février 2022", False, ("2022-02", "month")),
        ("en", "agreed on May 2006", False, ("2006-05", "month")),
        ("en", "In talks in Geneva on Oct. 1", False, ("2024-10-01", "day")),
        ("en", "convened in Vienna on December 9, 1987", False, ("1987-12-09", "day")),
        ("fr", "suspendu depuis 2011", False, ("2011", "year")),
        ("en", "passed last year", False, ("2024", "year")),
        ("fr", "le sommet du 26 octobre dernier", False, ("2024-10-26", "day")),
    ],
)
def test_expressions_resolve_against_publication(lang, text, future, expected):
    assert resolve(lang, text, future) == expected


def test_relative_dates_without_publication_stay_null():
    assert resolve("fr", "mercredi", published=None) == (None, None)
    assert resolve("en", "on October 21", published=None) == (None, None)
    assert resolve("en", "in 1992", published=None) == ("1992", "year")


def test_english_modal_may_is_not_a_month():
    assert lexicon("en").find("Iran may agree to talks") == []
