"""A real round trip through the broker: what newsline writes, any client reads back."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from newsline.broker.admin import ensure_topics
from newsline.topics import articles_topic, topic_specs

pytestmark = pytest.mark.integration

# Bytes no text codec would round-trip by accident: UTF-8 French, a NUL, raw 0xff.
PAYLOAD = "Minsk et Téhéran — « coopération »".encode() + b"\x00\xff\xfe binary tail"


def _produce(bootstrap: str, topic: str, key: bytes, value: bytes) -> int:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    try:
        metadata = producer.send(topic, key=key, value=value).get(timeout=30)
    finally:
        producer.close()
    return metadata.partition


def _consume_one(bootstrap: str, topic: str, partition: int):
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=15_000
    )
    try:
        part = TopicPartition(topic, partition)
        consumer.assign([part])
        consumer.seek_to_beginning(part)
        return next(iter(consumer))
    finally:
        consumer.close()


@pytest.fixture
def articles(kafka_bootstrap: str, topic_prefix: str) -> str:
    ensure_topics(kafka_bootstrap, topic_specs(topic_prefix), partitions=3)
    return articles_topic(topic_prefix)


def test_kafka_python_round_trip_is_byte_for_byte(kafka_bootstrap: str, articles: str) -> None:
    key = f"article-{uuid.uuid4()}".encode()
    partition = _produce(kafka_bootstrap, articles, key, PAYLOAD)

    record = _consume_one(kafka_bootstrap, articles, partition)

    assert record.key == key
    assert record.value == PAYLOAD
    assert record.offset == 0


@pytest.mark.skipif(
    shutil.which("kcat") is None and os.environ.get("CI") != "true",
    reason="kcat is not installed (Debian: apt-get install kcat)",
)
def test_kcat_reads_what_newsline_wrote(kafka_bootstrap: str, articles: str) -> None:
    """An independent client (librdkafka's kcat) sees our topics and our exact bytes."""
    assert shutil.which("kcat"), "kcat is required under CI (apt-get install kcat)"
    key = b"seed-000"
    partition = _produce(kafka_bootstrap, articles, key, PAYLOAD)

    listing = subprocess.run(
        ["kcat", "-b", kafka_bootstrap, "-L", "-t", articles],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert f'topic "{articles}" with 3 partitions' in listing.stdout

    consumed = subprocess.run(
        ["kcat", "-b", kafka_bootstrap, "-C", "-t", articles, "-p", str(partition),
         "-o", "beginning", "-c", "1", "-e", "-f", "%k\\t%S\\t%s"],
        capture_output=True, timeout=30, check=True,
    )  # fmt: skip
    key_field, size_field, value = consumed.stdout.split(b"\t", 2)
    assert key_field == key
    assert int(size_field) == len(PAYLOAD)
    assert value == PAYLOAD
