"""Talking to a running cluster: connecting kafka-python's clients, administering topics.

``kafka_client`` is how every newsline client (admin, producer, group-less reader)
connects, so an unreachable or refusing cluster reads the same wherever it is met.

``ensure_topics`` is idempotent: it creates what is missing with an explicit partition
count and the topic's configuration, and on topics that already exist it re-applies
the configuration newsline relies on (a topic created by hand with the default
seven-day retention gets ``retention.ms=-1``); it never deletes or shrinks anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType
from kafka.errors import KafkaError

from newsline.errors import BrokerError, BrokerUnavailable
from newsline.kafka_security import (
    connection_failures,
    kafka_client_options,
    unreachable_hint,
)
from newsline.topics import TopicSpec

TOPIC_ALREADY_EXISTS = 36
Client = TypeVar("Client")


@dataclass(frozen=True, slots=True)
class TopicState:
    """What ensure_topics did to one topic, and what the topic is now."""

    name: str
    created: bool
    partitions: int
    config: dict[str, str]


def kafka_client(make: Callable[..., Client], bootstrap: str, **options: Any) -> Client:
    """``make(**options)`` with ``bootstrap``'s connection settings; BrokerUnavailable if
    no broker answers.

    kafka-python's own error only says the bootstrap timed out; the reason it logged
    (a refused connection, a failed login or handshake) goes into the one-line error.
    """
    try:
        with connection_failures(bootstrap) as failures:
            return make(**kafka_client_options(bootstrap), **options)
    except KafkaError as exc:
        reason = failures[0] if failures else type(exc).__name__
        raise BrokerUnavailable(
            f"no Kafka broker answers at {bootstrap} ({reason}); {unreachable_hint(bootstrap)}"
        ) from exc


@contextmanager
def admin_client(bootstrap: str, timeout_s: float = 10.0) -> Iterator[KafkaAdminClient]:
    """An admin client, closed afterwards; an unreachable cluster is BrokerUnavailable."""
    client = kafka_client(
        KafkaAdminClient,
        bootstrap,
        client_id="newsline-admin",
        request_timeout_ms=int(timeout_s * 1000),
        bootstrap_timeout_ms=int(timeout_s * 1000),
    )
    try:
        yield client
    finally:
        client.close()


def probe(bootstrap: str, timeout_s: float = 2.0) -> dict | None:
    """The cluster's description if a broker answers a metadata request, else None."""
    try:
        with admin_client(bootstrap, timeout_s) as client:
            return client.describe_cluster()
    except (BrokerUnavailable, KafkaError, OSError):
        return None


def wait_until_ready(bootstrap: str, timeout_s: float, still_starting=lambda: True) -> dict:
    """Poll until a broker answers, ``timeout_s`` passes, or ``still_starting()`` is False."""
    deadline = time.monotonic() + timeout_s
    while True:
        cluster = probe(bootstrap, timeout_s=min(2.0, max(0.5, deadline - time.monotonic())))
        if cluster and cluster.get("brokers"):
            return cluster
        if time.monotonic() >= deadline or not still_starting():
            raise BrokerUnavailable(f"no broker answered at {bootstrap} within {timeout_s:.0f} s")
        time.sleep(0.25)


def _reapply_configs(client: KafkaAdminClient, specs: list[TopicSpec]) -> None:
    """Set each existing topic's configuration again; BrokerError if the broker refuses.

    The broker checks the names, and kafka-python does not check them first: its check
    reads the topic's dynamic configuration, which a topic another process created a
    moment earlier (a worker and ``publish`` started together) does not show yet. It
    refused ``retention.ms`` as unknown in 7 of 15 such starts, a ValueError that
    stopped the worker.
    """
    results = client.alter_configs(
        [
            ConfigResource(ConfigResourceType.TOPIC, spec.name, configs=spec.config)
            for spec in specs
        ],
        raise_on_unknown=False,
    )
    refused = {name: result for name, result in results["topic"].items() if result != "OK"}
    if refused:
        raise BrokerError(
            "cannot set the configuration of "
            + "; ".join(f"topic {name}: {result}" for name, result in refused.items())
        )


def ensure_topics(bootstrap: str, specs: Iterable[TopicSpec], partitions: int) -> list[TopicState]:
    """Create missing topics and re-apply newsline's configuration to existing ones."""
    specs = list(specs)
    with admin_client(bootstrap) as client:
        try:
            response = client.create_topics(
                {
                    spec.name: {
                        "num_partitions": partitions,
                        "replication_factor": -1,  # the cluster's default.replication.factor
                        "configs": spec.config,
                    }
                    for spec in specs
                },
                raise_errors=False,
            )
            created = set()
            for topic in response["topics"]:
                if topic["error_code"] == 0:
                    created.add(topic["name"])
                elif topic["error_code"] != TOPIC_ALREADY_EXISTS:
                    raise BrokerError(
                        f"cannot create topic {topic['name']}: {topic['error_message']}"
                    )
            existing = [spec for spec in specs if spec.name not in created]
            if existing:
                _reapply_configs(client, existing)
            client.wait_for_topics([spec.name for spec in specs], timeout_ms=30_000)
            return [
                TopicState(
                    name=spec.name,
                    created=spec.name in created,
                    partitions=count,
                    config=config,
                )
                for spec, count, config in zip(
                    specs,
                    partition_counts(client, [s.name for s in specs]),
                    topic_configs(client, [s.name for s in specs]),
                    strict=True,
                )
            ]
        except KafkaError as exc:
            raise BrokerError(f"topic administration failed at {bootstrap}: {exc}") from exc


def partition_counts(client: KafkaAdminClient, names: list[str]) -> list[int]:
    by_name = {t["name"]: len(t["partitions"]) for t in client.describe_topics(names)}
    return [by_name.get(name, 0) for name in names]


def topic_configs(client: KafkaAdminClient, names: list[str]) -> list[dict[str, str]]:
    """Each topic's explicitly set (non-default) configuration."""
    described = client.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    )["topic"]
    return [
        {key: entry["value"] for key, entry in described.get(name, {}).items()} for name in names
    ]
