"""kafka_client: every client gets the connection settings and the same one-line error."""

from __future__ import annotations

from typing import Any

import pytest
from kafka.errors import KafkaTimeoutError

from newsline.broker.admin import kafka_client
from newsline.errors import BrokerUnavailable


def test_the_client_gets_its_options_and_the_bootstrap_address() -> None:
    client = kafka_client(dict, "127.0.0.1:9", client_id="newsline-test", linger_ms=5)

    assert client["bootstrap_servers"] == "127.0.0.1:9"
    assert (client["client_id"], client["linger_ms"]) == ("newsline-test", 5)


def test_a_cluster_that_does_not_answer_is_broker_unavailable_with_what_to_check() -> None:
    def refused(**_options: Any) -> None:
        raise KafkaTimeoutError("bootstrap timed out")

    with pytest.raises(BrokerUnavailable) as raised:
        kafka_client(refused, "127.0.0.1:9")

    assert str(raised.value) == (
        "no Kafka broker answers at 127.0.0.1:9 (KafkaTimeoutError); start one with "
        "`newsline broker start` or check KAFKA_BOOTSTRAP_SERVERS"
    )
