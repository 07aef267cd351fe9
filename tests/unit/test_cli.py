"""The command line teaches its use and fails in one clear line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMANDS = [
    [],
    ["run"],
    ["publish"],
    ["worker"],
    ["extract"],
    ["timeline"],
    ["event"],
    ["countries"],
    ["broker"],
    ["broker", "start"],
    ["broker", "stop"],
    ["broker", "status"],
    ["broker", "fetch"],
    ["broker", "reset"],
    ["topics"],
    ["topics", "create"],
    ["topics", "list"],
    ["rebuild"],
    ["reprocess"],
    ["export"],
    ["dlq"],
    ["dlq", "list"],
    ["dlq", "show"],
    ["dlq", "replay"],
    ["subscribe"],
    ["status"],
]


def newsline(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsline", *args],
        env={**os.environ, "COLUMNS": "120", **env}, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "newsline")
def test_every_command_has_help(command: list[str]) -> None:
    result = newsline(*command, "--help")

    assert result.returncode == 0, result.stderr
    assert "Usage: newsline" in result.stdout
    assert len(result.stdout.split()) > 15  # says more than its own name


def test_a_malformed_variable_is_one_line_and_exit_1() -> None:
    result = newsline("broker", "status", NEWSLINE_BROKER_PORT="abc")

    assert result.returncode == 1
    assert result.stderr == "error [NL001]: NEWSLINE_BROKER_PORT='abc' is not a whole number\n"


def test_an_unknown_command_is_a_usage_error_without_traceback() -> None:
    result = newsline("frobnicate")

    assert result.returncode == 2
    assert "No such command 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_external_broker_is_one_clear_line() -> None:
    result = newsline("topics", "list", KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1")

    assert result.returncode == 1
    assert result.stderr.startswith("error [NL201]: no Kafka broker answers at 127.0.0.1:1")
    assert result.stderr.count("\n") == 1
