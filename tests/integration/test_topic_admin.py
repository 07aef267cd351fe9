"""Topic creation is idempotent, explicit about partitions, and keeps data forever."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from newsline.broker.admin import admin_client, ensure_topics, topic_configs
from newsline.errors import BrokerError
from newsline.topics import EVENT_TYPES, topic_specs

pytestmark = pytest.mark.integration


def test_creates_every_topic_with_partitions_and_infinite_retention(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    states = ensure_topics(kafka_bootstrap, topic_specs(topic_prefix), partitions=4)

    assert [s.name for s in states] == [
        f"{topic_prefix}articles",
        f"{topic_prefix}articles.valid",
        *(f"{topic_prefix}events.{kind}" for kind in EVENT_TYPES),
        f"{topic_prefix}extractions",
        f"{topic_prefix}articles.dlq",
    ]
    assert all(s.created for s in states)
    assert {s.partitions for s in states} == {4}
    for state in states:
        assert state.config["retention.ms"] == "-1", state.name


def test_second_run_changes_nothing_and_reports_existing(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    first = ensure_topics(kafka_bootstrap, topic_specs(topic_prefix), partitions=2)
    second = ensure_topics(kafka_bootstrap, topic_specs(topic_prefix), partitions=5)

    assert not any(s.created for s in second)
    assert [s.partitions for s in second] == [s.partitions for s in first] == [2] * 8
    assert [s.config for s in second] == [s.config for s in first]


def test_restores_retention_on_a_topic_created_by_hand(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    name = f"{topic_prefix}events.sanctions"
    with admin_client(kafka_bootstrap) as client:
        client.create_topics({name: {"num_partitions": 1, "configs": {"retention.ms": "3600000"}}})

    ensure_topics(kafka_bootstrap, topic_specs(topic_prefix), partitions=1)

    with admin_client(kafka_bootstrap) as client:
        (config,) = topic_configs(client, [name])
    assert config["retention.ms"] == "-1"


def test_two_processes_ensuring_the_same_new_topics_both_succeed(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    """A worker and ``publish`` started together: one creates, the other re-applies the
    configuration of topics created a moment earlier (refused about half the time when
    kafka-python checked the names against the topic's not-yet-visible configuration)."""
    for attempt in range(5):
        specs = topic_specs(f"{topic_prefix}{attempt}.")
        with ThreadPoolExecutor(2) as pool:
            runs = [pool.submit(ensure_topics, kafka_bootstrap, specs, 2) for _ in range(2)]
            states = [run.result() for run in runs]

        assert sorted(s.created for s in states[0] + states[1]).count(True) == len(specs)
        for state in states[0] + states[1]:
            assert state.config["retention.ms"] == "-1", state.name


def test_a_configuration_the_broker_refuses_is_a_broker_error(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    (spec,) = topic_specs(topic_prefix)[:1]
    ensure_topics(kafka_bootstrap, [spec], partitions=1)
    wrong = replace(spec, config={"retention.bogus": "-1"})

    with pytest.raises(
        BrokerError, match=r"articles: .*Unknown topic config name: retention.bogus"
    ):
        ensure_topics(kafka_bootstrap, [wrong], partitions=1)
