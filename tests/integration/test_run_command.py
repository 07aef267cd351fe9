"""The README's main command publishes the seed through the real broker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from kafka import KafkaConsumer

from newsline.topics import articles_topic

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def _env(bootstrap: str, prefix: str, home: Path) -> dict[str, str]:
    """The user's environment, but this test's broker, topics and (SQLite) store."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSLINE_DATABASE_URL"}
    return {
        **env,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "NEWSLINE_TOPIC_PREFIX": prefix,
        "NEWSLINE_HOME": str(home),
    }


def test_run_on_seeds_publishes_and_prints_the_timeline(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    env = _env(kafka_bootstrap, topic_prefix, tmp_path)

    result = subprocess.run(
        [sys.executable, "-m", "newsline", "run", "seeds/"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "published 1 article(s)" in result.stderr
    assert "done: ingest 1/1, extract 1/1, timeline 11/11; dead letters 0" in result.stderr
    headings = [line for line in result.stdout.splitlines() if ", oldest first" in line]
    assert headings == [
        "BLR (Belarus): 7 events, oldest first",
        "IRN (Iran): 7 events, oldest first",
        "RUS (Russia): 5 events, oldest first",
        "UKR (Ukraine): 1 event, oldest first",
    ]
    assert (tmp_path / "newsline.db").exists()
    consumer = KafkaConsumer(
        articles_topic(topic_prefix),
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        consumer_timeout_ms=10_000,
    )
    try:
        records = list(consumer)
    finally:
        consumer.close()
    assert [r.key for r in records] == [b"000_98cf7ec9cc4599a5"]
    article = json.loads(records[0].value)
    assert article["published"] == "2025-08-20"
    assert article["author"] == "Mark Trevelyan"
    assert article["text"].startswith("La Biélorussie et l'Iran")


def test_run_keeps_going_past_an_unreadable_file(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    (tmp_path / "broken.jsonl").write_text('{"id": "a", "text": "x", "published": 5}\n')
    (tmp_path / "good.json").write_text(
        json.dumps({"id": "good", "text": "Body.", "published": "2025-01-02"})
    )
    env = _env(kafka_bootstrap, topic_prefix, tmp_path / "home")

    result = subprocess.run(
        [sys.executable, "-m", "newsline", "run", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "refused: " in result.stderr
    assert "broken.jsonl:1: 'published' must be an ISO 8601 date string" in result.stderr
    assert "published 1 article(s)" in result.stderr
    assert "refused: 1" in result.stderr
    assert "no events found in the store" in result.stdout
