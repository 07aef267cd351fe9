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

import pycountry
from babel import Locale

from newsline.extraction.resources import (
    DATA_DIR,
    KNOWLEDGE_DIR,
    knowledge_file,
    load_jsonl,
)
from newsline.extraction.tokens import Token, case_compatible, token_keys

KINDS = ("country", "demonym", "capital", "bloc", "leader")


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


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in the text, resolved to an ISO-3 or bloc code."""

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
        for entry in entries:
            keys = token_keys(entry.form)
            if not keys:
                continue
            self._index.setdefault(keys[0], {}).setdefault(keys, []).append(entry)
            self._longest = max(self._longest, len(keys))
        # Longest forms first so "Union européenne" wins over "Union".
        self._ordered = {
            first: sorted(forms.items(), key=lambda kv: -len(kv[0]))
            for first, forms in self._index.items()
        }

    def __len__(self) -> int:
        return sum(len(v) for v in self._index.values())

    def find(
        self, tokens: Sequence[Token], text: str, base: int, when: date | None, lang: str | None
    ) -> list[Mention]:
        """Mentions in ``tokens``; ``text`` starts at offset ``base`` of the article."""
        found: list[Mention] = []
        i, n = 0, len(tokens)
        while i < n:
            candidates = self._ordered.get(tokens[i].key)
            hit = None
            if candidates:
                for keys, entries in candidates:
                    size = len(keys)
                    if i + size > n:
                        continue
                    if any(tokens[i + k].key != keys[k] for k in range(1, size)):
                        continue
                    start, end = tokens[i].start, tokens[i + size - 1].end
                    written = text[start - base : end - base]
                    hit = _resolve(entries, written, when, lang, start, end)
                    if hit is not None:
                        i += size
                        break
            if hit is None:
                i += 1
            else:
                found.append(hit)
        return found


def _resolve(
    entries: list[Entry], written: str, when: date | None, lang: str | None, start: int, end: int
) -> Mention | None:
    """Pick the entry a written form stands for; None when none fits or it is ambiguous."""
    fitting = [e for e in entries if case_compatible(e.form, written) and e.in_office(when)]
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


def _library_country_names() -> Iterable[tuple[str, str]]:
    """(name, ISO-3) pairs from pycountry and babel's CLDR names, English and French."""
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name and "," not in name:
                yield name, country.alpha_3
    for lang in ("en", "fr"):
        for code2, name in Locale(lang).territories.items():
            code3 = alpha3.get(code2)
            if code3 is None:
                continue
            for part in _variants(name):
                yield part, code3


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
    """Every name the engine resolves, from the libraries and the data files."""
    entries = [Entry(name, code, "country") for name, code in _library_country_names()]
    kinds = {
        "country_aliases": "country",
        "demonyms": "demonym",
        "metonyms": "capital",
        "blocs": "bloc",
    }
    for name, kind in kinds.items():
        for record in knowledge_file(name, knowledge_dir):
            for lang in ("en", "fr"):
                entries.extend(Entry(f, record["code"], kind) for f in record.get(lang) or [])
    for record in load_jsonl(data_dir / "successors.jsonl", "successors"):
        for lang in ("en", "fr"):
            entries.extend(Entry(f, record["successor"], "country") for f in record.get(lang) or [])
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
    return Gazetteer(build_entries(knowledge_dir, data_dir))
