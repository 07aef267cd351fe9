"""What an analyst types for a country resolves to one ISO-3 code, or says what is close."""

from __future__ import annotations

import pytest

from newsline.errors import UnknownCountry
from newsline.store.country_names import name, resolve


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Biélorussie", "BLR"),
        ("Belarus", "BLR"),
        ("BY", "BLR"),
        ("blr", "BLR"),
        ("bielorussie", "BLR"),
        ("États-Unis", "USA"),
        ("United States", "USA"),
        ("Iran", "IRN"),
        ("Islamic Republic of Iran", "IRN"),
        ("Royaume-Uni", "GBR"),
        ("C\u00f4te d\u2019Ivoire", "CIV"),  # CLDR writes a typographic apostrophe
        ("cote d'ivoire", "CIV"),
        ("  Russie ", "RUS"),
    ],
)
def test_codes_and_english_or_french_names_resolve(typed: str, code: str) -> None:
    assert resolve(typed) == code


def test_an_unknown_country_suggests_close_names() -> None:
    with pytest.raises(UnknownCountry) as caught:
        resolve("Belarussia")

    assert str(caught.value) == (
        "unknown country 'Belarussia'; did you mean Belarus (BLR), Russia (RUS)? "
        "(give an ISO-3 or ISO-2 code, or the name in English or French)"
    )


def test_nothing_close_gives_no_suggestion() -> None:
    with pytest.raises(UnknownCountry, match=r"^unknown country 'Atlantis' \(give an ISO-3"):
        resolve("Atlantis")


def test_names_for_display() -> None:
    assert (name("BLR"), name("BLR", "fr"), name("IRN"), name("XXX")) == (
        "Belarus", "Biélorussie", "Iran", "XXX",
    )  # fmt: skip
