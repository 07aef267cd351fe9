"""Names to codes: countries, demonyms, capitals, blocs and leaders with their tenures.

Country names come from pycountry and babel's CLDR territory names (English and
French) so that no one hand-types what a maintained library already has; the
knowledge files add what libraries lack (aliases, demonyms, capitals used as
metonyms, blocs, leaders). Lookup is by token n-grams with folded keys, then a case
check, so "Turkey" is found but "turkey" is not, and the cost is one dictionary probe
per token rather than one regular expression per name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pycountry
from babel import Locale

from newsline.extraction.resources import (
    DATA_DIR,
    KNOWLEDGE_DIR,
    knowledge_file,
    load_jsonl,
)
from newsline.extraction.tokens import Token, case_compatible, token_keys

KINDS = ("country", "demonym", "capital", "bloc", "leader", "shadow")
SHADOW = "-"  # the code of names that hide a country name but stand for no party


@dataclass(frozen=True, slots=True)
class Entry:
    """One written form of a name and what it stands for."""

    form: str
    code: str
    kind: str
    person: str | None = None
    titles: tuple[tuple[str, str], ...] = ()
    start: date | None = None
    end: date | None = None
    langs: frozenset[str] | None = None  # None: a proper name read in any language

    def read_in(self, lang: str | None) -> bool:
        """Whether the form is a name in ``lang``: "Suisse" is not English, "Switzerland"
        is not French; a person's name is read in every language."""
        return lang is None or self.langs is None or lang in self.langs

    def in_office(self, when: date | None) -> bool:
        """A leader's name resolves only during the term (unknown date: any term)."""
        if when is None:
            return True
        if self.start and when < self.start:
            return False
        return not (self.end and when > self.end)

    def title(self, lang: str | None) -> str | None:
        """The office as the article's language names it."""
        table = dict(self.titles)
        return table.get(lang or "en") or table.get("en")


class Mention(NamedTuple):
    """A name found in the text, resolved to an ISO-3 or bloc code (a named tuple:
    cheap to build, and compared by value)."""

    text: str
    start: int
    end: int
    code: str
    kind: str
    title: str | None = None


class Gazetteer:
    """Finds every known actor name in a token sequence."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._index: dict[str, dict[tuple[str, ...], list[Entry]]] = {}
        self._longest = 1
        # Blocs whose membership never changes (Benelux), set by load_gazetteer.
        self.fixed_members: dict[str, tuple[str, ...]] = {}
        for entry in entries:
            keys = token_keys(entry.form)
            if not keys:
                continue
            self._index.setdefault(keys[0], {}).setdefault(keys, []).append(entry)
            self._longest = max(self._longest, len(keys))
        # Candidates by their first two keys, longest forms first, so that "Union
        # européenne" wins over "Union" and a token costs one or two dictionary probes
        # instead of a walk over every form that starts with "the" or "la".
        self._multi: dict[tuple[str, str], list[tuple[tuple[str, ...], list[Entry]]]] = {}
        self._single: dict[str, list[Entry]] = {}
        for first, forms in self._index.items():
            for keys, found in forms.items():
                if len(keys) == 1:
                    self._single[first] = found
                else:
                    self._multi.setdefault((first, keys[1]), []).append((keys, found))
        for candidates in self._multi.values():
            candidates.sort(key=lambda kv: -len(kv[0]))

    def __len__(self) -> int:
        return sum(len(v) for v in self._index.values())

    def find(
        self, tokens: Sequence[Token], text: str, base: int, when: date | None, lang: str | None
    ) -> list[Mention]:
        """Mentions in ``tokens``; ``text`` starts at offset ``base`` of the article."""
        found: list[Mention] = []
        i, n = 0, len(tokens)
        multi, single = self._multi, self._single
        while i < n:
            key = tokens[i].key
            hit = None
            size = 1
            if i + 1 < n:
                for keys, entries in multi.get((key, tokens[i + 1].key), ()):
                    size = len(keys)
                    if i + size > n:
                        continue
                    if size > 2 and any(tokens[i + k].key != keys[k] for k in range(2, size)):
                        continue
                    hit = self._hit(entries, tokens, i, size, text, base, when, lang)
                    if hit is not None:
                        break
            if hit is None and key in single:
                size = 1
                hit = self._hit(single[key], tokens, i, 1, text, base, when, lang)
            if hit is None:
                i += 1
                continue
            i += size
            if hit.kind != "shadow":
                found.append(hit)
        return found

    @staticmethod
    def _hit(
        entries: list[Entry],
        tokens: Sequence[Token],
        i: int,
        size: int,
        text: str,
        base: int,
        when: date | None,
        lang: str | None,
    ) -> Mention | None:
        start, end = tokens[i].start, tokens[i + size - 1].end
        return _resolve(entries, text[start - base : end - base], when, lang, start, end)


def _resolve(
    entries: list[Entry], written: str, when: date | None, lang: str | None, start: int, end: int
) -> Mention | None:
    """Pick the entry a written form stands for; None when none fits or it is ambiguous."""
    fitting = [
        e
        for e in entries
        if e.read_in(lang) and case_compatible(e.form, written) and e.in_office(when)
    ]
    if not fitting:
        return None
    codes = {e.code for e in fitting}
    if len(codes) > 1:
        # Prefer a country's own name over a leader's alias that shares it.
        kinds = [e for e in fitting if e.kind != "leader"]
        codes = {e.code for e in kinds}
        if len(codes) != 1:
            return None
        fitting = kinds
    best = fitting[0]
    return Mention(written, start, end, best.code, best.kind, best.title(lang))


# --------------------------------------------------------------------------- building


_PAREN = re.compile(r"\s*\(([^)]*)\)\s*")


def _library_country_names() -> Iterable[tuple[str, str, str]]:
    """(name, ISO-3, language) from pycountry and babel's CLDR names, English and French."""
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name and "," not in name:
                yield name, country.alpha_3, "en"
    for lang in ("en", "fr"):
        for code2, name in Locale(lang).territories.items():
            code3 = alpha3.get(code2)
            if code3 is None:
                continue
            for part in _variants(name):
                yield part, code3, lang


