"""Trigger words and subtype modifiers, compiled from ``data/<lang>/*.jsonl``.

A trigger is a regular expression tied to one type/subtype, optionally gated by a
second expression that must occur in the same sentence ("illégales" is a
``sanctions/condemned`` trigger only where sanctions are named). Modifiers are cues
in the trigger's clause that move a subtype ("will meet" -> ``planned``) or drop the
event (a denial). Keeping both as data lets the rules stay language-independent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from newsline.domain.event import SUBTYPES
from newsline.errors import KnowledgeDataError

_FLAGS = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class TriggerSpec:
    """One trigger pattern and what it means."""

    type: str
    subtype: str
    pattern: re.Pattern[str]
    rule: str
    requires: re.Pattern[str] | None = None
    needs_date: bool = False
    confidence: float = 0.7
    source: str = ""  # the pattern as written, before word boundaries are added
    passive: bool = False  # "was suspended by UNASUR": who acts comes after the verb


class TriggerHit(NamedTuple):
    """A trigger found in a sentence; offsets are relative to the sentence."""

    spec: TriggerSpec
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Modifier:
    """A cue that changes the subtype of nearby triggers, or drops them."""

    cue: str
    pattern: re.Pattern[str]
    type: str
    sources: frozenset[str]
    target: str


def _bounded(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", _FLAGS)


def compile_triggers(records: Iterable[Mapping[str, Any]], where: str) -> tuple[TriggerSpec, ...]:
    """Trigger specs from validated records; unknown types are a data error."""
    specs = []
    for record in records:
        if record["subtype"] not in SUBTYPES.get(record["type"], ()):
            raise KnowledgeDataError(
                f"{where}: unknown type/subtype {record['type']}/{record['subtype']}"
            )
        requires = record.get("requires")
        specs.append(
            TriggerSpec(
                type=record["type"],
                subtype=record["subtype"],
                pattern=_bounded(record["pattern"]),
                rule=record.get("rule") or f"{record['type']}.{record['subtype']}",
                requires=_bounded(requires) if requires else None,
                needs_date=record.get("needs") == "date",
                confidence=float(record.get("confidence", 0.7)),
                source=record["pattern"],
                passive=record.get("voice") == "passive",
            )
        )
    return tuple(specs)


def compile_modifiers(records: Iterable[Mapping[str, Any]]) -> tuple[Modifier, ...]:
    """Modifier cues from validated records."""
    return tuple(
        Modifier(
            cue=r["cue"],
            pattern=_bounded(r["pattern"]),
            type=r["type"],
            sources=frozenset(r.get("from") or ()),
            target=r["to"],
        )
        for r in records
    )


def any_trigger(specs: Iterable[TriggerSpec]) -> re.Pattern[str]:
    """One expression matching wherever any trigger could: a cheap first pass.

    Most sentences of an article carry no trigger; one search over the union of
    patterns lets the engine skip them before tokenising or looking names up.
    """
    union = "|".join(f"(?:{s.source or s.pattern.pattern})" for s in specs)
    # One pair of word boundaries around the union: the engine tries them once per
    # position instead of once per alternative, which halves the cost of this pass.
    return re.compile(rf"\b(?=\w)(?:{union})(?!\w)", _FLAGS)


def find_triggers(specs: Iterable[TriggerSpec], sentence: str) -> list[TriggerHit]:
    """Every trigger in ``sentence``; of overlapping hits of one type, the longest wins."""
    hits = []
    for spec in specs:
        if spec.requires is not None and not spec.requires.search(sentence):
            continue
        hits.extend(
            TriggerHit(spec, m.start(), m.end(), m.group()) for m in spec.pattern.finditer(sentence)
        )
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[TriggerHit] = []
    for hit in hits:
        clash = next(
            (
                k
                for k in kept
                if k.spec.type == hit.spec.type and k.start < hit.end and hit.start < k.end
            ),
            None,
        )
        if clash is None:
            kept.append(hit)
        elif (hit.end - hit.start) > (clash.end - clash.start):
            kept[kept.index(clash)] = hit
    # "agreed to continue talks", "open formal talks": the talks are what the parties
    # agree to, not a meeting of their own.
    agreements = [k for k in kept if k.spec.type == "agreement"]
    kept = [
        k
        for k in kept
        if k.spec.type != "meeting"
        or not any(a.start <= k.start and k.end <= a.end for a in agreements)
    ]
    return _merge_adjacent(kept, sentence)


def _merge_adjacent(hits: list[TriggerHit], sentence: str) -> list[TriggerHit]:
    """ "is willing to continue talks": two hits of one meaning side by side are one
    trigger, so no clause boundary is cut between them."""
    merged: list[TriggerHit] = []
    for hit in sorted(hits, key=lambda h: h.start):
        last = merged[-1] if merged else None
        if (
            last is not None
            and (last.spec.type, last.spec.subtype) == (hit.spec.type, hit.spec.subtype)
            and 0 <= hit.start - last.end <= 4
            and not sentence[last.end : hit.start].strip(" to")
        ):
            merged[-1] = TriggerHit(last.spec, last.start, hit.end, sentence[last.start : hit.end])
        else:
            merged.append(hit)
    return merged
