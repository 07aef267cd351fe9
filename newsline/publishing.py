"""Send articles to the ``articles`` topic: the upstream feed's side of newsline.

The producer is idempotent with ``acks=all``, keyed by article id, so a retried send
never duplicates a message and all versions of one article land in one partition, in
order. The message value is the article's JSON (schemas/article.v1.json's fields).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kafka import KafkaProducer
from kafka.errors import KafkaError, MessageSizeTooLargeError

from newsline.domain.article import Article
from newsline.errors import BrokerError, BrokerUnavailable
from newsline.ingest import encode_article
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


def publish_articles(
    bootstrap: str,
    topic: str,
    articles: Iterable[Article],
    on_sent: Callable[[Article], None] = lambda _article: None,
    on_too_large: Callable[[Article, str], None] | None = None,
) -> int:
    """Publish every article and wait until the broker acknowledged all; return the count.

    An article larger than a producer request may be goes to ``on_too_large`` (when
    given) and the rest is still sent; otherwise it fails the publish like any error.
    """
    producer = idempotent_producer(bootstrap, "newsline-publish")
    sent = 0
    try:
        futures = []
        for article in articles:
            value = encode_article(article)
            try:
                futures.append(producer.send(topic, key=article.id.encode("utf-8"), value=value))
            except MessageSizeTooLargeError:
                if on_too_large is None:
                    raise
                on_too_large(article, f"{len(value):,} bytes is more than Kafka accepts")
                continue
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
