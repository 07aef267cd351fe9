"""The Faust topic objects of the worker: raw bytes in and out, newsline does the codecs.

Raw serialisers keep undecodable or malformed input in the pipeline's hands (it must
reach the dead-letter topic byte for byte) instead of failing inside Faust's decoder.
"""

from __future__ import annotations

from dataclasses import dataclass

import faust

from newsline.config import Settings
from newsline.topics import (
    EVENT_TYPES,
    articles_topic,
    dead_letter_topic,
    event_topic,
    extractions_topic,
    valid_articles_topic,
)


@dataclass(frozen=True)
class WorkerTopics:
    articles: faust.TopicT
    valid: faust.TopicT
    events: dict[str, faust.TopicT]
    extractions: faust.TopicT
    #: what the timeline folds: the four event topics and the extraction records
    timeline_inputs: faust.TopicT
    dead_letters: faust.TopicT


def worker_topics(app: faust.App, settings: Settings) -> WorkerTopics:
    prefix = settings.topic_prefix

    def raw(*names: str) -> faust.TopicT:
        return app.topic(
            *names,
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.partitions,
        )

    names = {kind: event_topic(prefix, kind) for kind in EVENT_TYPES}
    return WorkerTopics(
        articles=raw(articles_topic(prefix)),
        valid=raw(valid_articles_topic(prefix)),
        events={kind: raw(name) for kind, name in names.items()},
        extractions=raw(extractions_topic(prefix)),
        timeline_inputs=raw(*names.values(), extractions_topic(prefix)),
        dead_letters=raw(dead_letter_topic(prefix)),
    )
