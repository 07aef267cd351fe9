"""The worker's one error policy: a message that cannot be processed is dead-lettered.

The agent logs one line, sends the original bytes with the reason to the dead-letter
topic, waits until the broker has it, and goes on with the next message; it never
crashes or restarts over bad input. Waiting for the delivery keeps the order that
makes nothing vanish: the input's offset (or the timeline's stored position) moves
past a failed message only once its dead letter is safely on the topic.
"""

from __future__ import annotations

import logging

import faust

from newsline.dead_letters import Origin, dead_letter

log = logging.getLogger("newsline.agents")


def origin_of(event: faust.EventT) -> Origin:
    message = event.message
    return Origin(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key=message.key,
        value=message.value if isinstance(message.value, bytes) else b"",
        timestamp_ms=int(message.timestamp * 1000) if message.timestamp else None,
    )


async def send_dead_letter(
    topic: faust.TopicT,
    event: faust.EventT,
    reason_code: str,
    reason: str,
    agent: str,
    article_id: str | None = None,
) -> None:
    origin = origin_of(event)
    log.warning(
        "dead letter from %s: %s[%s]@%s %s: %s",
        agent, origin.topic, origin.partition, origin.offset, reason_code, reason,
    )  # fmt: skip
    delivery = await topic.send(
        key=origin.key,
        value=dead_letter(origin, reason_code, reason, agent, article_id),
    )
    await delivery
