"""`newsline reprocess`: the articles topic through the current extractor, published as
the extract agent publishes, nothing deleted; folded, it does not double-count."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsline.contracts import problems
from newsline.event_messages import event_message, extraction_message
from newsline.extraction import EXTRACTOR_VERSION, extract
from newsline.publishing import encode_article
from newsline.topics import EVENT_TYPES, articles_topic, event_topic, extractions_topic

from .operations_support import answers, create_topics
from .pipeline_support import consume_all, newsline, pipeline_env, produce
from .store_support import SEED
from .test_pipeline import SEED_EVENTS

pytestmark = pytest.mark.integration


@pytest.fixture
def env(kafka_bootstrap: str, topic_prefix: str, store_url: str, tmp_path: Path) -> dict:
    create_topics(kafka_bootstrap, topic_prefix)
    produce(kafka_bootstrap, articles_topic(topic_prefix), [
        (SEED.id.encode(), encode_article(SEED)),
        (SEED.id.encode(), encode_article(SEED)),  # the same again: ingest drops it
        (b"broken", b"{not json"),  # dead-lettered by ingest: refused again
    ])  # fmt: skip
    return pipeline_env(kafka_bootstrap, topic_prefix, store_url, tmp_path / "home")


def published(env: dict) -> list[tuple[str, bytes, dict]]:
    found = []
    for kind in EVENT_TYPES:
        topic = event_topic(env["NEWSLINE_TOPIC_PREFIX"], kind)
        for record in consume_all(env["KAFKA_BOOTSTRAP_SERVERS"], topic):
            found.append((kind, record.key, json.loads(record.value)))
    return found


def test_reprocess_publishes_what_the_extract_agent_would(env: dict) -> None:
    result = newsline(env, "reprocess")

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith(
        f"reprocessed 1 of 3 article messages with {EXTRACTOR_VERSION} in "
    )
    assert result.stderr.splitlines()[-1].endswith(
        ": 10 event messages published (agreement 2, meeting 1, military 5, sanctions 2); "
        "skipped 1 repeated, 1 refused, 0 failed extraction"
    )
    messages = published(env)
    assert len(messages) == 10
    expected = [event_message(SEED, e, datetime.now(UTC)) for e in extract(SEED)]
    strip = lambda m: {k: v for k, v in m.items() if k != "extracted_at"}  # noqa: E731
    assert sorted(map(strip, (m for _, _, m in messages)), key=str) == sorted(
        map(strip, expected), key=str
    )
    for kind, key, message in messages:
        assert problems("event.v1", message) == []
        assert message["type"] == kind and key == message["event_id"].encode()
        assert message["extractor"] == EXTRACTOR_VERSION
    keys = {(m["type"], m["subtype"], tuple(m["countries"]), m["date"]) for _, _, m in messages}
    assert keys == SEED_EVENTS


def test_reprocessing_appends_and_the_store_counts_each_article_once(env: dict) -> None:
    for _ in range(2):
        assert newsline(env, "reprocess").returncode == 0

    messages = published(env)
    assert len(messages) == 20  # both runs' mentions stay in the log
    articles = consume_all(
        env["KAFKA_BOOTSTRAP_SERVERS"], articles_topic(env["NEWSLINE_TOPIC_PREFIX"])
    )
    assert len(articles) == 3  # reprocess never writes to the articles topic
    assert newsline(env, "rebuild").returncode == 0
    store = answers(env["NEWSLINE_DATABASE_URL"])
    assert {i: d.entry.source_count for i, d in store["events"].items()} == {
        m["event_id"]: 1 for _, _, m in messages
    }
    timeline = newsline(env, "timeline", "BLR")
    assert timeline.stdout.startswith("BLR (Belarus): 7 events"), timeline.stderr


def test_unreachable_broker_is_one_line(tmp_path: Path) -> None:
    env = pipeline_env("127.0.0.1:1", "any.", f"sqlite:///{tmp_path / 'x.db'}", tmp_path)

    result = newsline(env, "reprocess")

    assert result.returncode == 1
    assert result.stderr == (
        "error [NL201]: no Kafka broker answers at KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1\n"
    )


def test_reprocessing_retires_what_an_older_extractor_found_alone(env: dict) -> None:
    prefix, bootstrap = env["NEWSLINE_TOPIC_PREFIX"], env["KAFKA_BOOTSTRAP_SERVERS"]
    old_at = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)
    (visit,) = [e for e in extract(SEED) if e.subtype == "visit"]
    wrong = replace(visit, subtype="summit")  # what an older extractor got wrong
    mention = {**event_message(SEED, wrong, old_at), "extractor": "newsline-rules/0.0.9"}
    old_run = extraction_message(SEED, [wrong], old_at, "newsline-rules/0.0.9")
    produce(bootstrap, event_topic(prefix, "meeting"), [
        (mention["event_id"].encode(), json.dumps(mention).encode()),
    ])  # fmt: skip
    produce(bootstrap, extractions_topic(prefix), [
        (SEED.id.encode(), json.dumps(old_run).encode()),
    ])  # fmt: skip

    assert newsline(env, "reprocess").returncode == 0
    assert newsline(env, "rebuild").returncode == 0

    (record,) = [
        json.loads(r.value)
        for r in consume_all(bootstrap, extractions_topic(prefix))
        if json.loads(r.value)["extractor"] == EXTRACTOR_VERSION
    ]
    assert problems("extraction.v1", record) == [] and len(record["event_ids"]) == 10
    timeline = newsline(env, "timeline", "BLR", "--format", "jsonl")
    shown = {json.loads(line)["event_id"] for line in timeline.stdout.splitlines()}
    assert len(shown) == 7 and mention["event_id"] not in shown
    detail = json.loads(newsline(env, "event", mention["event_id"], "--format", "json").stdout)
    assert detail["source_count"] == 0 and detail["sources"][0]["superseded"]
    table = newsline(env, "event", mention["event_id"]).stdout
    assert "sources (1; 1 superseded by a later extraction of their article)" in table
    assert "not on any timeline" in table
