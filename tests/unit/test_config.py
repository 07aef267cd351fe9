"""Settings come from the environment once, with sane defaults and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsline.config import Settings
from newsline.errors import ConfigError


def test_defaults_run_a_local_broker_and_a_sqlite_file_under_home() -> None:
    settings = Settings.from_env({"NEWSLINE_HOME": "/srv/nl"})

    assert settings.uses_local_broker
    assert settings.bootstrap_servers == "127.0.0.1:9092"
    assert settings.partitions == 6
    assert settings.topic_prefix == "newsline."
    assert settings.broker_heap_mb == 512
    assert settings.database_url == "sqlite:////srv/nl/newsline.db"
    assert settings.home == Path("/srv/nl")


def test_external_bootstrap_replaces_the_local_broker() -> None:
    settings = Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": " kafka-1:9092,kafka-2:9092 "})

    assert not settings.uses_local_broker
    assert settings.bootstrap_servers == "kafka-1:9092,kafka-2:9092"


def test_every_setting_has_its_variable() -> None:
    settings = Settings.from_env(
        {
            "NEWSLINE_BROKER_PORT": "19092",
            "NEWSLINE_BROKER_HEAP": "256M",
            "NEWSLINE_PARTITIONS": "12",
            "NEWSLINE_TOPIC_PREFIX": "prod.",
            "NEWSLINE_DATABASE_URL": "postgresql+psycopg://u@db/newsline",
            "NEWSLINE_KAFKA_CACHE": "/cache",
        }
    )

    assert settings.bootstrap_servers == "127.0.0.1:19092"
    assert settings.broker_heap_mb == 256
    assert settings.partitions == 12
    assert settings.topic_prefix == "prod."
    assert settings.database_url == "postgresql+psycopg://u@db/newsline"
    assert settings.kafka_cache == Path("/cache")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("NEWSLINE_BROKER_PORT", "ninety", "NEWSLINE_BROKER_PORT='ninety' is not a whole number"),
        ("NEWSLINE_PARTITIONS", "0", "NEWSLINE_PARTITIONS=0 is out of range (1 to 1000)"),
        ("NEWSLINE_BROKER_HEAP", "2g", "NEWSLINE_BROKER_HEAP='2g' must be between 128m and 512m"),
    ],
)
def test_malformed_values_name_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env({name: value})
