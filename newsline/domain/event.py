"""The political event as the engine emits it and the timeline stores it (ONTOLOGY.md).

Events are frozen so a projection or a cache can hash and share them; ``to_dict`` is
the wire form that ``../shared/eval/score.py`` and the Kafka topics read, with exactly
the ontology's fields plus ``trigger`` and ``rule`` so every event can be explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1

EventType = Literal["meeting", "agreement", "sanctions", "military"]
Precision = Literal["day", "month", "year"]

SUBTYPES: dict[str, tuple[str, ...]] = {
    "meeting": ("visit", "talks", "summit", "call", "planned"),
    "agreement": ("signed", "intent", "ratified", "terminated"),
    "sanctions": ("imposed", "threatened", "lifted", "condemned", "evasion"),
    "military": ("cooperation", "arms_transfer", "deployment", "attack"),
}

ROLES = ("host", "guest", "party", "sender", "target", "speaker", "beneficiary")


@dataclass(frozen=True, slots=True)
class Actor:
    """One participant: ``name`` as written, ``code`` ISO-3 or a bloc code."""

    name: str
    code: str
    role: str
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Wire form; ``title`` only when the article gives one."""
        data: dict[str, Any] = {"name": self.name, "code": self.code, "role": self.role}
        if self.title:
            data["title"] = self.title
        return data


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence an event came from, with its character span in ``article.text``."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """Wire form."""
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Location:
    """Where the event took place, when the article says so."""

    name: str
    country: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Wire form."""
        return {"name": self.name, "country": self.country}


def is_iso3(code: str) -> bool:
    """ISO 3166-1 alpha-3 codes are three capitals; bloc codes (EU, NATO, WEST) are not."""
    return len(code) == 3 and code.isalpha() and code.isupper() and code not in _BLOC_LIKE


# Three-letter bloc codes that must never count as a country.
_BLOC_LIKE = frozenset(
    {"CIS", "OAS", "SCO", "EEU", "GCC", "OIC", "IEA", "WTO", "IMF", "WHO", "COE", "EAC"}
)


@dataclass(frozen=True, slots=True)
class Event:
    """One typed political event reported by an article (ONTOLOGY.md §1-§4)."""

    type: str
    subtype: str
    actors: tuple[Actor, ...]
    date: str | None
    date_precision: Precision | None
    evidence: Evidence
    confidence: float
    extractor: str
    trigger: str
    rule: str
    location: Location | None = None
    article_id: str | None = None
    schema_version: int = field(default=SCHEMA_VERSION)

    def __post_init__(self) -> None:
        if self.subtype not in SUBTYPES.get(self.type, ()):
            raise ValueError(f"unknown event type/subtype {self.type}/{self.subtype}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be within 0..1, got {self.confidence}")
        if (self.date is None) != (self.date_precision is None):
            raise ValueError("date and date_precision are both set or both null")

    @property
    def countries(self) -> tuple[str, ...]:
        """Sorted ISO-3 codes taking part; blocs are actors but never countries."""
        return tuple(sorted({a.code for a in self.actors if is_iso3(a.code)}))

    @property
    def key(self) -> tuple[str, tuple[str, ...], str | None]:
        """The identity the timeline and the scorer start from: type, countries, date."""
        return (self.type, self.countries, self.date)

    def to_dict(self) -> dict[str, Any]:
        """Wire form: exactly the ontology's fields plus trigger and rule.

        ``schema_version`` stays on the record (the topic's schema carries it), not in
        every event line, so the eval format is the ontology's and nothing more.
        """
        return {
            "type": self.type,
            "subtype": self.subtype,
            "countries": list(self.countries),
            "actors": [a.to_dict() for a in self.actors],
            "date": self.date,
            "date_precision": self.date_precision,
            "location": self.location.to_dict() if self.location else None,
            "evidence": self.evidence.to_dict(),
            "confidence": round(self.confidence, 3),
            "extractor": self.extractor,
            "trigger": self.trigger,
            "rule": self.rule,
        }