def _variants(name: str) -> Iterable[str]:
    """'Myanmar (Burma)' -> 'Myanmar', 'Burma'; CLDR's 'Congo - Kinshasa' kept whole."""
    inner = _PAREN.search(name)
    if inner:
        yield _PAREN.sub(" ", name).strip()
        yield inner.group(1).strip()
    else:
        yield name


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def build_entries(knowledge_dir: Path = KNOWLEDGE_DIR, data_dir: Path = DATA_DIR) -> list[Entry]:
    """Every name the engine resolves, from the libraries and the data files.

    Names carry the language they were listed under, so that French "Suisse" is not
    looked for in English nor CLDR's French "Réunion" (the island) in a French
    "Réunion" (meeting); a form listed under both languages is read in both. Library
    names are kept only for the states and territories the knowledge base covers: the
    others (Jersey, Réunion, Norfolk Island...) are far likelier to be something else,
    so ``data/library_exclusions.jsonl`` lists them.
    """
    named: dict[tuple[str, str, str], set[str]] = {}
    excluded = {
        code
        for record in load_jsonl(data_dir / "library_exclusions.jsonl", "lexicon")
        for code in record["words"]
    }
    kinds = {
        "country_aliases": "country",
        "demonyms": "demonym",
        "metonyms": "capital",
        "blocs": "bloc",
    }
    for name, kind in kinds.items():
        for record in knowledge_file(name, knowledge_dir):
            for lang in ("en", "fr"):
                for form in record.get(lang) or []:
                    named.setdefault((form, record["code"], kind), set()).add(lang)
    for form, code, lang in _library_country_names():
        if code not in excluded:
            named.setdefault((form, code, "country"), set()).add(lang)
        elif " " in form:
            # "American Samoa" is left out, and must not be read as Samoa either.
            named.setdefault((form, SHADOW, "shadow"), set()).add(lang)
    for record in load_jsonl(data_dir / "shadows.jsonl", "names"):
        # Found as a whole so the country inside is not; dropped before rules see it.
        for lang in ("en", "fr"):
            for form in record.get(lang) or []:
                named.setdefault((form, SHADOW, "shadow"), set()).add(lang)
    for record in load_jsonl(data_dir / "successors.jsonl", "successors"):
        for lang in ("en", "fr"):
            for form in record.get(lang) or []:
                named.setdefault((form, record["successor"], "country"), set()).add(lang)
    entries = [
        Entry(form, code, kind, langs=frozenset(langs))
        for (form, code, kind), langs in named.items()
    ]
    for record in knowledge_file("leaders", knowledge_dir):
        titles = tuple(sorted((record.get("title") or {}).items()))
        forms = [record["name"], *(record.get("aliases") or [])]
        for form in dict.fromkeys(forms):
            entries.append(
                Entry(
                    form,
                    record["country"],
                    "leader",
                    person=record["name"],
                    titles=titles,
                    start=_parse_date(record.get("start")),
                    end=_parse_date(record.get("end")),
                )
            )
    return entries


@lru_cache(maxsize=4)
def load_gazetteer(knowledge_dir: Path = KNOWLEDGE_DIR, data_dir: Path = DATA_DIR) -> Gazetteer:
    """The gazetteer for a knowledge directory, built once per process."""
    gazetteer = Gazetteer(build_entries(knowledge_dir, data_dir))
    gazetteer.fixed_members = {
        r["code"]: tuple(r["members"])
        for r in knowledge_file("blocs", knowledge_dir)
        if r.get("members")
    }
    return gazetteer
