"""Names resolve to ISO-3 or bloc codes; leaders only during their tenure."""

from __future__ import annotations

from datetime import date

import pytest

from newsline.extraction.gazetteer import load_gazetteer
from newsline.extraction.tokens import tokenize

from .extraction_support import FIXTURE_KNOWLEDGE


def codes(text: str, when: date | None = date(2025, 8, 20), lang: str = "fr") -> list[str]:
    gazetteer = load_gazetteer(FIXTURE_KNOWLEDGE)
    return [m.code for m in gazetteer.find(tokenize(text), text, 0, when, lang)]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("La Biélorussie et l'Iran", "fr", ["BLR", "IRN"]),
        ("les Etats-Unis et la Grande-Bretagne", "fr", ["USA", "GBR"]),
        ("Le Biélorusse Alexandre Loukachenko", "fr", ["BLR", "BLR"]),
        ("Minsk et Téhéran prennent des initiatives", "fr", ["BLR", "IRN"]),
        ("des sanctions occidentales illégales", "fr", ["WEST"]),
        ("the Soviet Union and West Germany", "en", ["RUS", "DEU"]),
        ("Iran's mission to the United Nations", "en", ["IRN", "UN"]),
        ("Myanmar and Burma", "en", ["MMR", "MMR"]),
    ],
)
def test_names_resolve(text, lang, expected):
    assert codes(text, lang=lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # A French name is not looked for in English text, nor an English one in French.
        ("The Suisse chalet and the Allemagne brand", "en", []),
        ("La Switzerland Cup et la Suisse", "fr", ["CHE"]),
        # CLDR's "Réunion" (the island) is left to the knowledge base: a French
        # sentence opening on "Réunion" speaks of a meeting.
        ("Réunion des ministres à Bruxelles", "fr", []),
        ("Iran and Iraq", "en", ["IRN", "IRQ"]),
        ("l'Iran et l'Irak", "fr", ["IRN", "IRQ"]),
    ],
)
def test_names_are_read_in_their_language(text, lang, expected):
    assert [c for c in codes(text, lang=lang) if c != "EU"] == expected


def test_case_matters_for_capitalised_names():
    assert codes("Turkey and Chad", lang="en") == ["TUR", "TCD"]
    assert codes("a roast turkey for us", lang="en") == []


def test_leader_outside_tenure_does_not_resolve():
    assert codes("Massoud Pezeshkian", date(2025, 8, 20)) == ["IRN"]
    assert codes("Massoud Pezeshkian", date(2023, 1, 10)) == []
    assert codes("Barack Obama", date(2009, 12, 10), "en") == ["USA"]
    assert codes("Barack Obama", date(2020, 1, 1), "en") == []
