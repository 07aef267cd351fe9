"""The project's Kafka topics: names, keys and retention, in one place.

Event topics (and the articles they come from) keep their data forever
(``retention.ms=-1``): every view newsline builds — the timeline store, a rebuilt
store, a downstream consumer's copy — can be replayed from offset 0. The dead-letter
topic keeps everything too, so nothing that failed is ever lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EVENT_TYPES = ("meeting", "agreement", "sanctions", "military")

KEEP_FOREVER = {"retention.ms": "-1", "retention.bytes": "-1"}


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """One topic as newsline creates it."""

    name: str
    key: str
    description: str
    config: dict[str, str] = field(default_factory=lambda: dict(KEEP_FOREVER))


def topic_specs(prefix: str) -> list[TopicSpec]:
    """Every topic newsline owns, under ``prefix`` (NEWSLINE_TOPIC_PREFIX)."""
    specs = [
        TopicSpec(f"{prefix}articles", "article id", "articles from upstream feeds"),
        TopicSpec(
            f"{prefix}articles.valid", "article id", "validated, normalised, de-duplicated articles"
        ),
        *(
            TopicSpec(f"{prefix}events.{kind}", "event id", f"extracted {kind} events")
            for kind in EVENT_TYPES
        ),
        TopicSpec(
            f"{prefix}extractions", "article id", "one record per extraction run: events found"
        ),
        TopicSpec(f"{prefix}articles.dlq", "article id", "dead letters with their reason"),
    ]
    return specs


def articles_topic(prefix: str) -> str:
    return f"{prefix}articles"


def valid_articles_topic(prefix: str) -> str:
    return f"{prefix}articles.valid"


def event_topic(prefix: str, event_type: str) -> str:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}; expected one of {EVENT_TYPES}")
    return f"{prefix}events.{event_type}"


def extractions_topic(prefix: str) -> str:
    return f"{prefix}extractions"


def dead_letter_topic(prefix: str) -> str:
    return f"{prefix}articles.dlq"
