"""Extract: run the engine on each valid article, publish every event on its topic and
one extraction record (the event ids found) per article."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import faust

from agents.dead_letters import send_dead_letter
from agents.topics import WorkerTopics
from newsline.event_messages import encode_message, event_message, extraction_message
from newsline.extraction import EXTRACTOR_VERSION, extract
from newsline.readers import article_from_mapping

AGENT = "extract"


def register(app: faust.App, topics: WorkerTopics) -> None:
    @app.agent(topics.valid, name=AGENT, concurrency=1)
    async def extract_events(stream: faust.StreamT) -> None:
        async for event in stream.events():
            article_id = event.key.decode("utf-8", "replace") if event.key else None
            try:
                article = article_from_mapping(json.loads(event.value), where="articles.valid")
                # On the event loop, deliberately: awaiting a thread here lost mentions
                # in the SIGKILL fault test (2 runs of 3), none in 3 runs without.
                events = extract(article)
            except Exception as exc:  # the policy: any failure here is a dead letter
                await send_dead_letter(
                    topics.dead_letters, event, "extraction_failed",
                    f"{type(exc).__name__}: {exc}", AGENT, article_id,
                )  # fmt: skip
                continue
            extracted_at = datetime.now(UTC)
            for found in events:
                message = event_message(article, found, extracted_at)
                await topics.events[found.type].send(
                    key=message["event_id"].encode("ascii"),
                    value=encode_message(message),
                )
            # After the run's events: the record that lets the timeline retire the
            # mentions an earlier run found and this one did not.
            record = extraction_message(article, events, extracted_at, EXTRACTOR_VERSION)
            await topics.extractions.send(
                key=article.id.encode("utf-8"),
                value=encode_message(record),
            )
