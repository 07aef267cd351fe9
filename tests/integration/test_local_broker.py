"""`newsline broker start|status|stop` as an operator runs it, on a broker of its own."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from newsline.broker import jars
from newsline.broker.local import kafka_pids
from newsline.config import Settings

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        shutil.which("java") is None and os.environ.get("CI") != "true",
        reason="Java is not installed",
    ),
]


def _newsline(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsline", *args],
        env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


def _kafka_jvms(home: Path) -> list[int]:
    return kafka_pids(home / "broker")


@pytest.fixture
def operator_env(tmp_path: Path, free_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
    env.update(NEWSLINE_HOME=str(tmp_path), NEWSLINE_BROKER_PORT=str(free_port))
    jars.fetch(Settings.from_env(env).kafka_cache)  # warm cache: start time is the broker's
    return env


def test_start_twice_status_stop_leaves_no_jvm(operator_env: dict[str, str], tmp_path: Path):
    port = operator_env["NEWSLINE_BROKER_PORT"]
    try:
        first = _newsline(operator_env, "broker", "start")
        assert first.returncode == 0, first.stderr
        took = re.search(r"broker started at 127\.0\.0\.1:(\d+) .* in ([\d.]+) s", first.stderr)
        assert took, first.stderr
        assert took.group(1) == port
        assert "from the warm jar cache" in first.stderr
        assert float(took.group(2)) < 60

        second = _newsline(operator_env, "broker", "start")
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stderr
        assert len(_kafka_jvms(tmp_path)) == 1

        status = _newsline(operator_env, "broker", "status")
        assert status.returncode == 0, status.stderr
        assert f"running at 127.0.0.1:{port}" in status.stdout
        assert "start took" in status.stdout
        assert "since" in status.stdout
    finally:
        stop = _newsline(operator_env, "broker", "stop")
    assert stop.returncode == 0, stop.stderr
    assert "broker stopped" in stop.stderr
    assert _kafka_jvms(tmp_path) == []

    after = _newsline(operator_env, "broker", "status")
    assert after.returncode == 1
    assert after.stdout.startswith("not running")


def test_stop_when_nothing_runs_is_not_an_error(operator_env: dict[str, str]) -> None:
    result = _newsline(operator_env, "broker", "stop")

    assert result.returncode == 0
    assert "no local broker is running" in result.stderr


def test_port_taken_by_another_program_is_one_clear_line(operator_env: dict[str, str]) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(operator_env["NEWSLINE_BROKER_PORT"])))
        squatter.listen()
        result = _newsline(operator_env, "broker", "start")

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "is taken by another program" in result.stderr
    assert "Traceback" not in result.stderr
