"""Ingest: validate, normalise and de-duplicate articles from upstream feeds.

An article id seen before with the same content is dropped; the memory of what was
seen is a Faust table backed by a changelog topic, so it survives restarts and moves
with its partition to another worker (``agents.seen_articles``: 32-64 bytes an article).
"""

from __future__ import annotations

import faust

from agents.dead_letters import send_dead_letter
from agents.seen_articles import remembered, seen_articles_table
from agents.topics import WorkerTopics
from newsline.ingest import Rejected, content_digest, parse_article
from newsline.publishing import encode_article

AGENT = "ingest"


def register(app: faust.App, topics: WorkerTopics, max_bytes: int) -> faust.TableT:
    seen = seen_articles_table(app)

    @app.agent(topics.articles, name=AGENT, concurrency=1)
    async def ingest(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                article = parse_article(event.value, max_bytes)
            except Rejected as rejected:
                await send_dead_letter(
                    topics.dead_letters, event, rejected.code, rejected.reason, AGENT,
                    rejected.article_id,
                )  # fmt: skip
                continue
            digest = remembered(content_digest(article))
            if seen[article.id] == digest:
                continue
            # Delivered before it is remembered: a crash in between re-sends (harmless
            # downstream) rather than remembering an article that never went out.
            delivery = await topics.valid.send(
                key=article.id.encode("utf-8"), value=encode_article(article)
            )
            await delivery
            seen[article.id] = digest

    return seen
