"""The command line teaches its use and fails in one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from newsline.cli.context import examples
from newsline.cli.store_io import format_option, parse_period, pick_format
from newsline.errors import InvalidQuery

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


def test_a_period_that_ends_before_it_starts_is_refused_before_the_store_opens(
    tmp_path: Path,
) -> None:
    unreachable = "postgresql://nobody@127.0.0.1:1/none"
    result = newsline("timeline", "BY", "--from", "2023", "--to", "2022-06",
                      NEWSLINE_DATABASE_URL=unreachable, NEWSLINE_HOME=str(tmp_path))  # fmt: skip

    assert result.returncode == 1
    assert result.stderr == "error [NL322]: --from 2023 is after --to 2022-06\n"


def test_period_bounds_cover_whole_years_and_months() -> None:
    assert parse_period("2022-02", "2022-02") == (date(2022, 2, 1), date(2022, 2, 28))
    assert parse_period(None, "2024") == (None, date(2024, 12, 31))
    with pytest.raises(InvalidQuery, match="--from 2022-03 is after --to 2022-02"):
        parse_period("2022-03", "2022-02")


def test_format_help_names_every_accepted_format_and_a_bad_one_is_one_line() -> None:
    help_text = format_option(("table", "json"), json="one object").help

    assert help_text == "table (for reading) or json (one object)."
    assert pick_format(" JSON ", ("table", "json")) == "json"
    with pytest.raises(InvalidQuery, match=r"unknown --format 'xml' \(choose from table, json\)"):
        pick_format("xml", ("table", "json"))


def test_examples_give_each_command_its_own_paragraph() -> None:
    assert examples("newsline a", "newsline b", note="Note.") == (
        "Examples:\n\n  newsline a\n\n  newsline b\n\nNote."
    )
    assert examples("newsline a") == "Examples:\n\n  newsline a"
