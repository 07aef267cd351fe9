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

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kafka import KafkaProducer
from kafka.errors import KafkaError

from newsline.config import Settings
from newsline.errors import BrokerError
from newsline.event_messages import event_message, extraction_message
from newsline.extraction import EXTRACTOR_VERSION, extract
from newsline.ingest import Rejected, content_digest, parse_article
from newsline.operations.log_reader import BoundedReader
from newsline.publishing import idempotent_producer
from newsline.topics import articles_topic, event_topic, extractions_topic

#: (articles read, articles to read, seconds so far): called about once a second
Progress = Callable[[int, int, float], None]


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
    topic = articles_topic(settings.topic_prefix)
    with BoundedReader(settings.bootstrap_servers, [topic], "newsline-reprocess") as reader:
        producer = _producer(settings.bootstrap_servers)
        try:
            seen: dict[str, str] = {}
            said = time.monotonic()
            for batch in reader.batches():
                futures = []
                for record in batch:
                    futures += _reprocess_one(record.value, settings, seen, producer, report)
                    report.read += 1
                producer.flush()
                for future in futures:
                    future.get(timeout=60)
                if progress and time.monotonic() - said >= 1.0:
                    progress(report.read, reader.bounds.total, time.monotonic() - started)
                    said = time.monotonic()
        except KafkaError as exc:
            raise BrokerError(f"publishing reprocessed events failed: {exc}") from exc
        finally:
            producer.close()
    report.seconds = time.monotonic() - started
    return report


def _reprocess_one(
    value: bytes | None,
    settings: Settings,
    seen: dict[str, str],
    producer: KafkaProducer,
    report: ReprocessReport,
) -> list:
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
    futures = []
    for found in events:
        message = event_message(article, found, extracted_at)
        futures.append(
            producer.send(
                event_topic(settings.topic_prefix, found.type),
                key=message["event_id"].encode("ascii"),
                value=json.dumps(message, ensure_ascii=False).encode("utf-8"),
            )
        )
        report.published[found.type] = report.published.get(found.type, 0) + 1
    record = extraction_message(article, events, extracted_at, EXTRACTOR_VERSION)
    futures.append(
        producer.send(
            extractions_topic(settings.topic_prefix),
            key=article.id.encode("utf-8"),
            value=json.dumps(record, ensure_ascii=False).encode("utf-8"),
        )
    )
    return futures


def _producer(bootstrap: str) -> KafkaProducer:
    return idempotent_producer(bootstrap, "newsline-reprocess", linger_ms=20)
