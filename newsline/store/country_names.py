"""What a user types for a country -> its ISO 3166-1 alpha-3 code.

Accepts ISO-3 ("blr"), ISO-2 ("BY") and exact names in English or French
("Belarus", "Biélorussie", "etats-unis"), ignoring case, accents and punctuation.
Names come from pycountry (ISO's names, common and official) and babel's CLDR
territory names, so nothing is hand-maintained here. This is deliberately exact: the
extraction engine has its own gazetteer for running text (demonyms, capitals, leaders);
a command line should not guess, and says which names come closest instead.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache

import pycountry
from babel import Locale

from newsline.errors import UnknownCountry

LANGUAGES = ("en", "fr")


def resolve(text: str) -> str:
    """The ISO-3 code ``text`` names; UnknownCountry (with close matches) otherwise."""
    key = normalise(text)
    codes = _index()
    if key in codes:
        return codes[key]
    close = difflib.get_close_matches(key, _shown(), n=8, cutoff=0.75)
    by_code: dict[str, str] = {}
    for spelling in close:  # best match first; one suggestion per country
        by_code.setdefault(codes[spelling], f"{_shown()[spelling]} ({codes[spelling]})")
    suggestions = list(by_code.values())[:3]
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    raise UnknownCountry(
        f"unknown country {text!r}{hint} "
        "(give an ISO-3 or ISO-2 code, or the name in English or French)"
    )


def name(code: str, lang: str = "en") -> str:
    """The country's short name in ``lang`` (CLDR), falling back to ISO's name, then the code."""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    territories = Locale(lang).territories
    return territories.get(country.alpha_2) or getattr(country, "common_name", country.name)


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-blind form: 'Côte-d'Ivoire' -> 'cote d ivoire'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


@cache
def _index() -> dict[str, str]:
    """Every accepted spelling (normalised) -> ISO-3; codes win over names."""
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for spelling in (
            getattr(country, "official_name", None),
            country.name,
            getattr(country, "common_name", None),
        ):
            if spelling:
                index[normalise(spelling)] = country.alpha_3
                _shown().setdefault(normalise(spelling), spelling)
    for lang in LANGUAGES:
        for alpha_2, spelling in Locale(lang).territories.items():
            country = pycountry.countries.get(alpha_2=alpha_2) if len(alpha_2) == 2 else None
            if country is not None:
                index[normalise(spelling)] = country.alpha_3
                _shown()[normalise(spelling)] = spelling
    for country in pycountry.countries:
        index[country.alpha_2.lower()] = country.alpha_3
        index[country.alpha_3.lower()] = country.alpha_3
    return index


@cache
def _shown() -> dict[str, str]:
    """Normalised spelling -> the spelling to show in a suggestion."""
    return {}
