"""Read topics from offset 0 up to where they ended when the reading started.

A replay must be bounded: the log keeps growing while a rebuild or a reprocess runs
(and a reprocess writes to topics itself), so the end offsets are taken once, at the
start, and every partition is read up to that mark. The consumer is assigned every
partition and has no group: nothing is committed, no group's position moves, and a
running worker is never rebalanced by it.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from newsline.broker.admin import kafka_client
from newsline.errors import BrokerError, MissingTopics

#: records handed out per batch: big enough for bulk writes, small enough for memory
BATCH = 5000
#: seconds without a record before a partition that has not reached its mark is an error
STALL_S = 60.0
#: kafka-python checks each batch's CRC-32C in pure Python unless the ``crc32c`` C
#: package is installed; that check alone caps a replay near 11,000 records/s (110,000
#: without it, measured). The broker validated every batch's CRC when it was written,
#: so without the fast module the replay skips the client-side re-check.
FAST_CRC = importlib.util.find_spec("crc32c") is not None


@dataclass(frozen=True, slots=True)
class Bounds:
    """Where each partition starts and where the replay stops (exclusive)."""

    start: dict[TopicPartition, int]
    end: dict[TopicPartition, int]

    @property
    def total(self) -> int:
        """Records to read (an upper bound: compaction or control records may skip some)."""
        return sum(self.end[tp] - self.start[tp] for tp in self.end)


class BoundedReader:
    """A group-less consumer over ``topics`` that stops at the end offsets of its start.

    With ``shares`` > 1 it reads only share ``share`` of the partitions (every
    ``shares``-th, from the ``share``-th): readers of the other shares read the rest.
    """

    def __init__(
        self, bootstrap: str, topics: list[str], client_id: str, share: int = 0, shares: int = 1
    ) -> None:
        self.consumer = kafka_client(
            KafkaConsumer,
            bootstrap,
            client_id=client_id,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            check_crcs=FAST_CRC,
            max_poll_records=BATCH,
            fetch_max_bytes=64 * 1024 * 1024,
            max_partition_fetch_bytes=16 * 1024 * 1024,
        )
        try:
            partitions = [
                TopicPartition(topic, p)
                for topic in topics
                for p in sorted(self.consumer.partitions_for_topic(topic) or ())
            ]
            missing = [t for t in topics if not any(tp.topic == t for tp in partitions)]
            if missing:
                raise MissingTopics(
                    f"topic(s) {', '.join(missing)} do not exist at {bootstrap} "
                    "(check NEWSLINE_TOPIC_PREFIX, or run `newsline topics create`)"
                )
            partitions = partitions[share::shares]
            self.bounds = Bounds(start={}, end={})
            if partitions:  # a share can be empty: fewer partitions than readers
                self.consumer.assign(partitions)
                self.consumer.seek_to_beginning(*partitions)
                self.bounds = Bounds(
                    start=self.consumer.beginning_offsets(partitions),
                    end=self.consumer.end_offsets(partitions),
                )
        except KafkaError as exc:
            self.consumer.close()
            raise BrokerError(f"cannot read {', '.join(topics)} at {bootstrap}: {exc}") from exc
        except BrokerError:
            self.consumer.close()
            raise

    @property
    def total(self) -> int:
        """Records to read (``Bounds.total``)."""
        return self.bounds.total

    @property
    def partitions(self) -> int:
        return len(self.bounds.end)

    def batches(self) -> Iterator[list[ConsumerRecord]]:
        """Records in batches of up to BATCH, each partition read up to its end mark."""
        pending = {tp for tp, end in self.bounds.end.items() if end > self.bounds.start[tp]}
        done = set(self.bounds.end) - pending
        if done:
            self.consumer.pause(*done)
        last_record = time.monotonic()
        try:
            while pending:
                polled = self.consumer.poll(timeout_ms=1000, max_records=BATCH)
                batch: list[ConsumerRecord] = []
                for tp, records in polled.items():
                    end = self.bounds.end[tp]
                    batch.extend(r for r in records if r.offset < end)
                    if tp in pending and self.consumer.position(tp) >= end:
                        pending.discard(tp)
                        self.consumer.pause(tp)
                for tp in list(pending):  # an end mark behind control records
                    if self.consumer.position(tp) >= self.bounds.end[tp]:
                        pending.discard(tp)
                        self.consumer.pause(tp)
                if batch:
                    last_record = time.monotonic()
                    yield batch
                elif time.monotonic() - last_record > STALL_S:
                    behind = ", ".join(f"{tp.topic}[{tp.partition}]" for tp in sorted(pending))
                    raise BrokerError(f"no records arrived for {STALL_S:.0f} s from {behind}")
        except KafkaError as exc:
            raise BrokerError(f"reading the log failed: {exc}") from exc

    def close(self) -> None:
        self.consumer.close()

    def __enter__(self) -> BoundedReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
