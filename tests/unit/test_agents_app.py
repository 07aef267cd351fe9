"""The Faust app takes its cluster and topic defaults from newsline's settings."""

from __future__ import annotations

from pathlib import Path

from agents.app import create_app, faust_broker_url
from newsline.config import Settings


def test_broker_list_becomes_faust_urls() -> None:
    assert faust_broker_url("a:9092, b:9093") == "kafka://a:9092;kafka://b:9093"


def test_app_uses_the_configured_cluster_and_partitions(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "KAFKA_BOOTSTRAP_SERVERS": "k1:9092",
            "NEWSLINE_PARTITIONS": "4",
            "NEWSLINE_HOME": str(tmp_path),
        }
    )

    app = create_app(settings)

    assert [str(url) for url in app.conf.broker] == ["kafka://k1:9092"]
    assert app.conf.topic_partitions == 4
    assert app.conf.id == "newsline.worker"


def test_faust_reads_no_environment_of_its_own(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("APP_VALUE_SERIALIZER", "pickle")
    monkeypatch.setenv("BROKER_URL", "kafka://elsewhere:9092")
    settings = Settings.from_env(
        {"KAFKA_BOOTSTRAP_SERVERS": "k1:9092", "NEWSLINE_HOME": str(tmp_path)}
    )

    app = create_app(settings)

    assert app.conf.value_serializer == "json"
    assert [str(url) for url in app.conf.broker] == ["kafka://k1:9092"]
