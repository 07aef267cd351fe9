"""What rules hand each other: a sentence with its findings, a draft event, and the
article-level context earlier sentences leave for later ones.

Kept apart from the rules so that clause, date and role helpers can name these types
without importing the rules that use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from newsline.domain.event import is_iso3
from newsline.extraction.blocs import BlocMemory
from newsline.extraction.dates import DateMention
from newsline.extraction.gazetteer import Mention
from newsline.extraction.sentences import Sentence
from newsline.extraction.tokens import Token
from newsline.extraction.triggers import TriggerHit

is_state = is_iso3


@dataclass(slots=True)
class ArticleContext:
    """What earlier sentences of the same article tell later ones."""

    previous_subject: list[Mention] = field(default_factory=list)
    attackers: dict[str, Mention] = field(default_factory=dict)
    blocs: BlocMemory = field(default_factory=BlocMemory)
    recent: list[Mention] = field(default_factory=list)  # states named, latest last
    last_agreement: list[Mention] = field(default_factory=list)  # its parties

    def remember(self, mentions: Sequence[Mention]) -> None:
        """Note the states a sentence names, for "both countries" further on."""
        for m in mentions:
            if is_state(m.code) and m.kind in ("country", "demonym"):
                self.recent = [*[r for r in self.recent if r.code != m.code][-7:], m]


@dataclass(slots=True)
class Draft:
    """An event before the article-level pass fixes its date and identity."""

    type: str
    subtype: str
    actors: list[tuple[Mention, str]]
    date: str | None
    precision: str | None
    sentence: Sentence
    trigger: str
    rule: str
    confidence: float
    location: Mention | None = None
    date_from_clause: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        """Distinct codes taking part, in order of appearance."""
        return tuple(dict.fromkeys(m.code for m, _ in self.actors))


@dataclass(frozen=True, slots=True)
class SentenceView:
    """One sentence with everything found in it (offsets relative to the sentence)."""

    sentence: Sentence
    tokens: Sequence[Token]
    mentions: Sequence[Mention]
    dates: Sequence[DateMention]
    triggers: Sequence[TriggerHit]
