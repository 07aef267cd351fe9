"""Helpers for the rebuild, reprocess and export tests: topics with messages on them,
and everything the store answers, in one comparable value."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from newsline.broker.admin import ensure_topics
from newsline.store import queries
from newsline.store.engine import make_engine
from newsline.topics import event_topic, topic_specs

from .pipeline_support import produce


def create_topics(bootstrap: str, prefix: str) -> None:
    ensure_topics(bootstrap, topic_specs(prefix), 3)


def publish_events(bootstrap: str, prefix: str, messages: Iterable[dict[str, Any]]) -> int:
    """Event messages on their typed topics, keyed by event id as the extract agent does."""
    sent = 0
    for message in messages:
        sent += produce(
            bootstrap,
            event_topic(prefix, message["type"]),
            [(message["event_id"].encode(), json.dumps(message).encode())],
        )
    return sent


def answers(url: str) -> dict[str, Any]:
    """Every query's answer: countries, each country's full timeline, each event's detail."""
    engine = make_engine(url)
    try:
        summaries = queries.countries(engine)
        timelines = {
            s.country: queries.timeline(engine, s.country, limit=10_000) for s in summaries
        }
        ids = sorted({e.event_id for t in timelines.values() for e in t.entries})
        return {
            "countries": summaries,
            "timelines": timelines,
            "events": {i: queries.event(engine, i) for i in ids},
        }
    finally:
        engine.dispose()
