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
    ("text", "expected"),
    [
        ("La Biélorussie et l'Iran", ["BLR", "IRN"]),
        ("les Etats-Unis et la Grande-Bretagne", ["USA", "GBR"]),
        ("Le Biélorusse Alexandre Loukachenko", ["BLR", "BLR"]),
        ("Minsk et Téhéran prennent des initiatives", ["BLR", "IRN"]),
        ("des sanctions occidentales illégales", ["WEST"]),
        ("the Soviet Union and West Germany", ["RUS", "DEU"]),
        ("Iran's mission to the United Nations", ["IRN", "UN"]),
        ("Myanmar and Burma", ["MMR", "MMR"]),
    ],
)
def test_names_resolve(text, expected):
    assert codes(text) == expected


def test_case_matters_for_capitalised_names():
    assert codes("Turkey and Chad", lang="en") == ["TUR", "TCD"]
    assert codes("a roast turkey for us", lang="en") == []


def test_leader_outside_tenure_does_not_resolve():
    assert codes("Massoud Pezeshkian", date(2025, 8, 20)) == ["IRN"]
    assert codes("Massoud Pezeshkian", date(2023, 1, 10)) == []
    assert codes("Barack Obama", date(2009, 12, 10), "en") == ["USA"]
    assert codes("Barack Obama", date(2020, 1, 1), "en") == []
