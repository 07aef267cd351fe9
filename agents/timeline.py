"""Timeline: fold event messages into the store, offsets in the same transaction.

Batches of up to ``BATCH`` events (or what arrived within ``WITHIN`` seconds) are
applied in one transaction with their topic/partition/offsets; the projector skips
anything already applied, so Kafka's at-least-once redelivery after a crash changes
nothing. A message that breaks the event contract is dead-lettered, not applied.
"""

from __future__ import annotations

import json

import faust

from agents.dead_letters import send_dead_letter
from agents.topics import WorkerTopics
from newsline.contracts import problems
from newsline.store.projector import Projector

AGENT = "timeline"
BATCH = 500
WITHIN = 0.5


def register(app: faust.App, topics: WorkerTopics, projector: Projector) -> None:
    @app.agent(topics.all_events, name=AGENT, concurrency=1)
    async def fold_events(stream: faust.StreamT) -> None:
        async for batch in stream.take_events(BATCH, within=WITHIN):
            records = []
            for event in batch:
                message = event.message
                try:
                    value = json.loads(event.value)
                    found = problems("event.v1", value)
                except (ValueError, TypeError) as exc:
                    found = [f"not JSON: {exc}"]
                if found:
                    await send_dead_letter(
                        topics.dead_letters, event, "schema_violation", "; ".join(found[:5]), AGENT
                    )
                    continue
                records.append((message.topic, message.partition, message.offset, value))
            if records:
                projector.apply(records)
