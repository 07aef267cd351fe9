"""Every newsline client authenticates to a real SASL broker, and no output shows the password.

The broker (secured_broker.py) demands SCRAM-SHA-512 or PLAIN; its SASL_SSL listener
has a certificate from a test CA. The password is the canary ``s3cr3t-canary``, handed
to newsline through KAFKA_SASL_PASSWORD_FILE as a deployment would.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsline.broker import jars
from newsline.config import Settings

from . import secured_broker
from .secured_broker import PASSWORD, USER, SecuredBroker

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredBroker]:
    cache = Settings.from_env({}).kafka_cache
    missing = [tool for tool in ("java", "openssl") if shutil.which(tool) is None]
    if not jars.is_fetched(cache) and shutil.which("mvn") is None:
        missing.append("mvn (or the fetched jars)")
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and no secured broker: {', '.join(missing)} missing")
        pytest.skip(f"secured broker needs {', '.join(missing)}")
    process, broker = secured_broker.start(
        tmp_path_factory.mktemp("secured-broker"), cache, _free_ports(4)
    )
    yield broker
    secured_broker.stop(process)


@pytest.fixture
def secured_env(secured: SecuredBroker, tmp_path: Path, topic_prefix: str) -> dict[str, str]:
    """SASL_SSL with SCRAM-SHA-512 and the test CA; the password from a file."""
    (tmp_path / "kafka-password").write_text(PASSWORD + "\n")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "NEWSLINE_"))}
    return {
        **clean,
        "KAFKA_BOOTSTRAP_SERVERS": secured.sasl_ssl,
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": USER,
        "KAFKA_SASL_PASSWORD_FILE": str(tmp_path / "kafka-password"),
        "KAFKA_SSL_CAFILE": str(secured.ca),
        "NEWSLINE_HOME": str(tmp_path / "home"),
        "NEWSLINE_TOPIC_PREFIX": topic_prefix,
        "NEWSLINE_PARTITIONS": "3",
    }


def newsline(env: dict[str, str], *args: str, timeout: float = 240):
    return subprocess.run(
        [sys.executable, "-m", "newsline", *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def test_the_whole_pipeline_runs_over_sasl_ssl_with_scram(
    secured_env: dict[str, str], tmp_path: Path
) -> None:
    run = newsline(secured_env, "run", "seeds/")

    assert run.returncode == 0, run.stderr
    assert "done: ingest 1/1, extract 1/1," in run.stderr
    assert "IRN (Iran): 7 events, oldest first" in run.stdout
    worker_log = (tmp_path / "home" / "worker.log").read_text()
    for command in (["status"], ["topics", "list"], ["dlq", "list"]):
        result = newsline(secured_env, *command)
        assert result.returncode == 0, (command, result.stderr)
        assert PASSWORD not in result.stdout + result.stderr
    subscribed = newsline(secured_env, "subscribe", "--from-beginning", "--max", "1")
    assert subscribed.returncode == 0, subscribed.stderr
    assert subscribed.stdout.count("\n") == 1
    assert PASSWORD not in run.stdout + run.stderr + worker_log


def test_plain_over_sasl_plaintext(secured: SecuredBroker, secured_env: dict[str, str]) -> None:
    env = {
        **{k: v for k, v in secured_env.items() if k != "KAFKA_SSL_CAFILE"},
        "KAFKA_BOOTSTRAP_SERVERS": secured.sasl_plaintext,
        "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "KAFKA_SASL_MECHANISM": "PLAIN",
    }

    created = newsline(env, "topics", "create")
    listed = newsline(env, "topics", "list")

    assert created.returncode == 0, created.stderr
    assert listed.returncode == 0, listed.stderr
    assert f"{env['NEWSLINE_TOPIC_PREFIX']}articles" in listed.stdout


def test_a_wrong_password_is_one_clear_line(secured_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "kafka-password").write_text("not-the-password\n")

    result = newsline(secured_env, "topics", "list", timeout=120)

    assert result.returncode == 1
    assert result.stderr.startswith("error [NL201]: no Kafka broker answers at 127.0.0.1:")
    # The broker answers a failed login with the reason or, as often, by closing the
    # socket first (kafka-python then knows only "socket disconnected").
    assert (
        "SaslAuthenticationFailedError" in result.stderr or "socket disconnected" in result.stderr
    ), result.stderr
    assert result.stderr.rstrip().endswith("the KAFKA_SASL_* / KAFKA_SSL_* settings")
    assert result.stderr.count("\n") == 1
    assert "not-the-password" not in result.stderr


def test_without_the_ca_the_brokers_certificate_is_refused(secured_env: dict[str, str]) -> None:
    env = {k: v for k, v in secured_env.items() if k != "KAFKA_SSL_CAFILE"}  # system CAs

    result = newsline(env, "topics", "list", timeout=120)

    assert result.returncode == 1
    assert result.stderr.startswith("error [NL201]: no Kafka broker answers at 127.0.0.1:")
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr
    assert result.stderr.count("\n") == 1


def test_the_worker_at_debug_level_never_logs_the_password(
    secured_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "worker-debug.log"
    with log.open("ab") as sink:
        worker = subprocess.Popen(
            [sys.executable, "-m", "newsline", "worker", "--loglevel", "debug"],
            env=secured_env, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.poll() is None:
            seen = log.read_text(errors="replace")
            if "Ready" in seen:
                break
            time.sleep(1)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    text = log.read_text(errors="replace")

    assert "Ready" in text, text[-3000:]
    assert "Setting newly assigned partitions" in text  # it logged in: the group took it
    assert PASSWORD not in text
