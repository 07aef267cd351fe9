"""Send messages to Kafka and wait until the broker has stored every one of them.

Every newsline writer (``newsline publish``, dlq replay, reprocess) sends through an
idempotent producer with ``acks=all`` and ``send_all``, so a count it reports is a
count the broker acknowledged, and a retried send never duplicates a message.

``publish_articles`` is the upstream feed's side: articles to the ``articles`` topic,
keyed by article id, so all versions of one article land in one partition, in order.
The message value is the article's JSON (schemas/article.v1.json's fields).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kafka import KafkaProducer
from kafka.errors import KafkaError, MessageSizeTooLargeError

from newsline.broker.admin import kafka_client
from newsline.domain.article import Article
from newsline.errors import BrokerError
from newsline.ingest import encode_article


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send: its topic, key and value bytes, and any headers."""

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


def idempotent_producer(bootstrap: str, client_id: str, linger_ms: int = 5) -> KafkaProducer:
    """The producer every newsline writer uses: idempotent, acks=all, one clear error."""
    return kafka_client(
        KafkaProducer,
        bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=linger_ms,
    )


def send_all(
    producer: KafkaProducer,
    messages: Iterable[Outgoing],
    what: str,
    timeout_s: float = 30.0,
    on_sent: Callable[[Outgoing], None] = lambda _message: None,
    on_too_large: Callable[[Outgoing, str], None] | None = None,
) -> int:
    """Send every message, wait until the broker acknowledged all; return how many.

    ``messages`` is consumed as it is sent, so a generator that reads or extracts keeps
    the producer busy meanwhile. A message larger than a producer request may be goes to
    ``on_too_large`` (when given) with why, and the rest is still sent; otherwise it
    fails the send like any error: one BrokerError saying that ``what`` failed.
    """
    futures = []
    try:
        for message in messages:
            try:
                future = producer.send(
                    message.topic,
                    key=message.key,
                    value=message.value,
                    headers=list(message.headers),
                )
            except MessageSizeTooLargeError:
                if on_too_large is None:
                    raise
                on_too_large(message, f"{len(message.value):,} bytes is more than Kafka accepts")
                continue
            futures.append(future)
            on_sent(message)
        producer.flush()
        for future in futures:
            future.get(timeout=timeout_s)
    except KafkaError as exc:
        raise BrokerError(f"{what} failed: {exc}") from exc
    return len(futures)


def publish_articles(
    bootstrap: str,
    topic: str,
    articles: Iterable[Article],
    on_sent: Callable[[Outgoing], None] = lambda _message: None,
    on_too_large: Callable[[str, str], None] | None = None,
) -> int:
    """Publish every article and wait until the broker acknowledged all; return the count.

    An article larger than a producer request may be goes to ``on_too_large`` (when
    given) with its id and why, and the rest is still sent; otherwise it fails the
    publish like any error.
    """
    messages = (Outgoing(topic, a.id.encode("utf-8"), encode_article(a)) for a in articles)

    def too_large(message: Outgoing, why: str) -> None:
        on_too_large(message.key.decode("utf-8"), why)  # the key is the article id

    with idempotent_producer(bootstrap, "newsline-publish") as producer:
        return send_all(
            producer,
            messages,
            f"publishing to {topic} at {bootstrap}",
            on_sent=on_sent,
            on_too_large=too_large if on_too_large else None,
        )
