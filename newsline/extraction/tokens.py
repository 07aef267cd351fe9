"""Words and their comparison keys, shared by every matcher in the engine.

One tokenizer for all lookups keeps offsets consistent: gazetteer names, agencies and
language cues are all matched on the same tokens. Keys fold case and accents so that
"Etats-Unis" (as some French desks type it) finds "États-Unis".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Dotted abbreviations first ("U.S.", "U.N."), then words with inner hyphens
# ("États-Unis", "militaro-technique"), then any other single non-space character.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:[-\u2010]\w+)*|[^\w\s]")


class Token(NamedTuple):
    """A word or punctuation mark with its span in the text it came from.

    A named tuple rather than a frozen dataclass: every sentence read makes dozens,
    and a tuple is built several times faster.
    """

    text: str
    start: int
    end: int
    key: str


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Biélorussie' -> 'bielorussie'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.replace("\u2019", "'").replace("\u2010", "-")


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Split ``text`` into tokens whose spans are shifted by ``offset``."""
    tokens = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        # ASCII words need no accent folding: lower() is casefold() for them.
        key = word.lower() if word.isascii() else fold(word)
        tokens.append(Token(word, m.start() + offset, m.end() + offset, key))
    return tokens


def token_keys(text: str) -> tuple[str, ...]:
    """The key sequence a lexicon entry is looked up by."""
    return tuple(fold(m.group()) for m in _TOKEN.finditer(text))


def case_compatible(entry: str, written: str) -> bool:
    """Whether ``written`` honours the capitals of a lexicon ``entry``.

    Lower-case entry words match any case ("biélorusse" finds "Le Biélorusse");
    a capitalised entry word needs a capital ("Turkey" never matches "turkey"); an
    acronym needs capitals throughout ("US" never matches "us").
    """
    e_tokens = [m.group() for m in _TOKEN.finditer(entry)]
    w_tokens = [m.group() for m in _TOKEN.finditer(written)]
    if len(e_tokens) != len(w_tokens):
        return False
    for e, w in zip(e_tokens, w_tokens, strict=True):
        if not e[0].isalpha():
            continue
        if e.isupper() and len(e) > 1 and not w.isupper():
            return False
        if e[0].isupper() and not w[0].isupper():
            return False
    return True
