"""``newsline extract`` prints what score.py reads, and fails in one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsline.cli import app
from newsline.errors import ArticleFormatError

from .extraction_support import SEED, packaged_knowledge_missing

runner = CliRunner()


@pytest.fixture(autouse=True)
def _knowledge():
    reason = packaged_knowledge_missing()
    if reason:
        pytest.skip(reason)


def test_extract_prints_one_json_line_per_article():
    result = runner.invoke(app, ["extract", str(SEED)])
    assert result.exit_code == 0, result.output
    (line,) = result.output.strip().splitlines()
    record = json.loads(line)
    assert set(record) == {"id", "lang", "published", "events"}
    assert record["id"] == "000_98cf7ec9cc4599a5"
    assert record["lang"] == "fr"
    assert record["published"] == "2025-08-20"
    assert {e["type"] for e in record["events"]} >= {"meeting", "agreement", "sanctions"}


def test_table_format_is_for_reading():
    result = runner.invoke(app, ["extract", str(SEED), "--format", "table"])
    assert result.exit_code == 0
    assert result.output.startswith("000_98cf7ec9cc4599a5 [fr]")


def test_bad_input_is_a_newsline_error(tmp_path: Path):
    bad = tmp_path / "broken.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(bad)])
    assert result.exit_code != 0
    assert isinstance(result.exception, ArticleFormatError)
    assert "broken.jsonl:1: not valid JSON" in str(result.exception)
