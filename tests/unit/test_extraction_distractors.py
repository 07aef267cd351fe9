"""Sentences with trigger words that are not political events give nothing."""

from __future__ import annotations

import pytest

from .extraction_support import article, fixture_engine


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "fr",
            "La rencontre entre la France et la Russie au Stade de France s'est terminée "
            "sur un match nul, mercredi.",
        ),
        ("en", "France and Russia met on Wednesday in a friendly football match in Paris."),
        (
            "fr",
            "Le conseil d'administration s'est réuni mercredi à Paris pour rencontrer les "
            "représentants américains et russes du groupe.",
        ),
        ("en", "The board of directors met American and Russian shareholders in Paris."),
        (
            "fr",
            "L'UEFA a imposé des sanctions contre la Fédération russe après les incidents "
            "du match contre la France.",
        ),
        ("en", "UEFA imposed sanctions on Russia's football union after the match with France."),
        (
            "fr",
            "Le groupe français a été sanctionné en Bourse après l'annonce de son contrat "
            "avec la Russie.",
        ),
        (
            "fr",
            "L'Autorité de la concurrence a infligé une amende de 10 millions d'euros à un "
            "opérateur français pour un accord signé avec un groupe russe.",
        ),
        (
            "en",
            "The competition regulator fined the French company over its deal signed with "
            "a Russian group.",
        ),
    ],
)
def test_distractors_give_nothing(lang, text):
    assert fixture_engine().extract(article(text, lang)) == []


def test_a_leader_meeting_its_own_country_is_domestic():
    text = "Vladimir Poutine a rencontré mercredi les gouverneurs russes à Moscou."
    assert fixture_engine().extract(article(text, "fr")) == []


def test_news_agency_demonym_is_not_an_actor():
    text = (
        "Le président iranien a rencontré mercredi son homologue américain, a rapporté "
        "l'agence officielle biélorusse Belta."
    )
    events = fixture_engine().extract(article(text, "fr"))
    assert {e.countries for e in events} == {("IRN", "USA")}
    assert "BLR" not in {a.code for e in events for a in e.actors}


def test_a_denial_is_not_a_meeting():
    text = "Moscou a démenti que Vladimir Poutine ait rencontré le président iranien."
    assert fixture_engine().extract(article(text, "fr")) == []
