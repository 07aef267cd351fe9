"""docker-compose.yml agrees with the defaults newsline uses without Docker."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from newsline.config import (
    DEFAULT_BROKER_PORT,
    DEFAULT_PARTITIONS,
    DEFAULT_TOPIC_PREFIX,
    ENVIRONMENT,
)
from newsline.topics import topic_specs

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def _listeners(value: str) -> dict[str, str]:
    return dict(item.split("://", 1) for item in value.split(","))


def test_kafka_is_4_1_in_kraft_mode_on_the_default_port(services: dict) -> None:
    kafka = services["kafka"]
    env = kafka["environment"]

    assert kafka["image"].startswith("apache/kafka:4.1")
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert f"{DEFAULT_BROKER_PORT}:{DEFAULT_BROKER_PORT}" in kafka["ports"]
    assert (
        _listeners(env["KAFKA_ADVERTISED_LISTENERS"])["HOST"] == f"localhost:{DEFAULT_BROKER_PORT}"
    )
    assert env["KAFKA_NUM_PARTITIONS"] == DEFAULT_PARTITIONS
    assert "-Xmx512m" in env["KAFKA_HEAP_OPTS"]


@pytest.mark.parametrize("name", ["topics", "worker", "seeds"])
def test_newsline_services_use_known_variables_and_reach_the_containers(
    services: dict, name: str
) -> None:
    env = services[name]["environment"]
    kafka_env = services["kafka"]["environment"]
    postgres_env = services["postgres"]["environment"]

    assert set(env) <= set(ENVIRONMENT), set(env) - set(ENVIRONMENT)
    assert (
        env["KAFKA_BOOTSTRAP_SERVERS"]
        == _listeners(kafka_env["KAFKA_ADVERTISED_LISTENERS"])["INTERNAL"]
    )
    assert env["NEWSLINE_TOPIC_PREFIX"] == DEFAULT_TOPIC_PREFIX
    assert int(env["NEWSLINE_PARTITIONS"]) == DEFAULT_PARTITIONS
    database = urlsplit(env["NEWSLINE_DATABASE_URL"])
    assert database.hostname == "postgres"
    assert f"{database.port}:{database.port}" in services["postgres"]["ports"]
    assert database.username == postgres_env["POSTGRES_USER"]
    assert database.password == postgres_env["POSTGRES_PASSWORD"]
    assert database.path == "/" + postgres_env["POSTGRES_DB"]


def test_topic_names_are_the_projects(services: dict) -> None:
    declared = services["topics"]["labels"]["newsline.topics"].split()

    assert declared == [spec.name for spec in topic_specs(DEFAULT_TOPIC_PREFIX)]
    assert services["topics"]["command"] == ["newsline", "topics", "create"]
