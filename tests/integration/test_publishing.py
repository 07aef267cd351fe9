"""send_all: every message stored, or one clear error; an oversized one set aside."""

from __future__ import annotations

import pytest

from newsline.broker.admin import ensure_topics
from newsline.errors import BrokerError
from newsline.publishing import Outgoing, idempotent_producer, send_all
from newsline.topics import articles_topic, topic_specs

from .pipeline_support import consume_all

pytestmark = pytest.mark.integration

TOO_LARGE = b"x" * 1_100_000  # over the producer's 1 MB request limit


@pytest.fixture
def topic(kafka_bootstrap: str, topic_prefix: str) -> str:
    ensure_topics(kafka_bootstrap, topic_specs(topic_prefix), partitions=1)
    return articles_topic(topic_prefix)


def _stored(bootstrap: str, topic: str) -> list[tuple[bytes | None, bytes, list]]:
    return [(r.key, r.value, r.headers) for r in consume_all(bootstrap, topic)]


def test_every_message_is_stored_in_order_with_its_key_and_headers(
    kafka_bootstrap: str, topic: str
) -> None:
    messages = [
        Outgoing(topic, b"a", "Téhéran".encode()),
        Outgoing(topic, None, b"\x00\xff", (("origin", b"dlq:0:7"),)),
        Outgoing(topic, b"a", b"second version"),
    ]
    sent: list[Outgoing] = []

    with idempotent_producer(kafka_bootstrap, "newsline-test") as producer:
        count = send_all(producer, iter(messages), "sending test messages", on_sent=sent.append)

    assert count == 3
    assert sent == messages
    assert _stored(kafka_bootstrap, topic) == [
        (b"a", "Téhéran".encode(), []),
        (None, b"\x00\xff", [("origin", b"dlq:0:7")]),
        (b"a", b"second version", []),
    ]


def test_an_oversized_message_is_set_aside_and_the_rest_still_sent(
    kafka_bootstrap: str, topic: str
) -> None:
    refused: list[tuple[bytes | None, str]] = []
    messages = [Outgoing(topic, b"big", TOO_LARGE), Outgoing(topic, b"small", b"ok")]

    with idempotent_producer(kafka_bootstrap, "newsline-test") as producer:
        count = send_all(
            producer,
            messages,
            "sending test messages",
            on_too_large=lambda message, why: refused.append((message.key, why)),
        )

    assert count == 1
    assert refused == [(b"big", "1,100,000 bytes is more than Kafka accepts")]
    assert _stored(kafka_bootstrap, topic) == [(b"small", b"ok", [])]


def test_without_a_place_for_it_an_oversized_message_fails_the_send_in_one_line(
    kafka_bootstrap: str, topic: str
) -> None:
    with (
        idempotent_producer(kafka_bootstrap, "newsline-test") as producer,
        pytest.raises(BrokerError, match=r"^sending test messages failed: \[Error 10\]"),
    ):
        send_all(producer, [Outgoing(topic, b"big", TOO_LARGE)], "sending test messages")
