"""Timeline: fold event messages and extraction records into the store, offsets in the
same transaction.

Batches of up to ``BATCH`` events (or what arrived within ``WITHIN`` seconds) are
applied in one transaction with their topic/partition/offsets; the projector skips
anything already applied, so Kafka's at-least-once redelivery after a crash changes
nothing. A message that breaks the event contract is dead-lettered, not applied, and
its position still moves on (a record without a message), or the partition would
look pending forever.

When the store does not answer (database down, SQLite locked by another writer) the
agent retries the same batch with backoff until it does, logging one line per try.
It must not raise: Faust acks a ``take_events`` batch when the agent leaves it, even
by an exception, so a crash here would commit offsets past events never applied.
While it waits it only awaits, so the event loop keeps the consumer's heartbeats (and
its group membership) going; Faust stops fetching once the stream's buffer is full.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any

import faust

from agents.dead_letters import send_dead_letter
from agents.topics import WorkerTopics
from newsline.contracts import problems
from newsline.errors import PositionConflict, StoreUnavailable
from newsline.store.projector import Projector, Record

AGENT = "timeline"
#: records per transaction under backlog: 500 decoded messages and their rows were the
#: worker's largest allocation at once, and the arenas it grew stayed (docs/benchmarks.md)
BATCH = 100
#: an event waits at most this long for its batch: most of publish-to-queryable at 50/s
WITHIN = 0.2
#: first wait after a failed write, doubled per failure up to RETRY_MAX (seconds)
RETRY_FIRST = 0.5
RETRY_MAX = 5.0

log = logging.getLogger("newsline.agents")


def register(app: faust.App, topics: WorkerTopics, projector: Projector) -> None:
    records_topic = topics.extractions.get_topic_name()

    @app.agent(topics.timeline_inputs, name=AGENT, concurrency=1)
    async def fold_events(stream: faust.StreamT) -> None:
        async for batch in stream.take_events(BATCH, within=WITHIN):
            records: list[Record] = []
            for event in batch:
                message = event.message
                contract = "extraction.v1" if message.topic == records_topic else "event.v1"
                value, found = _checked(event.value, contract)
                if found:
                    await send_dead_letter(
                        topics.dead_letters, event, "schema_violation", "; ".join(found[:5]), AGENT
                    )
                    value = None  # consumed, not projected: only the position moves on
                records.append((message.topic, message.partition, message.offset, value))
            await apply_until_stored(projector, records)


def _checked(raw: Any, contract: str) -> tuple[Any, list[str]]:
    """The decoded message and what breaks its contract (empty: valid)."""
    try:
        value = json.loads(raw)
        return value, problems(contract, value)
    except (ValueError, TypeError, RecursionError) as exc:  # RecursionError: deep nesting
        return None, [f"not JSON: {exc}"]


async def apply_until_stored(projector: Projector, records: Sequence[Record]) -> int:
    """``projector.apply(records)``, retried with backoff while the store cannot take it.

    A PositionConflict (another worker recorded the partition during a rebalance) is
    retried too: the projector skips what the other writer already applied.
    """
    delay = RETRY_FIRST
    failures = 0
    while True:
        try:
            applied = projector.apply(records)
        except (StoreUnavailable, PositionConflict) as exc:
            failures += 1
            log.warning(
                "timeline: batch of %d records not stored (try %d), again in %.1f s: %s",
                len(records), failures, delay, exc,
            )  # fmt: skip
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX)
            continue
        if failures:
            log.warning(
                "timeline: batch of %d records stored after %d tries", len(records), failures + 1
            )
        return applied
