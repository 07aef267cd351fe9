"""Shared fixtures: the real Kafka broker every integration test talks to.

Where the broker comes from, in order:
1. ``KAFKA_BOOTSTRAP_SERVERS`` when set (CI starts one with ``newsline broker start``);
2. newsline's own local broker, started for this session in a temporary home on free
   ports (needs Java 17 and Maven, or the jars already in the cache);
3. testcontainers' Kafka module, when a Docker engine answers.
Under ``CI=true`` a missing broker fails the run; elsewhere the tests that need it skip
with the reason. Never a mock.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from newsline.broker import jars
from newsline.broker.admin import probe
from newsline.broker.local import LocalBroker
from newsline.config import Settings
from newsline.store.engine import make_engine

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _no_broker(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and no Kafka broker: {reason}", pytrace=False)
    pytest.skip(f"no Kafka broker: {reason}")


def free_port_pair() -> int:
    """A port p such that p and p+1 are both free on 127.0.0.1 (client and controller)."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port >= 65535:
            continue
        with socket.socket() as other:
            try:
                other.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports found")


def local_broker_settings(home: Path) -> Settings:
    """Settings for a throw-away local broker that shares the jar cache with everyone."""
    return replace(
        Settings.from_env({k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}),
        home=home,
        broker_port=free_port_pair(),
        partitions=3,
    )


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A bootstrap address of a real, running Kafka broker."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if external:
        if probe(external, timeout_s=10) is None:
            _no_broker(f"KAFKA_BOOTSTRAP_SERVERS={external} does not answer")
        yield external
        return
    settings = local_broker_settings(tmp_path_factory.mktemp("broker-home"))
    can_run_local = shutil.which("java") and (
        shutil.which("mvn") or jars.is_fetched(settings.kafka_cache)
    )
    if can_run_local:
        broker = LocalBroker(settings)
        yield broker.start().state.bootstrap
        broker.stop()
        return
    if _docker_answers():
        try:
            from testcontainers.community.kafka import KafkaContainer
        except ImportError:  # testcontainers before 4.14
            from testcontainers.kafka import KafkaContainer

        # testcontainers drives Confluent's image (its KRaft start script is theirs).
        with KafkaContainer("confluentinc/cp-kafka:7.9.0").with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    _no_broker("KAFKA_BOOTSTRAP_SERVERS is unset, Java/Maven are missing and no Docker engine")


@pytest.fixture
def topic_prefix() -> str:
    """A prefix unique to one test, so tests never see each other's topics."""
    return f"test-{uuid.uuid4().hex[:10]}."


@pytest.fixture
def free_port() -> int:
    """A client port whose successor (the controller port) is free too."""
    return free_port_pair()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on an SQLite file and on PostgreSQL.

    PostgreSQL comes from NEWSLINE_TEST_POSTGRES_URL (.ci/run starts one from Debian's
    packages); a test schema of its own keeps runs apart. Missing under CI=true fails.
    """
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'newsline.db'}"
    url = os.environ.get("NEWSLINE_TEST_POSTGRES_URL", "").strip()
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true and NEWSLINE_TEST_POSTGRES_URL is unset", pytrace=False)
        pytest.skip("PostgreSQL: set NEWSLINE_TEST_POSTGRES_URL (see .ci/run)")
    return url


@pytest.fixture
def store_url(database_url: str) -> Iterator[str]:
    """``database_url`` made private to one test: a fresh PostgreSQL schema, dropped after.

    SQLite already gets a fresh file per test; on PostgreSQL the schema goes on the
    URL's search_path, so subprocesses (the CLI) see the same private tables.
    """
    if not database_url.startswith("postgresql"):
        yield database_url
        return
    schema = f"test_store_{uuid.uuid4().hex[:12]}"
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f"create schema {schema}"))
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"drop schema {schema} cascade"))
        admin.dispose()
