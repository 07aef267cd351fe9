"""The one loader for every data file the engine reads, and the shapes it accepts.

Word lists, trigger patterns and the knowledge base are data (``data/`` and
``knowledge/``), so a linguist can extend them without touching code. Every file goes
through :func:`load_jsonl`, which checks each record against a small schema and names
the file and line of the first mistake, because a silently skipped trigger costs
recall nobody notices.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsline.errors import KnowledgeDataError

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
KNOWLEDGE_DIR = PACKAGE_DIR / "knowledge"
LANGUAGES = ("fr", "en")

# A field spec is (accepted python types, required?).
Spec = tuple[tuple[type, ...], bool]
_STR: Spec = ((str,), True)
_OPT_STR: Spec = ((str, type(None)), False)
_WORDS: Spec = ((list,), True)
_OPT_WORDS: Spec = ((list,), False)

SCHEMAS: dict[str, dict[str, Spec]] = {
    # data/<lang>/triggers.jsonl: one regular expression per trigger, by type/subtype.
    "triggers": {
        "type": _STR,
        "subtype": _STR,
        "pattern": _STR,
        "rule": _OPT_STR,
        "scope": _OPT_STR,  # "clause" (default) or "sentence"
        "confidence": ((float, int), False),
        "requires": _OPT_STR,  # a regex that must also match the sentence
        "needs": _OPT_STR,  # "date": fire only when the clause carries a date
        "voice": _OPT_STR,  # "passive": the subject undergoes it (sender after "by")
        "note": _OPT_STR,
    },
    # data/<lang>/modifiers.jsonl: cues that change a subtype (future -> planned...).
    "modifiers": {
        "cue": _STR,
        "pattern": _STR,
        "type": _STR,
        "from": _OPT_WORDS,
        "to": _STR,
        "note": _OPT_STR,
    },
    # data/<lang>/dates.jsonl: month, weekday and relative-day words.
    "dates": {"kind": _STR, "value": ((int,), True), "words": _WORDS},
    # data/<lang>/lexicon.jsonl: small closed classes (stop words, pronouns, titles...).
    "lexicon": {"kind": _STR, "words": _WORDS, "note": _OPT_STR},
    # data/<lang>/distractors.jsonl: sentences that look like events but are not.
    "distractors": {"pattern": _STR, "why": _STR},
    # data/successors.jsonl: states that no longer exist -> successor's ISO code.
    "successors": {"code": _STR, "successor": _STR, "en": _OPT_WORDS, "fr": _OPT_WORDS},
    # knowledge/*.jsonl, written by the knowledge-base owners.
    "leaders": {
        "name": _STR,
        "aliases": _OPT_WORDS,
        "country": _STR,
        "office": _STR,
        "portfolio": _OPT_STR,  # for office "minister": finance, defence, trade...
        "title": ((dict, type(None)), False),
        "start": _OPT_STR,
        "end": _OPT_STR,
    },
    "names": {
        "code": _STR,
        "en": _OPT_WORDS,
        "fr": _OPT_WORDS,
        "note": _OPT_STR,
        "members": _OPT_WORDS,  # blocs only: fixed members the name stands for
    },
}

# Closed vocabularies: a typo in an office would silently drop a person's title.
CHOICES: dict[str, dict[str, frozenset[str]]] = {
    "leaders": {
        "office": frozenset(
            {
                "head_of_state",
                "head_of_government",
                "foreign_minister",
                "head_of_organisation",
                "minister",
                "central_banker",
                "commissioner",
                "regional_leader",
            }
        )
    },
}

_KNOWLEDGE_SCHEMAS = {
    "leaders": "leaders",
    "demonyms": "names",
    "metonyms": "names",
    "blocs": "names",
    "country_aliases": "names",
}


def load_jsonl(path: Path, schema: str) -> list[dict[str, Any]]:
    """Read one JSON Lines data file, checking every record against ``SCHEMAS[schema]``."""
    spec = SCHEMAS[schema]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KnowledgeDataError(
            f"{path}: cannot be read ({exc.strerror}); reinstall newsline or restore the file"
        ) from exc
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KnowledgeDataError(f"{where}: not valid JSON ({exc.msg})") from exc
        _check(record, spec, where)
        for name, allowed in CHOICES.get(schema, {}).items():
            if name in record and record[name] not in allowed:
                raise KnowledgeDataError(
                    f"{where}: field '{name}' is {record[name]!r}, expected one of "
                    f"{', '.join(sorted(allowed))}"
                )
        records.append(record)
    return records


def _check(record: Any, spec: Mapping[str, Spec], where: str) -> None:
    if not isinstance(record, dict):
        raise KnowledgeDataError(f"{where}: expected a JSON object")
    for name, (types, required) in spec.items():
        if name not in record:
            if required:
                raise KnowledgeDataError(f"{where}: missing field '{name}'")
            continue
        value = record[name]
        if not isinstance(value, types):
            raise KnowledgeDataError(
                f"{where}: field '{name}' has type {type(value).__name__}, "
                f"expected {' or '.join(t.__name__ for t in types)}"
            )
        if isinstance(value, list) and not all(isinstance(w, str) for w in value):
            raise KnowledgeDataError(f"{where}: field '{name}' must list strings only")
    for name in ("pattern", "requires"):
        if isinstance(record.get(name), str):
            try:
                re.compile(record[name])
            except re.error as exc:
                raise KnowledgeDataError(
                    f"{where}: bad regular expression in '{name}': {exc}"
                ) from exc


def language_file(lang: str, name: str, data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    """One of a language's data files, e.g. ``language_file("fr", "triggers")``."""
    if lang not in LANGUAGES:
        raise KnowledgeDataError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    return load_jsonl(data_dir / lang / f"{name}.jsonl", name)


def knowledge_file(name: str, knowledge_dir: Path = KNOWLEDGE_DIR) -> list[dict[str, Any]]:
    """One knowledge-base file (leaders, demonyms, metonyms, blocs, country_aliases)."""
    path = knowledge_dir / f"{name}.jsonl"
    if not path.exists():
        raise KnowledgeDataError(
            f"{path}: missing knowledge file; the engine needs leaders, demonyms, "
            "metonyms, blocs and country_aliases under newsline/extraction/knowledge/"
        )
    return load_jsonl(path, _KNOWLEDGE_SCHEMAS[name])


KNOWLEDGE_FILES = tuple(_KNOWLEDGE_SCHEMAS)
