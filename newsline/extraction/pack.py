"""Everything the engine knows about one language, compiled once per process.

The pack gathers the language's data files (triggers, modifiers, dates, lexicon,
distractors) behind one immutable object, so rules receive what they need as an
argument instead of reaching for module globals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsline.extraction.dates import DateLexicon
from newsline.extraction.distractors import Distractors
from newsline.extraction.resources import DATA_DIR, LANGUAGES, language_file, load_jsonl
from newsline.extraction.tokens import fold, token_keys
from newsline.extraction.triggers import (
    Modifier,
    TriggerSpec,
    any_trigger,
    compile_modifiers,
    compile_triggers,
)


@dataclass(frozen=True, slots=True)
class LanguagePack:
    """Compiled resources of one language."""

    lang: str
    triggers: tuple[TriggerSpec, ...]
    any_trigger: re.Pattern[str]
    modifiers: tuple[Modifier, ...]
    any_modifier: re.Pattern[str]  # one search tells most sentences they carry no cue
    dates: DateLexicon
    distractors: Distractors
    lexicon: dict[str, frozenset[tuple[str, ...]]]
    abbreviations: frozenset[str]
    office_words: re.Pattern[str]  # cheap test: may this sentence introduce a person?
    pair_reference: re.Pattern[str]  # cheap test: "both countries", "les deux pays"
    anaphora: re.Pattern[str]  # cheap test: "il", "he", "son pays" (a pronoun subject)

    def words(self, kind: str) -> frozenset[tuple[str, ...]]:
        """The folded token sequences of one lexicon class (empty when absent)."""
        return self.lexicon.get(kind, frozenset())

    def phrase_index(self, kind: str) -> dict[str, tuple[tuple[str, ...], ...]]:
        """One lexicon class by first key, longest phrases first: one probe per token."""
        return _phrase_index(self.lexicon.get(kind, frozenset()))


@lru_cache(maxsize=256)
def _phrase_index(
    phrases: frozenset[tuple[str, ...]],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=lambda p: (-len(p), p)):
        if phrase:
            index.setdefault(phrase[0], []).append(phrase)
    return {k: tuple(v) for k, v in index.items()}


@lru_cache(maxsize=8)
def load_pack(lang: str, data_dir: Path = DATA_DIR) -> LanguagePack:
    """Build (once) the pack of ``lang`` from its data files."""
    lexicon: dict[str, set[tuple[str, ...]]] = {}
    raw_abbreviations: set[str] = set()
    records = language_file(lang, "lexicon", data_dir)
    records += load_jsonl(data_dir / "agencies.jsonl", "lexicon")
    for record in records:
        bucket = lexicon.setdefault(record["kind"], set())
        for word in record["words"]:
            bucket.add(token_keys(word))
            if record["kind"] == "abbreviation":
                raw_abbreviations.add(word)
    triggers = compile_triggers(
        language_file(lang, "triggers", data_dir), f"{data_dir}/{lang}/triggers.jsonl"
    )
    modifiers = compile_modifiers(language_file(lang, "modifiers", data_dir))
    return LanguagePack(
        lang=lang,
        triggers=triggers,
        any_trigger=any_trigger(triggers),
        modifiers=modifiers,
        any_modifier=re.compile(
            "|".join(f"(?:{m.pattern.pattern})" for m in modifiers) or "(?!)", re.IGNORECASE
        ),
        dates=DateLexicon(
            language_file(lang, "dates", data_dir), case_sensitive_months=lang == "en"
        ),
        distractors=Distractors.from_records(language_file(lang, "distractors", data_dir)),
        lexicon={k: frozenset(v) for k, v in lexicon.items()},
        abbreviations=frozenset(raw_abbreviations),
        office_words=_word_pattern(
            (w for r in records if r["kind"] == "office_word" for w in r["words"]),
            # A title introduces someone only with a name soon after it.
            then=r"(?=[^.;:!?]{0,60}?\b[A-Z\u00c0-\u00dd])",
        ),
        pair_reference=_word_pattern(
            w for r in records if r["kind"] == "pair_reference" for w in r["words"]
        ),
        anaphora=_word_pattern(
            w
            for r in records
            if r["kind"] in ("subject_pronoun", "own_country")
            for w in r["words"]
        ),
    )


def _word_pattern(words: Iterable[str], then: str = "") -> re.Pattern[str]:
    """One case-insensitive expression for a word list (never matches when empty);
    ``then`` is a case-sensitive condition on what follows."""
    alternation = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?i:{alternation or '(?!)'})(?!\w){then}")


@lru_cache(maxsize=2)
def stopwords(data_dir: Path = DATA_DIR) -> dict[str, frozenset[str]]:
    """Stop words per language, for the language detector."""
    table = {}
    for lang in LANGUAGES:
        words = set()
        for record in language_file(lang, "lexicon", data_dir):
            if record["kind"] == "stopword":
                words.update(fold(w) for w in record["words"])
        table[lang] = frozenset(words)
    return table
