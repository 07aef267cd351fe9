"""Sentences that look like political events but are not (ONTOLOGY §1 "Not events").

A football "rencontre", a company board meeting, UEFA "sanctions", shares
"sanctionnées en Bourse" and a regulator's fine all carry trigger words; one
combined expression per language vetoes such sentences before any rule runs. The
patterns and the reason for each are data (``distractors.jsonl``), so the reason can
be reported when someone asks why a sentence gave nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Distractors:
    """The veto patterns of one language."""

    patterns: tuple[tuple[re.Pattern[str], str], ...]
    any: re.Pattern[str]  # the union: one search clears most sentences

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Distractors:
        """Compile validated ``distractors.jsonl`` records."""
        rows = list(records)
        union = "|".join(f"(?:{r['pattern']})" for r in rows) or "(?!)"
        return cls(
            tuple((re.compile(r["pattern"], re.IGNORECASE), r["why"]) for r in rows),
            re.compile(union, re.IGNORECASE),
        )

    def why(self, sentence: str) -> str | None:
        """The reason ``sentence`` is not political news, or None when it may be."""
        if not self.any.search(sentence):
            return None
        for pattern, reason in self.patterns:
            if pattern.search(sentence):
                return reason
        return None
