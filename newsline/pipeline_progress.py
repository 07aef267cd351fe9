"""How far the pipeline has got: per stage, what is in the log and what is done.

Kafka's end offsets say what was published; the worker's consumer group says what the
ingest and extract agents have committed; the store's own recorded positions say what
the timeline holds (the truth for the projection, written with its rows). ``run``
waits on this to know when the seeds are through, and ``status`` shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from newsline.broker.admin import admin_client
from newsline.config import Settings
from newsline.errors import BrokerError
from newsline.kafka_security import kafka_client_options
from newsline.store.projector import Projector
from newsline.topics import (
    EVENT_TYPES,
    articles_topic,
    dead_letter_topic,
    event_topic,
    extractions_topic,
    valid_articles_topic,
)


@dataclass(frozen=True, slots=True)
class StageProgress:
    """One stage: messages in its input topics, and how many it has finished."""

    name: str
    published: int
    done: int

    @property
    def pending(self) -> int:
        return max(self.published - self.done, 0)


@dataclass(frozen=True, slots=True)
class PipelineProgress:
    stages: tuple[StageProgress, ...]
    dead_letters: int

    @property
    def caught_up(self) -> bool:
        return all(stage.pending == 0 for stage in self.stages)

    def summary(self) -> str:
        parts = [f"{s.name} {s.done}/{s.published}" for s in self.stages]
        return ", ".join(parts) + f"; dead letters {self.dead_letters}"


def worker_group(settings: Settings) -> str:
    """The Faust app id, which is also its consumer group."""
    return f"{settings.topic_prefix}worker"


def measure(settings: Settings, bootstrap: str, projector: Projector) -> PipelineProgress:
    prefix = settings.topic_prefix
    events = [event_topic(prefix, kind) for kind in EVENT_TYPES]
    events.append(extractions_topic(prefix))  # the timeline folds the records too
    inputs = {
        "ingest": [articles_topic(prefix)],
        "extract": [valid_articles_topic(prefix)],
    }
    ends = end_offsets(bootstrap, [*inputs["ingest"], *inputs["extract"], *events,
                                   dead_letter_topic(prefix)])  # fmt: skip
    committed = committed_offsets(bootstrap, worker_group(settings))
    stored = projector.positions()

    def stage(name: str, topics: list[str], done: dict) -> StageProgress:
        parts = [tp for tp in ends if tp.topic in topics]
        return StageProgress(
            name,
            published=sum(ends[tp] for tp in parts),
            done=sum(min(done.get(tp, 0), ends[tp]) for tp in parts),
        )

    stored_by_tp = {TopicPartition(t, p): offset for (t, p), offset in stored.items()}
    return PipelineProgress(
        stages=(
            stage("ingest", inputs["ingest"], committed),
            stage("extract", inputs["extract"], committed),
            stage("timeline", events, stored_by_tp),
        ),
        dead_letters=sum(n for tp, n in ends.items() if tp.topic == dead_letter_topic(prefix)),
    )


def end_offsets(bootstrap: str, topics: list[str]) -> dict[TopicPartition, int]:
    """The next offset to be written, per partition of each existing topic."""
    consumer = KafkaConsumer(**kafka_client_options(bootstrap), client_id="newsline-progress")
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        return consumer.end_offsets(partitions) if partitions else {}
    except KafkaError as exc:
        raise BrokerError(f"cannot read end offsets at {bootstrap}: {exc}") from exc
    finally:
        consumer.close()


def committed_offsets(bootstrap: str, group: str) -> dict[TopicPartition, int]:
    """The consumer group's committed offsets (empty before its first commit)."""
    with admin_client(bootstrap) as client:
        try:
            found = client.list_group_offsets({group: None}).get(group, {})
        except KafkaError:
            return {}
    return {tp: meta.offset for tp, meta in found.items() if meta.offset >= 0}
