"""Everything the engine knows about one language, compiled once per process.

The pack gathers the language's data files (triggers, modifiers, dates, lexicon,
distractors) behind one immutable object, so rules receive what they need as an
argument instead of reaching for module globals.
"""

from __future__ import annotations

import re
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
    dates: DateLexicon
    distractors: Distractors
    lexicon: dict[str, frozenset[tuple[str, ...]]]
    abbreviations: frozenset[str]

    def words(self, kind: str) -> frozenset[tuple[str, ...]]:
        """The folded token sequences of one lexicon class (empty when absent)."""
        return self.lexicon.get(kind, frozenset())


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
    return LanguagePack(
        lang=lang,
        triggers=triggers,
        any_trigger=any_trigger(triggers),
        modifiers=compile_modifiers(language_file(lang, "modifiers", data_dir)),
        dates=DateLexicon(
            language_file(lang, "dates", data_dir), case_sensitive_months=lang == "en"
        ),
        distractors=Distractors.from_records(language_file(lang, "distractors", data_dir)),
        lexicon={k: frozenset(v) for k, v in lexicon.items()},
        abbreviations=frozenset(raw_abbreviations),
    )


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
