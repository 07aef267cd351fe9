"""Tail the event topics for downstream users: each event message as it is on the topic.

The consumer has no group and is assigned every partition of the chosen topics: a
subscriber is a read-only observer that commits nothing, cannot be rebalanced away
from partitions and never steals work from another consumer. Its start is fixed once,
explicitly, when it begins (the end offsets, or the beginning with
``--from-beginning``): seeking lazily "to the end" would move with the log and could
skip events published between the start and the first fetch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kafka.errors import KafkaError

from newsline.errors import BrokerError
from newsline.operations.dlq import require_broker
from newsline.operations.log_reader import BoundedReader
from newsline.topics import event_topic


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event message as consumed: where it was, its parsed value and its raw text."""

    topic: str
    partition: int
    offset: int
    message: dict[str, Any]
    line: str


def event_topics(prefix: str, types: Iterable[str]) -> list[str]:
    return [event_topic(prefix, kind) for kind in types]


def involves(message: dict[str, Any], countries: set[str]) -> bool:
    """True when no country filter is set or the event's participants include one of them."""
    if not countries:
        return True
    listed = message.get("countries")
    return isinstance(listed, list) and not countries.isdisjoint(listed)


def as_line(value: bytes) -> tuple[dict[str, Any], str] | None:
    """The message parsed, and as one line of JSON: its own text when it is already one
    line (the message exactly as on the topic), else re-encoded compactly; None if the
    value is not a JSON object."""
    try:
        text = value.decode("utf-8")
        message = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(message, dict):
        return None
    line = text.strip()
    if "\n" in line or "\r" in line:
        line = json.dumps(message, ensure_ascii=False)
    return message, line


class EventTail:
    """A group-less consumer over event topics, positioned once at the start.

    ``BoundedReader`` does the assignment (every partition, a missing topic named in one
    line) and takes the end offsets when it starts; a tail never reads its batches, it
    only seeks to those end offsets (unless from the beginning) and then polls on.
    """

    def __init__(self, bootstrap: str, topics: list[str], from_beginning: bool) -> None:
        require_broker(bootstrap)
        self.reader = BoundedReader(bootstrap, topics, "newsline-subscribe")
        self.consumer = self.reader.consumer
        if not from_beginning:
            for tp, offset in self.reader.bounds.end.items():
                self.consumer.seek(tp, offset)

    def events(
        self,
        countries: set[str] = frozenset(),  # type: ignore[assignment]
        limit: int | None = None,
        timeout_s: float | None = None,
        stopped: Callable[[], bool] = lambda: False,
        on_skipped: Callable[[str], None] = lambda _why: None,
    ) -> Iterator[EventRecord]:
        """Matching events until ``limit`` were yielded, ``timeout_s`` passed or ``stopped()``."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        yielded = 0
        while (limit is None or yielded < limit) and not stopped():
            wait_ms = 500
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                wait_ms = max(1, min(wait_ms, int(left * 1000)))
            try:
                polled = self.consumer.poll(timeout_ms=wait_ms)
            except KafkaError as exc:
                raise BrokerError(f"reading the event topics failed: {exc}") from exc
            records = sorted(
                (r for batch in polled.values() for r in batch),
                key=lambda r: (r.timestamp, r.topic, r.partition, r.offset),
            )
            for record in records:
                parsed = as_line(record.value or b"")
                if parsed is None:
                    on_skipped(f"{record.topic}[{record.partition}]@{record.offset} is not JSON")
                    continue
                message, line = parsed
                if not involves(message, countries):
                    continue
                yield EventRecord(record.topic, record.partition, record.offset, message, line)
                yielded += 1
                if limit is not None and yielded >= limit:
                    return

    def close(self) -> None:
        self.reader.close()

    def __enter__(self) -> EventTail:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
