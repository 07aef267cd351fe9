"""Send articles to the ``articles`` topic: the upstream feed's side of newsline.

The producer is idempotent with ``acks=all``, keyed by article id, so a retried send
never duplicates a message and all versions of one article land in one partition, in
order. The message value is the article's JSON (schemas/article.v1.json's fields).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from kafka import KafkaProducer
from kafka.errors import KafkaError

from newsline.domain.article import Article
from newsline.errors import BrokerError, BrokerUnavailable
from newsline.kafka_security import connection_failures, kafka_client_options, unreachable_hint


def idempotent_producer(bootstrap: str, client_id: str, linger_ms: int = 5) -> KafkaProducer:
    """The producer every newsline writer uses: idempotent, acks=all, one clear error."""
    try:
        with connection_failures(bootstrap) as failures:
            return KafkaProducer(
                **kafka_client_options(bootstrap),
                client_id=client_id,
                acks="all",
                enable_idempotence=True,
                linger_ms=linger_ms,
            )
    except KafkaError as exc:
        reason = failures[0] if failures else type(exc).__name__
        raise BrokerUnavailable(
            f"no Kafka broker answers at {bootstrap} ({reason}); {unreachable_hint(bootstrap)}"
        ) from exc


def encode_article(article: Article) -> bytes:
    return json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")


def publish_articles(
    bootstrap: str,
    topic: str,
    articles: Iterable[Article],
    on_sent: Callable[[Article], None] = lambda _article: None,
) -> int:
    """Publish every article and wait until the broker acknowledged all; return the count."""
    producer = idempotent_producer(bootstrap, "newsline-publish")
    sent = 0
    try:
        futures = []
        for article in articles:
            futures.append(
                producer.send(topic, key=article.id.encode("utf-8"), value=encode_article(article))
            )
            on_sent(article)
            sent += 1
        producer.flush()
        for future in futures:
            future.get(timeout=30)
    except KafkaError as exc:
        raise BrokerError(f"publishing to {topic} at {bootstrap} failed: {exc}") from exc
    finally:
        producer.close()
    return sent
