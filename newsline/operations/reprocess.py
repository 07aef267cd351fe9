"""``newsline reprocess``: every article in the log through the current extractor.

The extractor improves; the articles it missed things in are still in the
``articles`` topic (kept forever). Reprocessing replays that topic from offset 0 (a
group-less consumer, up to the end offsets taken at the start, so the replay ends)
and does what the ingest and extract agents do — validate and normalise
(``newsline.ingest``), skip an article id already seen with the same content, extract,
build each message with ``event_message`` — then publishes the messages to the event
topics, keyed by event id like the extract agent. Nothing is deleted or rewritten:
the new mentions carry the current extractor version and a new ``extracted_at``, and
the timeline folds them like any other mention (the worker live, or a rebuild). Each
article's run also publishes its extraction record, so mentions an earlier extractor
found and this one does not are superseded in the views (``store.supersede``).

Articles the ingest agent refused are refused again here and only counted: their
dead letters are in ``articles.dlq`` already.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newsline.config import Settings
from newsline.event_messages import encode_message, event_message, extraction_message
from newsline.extraction import EXTRACTOR_VERSION, extract
from newsline.ingest import Rejected, content_digest, parse_article
from newsline.operations.log_reader import BoundedReader
from newsline.publishing import Outgoing, idempotent_producer, send_all
from newsline.topics import articles_topic, event_topic, extractions_topic

#: (articles read, articles to read, seconds so far): called about once a second
Progress = Callable[[int, int, float], None]
CLIENT_ID = "newsline-reprocess"


@dataclass
class ReprocessReport:
    """What a reprocess read and published."""

    extractor: str
    read: int = 0
    extracted: int = 0
    duplicates: int = 0
    refused: int = 0
    failed: int = 0
    published: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def messages(self) -> int:
        return sum(self.published.values())


def reprocess(settings: Settings, progress: Progress | None = None) -> ReprocessReport:
    """Replay ``<prefix>articles`` through the current extractor onto the event topics."""
    report = ReprocessReport(extractor=EXTRACTOR_VERSION)
    started = time.monotonic()
    bootstrap = settings.bootstrap_servers
    with (
        BoundedReader(bootstrap, [articles_topic(settings.topic_prefix)], CLIENT_ID) as reader,
        idempotent_producer(bootstrap, CLIENT_ID, linger_ms=20) as producer,
    ):
        seen: dict[str, str] = {}
        said = time.monotonic()
        for batch in reader.batches():
            messages = (m for r in batch for m in _reprocess_one(r.value, settings, seen, report))
            send_all(producer, messages, "publishing reprocessed events", timeout_s=60)
            report.read += len(batch)
            if progress and time.monotonic() - said >= 1.0:
                progress(report.read, reader.bounds.total, time.monotonic() - started)
                said = time.monotonic()
    report.seconds = time.monotonic() - started
    return report


def _reprocess_one(
    value: bytes | None, settings: Settings, seen: dict[str, str], report: ReprocessReport
) -> list[Outgoing]:
    """Ingest's checks, extract's engine and message builder for one article message."""
    try:
        article = parse_article(value, settings.max_article_bytes)
    except Rejected:
        report.refused += 1
        return []
    digest = content_digest(article)
    if seen.get(article.id) == digest:
        report.duplicates += 1
        return []
    seen[article.id] = digest
    try:
        events = extract(article)
    except Exception:  # the extract agent's policy: a failure is that article's alone
        report.failed += 1
        return []
    report.extracted += 1
    extracted_at = datetime.now(UTC)
    messages = []
    for found in events:
        message = event_message(article, found, extracted_at)
        messages.append(
            Outgoing(
                event_topic(settings.topic_prefix, found.type),
                message["event_id"].encode("ascii"),
                encode_message(message),
            )
        )
        report.published[found.type] = report.published.get(found.type, 0) + 1
    record = extraction_message(article, events, extracted_at, EXTRACTOR_VERSION)
    messages.append(
        Outgoing(
            extractions_topic(settings.topic_prefix),
            article.id.encode("utf-8"),
            encode_message(record),
        )
    )
    return messages
